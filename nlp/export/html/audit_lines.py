"""The one place the review page reads an audit: its disagreements as :class:`AuditLine` s.

The page needs, of each disagreement, only its family, kind, field, the reference's and the
candidate's values, the part of the criterion concerned, the criterion ids and the evidence span
(in the reference's eligibility text); of the report, its sources and warnings (W3xx). They are
read from the report's plain data (``report.model_dump()``, the JSON of ``eligo audit --format
json``), where the reference's value is ``expected`` and the candidate's ``actual``, so the page
depends on the report's data, not on its model.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

NOT_STATED = "not_stated"
"""The kind of a reference fact the candidate's file does not state: listed apart and not an
error, unless the audit is strict (``eligo review --strict``)."""


@dataclass
class AuditLine:
    """One disagreement as the page shows it."""

    family: str
    kind: str
    field: str
    reference: Any
    candidate: Any
    reference_id: str | None
    candidate_id: str | None
    item: str | None
    span: tuple[int, int] | None
    evidence: str | None
    counted: bool = True
    """Whether the audit counts it: every claim that disagrees, and a silence in a strict audit."""
    anchor: str | None = None
    """The id of its mark on the page, once placed (None: not located in the text)."""

    @property
    def reference_shown(self) -> str:
        return show_value(self.reference)

    @property
    def candidate_shown(self) -> str:
        return show_value(self.candidate)

    @property
    def is_error(self) -> bool:
        """Shown as a disagreement (marked in the text): what the audit counts."""
        return self.counted


def show_value(value: Any) -> str:
    """A value as a reviewer reads it: ``(none)`` for a missing one, strings as they are."""
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _data(report: Any) -> Mapping[str, Any]:
    return report.model_dump(mode="json") if hasattr(report, "model_dump") else report


def lines_of(report: Any) -> list[AuditLine]:
    """The disagreements of an audit report (a pydantic model or its plain data)."""
    data = _data(report)
    rows: Sequence[Mapping[str, Any]] = data.get("disagreements") or []
    strict = bool(data.get("strict"))
    out: list[AuditLine] = []
    for row in rows:
        span = row.get("span")
        out.append(
            AuditLine(
                family=str(row["family"]),
                kind=str(row["kind"]),
                field=str(row["field"]),
                reference=row.get("expected"),
                candidate=row.get("actual"),
                reference_id=row.get("criterion_id"),
                candidate_id=row.get("actual_id"),
                item=row.get("item"),
                span=(int(span[0]), int(span[1])) if span else None,
                evidence=row.get("text"),
                counted=strict or row["kind"] != NOT_STATED,
            )
        )
    return out


def sources_of(report: Any) -> dict[str, str]:
    """The report's two files by role (``reference``, ``candidate``), where it names them."""
    data = _data(report)
    found = {"reference": data.get("expected_source"), "candidate": data.get("actual_source")}
    return {role: str(src) for role, src in found.items() if src}


def warnings_of(report: Any) -> list[tuple[str, str]]:
    """``(code, message)`` of the audit's own warnings (W301 other trial, W302 invented)."""
    return [(str(w["code"]), str(w["message"])) for w in _data(report).get("warnings") or []]
