"""Eligo's output as scoreable items, and one-to-one alignment to gold by character overlap.

Predicted families (what in a :class:`models.Protocol` is compared with what):

==================  ============================================================
LCT ``comparison``  quantities that are not ages
LCT ``temporal``    ages (kind ``age``) and time windows that carry a number
Chia ``value``      all quantities, ages included (Chia annotates "aged 18-65" as a Value);
                    a quantity whose text prints no number ("> ULN", value 1) is
                    ``value_novalue`` (LCT: ``comparison_novalue``), set apart as the gold
                    annotations without a number are
Chia ``temporal``   time windows that carry a number (``temporal_novalue``: the others,
                    used only for the secondary all-Temporal span recall)
``negation``        the cue spans of mentions asserted ``negated``, each span once; for Chia
                    also the triggers of exceptions (Chia annotates "except" as Negation)
``negated_concept`` the spans of mentions asserted ``negated`` (for Chia also exception
                    parts), against what the corpus says a Negation negates
==================  ============================================================

The numeric families of a corpus are aligned together and a pair is scored in the *gold's*
family: an age quantity on an LCT annotation without a temporal unit ("age > 21") counts as
a comparison; a time window on a Chia Value ("life expectancy < 3 years", which Chia
annotates as a Value) counts as a value. Same-family pairs win ties. Predictions left
unmatched stay in their own family as spurious.

Alignment is greedy one-to-one (:func:`nlp.scoring.pairing.pair_best_first`, as in the audit):
all overlapping (gold, prediction) pairs of compatible families are ranked by overlap (Jaccard
of character sets, then the same family, then fewer characters apart at the start) and taken
best first, so each gold and each prediction is used at most once. One
exception to "spurious" (LCT only): an unpaired prediction that overlaps a paired two-value
gold ("class III or IV", ">130/85 mmHg": Value + Value2, no BETWEEN), carries its other value
and has its sibling's kind and comparator is that gold's second value, which Eligo writes as
a quantity of its own; one per gold is set apart (``Alignment.alternatives``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from models import Protocol
from nlp.evaluate.corpora import _HAS_NUMBER, GoldItem
from nlp.scoring import pairing, same_value
from nlp.scoring.pairing import Pairing

# Which predicted families may align with which gold families, per corpus.
COMPATIBLE = {
    "lct": {
        "comparison": {"comparison", "temporal"},
        "temporal": {"comparison", "temporal"},
        "negation": {"negation"},
        "negated_concept": {"negated_concept"},
    },
    "chia": {
        "value": {"value", "temporal"},
        "temporal": {"temporal", "value"},
        "negation": {"negation"},
        "negated_concept": {"negated_concept"},
    },
    # secondary, span recall only: every Chia Value / Temporal, with or without a number
    "chia_all": {
        "value": {"value", "temporal"},
        "value_text": {"value", "temporal", "value_novalue"},
        "temporal": {"temporal", "temporal_novalue", "value"},
        "temporal_text": {"temporal", "temporal_novalue", "value"},
    },
}


# Chia's guideline annotates the trigger of an exception ("except", "other than") as a Negation
# of what follows; LCT annotates it as an Exception. Eligo keeps exceptions apart from negated
# mentions (Criterion.exceptions, with the trigger as cue), so for Chia they are added here.
EXCEPTIONS_ARE_NEGATION = frozenset({"chia"})


@dataclass
class PredItem:
    """One thing Eligo found, reduced to what is scored."""

    family: str
    span: tuple[int, int]
    text: str
    comparator: str | None = None
    values: tuple[float, ...] | None = None
    unit: str | None = None
    kind: str = ""  # quantity kind, "time_window" or "cue"
    criterion_id: str = ""


class Pair(NamedTuple):
    gold: GoldItem
    pred: PredItem


@dataclass
class Alignment(Pairing[GoldItem, PredItem]):
    """Gold and predictions paired (``pairs``), golds missed (``missing``), spurious
    predictions (``extra``), and the predictions counted neither as hits nor as spurious."""

    pairs: list[Pair] = field(default_factory=list)  # type: ignore[assignment]
    # second alternatives of a two-value gold ("class III or IV" → Eligo's class 3 and class 4)
    alternatives: list[PredItem] = field(default_factory=list)
    # further copies of one printed limit shared by several measures ("AST, ALT, or ALP > 2.5 ×
    # ULN" → one quantity per measure): the printed comparison counts once
    shared: list[PredItem] = field(default_factory=list)


def _values(value: float | None, low: float | None, high: float | None) -> tuple[float, ...] | None:
    if low is not None and high is not None:
        return (low, high)
    if value is not None:
        return (value,)
    return None


def predictions(protocol: Protocol, corpus: str) -> list[PredItem]:
    """The scoreable items of a parsed document, in the families of ``corpus``."""
    text = protocol.eligibility_text or ""
    out: list[PredItem] = []
    cues: dict[tuple[int, int], PredItem] = {}
    negated_spans: dict[tuple[int, int], PredItem] = {}
    for _group, criterion, _depth in protocol.iter_criteria():
        for q in criterion.quantities:
            if q.span is None:
                continue
            if corpus == "lct":
                family = "temporal" if q.kind == "age" else "comparison"
            else:
                family = "value"
            if q.relative_to and not _HAS_NUMBER.search(text[q.span[0] : q.span[1]]):
                # "corrected serum calcium > ULN" prints no number: it is set apart like the
                # gold annotations without one (value_text)
                family += "_novalue"
            out.append(
                PredItem(
                    family,
                    q.span,
                    text[q.span[0] : q.span[1]],
                    q.comparator,
                    _values(q.value, q.low, q.high),
                    q.unit,
                    q.kind,
                    criterion.id,
                )
            )
        for w in criterion.time_windows:
            values = _values(w.value, w.low, w.high)
            if w.span is None or (values is None and corpus != "chia"):
                continue
            out.append(
                PredItem(
                    "temporal" if values is not None else "temporal_novalue",
                    w.span,
                    text[w.span[0] : w.span[1]],
                    w.comparator,
                    values,
                    w.unit,
                    "time_window",
                    criterion.id,
                )
            )
        negated = [m for m in criterion.mentions if m.assertion == "negated"]
        negating = [m.cue for m in negated]
        concepts: list[tuple[tuple[int, int] | None, str, str]] = [
            (m.span, m.text, m.category) for m in negated
        ]
        if corpus in EXCEPTIONS_ARE_NEGATION:
            negating += [part.cue for part in criterion.exceptions]
            concepts += [(part.span, part.text, "exception") for part in criterion.exceptions]
        for span, written, category in concepts:
            if span is not None and span not in negated_spans:
                negated_spans[span] = PredItem(
                    "negated_concept",
                    span,
                    written,
                    kind=category,
                    criterion_id=criterion.id,
                )
        for cue in negating:
            if cue is None or cue.span is None:
                continue
            cue_span = cue.span
            if cue_span not in cues:
                cues[cue_span] = PredItem(
                    "negation",
                    cue_span,
                    text[cue_span[0] : cue_span[1]],
                    kind="cue",
                    criterion_id=criterion.id,
                )
    # the same span reported twice (e.g. a parent and its child) counts once
    seen: set[tuple[str, tuple[int, int], str | None, tuple[float, ...] | None]] = set()
    unique = []
    for p in out:
        key = (p.family, p.span, p.comparator, p.values)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    every = unique + list(cues.values()) + list(negated_spans.values())
    return sorted(every, key=lambda p: (p.span, p.family))


def overlap(gold: GoldItem, span: tuple[int, int]) -> int:
    """Characters shared by the gold fragments and ``span``."""
    return sum(max(0, min(e, span[1]) - max(s, span[0])) for s, e in gold.fragments)


def align(golds: list[GoldItem], preds: list[PredItem], corpus: str) -> Alignment:
    """Greedy one-to-one alignment by overlap; see the module docstring."""
    compatible = COMPATIBLE[corpus]

    def rank(g: GoldItem, p: PredItem) -> tuple[float, bool, int] | None:
        if p.family not in compatible.get(g.family, set()):
            return None
        shared = overlap(g, p.span)
        if shared <= 0:
            return None
        union = sum(e - s for s, e in g.fragments) + (p.span[1] - p.span[0]) - shared
        return (shared / union, p.family == g.family, -abs(g.span[0] - p.span[0]))

    paired = pairing.pair_best_first(golds, preds, rank)
    pairs = [Pair(g, p) for g, p in paired.pairs]  # best first: the alternatives rely on it
    spurious = paired.extra
    alternatives: list[PredItem] = []
    if corpus == "lct":  # Chia's two numbers are read from free text, not Value + Value2
        spurious, alternatives = _split_alternatives(pairs, spurious)
    spurious, shared = _split_shared(pairs, spurious)
    pairs.sort(key=lambda pr: pr.gold.span)
    return Alignment(pairs, paired.missing, spurious, alternatives, shared)


def _limit_key(p: PredItem) -> tuple[str, int, str | None, tuple[float, ...] | None, str | None]:
    return (p.family, p.span[1], p.comparator, p.values, p.unit)


def _split_shared(
    pairs: list[Pair], spurious: list[PredItem]
) -> tuple[list[PredItem], list[PredItem]]:
    """Set apart the further copies of one printed limit shared by several measures.

    "AST, ALT, or alkaline phosphatase > 2.5 × ULN" is one comparison in the corpora; Eligo
    (like the reference gold) writes one quantity per measure, ending where the printed limit
    ends. A copy whose limit (family, end, comparator, values, unit) is already paired, or
    already counted as spurious, is counted neither as a hit nor as spurious.
    """
    counted = {_limit_key(pr.pred) for pr in pairs if pr.pred.kind not in ("time_window", "cue")}
    kept: list[PredItem] = []
    shared: list[PredItem] = []
    for p in spurious:
        key = _limit_key(p)
        if p.kind in ("time_window", "cue") or p.family.startswith("negat"):
            kept.append(p)
        elif key in counted:
            shared.append(p)
        else:
            counted.add(key)
            kept.append(p)
    return kept, shared


def _is_the_other_value(pred: PredItem, sibling: PredItem, gold: GoldItem) -> bool:
    """``pred`` and ``sibling`` hold one value each, different, and both are gold values."""
    if pred.values is None or sibling.values is None or gold.values is None:
        return False
    if len(pred.values) != 1 or len(sibling.values) != 1:
        return False
    mine, theirs = pred.values[0], sibling.values[0]
    in_gold = all(
        any(same_value(g, gold.unit, value, item.unit) for g in gold.values)
        for value, item in ((mine, pred), (theirs, sibling))
    )
    return in_gold and not same_value(mine, pred.unit, theirs, sibling.unit)


def _split_alternatives(
    pairs: list[Pair], spurious: list[PredItem]
) -> tuple[list[PredItem], list[PredItem]]:
    """Set apart unpaired predictions that are the other value of a two-value LCT gold.

    LCT writes "class III or IV" (or ">130/85 mmHg") as one comparison with Value and Value2
    and no BETWEEN; Eligo (and the reference gold) writes one quantity per value. The second
    quantity is right, not spurious, when it overlaps the same gold, carries the gold's other
    value and reads like its sibling (same kind and comparator). One per gold; it is counted
    neither as a hit nor as spurious.
    """
    kept: list[PredItem] = []
    alternatives: list[PredItem] = []
    used: set[int] = set()
    for p in spurious:
        for i, pair in enumerate(pairs):
            gold, sibling = pair.gold.values, pair.pred
            if (
                i not in used
                and gold is not None
                and len(gold) == 2
                and pair.gold.comparator != "range"
                and overlap(pair.gold, p.span) > 0
                and (p.kind, p.comparator) == (sibling.kind, sibling.comparator)
                and _is_the_other_value(p, sibling, pair.gold)
            ):
                used.add(i)
                alternatives.append(p)
                break
        else:
            kept.append(p)
    return kept, alternatives
