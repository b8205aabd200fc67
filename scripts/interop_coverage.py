"""The coverage of the fhir and omop-sql exports over the reference trial and a folder of
records, as the markdown table of docs/interop.md: criteria expressed fully / partly / as text
only, for each record as ``eligo parse`` writes it (with its concept codes).

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

from interop_fixtures import reference_trial  # noqa: E402

from models import Protocol  # noqa: E402
from nlp import parse_file  # noqa: E402
from nlp.export import EXPORTERS  # noqa: E402
from nlp.export.interop import Coverage, InteropExporter  # noqa: E402

TARGETS = ("fhir", "omop-sql")


def coverage(protocol: Protocol, target: str) -> Coverage:
    exporter = EXPORTERS[target]
    assert isinstance(exporter, InteropExporter)
    return exporter.render([protocol], index_date=dt.date(2026, 6, 1)).coverage


def _cell(c: list[int]) -> str:
    return f"{c[0]} / {c[1]} / {c[2]}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("records", nargs="?", type=Path, default=os.environ.get("ELIGO_RECORDS"))
    args = ap.parse_args()
    rows = [("NCT06557265 (NKX019-102)", reference_trial())]
    if args.records:
        rows += [(p.stem, parse_file(p)) for p in sorted(Path(args.records).glob("NCT*"))]
    print("| trial | criteria | fhir | omop-sql |")
    print("| --- | ---: | --- | --- |")
    totals = {t: [0, 0, 0] for t in TARGETS}
    n_all = 0
    for name, protocol in rows:
        n = sum(1 for _ in protocol.iter_criteria())
        n_all += n
        cells = []
        for target in TARGETS:
            cov = coverage(protocol, target)
            counts = [cov.count("full"), cov.count("partial"), cov.count("text")]
            totals[target] = [a + b for a, b in zip(totals[target], counts, strict=True)]
            cells.append(_cell(counts))
        print(f"| {name} | {n} | " + " | ".join(cells) + " |")
    if len(rows) > 1:
        total_cells = " | ".join(_cell(totals[t]) for t in TARGETS)
        print(f"| **all {len(rows)}** | {n_all} | {total_cells} |")


if __name__ == "__main__":
    main()
