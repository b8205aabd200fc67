"""The facts of each field family, and how a pair of facts is judged (see ``nlp.audit``).

Each ``score_*`` function walks the aligned criteria and records into a :class:`Tally`: a
fact stated alike on both sides is a TP; a fact on one side only is a ``missing`` (FN) or
``extra`` (FP) disagreement; a paired fact that differs counts one FN and one FP and lists one
``differs`` disagreement per differing field, with both values.

What the candidate does not state is not held against it: a field (or a whole list: a
criterion written without ``mentions:``) absent from the candidate's file is ``not_stated``,
listed apart and not counted, unless the audit is ``strict``, when it counts as the old
strict audit counted it (a differing field, a missing item). Which fields a candidate file
states is pydantic's ``model_fields_set``; a parsed candidate states everything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from models.audit import FAMILIES, Disagreement, DisagreementKind, FamilyName, FamilyScore
from models.encoding import AgeLimit, Mention, Quantity, TextSpan, TimeWindow
from nlp.audit.align import CriterionAlignment, Entry, shifted
from nlp.audit.compare import (
    contains_text,
    name_overlap,
    norm_anchor,
    same_measure,
    same_name,
    same_text,
    scale_of,
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
    """Counts and disagreements of one audit, and how the candidate is read.

    ``everything_stated``: the candidate is the parser's output (or strictness asks it), so a
    field it leaves empty is a claim, not a silence. ``strict``: not-stated facts count.
    """

    counts: dict[FamilyName, Counts] = field(
        default_factory=lambda: {f: Counts() for f in FAMILIES}
    )
    disagreements: list[Disagreement] = field(default_factory=list)
    everything_stated: bool = False
    strict: bool = False

    def scores(self) -> list[FamilyScore]:
        return [family_score(f, self.counts[f]) for f in FAMILIES]

    def said(self, model: BaseModel | None, name: str) -> bool:
        """Whether the candidate states ``name`` on ``model`` (its file has the key)."""
        return model is None or self.everything_stated or name in model.model_fields_set

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

    def not_stated(self, family: FamilyName, where: Where, fld: str, value: Any, **kw: Any) -> None:
        """A reference fact the candidate is silent on: listed apart; an FN only if strict."""
        if self.strict:
            self.counts[family].fn += 1
        self._add(family, "not_stated", where, field=fld, expected=value, **kw)

    def judge(
        self,
        family: FamilyName,
        where: Where,
        diffs: list[Diff],
        unstated: list[tuple[str, Any]] | None = None,
        **kw: Any,
    ) -> None:
        """One paired fact: TP when ``diffs`` is empty, else FN + FP and one line per field.

        ``unstated`` are the reference's values of fields the candidate leaves out: a line
        each, apart; under ``strict`` they make the pair differ.
        """
        for fld, exp in unstated or []:
            self._add(family, "not_stated", where, field=fld, expected=exp, **dict(kw))
        if not diffs and not (self.strict and unstated):
            self.tp(family)
            return
        self.counts[family].fp += 1
        self.counts[family].fn += 1
        for fld, exp, act in diffs:
            self._add(family, "differs", where, field=fld, expected=exp, actual=act, **dict(kw))

    def optional_fact(
        self,
        family: FamilyName,
        where: Where,
        fld: str,
        exp: Any,
        act: Any,
        stated: bool = True,
        **kw: Any,
    ) -> None:
        """A field that may be null: nothing when both are, else missing / extra / judged;
        ``not_stated`` when the reference has a value the candidate does not state."""
        if exp is None and act is None:
            return
        if not stated:
            if exp is not None:
                self.not_stated(family, where, fld, exp, **kw)
            return
        if act is None:
            self.missing(family, where, fld, exp, **kw)
        elif exp is None:
            self.extra(family, where, fld, act, **kw)
        else:
            self.judge(family, where, [] if exp == act else [(fld, exp, act)], **kw)


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
        # labels (the numbering or bullet glyph as printed), ids and spans are presentation
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
        # the heading as printed (label) is presentation; the cohort is a claim
        unstated: list[tuple[str, Any]] = []
        if not tally.said(other, "cohort"):
            if group.cohort is not None:
                unstated.append(("group.cohort", group.cohort))
        elif not same_name(group.cohort, other.cohort):
            diffs.append(("group.cohort", group.cohort, other.cohort))
        tally.judge(fam, where, diffs, unstated)
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


Unstated = list[tuple[str, Any]]
Judged = tuple[list[Diff], Unstated]


def _amount_diffs(
    e: Quantity | TimeWindow, a: Quantity | TimeWindow, rel_tol: float, tally: Tally
) -> Judged:
    """Unit and amounts. A unit that converts but is another unit, with the same numbers as
    written (``9 g/dL`` against ``9 g/L``), is a ``unit`` disagreement, not three values."""
    diffs: list[Diff] = []
    unstated: Unstated = []
    unit_said = tally.said(a, "unit")
    if not unit_said:
        if e.unit is not None:
            unstated.append(("unit", e.unit))
    elif not units_compatible(e.unit, a.unit):
        diffs.append(("unit", e.unit, a.unit))
    names = ("value", "low", "high")
    amounts = [(n, getattr(e, n), getattr(a, n)) for n in names]
    as_written = all(
        (ev is None) == (av is None) and (ev is None or same_value(ev, None, av, None))
        for _, ev, av in amounts
    )
    other_unit = (
        unit_said and units_compatible(e.unit, a.unit) and not same_value(1, e.unit, 1, a.unit)
    )
    if other_unit and as_written:
        return [*diffs, ("unit", e.unit, a.unit)], unstated
    unit_b = a.unit if unit_said else e.unit
    for name, ev, av in amounts:
        if not same_value(ev, e.unit, av, unit_b, rel_tol):
            diffs.append((name, show_amount(ev, e.unit), show_amount(av, unit_b)))
    return diffs, unstated


def _amounts_agree(e: Quantity | TimeWindow, a: Quantity | TimeWindow, rel_tol: float) -> bool:
    if (e.value, e.low, e.high) == (None, None, None):
        return False
    return all(
        same_value(getattr(e, n), e.unit, getattr(a, n), a.unit or e.unit, rel_tol)
        for n in ("value", "low", "high")
    )


def _field_diff(
    tally: Tally,
    a: BaseModel,
    name: str,
    exp: Any,
    act: Any,
    same: Callable[[Any, Any], bool],
    diffs: list[Diff],
    unstated: Unstated,
    default: Any = None,
) -> None:
    """Judge one field: a diff when stated and not ``same``; not stated when the candidate
    leaves it out and the reference's value is not the field's default."""
    if not tally.said(a, name):
        if exp is not None and exp != default:
            unstated.append((name, exp))
    elif not same(exp, act):
        diffs.append((name, exp, act))


def _equal(x: Any, y: Any) -> bool:
    return bool(x == y)


def quantity_diffs(e: Quantity, a: Quantity, tally: Tally | None = None) -> Judged:
    """Fields of two paired quantities that disagree (each with both values), and the
    reference's values of the fields the candidate does not state."""
    tally = tally or Tally(everything_stated=True)
    diffs: list[Diff] = []
    unstated: Unstated = []
    _field_diff(tally, a, "kind", e.kind, a.kind, _equal, diffs, unstated, default="value")
    _field_diff(
        tally,
        a,
        "measure",
        e.measure,
        a.measure,
        lambda x, y: same_measure(x, e.codes, y, a.codes),
        diffs,
        unstated,
    )
    if e.comparator != a.comparator:
        diffs.append(("comparator", e.comparator, a.comparator))
    more_diffs, more_unstated = _amount_diffs(e, a, QUANTITY_REL_TOL, tally)
    diffs += more_diffs
    unstated += more_unstated
    _field_diff(tally, a, "relative_to", e.relative_to, a.relative_to, same_name, diffs, unstated)
    _field_diff(
        tally,
        a,
        "scale_max",
        e.scale_max,
        a.scale_max,
        lambda x, y: same_value(x, None, y, None),
        diffs,
        unstated,
    )
    return diffs, unstated


