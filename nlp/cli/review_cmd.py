"""``eligo review``: a review page (static HTML) of a parse, an audit, or a batch run."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nlp.cli.common import _non_negative_int, add_command, add_max_chars_argument
from nlp.errors import E_BAD_OPTION, EligoError

HELP = """\
Write a self-contained HTML page for reviewing an encoding: the eligibility text as printed
with every extracted span marked by family (quantities, time windows, concepts by category,
negation/history cues, optional parts and exceptions, remarks), each criterion's card beside
its text (path, quantities, windows, mentions with their codes, assertion, logic), warnings at
the top (a doubtful inclusion/exclusion split first) and counts per family. The page needs no
server and loads nothing; open it in any current browser, or print it. See docs/review.md.

INPUT is a record (parsed first, as by eligo parse) or a rule file that holds its
eligibility text; without INPUT, the embedded reference trial NKX019-102.

--reference R --candidate C: an audit page. The candidate (a rule file under review, or a
record, parsed) is compared with the reference (a rule file or the record's text, parsed), as
eligo audit does; the reference's text is shown with every disagreement marked at its evidence
span and listed on its criterion's card with the field and both values. "only disagreements"
(or page.html#only-disagreements) hides the rest. What the candidate's file does not state is
listed apart on the cards ("not stated"), not counted, unless --strict.

INPUT may also be the JSONL output of eligo batch: -o is then a folder, which gets index.html
(every record with its warning counts, linking to its page) and one page per record. Run the
batch with --include-text for the pages to show the text.

exit status: 0 written, 2 an input could not be read (one line on stderr says why).

examples:
  eligo review -o review.html                        the reference trial NKX019-102
  eligo review NCT01234567.json -o NCT01234567.html
  eligo review --reference record.txt --candidate manual.yaml -o audit.html
  eligo review --reference gold.yaml --candidate parsed.yaml -o audit.html
  eligo review out.jsonl -o review/ --limit 500      an index and 500 pages of a batch run
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers, "review", "write an HTML review page of a parse, an audit or a batch", HELP
    )
    parser.add_argument(
        "input",
        nargs="?",
        type=Path,
        metavar="INPUT",
        help="record, rule file or batch JSONL (default: NKX019-102)",
    )
    parser.add_argument(
        "--reference", type=Path, metavar="R", help="audit: the reference encoding or record"
    )
    parser.add_argument(
        "--candidate", type=Path, metavar="C", help="audit: the encoding (or record) under review"
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="audit: count what the candidate does not state as disagreements",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        help="the page to write (a folder for a batch run)",
    )
    parser.add_argument(
        "--limit",
        type=_non_negative_int,
        metavar="N",
        help="batch: pages for the first N records only",
    )
    add_max_chars_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from nlp.review import is_batch_output, review_audit, review_batch, review_input

    if (args.reference is None) != (args.candidate is None):
        raise EligoError("--reference and --candidate go together", E_BAD_OPTION)
    if args.reference is not None:
        if args.input is not None:
            raise EligoError("give INPUT or --reference/--candidate, not both", E_BAD_OPTION)
        summary = review_audit(args.reference, args.candidate, args.output, strict=args.strict)
    elif args.input is not None and is_batch_output(args.input):
        summary = review_batch(args.input, args.output, limit=args.limit)
    else:
        summary = review_input(args.input, args.output, max_chars=args.max_chars or None)
    print(summary, file=sys.stderr)
    return 0
