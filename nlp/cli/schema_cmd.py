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
  eligo schema --template > manual.yaml        a commented minimal encoding to write by hand
  # then, in a YAML file:  # yaml-language-server: $schema=eligo.schema.json
  eligo schema --format parquet                the columns of eligo batch --format parquet
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    names = [name for name, exporter in EXPORTERS.items() if exporter.has_schema]
    help_text = HELP.replace("{formats}", format_list(names))
    parser = add_command(subparsers, "schema", "print the JSON Schema of the encoding", help_text)
    parser.add_argument("--format", choices=names, default="json", help="output format (json)")
    parser.add_argument(
        "--template",
        action="store_true",
        help="print a commented minimal encoding to start a hand-written one from",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.template:
        from importlib.resources import files

        sys.stdout.write(files("nlp").joinpath("data/template.yaml").read_text(encoding="utf-8"))
        return 0
    schema = EXPORTERS[args.format].schema()
    assert schema is not None
    sys.stdout.write(schema)
    return 0
