"""Build an N-record JSONL input for ``eligo batch`` by sampling the dev corpora.

Each record is about ``--chars`` characters (default 1,000) of real registry criteria: an
"Inclusion Criteria:" list then an "Exclusion Criteria:" list of items drawn at random (seeded)
from the inclusion and exclusion items of the LCT and Chia corpora, bulleted the LCT way
(``  -  item``). Trial ids are synthetic (``SYN0000001`` ...), so they never clash with a real
registry id. The same seed and N give the same file.

    python scripts/make_batch_input.py 20000 -o /tmp/batch-20k.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
from pathlib import Path

_HEADING = re.compile(r"^\s*(inclusion|exclusion)\s+criteria\s*:?\s*$", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s*")


def _items(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        item = _BULLET.sub("", line).strip()
        if len(item) >= 8:
            out.append(item)
    return out


def load_items(root: Path) -> tuple[list[str], list[str]]:
    """Inclusion and exclusion items of the LCT (split at its headings) and Chia corpora."""
    inc: list[str] = []
    exc: list[str] = []
    for path in sorted((root / "lct").glob("*.txt")):
        part = inc
        for line in path.read_text(encoding="utf-8").splitlines():
            if m := _HEADING.match(line):
                part = inc if m.group(1).lower() == "inclusion" else exc
            else:
                part.extend(_items(line))
    for path in sorted((root / "chia").glob("*_inc.txt")):
        inc.extend(_items(path.read_text(encoding="utf-8")))
    for path in sorted((root / "chia").glob("*_exc.txt")):
        exc.extend(_items(path.read_text(encoding="utf-8")))
    return inc, exc


def make_record(rng: random.Random, inc: list[str], exc: list[str], chars: int) -> str:
    parts = ["Inclusion Criteria:"]
    size = len(parts[0])
    while size < chars * 0.45:
        item = "  -  " + rng.choice(inc)
        parts.append(item)
        size += len(item) + 1
    parts.append("Exclusion Criteria:")
    while size < chars:
        item = "  -  " + rng.choice(exc)
        if size + len(item) > chars * 1.3 and len(parts) > 3:
            break
        parts.append(item)
        size += len(item) + 1
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("records", type=int, help="number of records")
    ap.add_argument("-o", "--output", type=Path, required=True)
    ap.add_argument("--chars", type=int, default=1000, help="target characters per record")
    ap.add_argument("--seed", type=int, default=20260)
    ap.add_argument(
        "--corpora",
        type=Path,
        default=os.environ.get("ELIGO_CORPORA"),
        help="folder holding lct/ and chia/ (default: $ELIGO_CORPORA)",
    )
    args = ap.parse_args(argv)
    if args.corpora is None:
        ap.error("no corpora: pass --corpora DIR or set ELIGO_CORPORA (a folder with lct/, chia/)")
    inc, exc = load_items(args.corpora)
    if not inc or not exc:
        print(f"no criteria found under {args.corpora}", file=sys.stderr)
        return 2
    rng = random.Random(args.seed)
    total = 0
    with args.output.open("w", encoding="utf-8") as out:
        for i in range(1, args.records + 1):
            text = make_record(rng, inc, exc, args.chars)
            total += len(text)
            out.write(json.dumps({"nct_id": f"SYN{i:07d}", "criteria": text}) + "\n")
    print(
        f"wrote {args.output}: {args.records} records, {total:,} characters "
        f"({total / max(args.records, 1):.0f} per record)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