def window_diffs(e: TimeWindow, a: TimeWindow, tally: Tally | None = None) -> Judged:
    """Fields of two paired time windows that disagree, and those the candidate leaves out."""
    tally = tally or Tally(everything_stated=True)
    diffs: list[Diff] = []
    unstated: Unstated = []
    _field_diff(tally, a, "comparator", e.comparator, a.comparator, _equal, diffs, unstated)
    more_diffs, more_unstated = _amount_diffs(e, a, TIME_REL_TOL, tally)
    diffs += more_diffs
    unstated += more_unstated
    _field_diff(tally, a, "relation", e.relation, a.relation, _equal, diffs, unstated)
    _field_diff(
        tally,
        a,
        "anchor",
        e.anchor,
        a.anchor,
        lambda x, y: norm_anchor(x) == norm_anchor(y),
        diffs,
        unstated,
    )
    _field_diff(tally, a, "whichever", e.whichever, a.whichever, _equal, diffs, unstated)
    return diffs, unstated


def _item_evidence(
    e: Quantity | TimeWindow | Mention | TextSpan,
    a: Quantity | TimeWindow | Mention | TextSpan,
    shift: int | None,
) -> float:
    return max(span_iou(e.span, shifted(a.span, shift)), text_similarity(e.text, a.text))


