"""``parquet``: one row per criterion (depth-first, nested criteria included), as
``eligo batch --format parquet`` writes them; the columns are :data:`SCHEMA` (docs/batch.md).

Each row carries its record (``key``, ``source``, ``trial_id``), its group, its place in the
tree (``depth``, ``parent_id``), its text and span, its quantities, time windows, mentions,
parts and warnings as lists of structs, and the record's demographics (repeated on each row,
so a filter needs no join). A record without criteria has no rows.

pyarrow is imported on first use, not with the registry: ``SCHEMA`` and the struct types
(``QUANTITY``, ``TIME_WINDOW``, ``MENTION``, ``PART``, ``WARNING``) are built when first read.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models import Part, Protocol, Remark
from nlp.export.base import EntryWriter, StreamExporter

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.parquet as pq

ROW_GROUP_ROWS = 20_000
COMPRESSION = "zstd"


@cache
def _types() -> dict[str, Any]:
    import pyarrow as pa

    span = [pa.field("span_start", pa.int32()), pa.field("span_end", pa.int32())]
    quantity = pa.struct(
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
            *span,
        ]
    )
    time_window = pa.struct(
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
            *span,
        ]
    )
    mention = pa.struct(
        [
            pa.field("text", pa.string()),
            pa.field("category", pa.string()),
            pa.field("assertion", pa.string()),
            pa.field("result", pa.string()),
            *span,
        ]
    )
    part = pa.struct(
        [
            pa.field("text", pa.string()),
            pa.field("cue", pa.string()),
            *span,
        ]
    )
    warning = pa.struct(
        [
            pa.field("code", pa.string()),
            pa.field("message", pa.string()),
            pa.field("criterion_id", pa.string()),
            *span,
        ]
    )
    schema = pa.schema(
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
            *span,
            pa.field("assertion", pa.string()),
            pa.field("logic", pa.string()),
            pa.field("quantities", pa.list_(quantity)),
            pa.field("time_windows", pa.list_(time_window)),
            pa.field("mentions", pa.list_(mention)),
            pa.field("optional", pa.list_(part)),
            pa.field("exceptions", pa.list_(part)),
            # lines kept that are not criteria (``cue`` holds the remark's kind: preamble, ...)
            pa.field("remarks", pa.list_(part)),
            pa.field("group_remarks", pa.list_(part)),  # repeated on each row of the group
            # the warnings about this criterion, and those about the record as a whole (W105
            # "no inclusion/exclusion heading", repeated on each of its rows, like the
            # demographics)
            pa.field("warnings", pa.list_(warning)),
            pa.field("record_warnings", pa.list_(warning)),
            # the record's demographics, repeated on each of its rows (filters without a join)
            pa.field("min_age", pa.float64()),
            pa.field("min_age_unit", pa.string()),
            pa.field("max_age", pa.float64()),
            pa.field("max_age_unit", pa.string()),
            pa.field("sex", pa.string()),
            pa.field("healthy_volunteers", pa.bool_()),
        ]
    )
    return {
        "SCHEMA": schema,
        "QUANTITY": quantity,
        "TIME_WINDOW": time_window,
        "MENTION": mention,
        "PART": part,
        "WARNING": warning,
    }


_LAZY = frozenset({"SCHEMA", "QUANTITY", "TIME_WINDOW", "MENTION", "PART", "WARNING"})


def __getattr__(name: str) -> Any:
    """``SCHEMA`` and the struct types, built (and pyarrow imported) on first use."""
    if name in _LAZY:
        return _types()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def arrow_schema() -> pa.Schema:
    """The columns of a row (:data:`SCHEMA`)."""
    return _types()["SCHEMA"]


# --- rows -------------------------------------------------------------------------------------


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


def rows(
    protocol: Protocol, key: str | None = None, source: str | None = None
) -> list[dict[str, Any]]:
    """One row per criterion, depth-first, in :data:`SCHEMA` (plain dicts: no pyarrow)."""
    out = []
    demographics = _demographic_columns(protocol)
    by_criterion: dict[str | None, list[dict[str, Any]]] = {}
    for w in protocol.warnings:
        by_criterion.setdefault(w.criterion_id, []).append(_spanned(w.model_dump()))
    record_warnings = by_criterion.get(None, [])
    parents: list[str] = []
    for group, item, depth in protocol.iter_criteria():
        del parents[depth:]
        out.append(
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
    return out


# --- files ------------------------------------------------------------------------------------


class TableWriter(EntryWriter):
    """Rows written to one Parquet file in row groups of at least ``row_group_rows`` rows
    (a record's rows are never split); the file is created at the first row group, or at
    :meth:`close` (a file with the columns and no rows)."""

    def __init__(self, path: str | Path, row_group_rows: int = ROW_GROUP_ROWS) -> None:
        self.path = Path(path)
        self.row_group_rows = row_group_rows
        self._writer: pq.ParquetWriter | None = None
        self._rows: list[dict[str, Any]] = []
        self._closed = False

    def write(self, entry: list[dict[str, Any]]) -> None:
        """One record's rows (as :func:`rows` makes them)."""
        self._rows.extend(entry)
        if len(self._rows) >= self.row_group_rows:
            self.flush()

    def flush(self) -> None:
        """The rows held so far as one row group."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, arrow_schema(), compression=COMPRESSION)
        if self._rows:
            self._writer.write_table(pa.Table.from_pylist(self._rows, schema=arrow_schema()))
            self._rows.clear()

    def close(self) -> None:
        if self._closed:
            return
        self.flush()
        assert self._writer is not None
        self._writer.close()
        self._writer = None
        self._closed = True


class ParquetExporter(StreamExporter):
    name = "parquet"
    suffix = ".parquet"
    description = "Parquet, one row per criterion with its record, group and demographics"
    binary = True

    def entry(
        self,
        protocol: Protocol,
        key: str | None = None,
        source: str | None = None,
        *,
        include_text: bool = False,  # rows hold each criterion's text, never the whole text
    ) -> list[dict[str, Any]]:
        return rows(protocol, key, source)

    def open(self, path: str | Path, row_group_rows: int = ROW_GROUP_ROWS) -> TableWriter:
        return TableWriter(path, row_group_rows)

    def dumps(
        self,
        protocols: Sequence[Protocol],
        *,
        sources: Sequence[str | None] | None = None,
        include_text: bool = False,
        **options: Any,
    ) -> bytes:
        """A Parquet file of every protocol's rows, as bytes; ``sources`` as for jsonl."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        table_rows = [row for entry in self.entries(protocols, sources) for row in entry]
        sink = pa.BufferOutputStream()
        table = pa.Table.from_pylist(table_rows, schema=arrow_schema())
        pq.write_table(table, sink, compression=COMPRESSION)
        return sink.getvalue().to_pybytes()

    def schema(self) -> str:
        """The columns, one a line, the fields of a list of structs indented below it."""
        return "".join(_describe(f) for f in arrow_schema())


def _describe(field: Any, indent: str = "") -> str:
    import pyarrow as pa

    kind = field.type
    if pa.types.is_list(kind) and pa.types.is_struct(kind.value_type):
        inner = kind.value_type
        fields = "".join(_describe(inner.field(i), indent + "  ") for i in range(inner.num_fields))
        return f"{indent}{field.name}: list of struct\n{fields}"
    return f"{indent}{field.name}: {kind}\n"


EXPORTER = ParquetExporter()
