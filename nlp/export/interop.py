"""What the interoperable exports (``fhir``, ``omop-sql``) share: the parts of a criterion
that state a checkable condition, which time window each part is bound to, and the coverage
count (how many criteria a target expresses fully, partly, or keeps as text only).

Not a format itself (listed in ``_NOT_FORMATS`` of :mod:`nlp.export`). Both targets read a
criterion the same way, so the same criterion is split into the same parts in FHIR and in SQL:

- a **quantity** is a part (a measured limit, or an age);
- a **mention** is a part when it names something that can hold or not by itself: a
  condition, drug, procedure or device, or a test, measurement, observation or biomarker with
  a required ``result``; a measurement named without a result ("ejection fraction" beside
  "EF ≤ 40%") only names what a quantity limits, and is not a part;
- mentions inside an exception or an optional part are not parts (an exception allows, "with or
  without" does not restrict); a mention repeated in a criterion is one part.
"""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from models import Criterion, Group, Mention, Protocol, Quantity, TimeWindow
from nlp.export.base import Exporter

Level = Literal["full", "partial", "text"]

RESULT_CODES = {"positive": ("10828004", "Positive"), "negative": ("260385009", "Negative")}
"""Required test results as SNOMED CT qualifier values (code, display): FHIR writes them, OMOP
finds them as Meas Value concepts; other results are not expressed."""

STANDALONE_CATEGORIES = frozenset({"condition", "drug", "procedure", "device"})
"""Mention categories that state a condition by being present (or absent)."""


@dataclass(frozen=True)
class Part:
    """One checkable part of a criterion: a quantity or a mention, and its time window."""

    quantity: Quantity | None = None
    mention: Mention | None = None
    window: TimeWindow | None = None

    @property
    def label(self) -> str:
        """How the part reads in a note: ``'platelet count < 100000 /mm3'``, ``'asthma'``."""
        if self.quantity is not None:
            return self.quantity.text or self.quantity.measure or "a quantity"
        assert self.mention is not None
        return self.mention.text


@dataclass
class CriterionCoverage:
    """How much of one criterion a target expresses: the parts it wrote, and what it lost."""

    criterion_id: str
    expressed: int = 0
    lost: list[str] = field(default_factory=list)

    @property
    def level(self) -> Level:
        if self.expressed == 0:
            return "text"
        return "partial" if self.lost else "full"


@dataclass
class Coverage:
    """The coverage of an export: one :class:`CriterionCoverage` per criterion, in order."""

    target: str
    criteria: list[CriterionCoverage] = field(default_factory=list)

    def count(self, level: Level) -> int:
        return sum(1 for c in self.criteria if c.level == level)

    def summary(self) -> str:
        """One line: ``fhir: 42 criteria: 5 expressed fully, 12 partly, 25 as text only``."""
        return (
            f"{self.target}: {len(self.criteria)} criteria: {self.count('full')} expressed "
            f"fully, {self.count('partial')} partly, {self.count('text')} as text only"
        )


@dataclass(frozen=True)
class Rendered:
    """An export's text and its coverage."""

    text: str
    coverage: Coverage


class InteropExporter(Exporter):
    """A format written for another system: ``render`` gives the text and its coverage
    (``eligo export`` prints the coverage), ``dumps`` the text alone."""

    @abstractmethod
    def render(self, protocols: Sequence[Protocol], **options: Any) -> Rendered: ...

    def dumps(
        self, protocols: Sequence[Protocol], *, include_text: bool = True, **options: Any
    ) -> str:
        """The export of ``protocols`` (``include_text`` is ignored: criteria texts are always
        written, as descriptions or comments, and the eligibility text never)."""
        return self.render(protocols, **options).text


def _inside(span: tuple[int, int] | None, outer: tuple[int, int] | None) -> bool:
    return span is not None and outer is not None and outer[0] <= span[0] and span[1] <= outer[1]


