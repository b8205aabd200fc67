"""The facts of each field family, and how a pair of facts is judged (see ``nlp.audit``).

Each ``score_*`` function walks the aligned criteria and records into a :class:`Tally`: a
fact stated alike on both sides is a TP; a fact on one side only is a ``missing`` (FN) or
``extra`` (FP) disagreement; a paired fact that differs counts one FN and one FP and lists one
``differs`` disagreement per differing field, with both values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from models.audit import FAMILIES, Disagreement, DisagreementKind, FamilyName, FamilyScore
from models.encoding import AgeLimit, Criterion, Mention, Quantity, TextSpan, TimeWindow
from nlp.audit.align import CriterionAlignment, Entry, shifted
from nlp.audit.compare import (
    contains_text,
    name_overlap,
    norm_anchor,
    norm_label,
    same_name,
    same_text,
    show_amount,
    span_iou,
    text_similarity,
)
from nlp.scoring import (
    QUANTITY_REL_TOL,
    TIME_REL_TOL,
    Counts,
    family_score,
    pairing,
    same_value,
    units_compatible,
)

Diff = tuple[str, Any, Any]
PAIR_EVIDENCE = 0.5
"""Least span IoU / name or text overlap for two quantities (or windows) to be one fact."""


@dataclass
class Where:
    """The criterion a fact belongs to, on both sides, and the evidence to show."""

    criterion_id: str | None = None
    actual_id: str | None = None
    span: tuple[int, int] | None = None
    text: str | None = None


@dataclass
class Tally:
    counts: dict[FamilyName, Counts] = field(
        default_factory=lambda: {f: Counts() for f in FAMILIES}
    )
    disagreements: list[Disagreement] = field(default_factory=list)

    def scores(self) -> list[FamilyScore]:
        return [family_score(f, self.counts[f]) for f in FAMILIES]

    def _add(self, family: FamilyName, kind: DisagreementKind, where: Where, **kw: Any) -> None:
        self.disagreements.append(
            Disagreement(
                family=family,
                kind=kind,
                criterion_id=where.criterion_id,
                actual_id=where.actual_id,
                span=kw.pop("span", None) or where.span,
                text=kw.pop("text", None) or where.text,
                **kw,
            )
        )

    def tp(self, family: FamilyName) -> None:
        self.counts[family].tp += 1

    def missing(self, family: FamilyName, where: Where, fld: str, value: Any, **kw: Any) -> None:
        self.counts[family].fn += 1
        self._add(family, "missing", where, field=fld, expected=value, **kw)

    def extra(self, family: FamilyName, where: Where, fld: str, value: Any, **kw: Any) -> None:
        self.counts[family].fp += 1
        self._add(family, "extra", where, field=fld, actual=value, **kw)

    def judge(self, family: FamilyName, where: Where, diffs: list[Diff], **kw: Any) -> None:
        """One paired fact: TP when ``diffs`` is empty, else FN + FP and one line per field."""
        if not diffs:
            self.tp(family)
            return
        self.counts[family].fp += 1
        self.counts[family].fn += 1
        for fld, exp, act in diffs:
            self._add(family, "differs", where, field=fld, expected=exp, actual=act, **dict(kw))

    def optional_fact(self, family: FamilyName, where: Where, fld: str, exp: Any, act: Any) -> None:
        """A field that may be null: nothing when both are, else missing / extra / judged."""
        if exp is None and act is None:
            return
        if act is None:
            self.missing(family, where, fld, exp)
        elif exp is None:
            self.extra(family, where, fld, act)
        else:
            self.judge(family, where, [] if exp == act else [(fld, exp, act)])


def _where(e: Entry | None, a: Entry | None, al: CriterionAlignment) -> Where:
    if e is not None:
        c = e.criterion
        return Where(c.id, a.criterion.id if a else None, c.span, c.text)
    assert a is not None
    return Where(None, a.criterion.id, shifted(a.criterion.span, al.shift), a.criterion.text)


def _criterion_pairs(al: CriterionAlignment) -> list[tuple[Entry | None, Entry | None]]:
    """Every expected criterion with its partner (or None), then unpaired actual criteria."""
    out: list[tuple[Entry | None, Entry | None]] = [(e, al.actual_of(e)) for e in al.expected]
    out.extend((None, a) for a in al.unpaired_actual())
    return out


# structure ----------------------------------------------------------------------------------


def _group_name(entry: Entry) -> str:
    return f"{entry.group.kind} ({entry.group.id})"


def score_structure(
    al: CriterionAlignment, tally: Tally, exp_groups: list, act_groups: list
) -> None:
    fam: FamilyName = "structure"
    for e, a in _criterion_pairs(al):
        where = _where(e, a, al)
        if a is None:
            assert e is not None
            tally.missing(fam, where, "criterion", e.criterion.text)
            continue
        if e is None:
            tally.extra(fam, where, "criterion", a.criterion.text)
            continue
        diffs: list[Diff] = []
        if al.groups.get(e.group_index) != a.group_index or e.group.kind != a.group.kind:
            diffs.append(("group", _group_name(e), _group_name(a)))
        ep, ap = e.parent, a.parent
        if not (ep is None and ap is None) and (
            ep is None or ap is None or al.pairs.get(ep.index) != ap.index
        ):
            diffs.append(
                ("parent", ep.criterion.id if ep else None, ap.criterion.id if ap else None)
            )
        if norm_label(e.criterion.label) != norm_label(a.criterion.label):
            diffs.append(("label", e.criterion.label, a.criterion.label))
        if e.depth != a.depth:
            diffs.append(("depth", e.depth, a.depth))
        if not same_text(e.criterion.text, a.criterion.text):
            diffs.append(("text", e.criterion.text, a.criterion.text))
        tally.judge(fam, where, diffs)

    for i, group in enumerate(exp_groups):
        where = Where(group.id, None, group.span, group.label)
        j = al.groups.get(i)
        if j is None:
            tally.missing(fam, where, "group", f"{group.kind} ({group.label})")
            continue
        other = act_groups[j]
        where.actual_id = other.id
        diffs = []
        if group.kind != other.kind:
            diffs.append(("group.kind", group.kind, other.kind))
        if not same_text(group.label, other.label) or (group.label is None) != (
            other.label is None
        ):
            diffs.append(("group.label", group.label, other.label))
        if not same_name(group.cohort, other.cohort):
            diffs.append(("group.cohort", group.cohort, other.cohort))
        tally.judge(fam, where, diffs)
    for j, other in enumerate(act_groups):
        if j not in al.groups.values():
            where = Where(None, other.id, shifted(other.span, al.shift), other.label)
            tally.extra(fam, where, "group", f"{other.kind} ({other.label})")


# quantities and time windows ----------------------------------------------------------------


def _describe_quantity(q: Quantity) -> str:
    """``'QTc > 480 ms'``: the quantity's text, or its fields when it has none."""
    if q.text:
        return q.text
    amount = (
        f"{q.low:g}-{show_amount(q.high, q.unit)}"
        if q.comparator == "range" and q.low is not None
        else f"{q.comparator} {show_amount(q.value, q.unit)}"
    )
    return " ".join(p for p in [q.measure or "", amount, q.relative_to or ""] if p)


