"""Batch outputs: JSONL or Parquet results, a JSONL error log, and what ``--resume`` reads back.

Every input record ends in exactly one place: a result (a line of the JSONL output, or its rows
and its key in a Parquet part) or a line of the error log ``OUT.errors.jsonl``.

The bytes and rows come from the exporters (:mod:`nlp.export.jsonl`, :mod:`nlp.export.parquet`,
made in the workers); this module is the file mechanics around them. JSONL output, one line per
record (``nlp.export.jsonl.line``), written whole and flushed chunk by chunk::

    {"key": "NCT01234567@studies/x.jsonl:12", "trial_id": "NCT01234567",
     "source": "studies/x.jsonl:12", "protocol": {...}}

Error log, one line per failed record; ``stage`` is ``read`` (the record could not be read),
``parse`` (the parser failed), ``timeout`` (parsing took longer than the time limit) or
``duplicate`` (a trial id already taken by an earlier record)::

    {"key": ..., "trial_id": ..., "source": "studies/x.jsonl:13", "stage": "read",
     "code": "E102", "reason": "malformed JSON (Expecting value at column 1)"}

``code`` is the error code (docs/errors.md): E101-E108 for a record that could not be read,
E404 for a parse failure, E405 for a timeout, E406 for a duplicate.

Resume: a JSONL file written by an interrupted run may end in a torn line (a process killed in
the middle of a write); :func:`repair_tail` cuts it off before anything is appended, and the keys
of the whole lines are the records already done. Parquet output is a directory of part files,
see :class:`ParquetWriter`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from nlp.errors import E_GENERIC
from nlp.export import jsonl, parquet


class Done:
    """What earlier runs already wrote: record keys, and trial ids with their first location."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.ids: dict[str, str] = {}

    def add(self, key: str, trial_id: str | None, source: str, claims_id: bool = True) -> None:
        self.keys.add(key)
        if trial_id and claims_id:
            self.ids.setdefault(trial_id, source)


def errors_path(out: Path) -> Path:
    return out.with_name(out.name + ".errors.jsonl")


def repair_tail(path: Path) -> int:
    """Cut a torn last line (no final newline) off ``path``; return the bytes removed."""
    if not path.exists():
        return 0
    size = path.stat().st_size
    with path.open("rb+") as handle:
        end = size
        while end > 0:
            start = max(0, end - (1 << 16))
            handle.seek(start)
            block = handle.read(end - start)
            nl = block.rfind(b"\n")
            if nl >= 0:
                keep = start + nl + 1
                break
            end = start
        else:
            keep = 0
        if keep != size:
            handle.truncate(keep)
    return size - keep


