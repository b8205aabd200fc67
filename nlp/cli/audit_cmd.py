"""``eligo audit EXPECTED ACTUAL``: compare two encodings of one trial, family by family."""

from __future__ import annotations

import argparse
import sys

from nlp.audit.report import add_min_f1_argument
from nlp.cli.common import add_command

HELP = """\
Compare ACTUAL (a rule file under review) with EXPECTED (the reference) and report, for each
field family (structure, quantities, time_windows, assertions, logic, demographics), the
true positives, false positives and false negatives, precision, recall and F1, then every
disagreement grouped by criterion, with the expected criterion id, the span in the
eligibility text and both values.

Each side is an encoding (.yaml/.yml/.json with `groups` or `schema_version`) or a source
record (registry page text, ClinicalTrials.gov JSON or XML), which is parsed first.
Criteria are aligned by id, else by text, else by span, so a hand-made file may use its own
ids. Values are compared semantically: 1.5 g/g = 1.50 g/g, mg/day = mg/d, 9 g/dL = 90 g/L,
6 mo = 26 wk; "QTc" names the same measure as "QT interval corrected for heart rate (QTc)".
See docs/audit.md.

exit status: 0 done, 1 a family's F1 is below --min-f1, 2 an input could not be read.

examples:
  eligo audit manual.yaml record.txt             check a hand-typed rule file against the text
  eligo audit gold/NCT06557265/encoding.yaml gold/NCT06557265/source.txt
  eligo audit expected.yaml actual.yaml --format json > audit.json
  eligo audit expected.yaml actual.yaml --min-f1 0.9     fail (exit 1) below F1 0.9
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "audit",
        "compare a rule file with a reference: scores per field family and every diff",
        HELP,
    )
    parser.add_argument("expected", metavar="EXPECTED", help="reference encoding or record")
    parser.add_argument("actual", metavar="ACTUAL", help="encoding or record under review")
    parser.add_argument(
        "--format", choices=["text", "json"], default="text", help="report format (text)"
    )
    add_min_f1_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from nlp.audit import audit, load_side, render_text
    from nlp.audit.report import exit_for_min_f1

    expected = load_side(args.expected)
    actual = load_side(args.actual)
    report = audit(
        expected, actual, expected_source=str(args.expected), actual_source=str(args.actual)
    )
    if args.format == "json":
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        sys.stdout.write(render_text(report))
    low = report.below(args.min_f1) if args.min_f1 is not None else []
    return exit_for_min_f1("audit", low, args.min_f1)


func = run