def _describe_window(w: TimeWindow) -> str:
    if w.text:
        return w.text
    amount = (
        f"{w.low:g}-{show_amount(w.high, w.unit)}"
        if w.low is not None
        else show_amount(w.value, w.unit)
    )
    parts = [w.comparator, amount, w.relation, w.anchor]
    return " ".join(p for p in parts if p)


def _amount_diffs(e: Quantity | TimeWindow, a: Quantity | TimeWindow, rel_tol: float) -> list[Diff]:
    diffs: list[Diff] = []
    if not units_compatible(e.unit, a.unit):
        diffs.append(("unit", e.unit, a.unit))
    for name in ("value", "low", "high"):
        ev, av = getattr(e, name), getattr(a, name)
        if not same_value(ev, e.unit, av, a.unit, rel_tol):
            diffs.append((name, show_amount(ev, e.unit), show_amount(av, a.unit)))
    return diffs


def _amounts_agree(e: Quantity | TimeWindow, a: Quantity | TimeWindow, rel_tol: float) -> bool:
    return (e.value, e.low, e.high) != (None, None, None) and not _amount_diffs(e, a, rel_tol)


def quantity_diffs(e: Quantity, a: Quantity) -> list[Diff]:
    """Fields of two paired quantities that disagree, each with both values."""
    diffs: list[Diff] = []
    if e.kind != a.kind:
        diffs.append(("kind", e.kind, a.kind))
    if not same_name(e.measure, a.measure):
        diffs.append(("measure", e.measure, a.measure))
    if e.comparator != a.comparator:
        diffs.append(("comparator", e.comparator, a.comparator))
    diffs += _amount_diffs(e, a, QUANTITY_REL_TOL)
    if not same_name(e.relative_to, a.relative_to):
        diffs.append(("relative_to", e.relative_to, a.relative_to))
    if not same_value(e.scale_max, None, a.scale_max, None):
        diffs.append(("scale_max", e.scale_max, a.scale_max))
    return diffs