@cache
def _not_exposure_re() -> re.Pattern[str]:
    from nlp.rulefiles import interop_rules

    words = "|".join(re.escape(w) for w in interop_rules().not_exposure_cues)
    return re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.I)


def not_an_exposure(mention: Mention, text: str, span: tuple[int, int] | None) -> str | None:
    """The cue when a drug is named as what an allergy is to or as a planned treatment
    ("allergy to risperidone", "stable to start risperidone"): not a part (rules/interop.json)."""
    if mention.category != "drug" or mention.span is None or span is None:
        return None
    at = mention.span[0] - span[0]
    if not 0 <= at <= len(text):
        return None
    clause = re.split(r"[;.:]", text[:at])[-1]
    found = _not_exposure_re().search(clause)
    return found.group(0) if found else None


def _names_a_quantity(mention: Mention, quantities: Sequence[Quantity]) -> bool:
    """Whether the mention's words hold a quantity's measure, or the reverse, as whole words
    ("hemoglobin" of "hemoglobin levels"; "EF" is not in "effusion")."""
    text = mention.text.casefold()
    for q in quantities:
        measure = (q.measure or "").casefold()
        if measure and (_holds(measure, text) or _holds(text, measure)):
            return True
    return False


def _holds(words: str, part: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(part)}(?!\w)", words) is not None


def standalone(mention: Mention) -> bool:
    """Whether a mention states a condition by itself (see the module docstring)."""
    return mention.category in STANDALONE_CATEGORIES or mention.result is not None


def criterion_parts(criterion: Criterion) -> list[Part]:
    """The checkable parts of ``criterion``, in text order, each with its time window.

    A window binds to the parts before it since the previous window (``X within 90 days ...
    as well as Y within 1 year``: X to 90 days, Y to 1 year); parts after the last window take
    the last one. Alternative windows (``whichever`` is shorter) bind as their first.
    """
    if criterion_scope(criterion) is not None:
        return []
    set_apart = [p.span for p in (*criterion.exceptions, *criterion.optional)]
    mentions: list[Mention] = []
    seen: set[tuple[str, str]] = set()
    for m in criterion.mentions:
        key = (m.text.casefold(), m.category)
        if key in seen or not standalone(m) or m.assertion == "hypothetical":
            continue
        if any(_inside(m.span, s) for s in set_apart):
            continue
        if _names_a_quantity(m, criterion.quantities):
            continue  # "proteinuria ≥ 1.5 g/day": the quantity is the part
        if not_an_exposure(m, criterion.text, criterion.span):
            continue
        seen.add(key)
        mentions.append(m)
    items: list[Part] = [Part(quantity=q) for q in bounded(criterion.quantities)]
    items += [Part(mention=m) for m in mentions]
    windows = _distinct_windows(criterion.time_windows)
    if not windows:
        return _in_text_order(items)
    return [
        Part(quantity=p.quantity, mention=p.mention, window=_window_for(p, windows))
        for p in _in_text_order(items)
    ]


def _same_measure(a: Quantity, b: Quantity) -> bool:
    if a.codes and b.codes:
        return {(c.system, c.code) for c in a.codes} == {(c.system, c.code) for c in b.codes}
    return bool(a.measure) and (a.measure or "").casefold() == (b.measure or "").casefold()


def bounded(quantities: Sequence[Quantity]) -> list[Quantity]:
    """The quantities, a lower and an upper limit of one measure in one unit joined as a range.

    "UPCR ≥ 1.5 g/g ... and ≤ 7 g/g" is one condition, 1.5 to 7: read as two parts of an
    "any" criterion, the two bounds would let every value through. Only inclusive bounds
    (``>=`` with ``<=``, in either order) join, since a range includes both ends; exclusive
    ones (``>`` with ``<``) stay two parts.
    """
    out = list(quantities)
    for i, low in enumerate(out):
        if low.comparator != ">=" or low.value is None:
            continue
        for j in range(len(out)):
            high = out[j]
            if (
                j != i
                and high.comparator == "<="
                and high.value is not None
                and high.unit == low.unit
                and high.relative_to == low.relative_to
                and _same_measure(low, high)
                and low.value <= high.value
            ):
                out[i] = low.model_copy(
                    update={"comparator": "range", "value": None, "low": low.value,
                            "high": high.value}
                )  # fmt: skip
                del out[j]
                return bounded(out)  # one pair at a time: the indices moved
    return out