Merge = Callable[[list[Any], list[Any]], tuple[list[Any], list[Any], int]]


def _score_items(
    al: CriterionAlignment,
    tally: Tally,
    fam: FamilyName,
    list_name: str,
    score: Callable[[Any, Any], float | None],
    diffs: Callable[[Any, Any], Judged],
    describe: Callable[[Any], str],
    noun: str,
    merge: Merge | None = None,
) -> None:
    """Pair the items of each aligned criterion, then judge pairs and count the leftovers.

    A candidate criterion written without the list (no ``quantities:`` key) states nothing
    about it: the reference's items are not stated. ``merge`` takes out, first, groups of
    items that state one fact together (ECOG ``<= 1`` against ``= 0`` and ``= 1``).
    """
    shown = noun.replace("_", " ")
    for e, a in _criterion_pairs(al):
        where = _where(e, a, al)
        exp_items = list(getattr(e.criterion, list_name)) if e else []
        act_items = list(getattr(a.criterion, list_name)) if a else []
        if a is not None and e is not None and not tally.said(a.criterion, list_name):
            for x in exp_items:
                item = f"{shown} '{describe(x)}'"
                tally.not_stated(fam, where, noun, describe(x), item=item, span=x.span)
            continue
        if merge is not None:
            exp_items, act_items, merged = merge(exp_items, act_items)
            for _ in range(merged):
                tally.tp(fam)
        paired = pairing.pair_best_first(exp_items, act_items, score, in_order=True)
        for x, y in paired.pairs:
            item = f"{shown} '{describe(x)}'"
            found, unstated = diffs(x, y)
            tally.judge(fam, where, found, unstated, item=item, span=x.span or where.span)
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


def scale_values(q: Quantity) -> frozenset[int] | None:
    """The points of an integer scale a limit allows: ECOG ``<= 1`` → {0, 1}; None when the
    measure is no known integer scale (its range is in ``quantity_measures.json``)."""
    scale = scale_of(q.measure)
    if scale is None or scale.low is None or scale.high is None:
        return None
    low, high = int(scale.low), int(scale.high)
    numbers = [x for x in (q.value, q.low, q.high) if x is not None]
    if not numbers or any(x != int(x) for x in numbers):
        return None
    if q.comparator == "range":
        assert q.low is not None and q.high is not None
        points = range(int(q.low), int(q.high) + 1)
    else:
        v = int(q.value or 0)
        points = {
            "=": range(v, v + 1),
            "<=": range(low, v + 1),
            "<": range(low, v),
            ">=": range(v, high + 1),
            ">": range(v + 1, high + 1),
        }[q.comparator]
    return frozenset(p for p in points if low <= p <= high)


def merge_scale_points(
    exp_items: list[Quantity], act_items: list[Quantity]
) -> tuple[list[Quantity], list[Quantity], int]:
    """Take out limits on one integer scale that allow the same points on both sides, when
    one side spells them out: ``<= 1`` is ``= 0`` or ``= 1`` (one fact, a TP)."""
    merged = 0
    scales = {scale_of(q.measure).id for q in exp_items if scale_of(q.measure)}  # type: ignore[union-attr]
    for scale in sorted(scales):

        def on(items: list[Quantity], scale: str = scale) -> list[Quantity]:
            return [q for q in items if (s := scale_of(q.measure)) and s.id == scale]

        exp_q, act_q = on(exp_items), on(act_items)
        if len(exp_q) == len(act_q) or not exp_q or not act_q:
            continue  # one limit each: ordinary pairing compares them field by field
        exp_sets, act_sets = [scale_values(q) for q in exp_q], [scale_values(q) for q in act_q]
        if None in exp_sets or None in act_sets:
            continue
        if frozenset().union(*exp_sets) == frozenset().union(*act_sets):  # type: ignore[arg-type]
            exp_items = [q for q in exp_items if q not in exp_q]
            act_items = [q for q in act_items if q not in act_q]
            merged += 1
    return exp_items, act_items, merged


