"""``eligo parse``: one record → one rule file (or any format of :mod:`nlp.export`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nlp.cli.common import add_command, add_max_chars_argument, format_list
from nlp.errors import E_BAD_OPTION, EligoError
from nlp.export import EXPORTERS, StreamExporter

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

formats (--format; nlp.export has one module each, a binary one needs -o):
{formats}

exit status: 0 done, 2 the record could not be read (one line on stderr says why).

examples:
  eligo parse                                  the reference trial, YAML on stdout
  eligo parse NCT01234567.json -o rules.yaml   a CT.gov API v2 study
  eligo parse criteria.txt --format json --no-text
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    help_text = HELP.replace("{formats}", format_list(list(EXPORTERS)))
    parser = add_command(subparsers, "parse", "parse one record into a rule file", help_text)
    parser.add_argument("file", nargs="?", type=Path, help="record to parse (default: NKX019-102)")
    parser.add_argument(
        "--format", choices=list(EXPORTERS), default="yaml", help="output format (yaml)"
    )
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

    exporter = EXPORTERS[args.format]
    if exporter.binary and args.output is None:
        raise EligoError(
            f"{args.format} output is binary: write it to a file with -o", E_BAD_OPTION
        )
    if args.file is None:
        source, content = default_source()
        protocol = parse_text(content, input_format=args.input_format, source=source)
    else:
        source = str(args.file)
        protocol = parse_file(
            args.file, input_format=args.input_format, max_chars=args.max_chars or None
        )
    from nlp.errors import SPLIT_WARNINGS

    name = protocol.trial_id or (str(args.file) if args.file else "NCT06557265")
    for w in protocol.warnings:  # the inclusion/exclusion split must never be silently doubtful
        if w.code in SPLIT_WARNINGS:
            where = f" ({w.criterion_id})" if w.criterion_id else ""
            print(f"warning: {name}{where}: {w.code} {w.message}", file=sys.stderr)
    options = {"sources": [source]} if isinstance(exporter, StreamExporter) else {}
    rendered = exporter.dumps([protocol], include_text=not args.no_text, **options)
    if args.output:
        if isinstance(rendered, bytes):
            args.output.write_bytes(rendered)
        else:
            args.output.write_text(rendered, encoding="utf-8")
        print(
            f"wrote {args.output}: {sum(1 for _ in protocol.iter_criteria())} criteria, "
            f"{len(protocol.warnings)} warnings",
            file=sys.stderr,
        )
    else:
        assert isinstance(rendered, str)
        sys.stdout.write(rendered)
    return 0
