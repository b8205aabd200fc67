"""``eligo eval``: score the parser against an annotated corpus (LCT or Chia)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from nlp.errors import E_BAD_OPTION, E_NO_RECORDS, E_NO_SUCH_FILE, InputError

EPILOG = """\
DIR defaults to $ELIGO_CORPORA/lct or $ELIGO_CORPORA/chia: set ELIGO_CORPORA to the folder
that holds the corpora (lct/, chia/) and name only the corpus.

examples:
  eligo eval --corpus lct tests/fixtures/corpora/lct          the six LCT trials in the repo
  ELIGO_CORPORA=~/corpora eligo eval --corpus lct              the whole corpus
  ELIGO_CORPORA=~/corpora eligo eval --corpus chia --errors 20
  eligo eval --corpus lct ~/corpora/lct --format json > lct.json
  eligo eval --corpus chia DIR --limit 50          first 50 trials (both files of each)

Levels: span (overlap, one-to-one), +operator, +value (numeric), +unit (LCT, where the
annotated unit normalises to UCUM). Matching rules: docs/accuracy.md.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "eval",
        help="precision/recall/F1 against an annotated corpus (LCT, Chia)",
        description="Parse every document of an annotated corpus and report precision, recall "
        "and F1 of quantities, time windows and negation cues, with the most frequent errors.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--corpus", choices=["lct", "chia"], required=True, help="corpus layout")
    parser.add_argument(
        "directory",
        metavar="DIR",
        nargs="?",
        help="folder of .txt + .ann files (default: $ELIGO_CORPORA/<corpus>)",
    )
    parser.add_argument("--format", choices=["text", "json"], default="text", help="report format")
    parser.add_argument(
        "--errors",
        type=int,
        default=10,
        metavar="N",
        help="show the N most frequent error patterns",
    )
    parser.add_argument(
        "--limit", type=int, default=None, metavar="N", help="only the first N documents (trials)"
    )
    parser.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from nlp.evaluate import report, run
    from nlp.evaluate.corpora import CORPORA_ENV, corpus_dir

    if args.limit is not None and args.limit < 1:
        raise InputError(f"--limit must be at least 1 (got {args.limit})", E_BAD_OPTION)
    if args.directory is None:
        found = corpus_dir(args.corpus)
        if found is None:
            raise InputError(
                f"no DIR given and {CORPORA_ENV} does not name a folder holding {args.corpus}/: "
                f"pass the corpus folder, or set {CORPORA_ENV}",
                E_BAD_OPTION,
            )
        directory = found
    else:
        directory = Path(args.directory)
    if not directory.is_dir():
        raise InputError(f"{directory}: not a folder", E_NO_SUCH_FILE)
    if not any(directory.glob("*.txt")):
        raise InputError(f"{directory}: no .txt files", E_NO_RECORDS)
    chia_files = any(directory.glob("*_inc.txt")) or any(directory.glob("*_exc.txt"))
    if chia_files != (args.corpus == "chia"):  # a wrong layout would score a silent zero
        layout = "Chia (_inc.txt/_exc.txt)" if chia_files else "LCT (one .txt per trial)"
        raise InputError(
            f"{directory}: looks like the {layout} layout, not --corpus {args.corpus}", E_BAD_OPTION
        )
    result = run(args.corpus, directory, limit=args.limit)
    if args.format == "json":
        print(json.dumps(report.as_json(result, args.errors), indent=2, ensure_ascii=False))
    else:
        print(report.as_text(result, args.errors))
    return 0
