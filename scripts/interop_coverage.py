"""The coverage of the fhir and omop-sql exports over the reference trial and a folder of
records, as the markdown table of docs/interop.md.

Each record is counted twice: as ``eligo parse`` writes it, and with the codes of
:mod:`nlp.concepts.codes` filled in (what the parser writes once it fills ``codes``).

    python scripts/interop_coverage.py [RECORDS]   # RECORDS: default $ELIGO_RECORDS
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from interop_fixtures import coded, reference_trial  # noqa: E402

from nlp import parse_file  # noqa: E402
from nlp.export import EXPORTERS  # noqa: E402

TARGETS = ("fhir", "omop-sql")


def counts(protocol) -> list[tuple[int, int, int]]:
    out = []
    for target in TARGETS:
        coverage = EXPORTERS[target].render([protocol], index_date=dt.date(2026, 6, 1)).coverage
        out.append((coverage.count("full"), coverage.count("partial"), coverage.count("text")))
    return out


def _cell(c: tuple[int, int, int] | list[int]) -> str:
    return f"{c[0]} / {c[1]} / {c[2]}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("records", nargs="?", type=Path, default=os.environ.get("ELIGO_RECORDS"))
    args = ap.parse_args()
    rows = [("NCT06557265 (NKX019-102)", reference_trial())]
    if args.records:
        rows += [(p.stem, parse_file(p)) for p in sorted(Path(args.records).glob("NCT*"))]
    print(
        "| trial | criteria | fhir as parsed | fhir with codes | omop-sql as parsed "
        "| omop-sql with codes |"
    )
    print("| --- | ---: | --- | --- | --- | --- |")
    total = [[0, 0, 0] for _ in range(4)]
    n_all = 0
    for name, protocol in rows:
        n = sum(1 for _ in protocol.iter_criteria())
        n_all += n
        plain, with_codes = counts(protocol), counts(coded(protocol))
        cells = [plain[0], with_codes[0], plain[1], with_codes[1]]
        for acc, cell in zip(total, cells, strict=True):
            for i in range(3):
                acc[i] += cell[i]
        print(f"| {name} | {n} | " + " | ".join(_cell(c) for c in cells) + " |")
    if len(rows) > 1:
        print(f"| **all {len(rows)}** | {n_all} | " + " | ".join(_cell(c) for c in total) + " |")


if __name__ == "__main__":
    main()
