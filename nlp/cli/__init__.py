"""The ``eligo`` command: thin argument handling around the library.

Each subcommand lives in its own module ``nlp/cli/<name>_cmd.py`` exposing
``register(subparsers)``, which adds its parser and sets ``func`` to a handler taking the parsed
arguments and returning an exit code. User-facing failures raise :class:`nlp.errors.EligoError`
and are printed here as one line, without a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from nlp.errors import EligoError

COMMANDS = ["parse", "export", "schema", "audit", "check", "eval", "batch", "review"]

DESCRIPTION = """\
Eligo turns the eligibility section of a clinical-trial registry record into a structured,
checkable rule file (YAML or JSON): inclusion/exclusion groups, nested items with their
spans, quantities with UCUM units, time windows with anchors, assertions and logic.

examples:
  eligo parse                          parse the embedded reference trial (NKX019-102)
  eligo parse record.json -o rules.yaml
  eligo export --to fhir rules.yaml -o trial.fhir.json   a FHIR R5 EvidenceVariable
  eligo check                          score the parser against the gold encodings
  eligo audit --reference record.json --candidate manual.yaml
                                       check a hand-written encoding against the text
  eligo batch studies/ -o out.jsonl    parse thousands of records, resumable
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="eligo",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"nlp.cli.{name}_cmd")
        except ModuleNotFoundError as exc:
            if exc.name != f"nlp.cli.{name}_cmd":
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except EligoError as err:
        print(f"eligo {args.command}: error {err.code}: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # a path the user gave that cannot be written or read
        where = f"{err.filename}: " if err.filename else ""
        print(f"eligo {args.command}: error: {where}{err.strerror or err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"eligo {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