def window_diffs(e: TimeWindow, a: TimeWindow) -> list[Diff]:
    """Fields of two paired time windows that disagree, each with both values."""
    diffs: list[Diff] = []
    if e.comparator != a.comparator:
        diffs.append(("comparator", e.comparator, a.comparator))
    diffs += _amount_diffs(e, a, TIME_REL_TOL)
    if e.relation != a.relation:
        diffs.append(("relation", e.relation, a.relation))
    if norm_anchor(e.anchor) != norm_anchor(a.anchor):
        diffs.append(("anchor", e.anchor, a.anchor))
    if e.whichever != a.whichever:
        diffs.append(("whichever", e.whichever, a.whichever))
    return diffs


def _item_evidence(
    e: Quantity | TimeWindow | Mention | TextSpan,
    a: Quantity | TimeWindow | Mention | TextSpan,
    shift: int | None,
) -> float:
    return max(span_iou(e.span, shifted(a.span, shift)), text_similarity(e.text, a.text))


def _score_items(
    al: CriterionAlignment,
    tally: Tally,
    fam: FamilyName,
    items: Callable[[Criterion], list[Any]],
    score: Callable[[Any, Any], float | None],
    diffs: Callable[[Any, Any], list[Diff]],
    describe: Callable[[Any], str],
    noun: str,
) -> None:
    """Pair the items of each aligned criterion, then judge pairs and count the leftovers."""
    shown = noun.replace("_", " ")
    for e, a in _criterion_pairs(al):
        where = _where(e, a, al)
        exp_items = items(e.criterion) if e else []
        act_items = items(a.criterion) if a else []
        paired = pairing.pair_best_first(exp_items, act_items, score, in_order=True)
        for x, y in paired.pairs:
            item = f"{shown} '{describe(x)}'"
            tally.judge(fam, where, diffs(x, y), item=item, span=x.span or where.span)
        for x in paired.missing:
            item = f"{shown} '{describe(x)}'"
            tally.missing(fam, where, noun, describe(x), item=item, span=x.span)
        for y in paired.extra:
            item = f"{shown} '{describe(y)}'"
            span = shifted(y.span, al.shift)
            tally.extra(fam, where, noun, describe(y), item=item, span=span)


def _compatible(e: Quantity | TimeWindow, a: Quantity | TimeWindow, shift: int | None) -> bool:
    """Nothing tells two items apart: no span or text on one side, or ones that overlap."""
    a_span = shifted(a.span, shift)
    if e.span is not None and a_span is not None and span_iou(e.span, a_span) == 0:
        return False
    return not (e.text and a.text and text_similarity(e.text, a.text) == 0)


def score_quantities(al: CriterionAlignment, tally: Tally) -> None:
    def score(e: Quantity, a: Quantity) -> float | None:
        evidence = max(_item_evidence(e, a, al.shift), name_overlap(e.measure, a.measure))
        agree = _amounts_agree(e, a, QUANTITY_REL_TOL)
        if evidence < PAIR_EVIDENCE and not agree:
            if not (same_name(e.measure, a.measure) and _compatible(e, a, al.shift)):
                return None
            evidence = 0.1  # two anonymous quantities: paired only when nothing else fits
        names = 0.3 * name_overlap(e.measure, a.measure)  # same span, several measures
        return evidence + names + 0.5 * agree + 0.1 * (e.comparator == a.comparator)

    _score_items(
        al,
        tally,
        "quantities",
        lambda c: c.quantities,
        score,
        quantity_diffs,
        _describe_quantity,
        "quantity",
    )


def score_time_windows(al: CriterionAlignment, tally: Tally) -> None:
    def score(e: TimeWindow, a: TimeWindow) -> float | None:
        evidence = _item_evidence(e, a, al.shift)
        agree = _amounts_agree(e, a, TIME_REL_TOL)
        anchor = e.anchor is not None and norm_anchor(e.anchor) == norm_anchor(a.anchor)
        if evidence < PAIR_EVIDENCE and not agree and not anchor:
            if not _compatible(e, a, al.shift):
                return None
            evidence = 0.1
        return evidence + 0.5 * agree + 0.3 * anchor + 0.1 * (e.relation == a.relation)

    _score_items(
        al,
        tally,
        "time_windows",
        lambda c: c.time_windows,
        score,
        window_diffs,
        _describe_window,
        "time_window",
    )


