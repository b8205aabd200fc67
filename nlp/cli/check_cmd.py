"""``eligo check [GOLD_DIR]``: parse every gold trial and audit the parser against its gold."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nlp.audit.report import add_min_f1_argument
from nlp.cli.common import add_command
from nlp.errors import E_BAD_OPTION, E_NO_GOLD, InputError

HELP = """\
For every trial folder GOLD_DIR/<ID>/ holding a source record (source.txt, .json or .xml)
and a hand-curated encoding (encoding.yaml), parse the source and audit the result (the
candidate) against the encoding (the reference; see `eligo audit`): a score table per trial,
then the table summed over all trials. Folders without both files are listed as skipped.

GOLD_DIR (or --gold) defaults to ./gold if it exists, else to the gold/ folder of the Eligo
source tree (an editable install).

exit status: 0 done, 1 a family's summed F1 is below --min-f1, 2 no gold found or unreadable.

examples:
  eligo check                                  score the parser against the repo's gold
  eligo check --details                        ... and list every disagreement
  eligo check path/to/gold --min-f1 0.95       fail (exit 1) when a family is below 0.95
  eligo check --format json > check.json
"""

SOURCE_NAMES = ("source.txt", "source.json", "source.xml")
ENCODING_NAMES = ("encoding.yaml", "encoding.yml", "encoding.json")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "check",
        "parse the gold trials and score the parser against their encodings",
        HELP,
    )
    parser.add_argument("gold_dir", nargs="?", metavar="GOLD_DIR", help="folder of gold trials")
    parser.add_argument("--gold", metavar="PATH", help="same as GOLD_DIR")
    parser.add_argument(
        "--format", choices=["text", "json"], default="text", help="report format (text)"
    )
    parser.add_argument(
        "--details", action="store_true", help="list every disagreement of each trial"
    )
    add_min_f1_argument(parser, "any family's summed F1")
    parser.set_defaults(func=run)


def find_gold_dir(given: str | None) -> Path:
    """The gold folder: as given, else ./gold, else gold/ beside the package (editable install)."""
    if given:
        path = Path(given)
        if not path.is_dir():
            raise InputError(f"{path}: no such gold folder", E_NO_GOLD)
        return path
    here = Path.cwd() / "gold"
    if here.is_dir():
        return here
    import nlp

    beside = Path(nlp.__file__).resolve().parent.parent / "gold"
    if beside.is_dir():
        return beside
    raise InputError(
        "no gold folder: pass GOLD_DIR (or --gold PATH), or run from a folder holding gold/",
        E_NO_GOLD,
    )


def _first(folder: Path, names: tuple[str, ...]) -> Path | None:
    return next((folder / n for n in names if (folder / n).is_file()), None)


def trial_folders(gold: Path) -> tuple[list[tuple[str, Path, Path]], list[str]]:
    """(id, source, encoding) for each complete trial folder, and the skipped ones with why."""
    trials: list[tuple[str, Path, Path]] = []
    skipped: list[str] = []
    for folder in sorted(p for p in gold.iterdir() if p.is_dir() and not p.name.startswith(".")):
        source, encoding = _first(folder, SOURCE_NAMES), _first(folder, ENCODING_NAMES)
        if source is None or encoding is None:
            lacking = " and ".join(
                what
                for what, found in (("source", source), ("encoding.yaml", encoding))
                if found is None
            )
            skipped.append(f"{folder.name}: no {lacking}")
            continue
        trials.append((folder.name, source, encoding))
    return trials, skipped


def run(args: argparse.Namespace) -> int:
    from models.audit import CheckReport
    from nlp.audit import (
        audit,
        combine,
        load_encoding,
        overall_of,
        read_side,
        render_table,
        render_text,
    )
    from nlp.audit.report import exit_for_min_f1

    if args.gold and args.gold_dir and Path(args.gold) != Path(args.gold_dir):
        raise InputError(
            f"two gold folders given: {args.gold_dir} and --gold {args.gold}", E_BAD_OPTION
        )
    gold = find_gold_dir(args.gold or args.gold_dir)
    trials, skipped = trial_folders(gold)
    if not trials:
        why = f" ({'; '.join(skipped)})" if skipped else ""
        raise InputError(f"{gold}: no trial folder with a source and an encoding{why}", E_NO_GOLD)

    reports = []
    for trial_id, source, encoding in trials:
        gold_encoding = load_encoding(encoding)
        parsed = read_side(source)
        report = audit(
            gold_encoding,
            parsed.protocol,
            reference_source=str(encoding),
            candidate_source=str(source),
            candidate_parsed=parsed.parsed,
        )
        if report.trial_id is None:
            report.trial_id = trial_id
        reports.append(report)
    families = combine(reports)
    check = CheckReport(
        gold_dir=str(gold),
        trials=reports,
        skipped=skipped,
        families=families,
        overall=overall_of(families),
    )

    if args.format == "json":
        sys.stdout.write(check.model_dump_json(indent=2) + "\n")
    else:
        out = []
        for report in reports:
            if args.details:
                out.append(render_text(report))
            else:
                rows = [*report.families, *([report.overall] if report.overall else [])]
                out += [f"{report.trial_id}  ({report.expected_source})", render_table(rows), ""]
        for line in skipped:
            out.append(f"skipped {line}")
        rows = [*families, check.overall] if check.overall else families
        out += ["", f"All {len(reports)} trial(s) in {gold}:", render_table(rows)]
        sys.stdout.write("\n".join(out) + "\n")

    low = check.below(args.min_f1) if args.min_f1 is not None else []
    return exit_for_min_f1("check", low, args.min_f1)


func = run
