"""``eligo batch``: many records → one encoding or one error line per record, resumable."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

from nlp.cli.common import add_command, add_max_chars_argument, format_list
from nlp.errors import E_BAD_OPTION, E_NO_RECORDS, E_OUTPUT_EXISTS, EligoError
from nlp.limits import MAX_RECORD_CHARS, RECORD_TIMEOUT

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

formats (--format; nlp.export has one module each):
{formats}

Limits: a record over --max-chars characters (default 1,000,000) is logged with stage read; a
record that takes longer than --timeout seconds to parse (default 60) with stage timeout, and
the run goes on. Ctrl-C stops at once, keeps what is written, and prints the counts and the
command that continues the run. Workers exit with the main process, even when it is killed.

exit status: 0 the run completed (failed records are in the error log), 2 a usage error, an
input that does not exist, or OUT in use by another run, 130 interrupted (Ctrl-C).

examples:
  eligo batch corpora/lct -o lct.jsonl                     a folder of .txt files, recursively
  eligo batch studies.jsonl ctgov.zip -o out.jsonl --workers 2 --summary run.json
  eligo batch studies.jsonl -o out.jsonl --workers 2 --resume      continue after Ctrl-C
  eligo batch studies/ -o out.parquet --format parquet             one row per criterion
  eligo batch studies/ -o out.jsonl --engine dask --scheduler tcp://10.0.0.5:8786
"""


def batch_formats() -> list[str]:
    """The formats of :mod:`nlp.export` with one entry per record: what a batch writes."""
    from nlp.export import EXPORTERS, StreamExporter

    return [name for name, e in EXPORTERS.items() if isinstance(e, StreamExporter)]


def register(subparsers: argparse._SubParsersAction) -> None:
    help_text = HELP.replace("{formats}", format_list(batch_formats()))
    parser = add_command(
        subparsers, "batch", "parse thousands of records, resumable, with an error log", help_text
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
        "--format", choices=batch_formats(), default="jsonl", help="output format (jsonl)"
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
    parser.add_argument(
        "--timeout",
        type=float,
        default=RECORD_TIMEOUT,
        metavar="SECONDS",
        help=f"a record taking longer to parse is logged as failed, stage timeout (default "
        f"{RECORD_TIMEOUT:g}; 0: no limit; not enforced with --engine dask)",
    )
    parser.set_defaults(func=run)


def resume_command(args: argparse.Namespace) -> str:
    """The command that continues this run: the same inputs, output and options, --resume."""
    words = ["eligo", "batch", *map(os.fspath, args.inputs), "-o", os.fspath(args.output)]
    options = [
        ("--format", args.format, "jsonl"),
        ("--workers", args.workers, 1),
        ("--engine", args.engine, "local"),
        ("--scheduler", args.scheduler, None),
        ("--max-chars", args.max_chars, MAX_RECORD_CHARS),
        ("--timeout", args.timeout, RECORD_TIMEOUT),
        ("--summary", args.summary and os.fspath(args.summary), None),
    ]
    for flag, value, default in options:
        if value != default:
            words += [flag, f"{value:g}" if isinstance(value, float) else str(value)]
    words += [
        flag for flag, on in (("--include-text", args.include_text), ("-q", args.quiet)) if on
    ]
    return shlex.join([*words, "--resume"])


def run(args: argparse.Namespace) -> int:
    from nlp.batch import Interrupted, run_batch

    if args.workers < 1:
        raise EligoError("--workers must be at least 1", E_BAD_OPTION)
    if args.scheduler and args.engine != "dask":
        raise EligoError("--scheduler needs --engine dask", E_BAD_OPTION)
    if args.include_text and args.format == "parquet":
        raise EligoError("--include-text applies to jsonl output only", E_BAD_OPTION)
    if args.timeout < 0:
        raise EligoError("--timeout must be 0 (no limit) or more seconds", E_BAD_OPTION)
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
            timeout=args.timeout or None,
            progress=not args.quiet and sys.stderr.isatty(),
            log=log,
        )
    except FileExistsError as err:
        raise EligoError(str(err), E_OUTPUT_EXISTS) from None
    except Interrupted as stop:
        if args.summary:
            args.summary.write_text(stop.summary.to_json(), encoding="utf-8")
        if log:
            log(stop.summary.render())
        print(f"eligo batch: interrupted; continue with: {resume_command(args)}", file=sys.stderr)
        return 130
    if args.summary:
        args.summary.write_text(summary.to_json(), encoding="utf-8")
    if log:
        log(summary.render())
    if args.resume is False and summary.records_read == 0:
        raise EligoError(
            f"no records found in {', '.join(map(os.fspath, args.inputs))}", E_NO_RECORDS
        )
    return 0
