"""Parse time against input size, for hostile and ordinary shapes: linear means a ratio near 2.

Each shape is a text built at size n, 2n and 4n (a run of spaces before a limit, brackets,
percent signs, quotes, a long item, many items, deep nesting, a list of ordinary criteria). The
parse is timed (fastest of three, after a warm-up parse) and the ratio of each doubling is
printed; a ratio above ``--limit`` (default 3) marks the shape superlinear and the exit status
is 1. A benchmark, not a test: timings depend on the machine.

    python scripts/growth.py                 # the table
    python scripts/growth.py --base 2000     # larger sizes
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections.abc import Callable

from nlp import get_parser
from nlp.ingest import record_from_text

ITEM = "Platelets >= 100,000/mm3 within 14 days prior to the first dose, except transfusion"

SHAPES: dict[str, Callable[[int], str]] = {
    "spaces before a limit": lambda n: "Inclusion Criteria:\n1. Serum" + " " * n + "level >= 5",
    "tabs before a limit": lambda n: "Inclusion Criteria:\n1. Serum" + "\t" * n + "level >= 5",
    "open brackets": lambda n: "Inclusion Criteria:\n1. " + "(" * n + " Age >= 18",
    "close brackets": lambda n: "Inclusion Criteria:\n1. Age >= 18 " + ")" * n,
    "percent signs": lambda n: "Inclusion Criteria:\n1. HbA1c " + "%" * n,
    "quotes": lambda n: "Inclusion Criteria:\n1. " + '"' * n + " pregnancy",
    "one long item": lambda n: "Inclusion Criteria:\n1. " + " and ".join([ITEM] * (n // 40 + 1)),
    "many items": lambda n: (
        "Inclusion Criteria:\n" + "".join(f"{i}. {ITEM}\n" for i in range(1, n // 40 + 2))
    ),
    "deep nesting": lambda n: (
        "Inclusion Criteria:\n" + "".join("  " * i + f"- item {i}:\n" for i in range(n // 40 + 1))
    ),
    "digits": lambda n: "Inclusion Criteria:\n1. Platelets >= " + "9" * n,
}


def timed(text: str) -> float:
    parser = get_parser()
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        parser.parse_record(record_from_text(text))
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--base", type=int, default=1000, help="the smallest size n (characters)")
    ap.add_argument("--limit", type=float, default=3.0, help="largest ratio still linear")
    args = ap.parse_args(argv)
    get_parser().parse_record(record_from_text("Inclusion Criteria:\n1. Age >= 18"))
    sizes = [args.base, 2 * args.base, 4 * args.base]
    print(f"{'shape':24} " + " ".join(f"{'n=' + str(n):>10}" for n in sizes) + "  ratios")
    bad = []
    for name, make in SHAPES.items():
        times = [timed(make(n)) for n in sizes]
        ratios = [b / a if a > 0 else 0.0 for a, b in itertools.pairwise(times)]
        flag = " superlinear" if max(ratios) > args.limit and times[-1] > 0.05 else ""
        if flag:
            bad.append(name)
        cells = " ".join(f"{t * 1000:8.1f}ms" for t in times)
        print(f"{name:24} {cells}  {' '.join(f'{r:.2f}' for r in ratios)}{flag}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
