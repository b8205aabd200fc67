"""``eligo export``: rule files (or records, parsed first) → a format another system loads."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from nlp.cli.common import add_command, format_list
from nlp.errors import E_BAD_DATE, E_BAD_OPTION, EligoError
from nlp.export import EXPORTERS
from nlp.export.interop import InteropExporter

HELP = """\
Export rule files to a format another system loads: a FHIR R5 EvidenceVariable (a Bundle of
them for several inputs) or an OMOP CDM v5.4 cohort query in SQL (DuckDB, PostgreSQL).

INPUT is a rule file written by `eligo parse` (YAML or JSON: a mapping with `groups` or
`schema_version`) or a registry record, which is parsed first (any input `eligo parse` reads).
Without INPUT, the embedded reference trial NKX019-102 is parsed. Several INPUTs go into one
output (a Bundle; one query each).

Every criterion is in the output: expressed in the target's fields, or kept as its text and
flagged. The coverage (criteria expressed fully, partly, or as text only) is printed on
stderr. Field by field, and what each mapping loses: docs/interop.md.

The OMOP query counts time windows back from --index-date (default: today), the date at which
eligibility is judged; windows before a study event (screening, first dose...) use it.

formats (--to; also any format of eligo parse):
{formats}

exit status: 0 written, 2 an input could not be read or an option is wrong (one line says why).

examples:
  eligo export --to fhir rules.yaml -o NCT06557265.fhir.json
  eligo export --to omop-sql rules.yaml --index-date 2026-06-01 -o cohort.sql
  eligo export --to fhir a.yaml b.yaml -o trials.json    a Bundle of two
  eligo export --to omop-sql NCT01234567.json            a record, parsed first; SQL on stdout
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    names = [n for n, e in EXPORTERS.items() if isinstance(e, InteropExporter)]
    names += [n for n in EXPORTERS if n not in names]
    help_text = HELP.replace("{formats}", format_list(names))
    parser = add_command(subparsers, "export", "export rule files to FHIR or OMOP SQL", help_text)
    parser.add_argument(
        "inputs",
        nargs="*",
        type=Path,
        metavar="INPUT",
        help="rule file or record (default: NKX019-102)",
    )
    parser.add_argument("--to", choices=names, required=True, help="output format")
    parser.add_argument("-o", "--output", type=Path, help="write here instead of stdout")
    parser.add_argument(
        "--index-date",
        metavar="YYYY-MM-DD",
        help="the date eligibility is judged at, for omop-sql (default: today)",
    )
    parser.set_defaults(func=run)


def index_date(text: str | None) -> dt.date | None:
    """``--index-date`` as a date; E502 when it is not one."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise EligoError(f"--index-date {text!r}: not a date (YYYY-MM-DD)", E_BAD_DATE) from None


def run(args: argparse.Namespace) -> int:
    from nlp.export.convert import export_protocols, load_inputs

    exporter = EXPORTERS[args.to]
    date = index_date(args.index_date)
    if date is not None and args.to != "omop-sql":
        raise EligoError(
            f"--index-date is for --to omop-sql ({args.to} has no index date)", E_BAD_OPTION
        )
    if exporter.binary and args.output is None:
        raise EligoError(f"{args.to} output is binary: write it to a file with -o", E_BAD_OPTION)
    protocols = load_inputs(args.inputs)
    rendered, coverage = export_protocols(exporter, protocols, index_date=date)
    if args.output:
        if isinstance(rendered, bytes):
            args.output.write_bytes(rendered)
        else:
            args.output.write_text(rendered, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        assert isinstance(rendered, str)
        sys.stdout.write(rendered)
    if coverage is not None:
        print(coverage.summary(), file=sys.stderr)
    return 0
