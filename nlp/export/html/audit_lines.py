"""The one place the review page reads an audit: its disagreements as :class:`AuditLine` s.

The page needs, of each disagreement, only its family, kind, field, the reference's and the
candidate's values, the part of the criterion concerned, the criterion ids and the evidence span
(in the reference's eligibility text). :func:`lines_of` reads them from an audit report's plain
data (``report.model_dump()``), accepting the present names (``expected``/``actual``,
``criterion_id``/``actual_id``) and the reference/candidate names the audit is moving to, so the
page does not depend on the report's model beyond these fields.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


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
    anchor: str | None = None
    """The id of its mark on the page, once placed (None: not located in the text)."""

    @property
    def reference_shown(self) -> str:
        return show_value(self.reference)

    @property
    def candidate_shown(self) -> str:
        return show_value(self.candidate)


def show_value(value: Any) -> str:
    """A value as a reviewer reads it: ``(none)`` for a missing one, strings as they are."""
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _first(row: Mapping[str, Any], *names: str) -> Any:
    for name in names:
        if row.get(name) is not None:
            return row[name]
    return None


def lines_of(report: Any) -> list[AuditLine]:
    """The disagreements of an audit report (a pydantic model or its ``model_dump()``)."""
    data: Mapping[str, Any] = report.model_dump() if hasattr(report, "model_dump") else report
    rows: Sequence[Mapping[str, Any]] = data.get("disagreements") or []
    out: list[AuditLine] = []
    for row in rows:
        span = row.get("span")
        out.append(
            AuditLine(
                family=str(row["family"]),
                kind=str(row["kind"]),
                field=str(row["field"]),
                reference=_first(row, "reference", "expected"),
                candidate=_first(row, "candidate", "actual"),
                reference_id=_first(row, "reference_id", "criterion_id"),
                candidate_id=_first(row, "candidate_id", "actual_id"),
                item=row.get("item"),
                span=(int(span[0]), int(span[1])) if span else None,
                evidence=row.get("text"),
            )
        )
    return out


def sources_of(report: Any) -> dict[str, str]:
    """The report's two sources by role (``reference``, ``candidate``), where it names them."""
    data: Mapping[str, Any] = report.model_dump() if hasattr(report, "model_dump") else report
    found = {
        "reference": _first(data, "reference_source", "expected_source"),
        "candidate": _first(data, "candidate_source", "actual_source"),
    }
    return {role: str(src) for role, src in found.items() if src}