def _write_all(fd: int, data: bytes) -> None:
    """Write whole lines with as few system calls as the kernel allows."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


class _LineLog:
    """An append-only JSONL file written in whole lines (fresh, or continued after repair)."""

    def __init__(self, path: Path, resume: bool) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.repaired = repair_tail(path) if resume else 0
        flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if resume else os.O_TRUNC)
        self._fd = os.open(path, flags, 0o644)
        self._pending: list[bytes] = []

    def lines(self) -> Iterator[bytes]:
        with self.path.open("rb") as handle:
            yield from handle

    def add(self, line: bytes) -> None:
        self._pending.append(line)

    def flush(self) -> None:
        if self._pending:
            _write_all(self._fd, b"".join(self._pending))
            self._pending.clear()

    def close(self) -> None:
        if self._fd >= 0:
            self.flush()
            os.close(self._fd)
            self._fd = -1


class ErrorLog(_LineLog):
    """``OUT.errors.jsonl``: one line per record that did not make it into the output."""

    def scan(self, done: Done) -> None:
        for raw in self.lines():
            entry = json.loads(raw)
            # a record that was read claimed its trial id, even if its parse failed
            claims_id = entry["stage"] in ("parse", "timeout")
            done.add(entry["key"], entry.get("trial_id"), entry["source"], claims_id)

    def write(
        self,
        key: str,
        trial_id: str | None,
        source: str,
        stage: str,
        reason: str,
        code: str | None = None,
    ) -> None:
        entry = {"key": key, "trial_id": trial_id, "source": source, "stage": stage}
        entry["code"] = code or E_GENERIC
        entry["reason"] = reason
        self.add(json.dumps(entry, ensure_ascii=False).encode() + b"\n")


# --- JSONL results ----------------------------------------------------------------------------


class JsonlWriter(_LineLog):
    """Results as JSON Lines (see the module docstring); ``payload`` is a finished line."""

    def scan(self, done: Done) -> None:
        for raw in self.lines():
            head = jsonl.read_head(raw)
            done.add(head["key"], head["trial_id"], head["source"])

    def write(self, key: str, trial_id: str | None, source: str, payload: Any) -> None:
        self.add(payload)


# --- Parquet results --------------------------------------------------------------------------


def _check_part_schemas(out: Path) -> None:
    """Refuse to resume into parts of another column layout (written by an older Eligo): the
    directory would read back with the new columns silently missing from the old rows."""
    import pyarrow.parquet as pq

    for part in sorted(out.glob("part-*.parquet")):
        if not pq.read_schema(part).remove_metadata().equals(parquet.arrow_schema()):
            raise FileExistsError(
                f"{part}: written with other columns than this version of Eligo writes; "
                "finish the run with the version that started it, or start again with "
                "--overwrite"
            )


class ParquetWriter:
    """Results as a directory of Parquet parts, one row per criterion, written as it goes.

    Rows are written in row groups of ``row_group_rows``; a part is closed after
    ``part_records`` records (and at the end, on Ctrl-C, or when a worker dies). Closing a part
    is what makes it count, in three steps: the part is written as ``_part-NNNNN.parquet.tmp``,
    the keys of its records (also those with no criteria, so no rows) go to
    ``_part-NNNNN.keys.jsonl``, then the part is renamed ``part-NNNNN.parquet``. A part exists
    under its final name only when complete, with its keys beside it. On resume, leftover
    ``.tmp`` files and keys files without their part are deleted, the keys of the complete parts
    are the records done, and new parts continue the numbering. Readers see only
    ``part-*.parquet`` (names starting with ``_`` are ignored by pyarrow, DuckDB globs and
    Spark); the parts in name order hold the records in input order.
    """

    def __init__(
        self,
        out: Path,
        resume: bool,
        row_group_rows: int = parquet.ROW_GROUP_ROWS,
        part_records: int = 20_000,
    ) -> None:
        self.dir = out
        self.row_group_rows = row_group_rows
        self.part_records = part_records
        if out.exists() and not out.is_dir():
            raise FileExistsError(f"{out}: Parquet output is a directory, and this is a file")
        out.mkdir(parents=True, exist_ok=True)
        if not resume:
            for old in out.glob("part-*.parquet"):
                old.unlink()
            for old in out.glob("_part-*"):
                old.unlink()
        for leftover in out.glob("_part-*.parquet.tmp"):
            leftover.unlink()
        for keys in out.glob("_part-*.keys.jsonl"):
            if not self._final(keys).exists():
                keys.unlink()
        if resume:
            _check_part_schemas(out)
        numbers = [int(p.stem.split("-")[1]) for p in out.glob("part-*.parquet")]
        self._next = max(numbers, default=0) + 1
        self._part: parquet.TableWriter | None = None  # the open part, from its first record
        self._keys: list[bytes] = []

    def _final(self, keys: Path) -> Path:
        return keys.with_name(keys.name[1:].replace(".keys.jsonl", ".parquet"))

    def scan(self, done: Done) -> None:
        for keys in sorted(self.dir.glob("_part-*.keys.jsonl")):
            with keys.open("rb") as handle:
                for raw in handle:
                    entry = json.loads(raw)
                    done.add(entry["key"], entry["trial_id"], entry["source"])

    def write(self, key: str, trial_id: str | None, source: str, payload: Any) -> None:
        entry = {"key": key, "trial_id": trial_id, "source": source, "rows": len(payload)}
        self._keys.append(json.dumps(entry, ensure_ascii=False).encode() + b"\n")
        if self._part is None:
            self._part = parquet.TableWriter(self._tmp(), self.row_group_rows)
        self._part.write(payload)
        if len(self._keys) >= self.part_records:
            self._close_part()

    def flush(self) -> None:
        """Rows reach disk in row groups; a part counts only once closed (see the class)."""

    def _tmp(self) -> Path:
        return self.dir / f"_part-{self._next:05d}.parquet.tmp"

    def _close_part(self) -> None:
        if not self._keys:
            return
        assert self._part is not None
        self._part.close()
        self._part = None
        name = f"part-{self._next:05d}"
        keys = self.dir / f"_{name}.keys.jsonl"
        with keys.open("wb") as handle:
            handle.write(b"".join(self._keys))
            handle.flush()
            os.fsync(handle.fileno())
        self._tmp().rename(self.dir / f"{name}.parquet")
        self._keys.clear()
        self._next += 1

    def close(self) -> None:
        self._close_part()


WRITERS: dict[str, type[JsonlWriter] | type[ParquetWriter]] = {
    "jsonl": JsonlWriter,
    "parquet": ParquetWriter,
}
"""The formats ``eligo batch`` writes (:data:`nlp.export.EXPORTERS` has their entries), each
with the file mechanics that let a run resume: whole lines whose head holds the record, or
parts with their keys files."""


def open_output(out: Path, fmt: str, resume: bool) -> JsonlWriter | ParquetWriter:
    writer = WRITERS.get(fmt)
    if writer is None:
        raise ValueError(f"unknown output format {fmt!r}; use {' or '.join(WRITERS)}")
    return writer(out, resume)
