"""``eligo schema``: the schema of an output format; by default the JSON Schema of a rule file."""

from __future__ import annotations

import argparse
import sys

from nlp.cli.common import add_command, format_list
from nlp.export import EXPORTERS

HELP = """\
Print the schema of an output format: by default the JSON Schema of an Eligo encoding (the
rule file, YAML or JSON), generated from the pydantic models.

formats with a schema (--format):
{formats}

examples:
  eligo schema > eligo.schema.json
  # then, in a YAML file:  # yaml-language-server: $schema=eligo.schema.json
  eligo schema --format parquet                the columns of eligo batch --format parquet
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    names = [name for name, exporter in EXPORTERS.items() if exporter.has_schema]
    help_text = HELP.replace("{formats}", format_list(names))
    parser = add_command(subparsers, "schema", "print the JSON Schema of the encoding", help_text)
    parser.add_argument("--format", choices=names, default="json", help="output format (json)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    schema = EXPORTERS[args.format].schema()
    assert schema is not None
    sys.stdout.write(schema)
    return 0
