"""``eligo batch``: many records → one encoding or one error line per record, resumable."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from nlp.cli.common import add_command, add_max_chars_argument
from nlp.errors import EligoError

HELP = """\
Parse every record found in INPUT... and write one encoding per record to OUT, streaming:
records are read, parsed and written as they go, so memory stays flat on any input size.

INPUT is any mix of:
  a directory       searched recursively for .txt .json .xml .jsonl .zip (anything
                    `eligo parse` reads); Chia pairs NCTx_inc.txt + NCTx_exc.txt make ONE
                    record "Inclusion Criteria:\\n<inc>\\nExclusion Criteria:\\n<exc>";
                    .ann/.conf files are skipped (LCT and Chia corpora work as they are)
  a .jsonl file     one {"nct_id": ..., "criteria": ...} per line (or eligibility_criteria /
                    eligibilityCriteria; optional min_age, max_age, sex), or one API v2 study
  a .json file      a ClinicalTrials.gov API v2 study, list, or {"studies": [...]} bulk file
  a .zip file       one study JSON per member (the CT.gov bulk download), streamed

Every record ends in exactly one place: a line (jsonl) or rows (parquet) of OUT, or a line of
OUT.errors.jsonl with its key, source (file:line, zip!member, file#N), stage and reason. A
later record with a trial id already seen goes to the errors as a duplicate. With --resume,
records already in OUT or its error log are skipped, so an interrupted run can be continued.
One run at a time on an OUT: while a run holds OUT.lock, a second one is refused (exit 2); the
lock of a run that died is taken over.

exit status: 0 the run completed (failed records are in the error log), 2 a usage error, an
input that does not exist, or OUT in use by another run, 130 interrupted (Ctrl-C).

examples:
  eligo batch /work/shared/corpora/lct -o lct.jsonl
  eligo batch studies.jsonl ctgov.zip -o out.jsonl --workers 2 --summary run.json
  eligo batch studies.jsonl -o out.jsonl --workers 2 --resume      continue after Ctrl-C
  eligo batch studies/ -o out.parquet --format parquet             one row per criterion
  eligo batch studies/ -o out.jsonl --engine dask --scheduler tcp://10.0.0.5:8786
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers, "batch", "parse thousands of records, resumable, with an error log", HELP
    )
    parser.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="files, directories")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="OUT",
        help="output file (directory for parquet)",
    )
    parser.add_argument(
        "--format", choices=["jsonl", "parquet"], default="jsonl", help="output format"
    )
    parser.add_argument(
        "--workers", type=int, default=1, metavar="N", help="parser processes (default 1)"
    )
    parser.add_argument(
        "--resume", action="store_true", help="skip records already in OUT or OUT.errors.jsonl"
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace an existing OUT (without it, an existing OUT is an error)",
    )
    parser.add_argument(
        "--include-text",
        action="store_true",
        help="keep each protocol's eligibility_text in the JSONL output (left out by default)",
    )
    parser.add_argument(
        "--engine", choices=["local", "dask"], default="local", help="where the parsing runs"
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler (tcp://host:8786); without it --engine dask starts a LocalCluster "
        "(Dask is an extra: pip install 'eligo[dask]')",
    )
    parser.add_argument(
        "--summary", type=Path, metavar="FILE", help="also write the summary as JSON"
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="no progress bar, no summary on stderr"
    )
    add_max_chars_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from nlp.batch import run_batch

    if args.workers < 1:
        raise EligoError("--workers must be at least 1")
    if args.scheduler and args.engine != "dask":
        raise EligoError("--scheduler needs --engine dask")
    if args.include_text and args.format == "parquet":
        raise EligoError("--include-text applies to jsonl output only")
    log = None if args.quiet else (lambda message: print(message, file=sys.stderr))
    try:
        summary = run_batch(
            args.inputs,
            args.output,
            fmt=args.format,
            workers=args.workers,
            engine=args.engine,
            scheduler=args.scheduler,
            resume=args.resume,
            overwrite=args.overwrite,
            include_text=args.include_text,
            max_chars=args.max_chars or None,
            progress=not args.quiet and sys.stderr.isatty(),
            log=log,
        )
    except FileExistsError as err:
        raise EligoError(str(err)) from None
    if args.summary:
        args.summary.write_text(summary.to_json(), encoding="utf-8")
    if log:
        log(summary.render())
    if args.resume is False and summary.records_read == 0:
        raise EligoError(f"no records found in {', '.join(map(os.fspath, args.inputs))}")
    return 0