def score_quantities(al: CriterionAlignment, tally: Tally) -> None:
    def measures(e: Quantity, a: Quantity) -> float:
        if not tally.said(a, "measure") or a.measure is None:
            return 0.5 * units_compatible(e.unit, a.unit)  # a limit the person left unnamed
        if same_measure(e.measure, e.codes, a.measure, a.codes):
            return 1.0
        return name_overlap(e.measure, a.measure)

    def score(e: Quantity, a: Quantity) -> float | None:
        named = measures(e, a)
        evidence = max(_item_evidence(e, a, al.shift), named)
        agree = _amounts_agree(e, a, QUANTITY_REL_TOL)
        if evidence < PAIR_EVIDENCE and not agree:
            if not (named >= PAIR_EVIDENCE and _compatible(e, a, al.shift)):
                return None
            evidence = 0.1  # two anonymous quantities: paired only when nothing else fits
        names = 0.3 * named  # same span, several measures
        return evidence + names + 0.5 * agree + 0.1 * (e.comparator == a.comparator)

    _score_items(
        al,
        tally,
        "quantities",
        "quantities",
        score,
        lambda e, a: quantity_diffs(e, a, tally),
        _describe_quantity,
        "quantity",
        merge=merge_scale_points,
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
        "time_windows",
        score,
        lambda e, a: window_diffs(e, a, tally),
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
        coded = bool({(c.system, c.code) for c in e.codes} & {(c.system, c.code) for c in a.codes})
        if iou <= 0 and name < PAIR_EVIDENCE and not coded and not contains_text(e.text, a.text):
            return None
        return max(iou, name, 0.5) + 0.2 * _asserted(a) + 0.1 * (e.assertion == a.assertion)

    for e, a in _criterion_pairs(al):
        where = _where(e, a, al)
        if e and a:
            ec, ac = e.criterion.assertion, a.criterion.assertion
            if not tally.said(a.criterion, "assertion"):
                if ec != "present":
                    tally.not_stated(fam, where, "assertion", ec)
                else:
                    tally.tp(fam)
            else:
                tally.judge(fam, where, [] if ec == ac else [("assertion", ec, ac)])
        elif e:
            tally.missing(fam, where, "assertion", e.criterion.assertion)
        elif a and tally.said(a.criterion, "assertion"):
            tally.extra(fam, where, "assertion", a.criterion.assertion)
        exp_m = [m for m in e.criterion.mentions if _asserted(m)] if e else []
        if e and a and not tally.said(a.criterion, "mentions"):
            for x in exp_m:
                item = f"mention '{x.text}'"
                tally.not_stated(fam, where, "mention", _mention_value(x), item=item, span=x.span)
            continue
        act_m = list(a.criterion.mentions) if a else []
        paired = pairing.pair_best_first(exp_m, act_m, score, in_order=True)
        for x, y in paired.pairs:
            diffs: list[Diff] = []
            unstated: Unstated = []
            _field_diff(tally, y, "assertion", x.assertion, y.assertion, _equal, diffs, unstated)
            _field_diff(tally, y, "result", x.result, y.result, _equal, diffs, unstated)
            tally.judge(
                fam,
                where,
                [(f"mention.{f}", ex, ac) for f, ex, ac in diffs],
                [
                    (f"mention.{f}", ex)
                    for f, ex in unstated
                    if not (f == "assertion" and ex == "present")
                ],
                item=f"mention '{x.text}'",
                span=x.span,
            )
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


# concepts -------------------------------------------------------------------------------------


def _code_set(codes: list) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for c in codes:
        out.setdefault(c.system, set()).add(c.code)
    return {s: frozenset(v) for s, v in out.items()}


def _show_codes(codes: dict[str, frozenset[str]]) -> str | None:
    shown = [f"{s.rsplit('/', 1)[-1]} {c}" for s, cs in sorted(codes.items()) for c in sorted(cs)]
    return ", ".join(shown) or None


def score_concepts(al: CriterionAlignment, tally: Tally, coded_reference: bool) -> None:
    """The codes of mentions and quantities, where the reference gives codes.

    A reference mention or quantity with codes is one fact: right when the candidate's paired
    item has the same code in each of those systems (a code in another system is not judged),
    missing when it has no code or, for a mention, when none pairs (a quantity that does not
    pair is already the quantities family's miss). In a reference that codes anything
    (``coded_reference``), an item left uncoded means "no exact code", so a candidate code on
    it is extra: a wrong code is worse than none. Elsewhere uncoded items are not judged.
    """
    fam: FamilyName = "concepts"

    def mention_score(e: Mention, a: Mention) -> float | None:
        iou = span_iou(e.span, shifted(a.span, al.shift))
        name = name_overlap(e.text, a.text)
        if iou <= 0 and name < PAIR_EVIDENCE and not contains_text(e.text, a.text):
            return None
        return max(iou, name) + 0.1 * (e.category == a.category)

    def quantity_score(e: Quantity, a: Quantity) -> float | None:
        iou = span_iou(e.span, shifted(a.span, al.shift))
        named = same_measure(e.measure, e.codes, a.measure, a.codes)
        if iou <= 0 and not named:
            return None
        return iou + named

    def judge(e_codes: list, other: Any, item: str, span: Any, where: Where) -> None:
        """``other``: the candidate's paired mention or quantity, or None when none pairs."""
        exp = _code_set(e_codes)
        if other is not None and not tally.said(other, "codes"):
            if exp:
                tally.not_stated(fam, where, "codes", _show_codes(exp), item=item, span=span)
            return
        a_codes = other.codes if other is not None else None
        act = _code_set(a_codes or [])
        if not exp:
            if coded_reference and act:
                tally.extra(fam, where, "codes", _show_codes(act), item=item, span=span)
            return
        if a_codes is None or not act:
            tally.missing(fam, where, "codes", _show_codes(exp), item=item, span=span)
            return
        wrong = {s: c for s, c in exp.items() if not c <= act.get(s, frozenset())}
        shown = {s: act[s] for s in wrong if s in act}
        diffs = [("codes", _show_codes(wrong), _show_codes(shown))] if wrong else []
        tally.judge(fam, where, diffs, item=item, span=span)

    for e, a in _criterion_pairs(al):
        if e is None:
            continue
        where = _where(e, a, al)
        for name, score in (("mentions", mention_score), ("quantities", quantity_score)):
            ref_items = list(getattr(e.criterion, name))
            if a is not None and not tally.said(a.criterion, name):
                for x in ref_items:  # the candidate lists none of them
                    if x.codes:
                        item = _concept_item(x)
                        tally.not_stated(fam, where, "codes", _show_codes(_code_set(x.codes)),
                                         item=item, span=x.span)  # fmt: skip
                continue
            cand_items = list(getattr(a.criterion, name)) if a else []
            paired = pairing.pair_best_first(ref_items, cand_items, score, in_order=True)
            for x, y in paired.pairs:
                judge(x.codes, y, _concept_item(x), x.span, where)
            if name == "mentions":  # a quantity not found is the quantities family's miss
                for x in paired.missing:
                    judge(x.codes, None, _concept_item(x), x.span, where)


def _concept_item(item: Mention | Quantity) -> str:
    if isinstance(item, Mention):
        return f"mention '{item.text}'"
    return f"quantity '{item.measure}'"


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
            fam,
            where,
            "logic",
            e.criterion.logic if e else None,
            a.criterion.logic if a else None,
            stated=tally.said(a.criterion if a else None, "logic"),
        )
        for part in ("optional", "exceptions"):
            exp_parts = getattr(e.criterion, part) if e else []
            if e and a and not tally.said(a.criterion, part):
                for x in exp_parts:
                    tally.not_stated(fam, where, part, x.text, span=x.span)
                continue
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


def score_demographics(expected: Any, actual: Any, tally: Tally, candidate: Any = None) -> None:
    """``candidate`` is the candidate Protocol: a file without ``demographics:`` states none."""
    fam: FamilyName = "demographics"
    where = Where()
    written = candidate is None or tally.said(candidate, "demographics")
    for name in ("min_age", "max_age"):
        e, a = getattr(expected, name), getattr(actual, name)
        stated = written and tally.said(actual, name)
        if e is not None and a is not None:
            same = units_compatible(e.unit, a.unit) and same_value(
                e.value, e.unit, a.value, a.unit, QUANTITY_REL_TOL
            )
            tally.judge(fam, where, [] if same else [(name, _age(e), _age(a))], text=e.text)
        else:
            tally.optional_fact(fam, where, name, _age(e), _age(a), stated=stated)
    for name in ("sex", "healthy_volunteers"):
        stated = written and tally.said(actual, name)
        tally.optional_fact(
            fam, where, name, getattr(expected, name), getattr(actual, name), stated=stated
        )
