"""Parse the seed, the corpora and the shared records into one JSONL file per set, for diffing.

A refactor must leave the parser's output byte-identical; a parser change should change only
what it means to. Take a snapshot before and after, then compare::

    python scripts/snapshot.py /tmp/before
    ... change the code ...
    python scripts/snapshot.py /tmp/after
    python scripts/snapshot.py --diff /tmp/before /tmp/after

The corpora and records are found through ``ELIGO_CORPORA`` (a folder holding ``lct/`` and
``chia/``) and ``ELIGO_RECORDS`` (a folder of ClinicalTrials.gov records), or ``--corpora`` /
``--records``; a set whose folder is missing is skipped with a note. Each line holds one
record's source name and its rule file as JSON (``eligibility_text`` left out), or its error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from nlp import default_source
from nlp.export import dump_protocol
from nlp.ingest import Record, read_records, record_from_text, records_from_string
from nlp.parser import Parser


def _seed() -> Iterator[Record]:
    name, content = default_source()
    yield from records_from_string(content, source=name)


def _corpus(folder: Path) -> Iterator[Record]:
    for path in sorted(folder.glob("*.txt")):
        text = path.read_bytes().decode("utf-8")
        yield record_from_text(text, path.name)


def _records(folder: Path) -> Iterator[Record]:
    for path in sorted(folder.iterdir()):
        if path.suffix in (".json", ".xml", ".txt", ".jsonl"):
            yield from read_records(path, on_error=lambda err: None)


def sets(corpora: Path | None, records: Path | None) -> dict[str, Iterator[Record] | str]:
    """Each set's records, or why it is skipped."""
    out: dict[str, Iterator[Record] | str] = {"seed": _seed()}
    for name in ("lct", "chia"):
        folder = corpora / name if corpora else None
        out[name] = _corpus(folder) if folder and folder.is_dir() else f"no {name} folder"
    out["records"] = _records(records) if records and records.is_dir() else "no records folder"
    return out


def write(out_dir: Path, corpora: Path | None, records: Path | None) -> None:
    parser = Parser()
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, recs in sets(corpora, records).items():
        if isinstance(recs, str):
            print(f"{name}: skipped ({recs})", file=sys.stderr)
            continue
        n = 0
        with (out_dir / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
            batch = list(recs)
            for record, result in zip(
                batch, parser.parse_records(batch, errors="return"), strict=True
            ):
                if isinstance(result, Exception):
                    line = {"source": record.source, "error": str(result)}
                else:
                    body = json.loads(dump_protocol(result, "json", include_text=False))
                    line = {"source": record.source, "protocol": body}
                fh.write(json.dumps(line, ensure_ascii=False, sort_keys=False) + "\n")
                n += 1
        print(f"{name}: {n} records", file=sys.stderr)


def diff(before: Path, after: Path, show: int) -> int:
    """Print the records whose output differs; exit 1 when any does."""
    changed = 0
    for path in sorted(before.glob("*.jsonl")):
        other = after / path.name
        if not other.is_file():
            print(f"{path.name}: missing in {after}")
            changed += 1
            continue
        a = path.read_text(encoding="utf-8").splitlines()
        b = other.read_text(encoding="utf-8").splitlines()
        diffs = [(x, y) for x, y in zip(a, b, strict=False) if x != y]
        if len(a) != len(b):
            print(f"{path.name}: {len(a)} records before, {len(b)} after")
        print(f"{path.name}: {len(diffs)} of {len(a)} records differ")
        for x, _ in diffs[:show]:
            print("  " + json.loads(x)["source"])
        changed += len(diffs) + (len(a) != len(b))
    return 1 if changed else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("out", type=Path, nargs="?", help="folder to write <set>.jsonl into")
    ap.add_argument("--corpora", type=Path, default=os.environ.get("ELIGO_CORPORA"))
    ap.add_argument("--records", type=Path, default=os.environ.get("ELIGO_RECORDS"))
    ap.add_argument("--diff", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    ap.add_argument("--show", type=int, default=10, help="differing records to name per set")
    args = ap.parse_args(argv)
    if args.diff:
        return diff(*args.diff, args.show)
    if args.out is None:
        ap.error("give OUT, or --diff BEFORE AFTER")
    corpora = Path(args.corpora) if args.corpora else None
    records = Path(args.records) if args.records else None
    write(args.out, corpora, records)
    return 0


if __name__ == "__main__":
    sys.exit(main())