def _distinct_windows(windows: Sequence[TimeWindow]) -> list[TimeWindow]:
    """The windows, an alternative of a ``whichever`` pair left out (the first one stands)."""
    out: list[TimeWindow] = []
    for w in windows:
        if w.whichever and out and out[-1].whichever == w.whichever:
            continue
        out.append(w)
    return out


def _start(part: Part) -> int:
    item = part.quantity if part.quantity is not None else part.mention
    span = item.span if item is not None else None
    return span[0] if span else 0


def _in_text_order(parts: list[Part]) -> list[Part]:
    return sorted(parts, key=_start)


def _window_for(part: Part, windows: list[TimeWindow]) -> TimeWindow:
    if len(windows) == 1:
        return windows[0]
    start = _start(part)
    for w in windows:
        if w.span is not None and w.span[0] >= start:
            return w
    return windows[-1]


def unexpressed_windows(
    criterion: Criterion, parts: Sequence[Part], expressed: Sequence[Part]
) -> list[TimeWindow]:
    """Windows of ``criterion`` on none of the ``expressed`` parts (a window of a concept that
    is not expressed, or of no part at all); an alternative of a ``whichever`` pair counts
    with its first."""
    taken = {id(p.window) for p in expressed if p.window is not None}
    return [w for w in _distinct_windows(criterion.time_windows) if id(w) not in taken]


def note_unexpressed_windows(tally: CriterionCoverage, windows: Sequence[TimeWindow]) -> None:
    """Note each window of ``windows`` as lost, unless a note already names it."""
    for w in windows:
        if not any(repr(w.text) in note for note in tally.lost):
            tally.lost.append(f"time window {w.text!r}: on no expressed part")


def children_logic(group: Group) -> Literal["all", "any"]:
    """How a criterion's sub-items combine: each is a criterion of the group's kind, so an
    inclusion needs all of them and an exclusion is met by any ("Major cardiac disease ... as
    defined by: 1. ... 2. ...")."""
    return "all" if group.kind == "inclusion" else "any"


def criterion_scope(criterion: Criterion) -> str | None:
    """The subgroup a criterion is for ("For subjects on B-cell-depleting drugs, ..."): such a
    criterion has no parts, since its consequence alone would hold for everyone."""
    from nlp.quantities.postprocess import leading_scope

    return leading_scope(criterion.text)


def criterion_losses(criterion: Criterion) -> list[str]:
    """What no target expresses, whatever the parts: a criterion for a subgroup, exceptions,
    limits for a subgroup, hypothetical mentions."""
    scope = criterion_scope(criterion)
    if scope is not None:
        return [f"holds only for {scope!r}: a conditional criterion, not expressed"]
    lost = [f"exception not expressed: {p.text!r}" for p in criterion.exceptions]
    lost += [
        f"limit {q.text or q.measure!r} holds only for {q.condition!r}: the restriction is "
        "not expressed"
        for q in criterion.quantities
        if q.condition
    ]
    lost += [
        f"{m.text!r} is hypothetical (planned, expected): not expressed"
        for m in criterion.mentions
        if m.assertion == "hypothetical" and standalone(m)
    ]
    for m in criterion.mentions:
        cue = not_an_exposure(m, criterion.text, criterion.span)
        if cue:
            lost.append(f"{m.text!r} is named after {cue!r}, not as taken: not expressed")
    return list(dict.fromkeys(lost))
