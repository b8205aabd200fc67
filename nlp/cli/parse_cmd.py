"""``eligo parse``: one record → one rule file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nlp.cli.common import add_command, add_max_chars_argument
from nlp.export import dump_protocol

HELP = """\
Parse one registry record and write its encoding (YAML by default).

FILE may be a registry page scraped to text, a ClinicalTrials.gov API v2 study JSON, a legacy
ClinicalTrials.gov XML record, or plain eligibility text ("Inclusion Criteria: ..."); the format
is detected from the content (force it with --input-format). Without FILE, the embedded
reference trial NKX019-102 (NCT06557265) is parsed.

Warnings about the split into inclusion and exclusion (no heading found, a heading ignored or
doubtful: W105, W109-W113, see docs/warnings.md) are printed on stderr, one line each; every
warning is also in the output's `warnings`.

Limits: eligibility text over --max-chars characters (default 1,000,000; the parser needs about
270 bytes of memory per character) is refused with exit status 2, and so is JSON nested deeper
than about 1,000 levels. One criterion over 1,000,000 characters is kept with its text and a
W106 warning.

exit status: 0 done, 2 the record could not be read (one line on stderr says why).

examples:
  eligo parse                                  the reference trial, YAML on stdout
  eligo parse NCT01234567.json -o rules.yaml   a CT.gov API v2 study
  eligo parse criteria.txt --format json --no-text
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(subparsers, "parse", "parse one record into a rule file", HELP)
    parser.add_argument("file", nargs="?", type=Path, help="record to parse (default: NKX019-102)")
    parser.add_argument("--format", choices=["yaml", "json"], default="yaml", help="output format")
    parser.add_argument(
        "--input-format",
        choices=["page", "ctgov_json", "ctgov_xml", "text"],
        help="force the input format instead of detecting it",
    )
    parser.add_argument("-o", "--output", type=Path, help="write here instead of stdout")
    parser.add_argument(
        "--no-text", action="store_true", help="leave the eligibility text out of the output"
    )
    add_max_chars_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from nlp import default_source, parse_file, parse_text

    if args.file is None:
        source, content = default_source()
        protocol = parse_text(content, input_format=args.input_format, source=source)
    else:
        protocol = parse_file(
            args.file, input_format=args.input_format, max_chars=args.max_chars or None
        )
    from nlp.errors import SPLIT_WARNINGS

    name = protocol.trial_id or (str(args.file) if args.file else "NCT06557265")
    for w in protocol.warnings:  # the inclusion/exclusion split must never be silently doubtful
        if w.code in SPLIT_WARNINGS:
            where = f" ({w.criterion_id})" if w.criterion_id else ""
            print(f"warning: {name}{where}: {w.code} {w.message}", file=sys.stderr)
    rendered = dump_protocol(protocol, args.format, include_text=not args.no_text)
    if args.output:
        args.output.write_text(rendered, encoding="utf-8")
        print(
            f"wrote {args.output}: {sum(1 for _ in protocol.iter_criteria())} criteria, "
            f"{len(protocol.warnings)} warnings",
            file=sys.stderr,
        )
    else:
        sys.stdout.write(rendered)
    return 0
