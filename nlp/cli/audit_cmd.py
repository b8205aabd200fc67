"""``eligo audit --reference A --candidate B``: check an encoding against a reference."""

from __future__ import annotations

import argparse
import sys

from nlp.audit.report import add_min_f1_argument
from nlp.cli.common import add_command

HELP = """\
Check the CANDIDATE (what is checked: a rule file written by hand, or any encoding) against
the REFERENCE (what is trusted: the record's text, read by the parser, or a gold or reviewed
encoding), and report for each field family (structure, quantities, time_windows,
assertions, logic, demographics) true positives, false positives, false negatives,
precision, recall and F1, then every disagreement by criterion, with the reference's id,
the span in the eligibility text and both values, then what the candidate does not state.

Each side is detected by its content. A .yaml/.yml file, or a .json file that is not a
ClinicalTrials.gov study, is an encoding and must validate: a misspelt key or a file that
is no encoding stops the audit (exit 2, the key named). Anything else (registry page text,
ClinicalTrials.gov JSON or XML, plain criteria text) is a record, parsed first.

Only what the candidate states is judged: a field or list left out of its file is "not
stated" (listed apart, counted only with --strict). Ids, labels (numbering, bullet glyphs),
headings and spans are presentation and never scored. Criteria are aligned by id, else by
text, else by span. Values compare by meaning: 9 g/dL = 90 g/L, 6 mo = 26 wk, CrCl =
creatinine clearance, ECOG <= 1 = (ECOG = 0 or = 1). See docs/audit.md.

exit status: 0 done, 1 a family's F1 is below --min-f1, 2 an input could not be read.

examples:
  eligo audit --reference record.json --candidate manual.yaml   a hand-written file against the text
  eligo audit --reference gold/NCT06557265/encoding.yaml --candidate manual.yaml
  eligo audit --reference gold.yaml --candidate manual.yaml --strict    silences count as errors
  eligo audit --reference gold.yaml --candidate manual.yaml --format json > audit.json
  eligo audit --reference gold.yaml --candidate manual.yaml --min-f1 0.9   exit 1 below F1 0.9
  eligo schema --template > manual.yaml                          a commented file to start from
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "audit",
        "check a rule file against a reference (the text or an encoding), field by field",
        HELP,
    )
    parser.add_argument(
        "--reference",
        "-r",
        required=True,
        metavar="FILE",
        help="what is trusted: a record (its text, parsed) or an encoding",
    )
    parser.add_argument(
        "--candidate",
        "-c",
        required=True,
        metavar="FILE",
        help="what is checked: an encoding (or a record, parsed)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="count what the candidate does not state as errors",
    )
    parser.add_argument(
        "--format", choices=["text", "json"], default="text", help="report format (text)"
    )
    add_min_f1_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from nlp.audit import audit, read_side, render_text
    from nlp.audit.report import exit_for_min_f1

    reference = read_side(args.reference)
    candidate = read_side(args.candidate)
    report = audit(
        reference.protocol,
        candidate.protocol,
        reference_source=str(args.reference),
        candidate_source=str(args.candidate),
        reference_kind="parsed" if reference.parsed else "encoding",
        candidate_parsed=candidate.parsed,
        strict=args.strict,
    )
    if args.format == "json":
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        sys.stdout.write(render_text(report))
    low = report.below(args.min_f1) if args.min_f1 is not None else []
    return exit_for_min_f1("audit", low, args.min_f1)


func = run
