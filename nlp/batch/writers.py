"""Batch outputs: JSONL or Parquet results, a JSONL error log, and what ``--resume`` reads back.

Every input record ends in exactly one place: a result (a line of the JSONL output, or its rows
and its key in a Parquet part) or a line of the error log ``OUT.errors.jsonl``.

JSONL output, one line per record, written whole and flushed chunk by chunk::

    {"key": "NCT01234567@studies/x.jsonl:12", "trial_id": "NCT01234567",
     "source": "studies/x.jsonl:12", "protocol": {...}}

Error log, one line per failed record; ``stage`` is ``read`` (the record could not be read),
``parse`` (the parser failed), ``timeout`` (parsing took longer than the time limit) or
``duplicate`` (a trial id already taken by an earlier record)::

    {"key": ..., "trial_id": ..., "source": "studies/x.jsonl:13", "stage": "read",
     "reason": "malformed JSON (Expecting value at column 1)"}

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

import pyarrow as pa
import pyarrow.parquet as pq

from models import Part, Protocol, Remark

PROTOCOL_FIELD = b',"protocol":'


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

    def write(self, key: str, trial_id: str | None, source: str, stage: str, reason: str) -> None:
        entry = {"key": key, "trial_id": trial_id, "source": source, "stage": stage}
        entry["reason"] = reason
        self.add(json.dumps(entry, ensure_ascii=False).encode() + b"\n")


# --- JSONL results ----------------------------------------------------------------------------


def jsonl_line(key: str, source: str, protocol: Protocol, include_text: bool) -> bytes:
    """One output line; the record fields come first so resume reads them without the rest."""
    head = json.dumps(
        {"key": key, "trial_id": protocol.trial_id, "source": source},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    body = protocol.model_dump_json(
        exclude_none=True, exclude=None if include_text else {"eligibility_text"}
    )
    return head[:-1].encode() + PROTOCOL_FIELD + body.encode() + b"}\n"


class JsonlWriter(_LineLog):
    """Results as JSON Lines (see the module docstring); ``payload`` is a finished line."""

    def scan(self, done: Done) -> None:
        for raw in self.lines():
            # A JSON string never holds an unescaped `,"protocol":`, so the first one ends the head.
            head = json.loads(raw[: raw.index(PROTOCOL_FIELD)] + b"}")
            done.add(head["key"], head["trial_id"], head["source"])

    def write(self, key: str, trial_id: str | None, source: str, payload: Any) -> None:
        self.add(payload)


# --- Parquet results --------------------------------------------------------------------------

_SPAN = [pa.field("span_start", pa.int32()), pa.field("span_end", pa.int32())]
QUANTITY = pa.struct(
    [
        pa.field("kind", pa.string()),
        pa.field("measure", pa.string()),
        pa.field("comparator", pa.string()),
        pa.field("value", pa.float64()),
        pa.field("low", pa.float64()),
        pa.field("high", pa.float64()),
        pa.field("unit", pa.string()),
        pa.field("relative_to", pa.string()),
        pa.field("scale_max", pa.float64()),
        pa.field("condition", pa.string()),
        pa.field("text", pa.string()),
        *_SPAN,
    ]
)
TIME_WINDOW = pa.struct(
    [
        pa.field("comparator", pa.string()),
        pa.field("value", pa.float64()),
        pa.field("low", pa.float64()),
        pa.field("high", pa.float64()),
        pa.field("unit", pa.string()),
        pa.field("relation", pa.string()),
        pa.field("anchor", pa.string()),
        pa.field("anchor_text", pa.string()),
        pa.field("whichever", pa.string()),
        pa.field("text", pa.string()),
        *_SPAN,
    ]
)
MENTION = pa.struct(
    [
        pa.field("text", pa.string()),
        pa.field("category", pa.string()),
        pa.field("assertion", pa.string()),
        pa.field("result", pa.string()),
        *_SPAN,
    ]
)
PART = pa.struct(
    [
        pa.field("text", pa.string()),
        pa.field("cue", pa.string()),
        *_SPAN,
    ]
)
WARNING = pa.struct(
    [
        pa.field("code", pa.string()),
        pa.field("message", pa.string()),
        pa.field("criterion_id", pa.string()),
        *_SPAN,
    ]
)
SCHEMA = pa.schema(
    [
        pa.field("key", pa.string()),
        pa.field("source", pa.string()),
        pa.field("trial_id", pa.string()),
        pa.field("group_id", pa.string()),
        pa.field("group_kind", pa.string()),
        pa.field("group_label", pa.string()),
        pa.field("cohort", pa.string()),
        pa.field("criterion_id", pa.string()),
        pa.field("label", pa.string()),
        pa.field("depth", pa.int16()),
        pa.field("parent_id", pa.string()),
        pa.field("text", pa.string()),
        *_SPAN,
        pa.field("assertion", pa.string()),
        pa.field("logic", pa.string()),
        pa.field("quantities", pa.list_(QUANTITY)),
        pa.field("time_windows", pa.list_(TIME_WINDOW)),
        pa.field("mentions", pa.list_(MENTION)),
        pa.field("optional", pa.list_(PART)),
        pa.field("exceptions", pa.list_(PART)),
        # lines kept that are not criteria (``cue`` holds the remark's kind: preamble, note, ...)
        pa.field("remarks", pa.list_(PART)),
        pa.field("group_remarks", pa.list_(PART)),  # repeated on each row of the group
        # the warnings about this criterion, and those about the record as a whole (W105 "no
        # inclusion/exclusion heading", repeated on each of its rows, like the demographics)
        pa.field("warnings", pa.list_(WARNING)),
        pa.field("record_warnings", pa.list_(WARNING)),
        # the record's demographics, repeated on each of its rows (filters without a join)
        pa.field("min_age", pa.float64()),
        pa.field("min_age_unit", pa.string()),
        pa.field("max_age", pa.float64()),
        pa.field("max_age_unit", pa.string()),
        pa.field("sex", pa.string()),
        pa.field("healthy_volunteers", pa.bool_()),
    ]
)


def _spanned(data: dict[str, Any]) -> dict[str, Any]:
    span = data.pop("span", None)
    data["span_start"], data["span_end"] = span if span else (None, None)
    return data


def _part_row(part: Part) -> dict[str, Any]:
    span = part.span or (None, None)
    cue = part.cue.text if part.cue else None
    return {"text": part.text, "cue": cue, "span_start": span[0], "span_end": span[1]}


def _remark_row(remark: Remark) -> dict[str, Any]:
    span = remark.span or (None, None)
    return {"text": remark.text, "cue": remark.kind, "span_start": span[0], "span_end": span[1]}


def _demographic_columns(protocol: Protocol) -> dict[str, Any]:
    d = protocol.demographics
    low = d.min_age if d else None
    high = d.max_age if d else None
    return {
        "min_age": low.value if low else None,
        "min_age_unit": low.unit if low else None,
        "max_age": high.value if high else None,
        "max_age_unit": high.unit if high else None,
        "sex": d.sex if d else None,
        "healthy_volunteers": d.healthy_volunteers if d else None,
    }


def protocol_rows(key: str, source: str, protocol: Protocol) -> list[dict[str, Any]]:
    """One row per criterion, depth-first, in the Parquet schema above (built in the worker)."""
    rows = []
    demographics = _demographic_columns(protocol)
    by_criterion: dict[str | None, list[dict[str, Any]]] = {}
    for w in protocol.warnings:
        by_criterion.setdefault(w.criterion_id, []).append(_spanned(w.model_dump()))
    record_warnings = by_criterion.get(None, [])
    parents: list[str] = []
    for group, item, depth in protocol.iter_criteria():
        del parents[depth:]
        rows.append(
            {
                "key": key,
                "source": source,
                "trial_id": protocol.trial_id,
                "group_id": group.id,
                "group_kind": group.kind,
                "group_label": group.label,
                "cohort": group.cohort,
                "criterion_id": item.id,
                "label": item.label,
                "depth": depth,
                "parent_id": parents[-1] if parents else None,
                "text": item.text,
                "span_start": item.span[0] if item.span else None,
                "span_end": item.span[1] if item.span else None,
                "assertion": item.assertion,
                "logic": item.logic,
                "quantities": [_spanned(q.model_dump(exclude={"notes"})) for q in item.quantities],
                "time_windows": [
                    _spanned(t.model_dump(exclude={"notes"})) for t in item.time_windows
                ],
                "mentions": [
                    _spanned(
                        m.model_dump(include={"text", "category", "assertion", "result", "span"})
                    )
                    for m in item.mentions
                ],
                "optional": [_part_row(p) for p in item.optional],
                "exceptions": [_part_row(p) for p in item.exceptions],
                "remarks": [_remark_row(r) for r in item.remarks],
                "group_remarks": [_remark_row(r) for r in group.remarks],
                "warnings": by_criterion.get(item.id, []),
                "record_warnings": record_warnings,
                **demographics,
            }
        )
        parents.append(item.id)
    return rows


def _check_part_schemas(out: Path) -> None:
    """Refuse to resume into parts of another column layout (written by an older Eligo): the
    directory would read back with the new columns silently missing from the old rows."""
    for part in sorted(out.glob("part-*.parquet")):
        if not pq.read_schema(part).remove_metadata().equals(SCHEMA):
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
        row_group_rows: int = 20_000,
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
        self._writer: pq.ParquetWriter | None = None
        self._rows: list[dict[str, Any]] = []
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
        self._rows.extend(payload)
        if len(self._rows) >= self.row_group_rows:
            self._write_rows()
        if len(self._keys) >= self.part_records:
            self._close_part()

    def flush(self) -> None:
        """Rows reach disk in row groups; a part counts only once closed (see the class)."""

    def _tmp(self) -> Path:
        return self.dir / f"_part-{self._next:05d}.parquet.tmp"

    def _write_rows(self) -> None:
        if self._writer is None:
            self._writer = pq.ParquetWriter(self._tmp(), SCHEMA, compression="zstd")
        if self._rows:
            self._writer.write_table(pa.Table.from_pylist(self._rows, schema=SCHEMA))
            self._rows.clear()

    def _close_part(self) -> None:
        if not self._keys:
            return
        self._write_rows()
        assert self._writer is not None
        self._writer.close()
        self._writer = None
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


def open_output(out: Path, fmt: str, resume: bool) -> JsonlWriter | ParquetWriter:
    if fmt == "jsonl":
        return JsonlWriter(out, resume)
    if fmt == "parquet":
        return ParquetWriter(out, resume)
    raise ValueError(f"unknown output format {fmt!r}; use jsonl or parquet")
