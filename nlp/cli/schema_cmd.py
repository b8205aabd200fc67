"""``eligo schema``: the JSON Schema of the encoding, for editors and validators."""

from __future__ import annotations

import argparse
import sys

from nlp.cli.common import add_command

HELP = """\
Print the JSON Schema of an Eligo encoding (the rule file), generated from the pydantic models.

examples:
  eligo schema > eligo.schema.json
  # then, in a YAML file:  # yaml-language-server: $schema=eligo.schema.json
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(subparsers, "schema", "print the JSON Schema of the encoding", HELP)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from nlp.export import get_exporter

    schema = get_exporter("json").schema()
    assert schema is not None
    sys.stdout.write(schema)
    return 0
