"""The span of the limit and the quantities built from one reading: the first, then those it
implies (a split limit, a blood-pressure pair, alternatives, the graded thing after a bare
keyword, the measures sharing the limit)."""

from __future__ import annotations

import re
from typing import Any

from models import Quantity
from nlp.quantities.measures import (
    _NAMELESS,
    _generic_scale,
    _graded_after,
    _list_before,
    _measure_before,
)
from nlp.quantities.numbers import _alternatives
from nlp.quantities.readers.state import _Reading

_SHORT_GAP_RE = re.compile(r"[\s\w()-]{0,30}")
_NAME_BEFORE_PAREN_RE = re.compile(  # the name an abbreviation in brackets stands for
    r"(?:^|[,;:(/]|\b(?:and/or|and|or)\b)\s*([A-Za-z][A-Za-z0-9 '\-]*?)\s*$"
)


def _read_span(r: _Reading) -> None:
    """The span of the limit: from its comparator (or the number), or from the measure when
    the measure is right before it, to where the reading stopped, trailing spaces left out."""
    text, start = r.text, r.limit_start
    measure, ms, me = r.measure, r.measure_start, r.measure_end
    r.adjacent = bool(
        (measure is not None and ms < start and not text[me:start].strip(" :="))
        or (
            measure is not None
            and ms < start
            and _SHORT_GAP_RE.fullmatch(text[me:start])
            and r.kind in ("class", "grade", "stage", "score")
        )
    )
    r.span_start = ms if r.adjacent and ms < start else start
    end = r.pos
    while end > start and text[end - 1].isspace():
        end -= 1
    r.span_end = end


def _quantities(r: _Reading) -> list[Quantity]:
    """The quantity read, then those it implies: the second of a split limit, the diastolic
    of a blood-pressure pair, alternatives, the graded thing, measures sharing the limit."""
    base: dict[str, Any] = {
        "kind": r.kind,
        "comparator": r.comparator,
        "unit": r.unit,
        "relative_to": r.relative,
    }
    if r.comparator == "range":
        base.update(low=r.low, high=r.high)
    else:
        base.update(value=r.value)
    if r.scale_max is not None:
        base["scale_max"] = r.scale_max
    text, span_start, end = r.text, r.span_start, r.span_end
    out = [Quantity(measure=r.measure, text=text[span_start:end], span=(span_start, end), **base)]
    if r.split_to is not None:
        v2, unit2, s2, e2 = r.split_to
        out.append(
            out[0].model_copy(
                update={
                    "comparator": r.split_comparator,
                    "value": v2,
                    "unit": unit2,
                    "text": text[s2:e2],
                    "span": (s2, e2),
                }
            )
        )
        r.pos = max(r.pos, e2)
    if r.diastolic is not None:
        out[0] = out[0].model_copy(update={"notes": "systolic"})
        out.append(out[0].model_copy(update={"value": r.diastolic, "notes": "diastolic"}))
    # alternatives of a class or scale: "Class III or Class IV", "ECOG 0 or 1", "I, II, or III"
    if r.scale and r.comparator == "=":
        more, r.pos = _alternatives(text, r.pos, r.kind, r.measure)
        out.extend(more)
    out = _graded_after_keyword(r, out)
    _add_shared_limit(r, out)
    return out


def _graded_after_keyword(r: _Reading, out: list[Quantity]) -> list[Quantity]:
    """The quantities with the graded thing after a bare keyword as their measure."""
    # "Grade 3 or higher neutropenia": a bare grade/class/stage keyword names nothing, so the
    # graded thing is what follows, unless a noun phrase before it names it
    scale = r.scale
    if scale and r.kind in ("class", "grade", "stage") and _generic_scale(scale.group("kw")):
        kw_start = r.start - len(r.left) + scale.start("kw")
        before, _b, _e = _measure_before(r.text, min(kw_start, r.limit_start), r.floor)
        named = [w for w in (before or "").split() if w.lower() not in _NAMELESS]
        graded = None if named else _graded_after(r.text, r.pos)
        if graded:
            out = [q.model_copy(update={"measure": graded}) for q in out]
    return out


def _add_shared_limit(r: _Reading, out: list[Quantity]) -> None:
    """One more quantity for each measure listed before the one next to the limit, with the
    limit's span (before the diastolic of a pair, which stays last)."""
    # shared limit: "aspartate aminotransferase, alanine aminotransferase, or bilirubin ≥ ..."
    text, measure, ms, me = r.text, r.measure, r.measure_start, r.measure_end
    start, end = r.limit_start, r.span_end
    paren_abbr = measure is not None and ms < start and text[me:start].strip(" :=") == ")"
    if measure and (r.adjacent or paren_abbr) and r.kind == "value":
        list_end = ms
        if text[:ms].rstrip().endswith("("):  # "alkaline phosphatase (ALP) ≤ 3 x ULN"
            named = _NAME_BEFORE_PAREN_RE.search(text, 0, text.rfind("(", 0, ms))
            list_end = named.start(1) if named else ms
        for item, _a, _b in _list_before(text, list_end):
            out.insert(
                len(out) - 1 - (1 if r.diastolic is not None else 0),
                out[0].model_copy(
                    update={"measure": item, "text": text[start:end], "span": (start, end)}
                ),
            )