# assertions -----------------------------------------------------------------------------------


def _asserted(m: Mention) -> bool:
    """Mentions this family is about: not plainly present, or carrying a test result."""
    return m.assertion != "present" or m.result is not None


def score_assertions(al: CriterionAlignment, tally: Tally) -> None:
    fam: FamilyName = "assertions"

    def score(e: Mention, a: Mention) -> float | None:
        iou = span_iou(e.span, shifted(a.span, al.shift))
        name = name_overlap(e.text, a.text)
        if iou <= 0 and name < PAIR_EVIDENCE and not contains_text(e.text, a.text):
            return None
        return max(iou, name, 0.5) + 0.2 * _asserted(a) + 0.1 * (e.assertion == a.assertion)

    for e, a in _criterion_pairs(al):
        where = _where(e, a, al)
        if e and a:
            ec, ac = e.criterion.assertion, a.criterion.assertion
            tally.judge(fam, where, [] if ec == ac else [("assertion", ec, ac)])
        elif e:
            tally.missing(fam, where, "assertion", e.criterion.assertion)
        elif a:
            tally.extra(fam, where, "assertion", a.criterion.assertion)
        exp_m = [m for m in e.criterion.mentions if _asserted(m)] if e else []
        act_m = list(a.criterion.mentions) if a else []
        paired = pairing.pair_best_first(exp_m, act_m, score, in_order=True)
        for x, y in paired.pairs:
            diffs: list[Diff] = []
            if x.assertion != y.assertion:
                diffs.append(("mention.assertion", x.assertion, y.assertion))
            if x.result != y.result:
                diffs.append(("mention.result", x.result, y.result))
            tally.judge(fam, where, diffs, item=f"mention '{x.text}'", span=x.span)
        for x in paired.missing:
            value = _mention_value(x)
            tally.missing(fam, where, "mention", value, item=f"mention '{x.text}'", span=x.span)
        for y in paired.extra:
            if _asserted(y):
                tally.extra(
                    fam,
                    where,
                    "mention",
                    _mention_value(y),
                    item=f"mention '{y.text}'",
                    span=shifted(y.span, al.shift),
                )


def _mention_value(m: Mention) -> str:
    return f"{m.text}: {m.assertion}" + (f", result {m.result}" if m.result else "")


# logic ----------------------------------------------------------------------------------------


def score_logic(al: CriterionAlignment, tally: Tally) -> None:
    fam: FamilyName = "logic"

    def score(e: TextSpan, a: TextSpan) -> float | None:
        iou = span_iou(e.span, shifted(a.span, al.shift))
        if iou <= 0 and not contains_text(e.text, a.text):
            return None
        return max(iou, text_similarity(e.text, a.text), 0.1)

    for e, a in _criterion_pairs(al):
        where = _where(e, a, al)
        tally.optional_fact(
            fam, where, "logic", e.criterion.logic if e else None, a.criterion.logic if a else None
        )
        for part in ("optional", "exceptions"):
            exp_parts = getattr(e.criterion, part) if e else []
            act_parts = getattr(a.criterion, part) if a else []
            paired = pairing.pair_best_first(exp_parts, act_parts, score)
            for _ in paired.pairs:
                tally.tp(fam)
            for x in paired.missing:
                tally.missing(fam, where, part, x.text, span=x.span)
            for y in paired.extra:
                tally.extra(fam, where, part, y.text, span=shifted(y.span, al.shift))


# demographics ---------------------------------------------------------------------------------


def _age(limit: AgeLimit | None) -> str | None:
    return None if limit is None else show_amount(limit.value, limit.unit)


def score_demographics(expected: Any, actual: Any, tally: Tally) -> None:
    fam: FamilyName = "demographics"
    where = Where()
    for name in ("min_age", "max_age"):
        e, a = getattr(expected, name), getattr(actual, name)
        if e is not None and a is not None:
            same = units_compatible(e.unit, a.unit) and same_value(
                e.value, e.unit, a.value, a.unit, QUANTITY_REL_TOL
            )
            tally.judge(fam, where, [] if same else [(name, _age(e), _age(a))], text=e.text)
        else:
            tally.optional_fact(fam, where, name, _age(e), _age(a))
    for name in ("sex", "healthy_volunteers"):
        tally.optional_fact(fam, where, name, getattr(expected, name), getattr(actual, name))
