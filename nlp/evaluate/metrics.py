"""Precision, recall and F1 at cumulative levels, and the errors behind them.

Levels (each requires the ones before it):

- ``span``: the prediction overlaps the gold span (one-to-one, see :mod:`nlp.evaluate.align`);
- ``operator``: same comparator (LCT EQ/LT/LTEQ/GT/GTEQ/BETWEEN ↔ ``=``/``<``/``<=``/``>``/
  ``>=``/``range``; a Chia comparator is read from the Value text); not checked where the
  gold states none (counted in ``operator_unchecked``);
- ``value``: the same amount(s): numbers compared after converting the prediction into the
  gold's unit where both have a unit and they convert (``1 g/L`` is ``100 mg/dL``), else as
  written (:func:`nlp.scoring.same_value`, as in the audit; relative tolerance 1e-6, 2% for
  a time window); a range needs both ends; two gold values without BETWEEN ("class III or
  IV") accept either; a gold value that is not a number Eligo could write is not checked;
- ``unit``: same UCUM unit where the gold has a unit that normalises (LCT ``Unit``/``Per`` via
  :func:`nlp.units.normalise_unit`, LCT temporal units via ``Eq-Temporal-Unit-Value``);
  elsewhere not checked. Chia is not scored on units.

At a level, ``tp`` is the aligned pairs that pass it; precision is ``tp / predicted`` and
recall ``tp / gold`` (:class:`nlp.scoring.Counts`, as in the audit), so a pair with the wrong
operator counts against both at ``operator``.
Negation cues are scored at ``span`` only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nlp.evaluate.align import Alignment, Pair
from nlp.scoring import QUANTITY_REL_TOL, TIME_REL_TOL, Counts, same_unit, same_value

LEVELS = ("span", "operator", "value", "unit")


def level_dict(counts: Counts) -> dict[str, float | int]:
    """A level as ``eligo eval --format json`` writes it: tp, gold, predicted, and precision,
    recall and F1 to 4 places (0.0 where undefined)."""
    return {
        "tp": counts.tp,
        "gold": counts.gold,
        "predicted": counts.predicted,
        "precision": round(counts.precision or 0.0, 4),
        "recall": round(counts.recall or 0.0, 4),
        "f1": round(counts.f1 or 0.0, 4),
    }


@dataclass
class FamilyLevels:
    """The counts of one family at each level it is measured at."""

    family: str
    levels: tuple[str, ...]
    scores: dict[str, Counts] = field(default_factory=dict)
    unit_checked: int = 0  # aligned pairs whose gold unit could be compared
    operator_unchecked: int = 0  # aligned pairs whose gold states no operator
    value_unchecked: int = 0  # aligned pairs whose gold value is not a number
    alternatives: int = 0  # second alternatives of a two-value gold, neither hit nor spurious
    shared: int = 0  # further copies of one limit shared by several measures, counted once

    def __post_init__(self) -> None:
        for level in self.levels:
            self.scores.setdefault(level, Counts())


def operator_ok(pair: Pair) -> bool:
    return pair.gold.comparator is None or pair.gold.comparator == pair.pred.comparator


def _same(pair: Pair, gold: float, pred: float) -> bool:
    """One gold number and one predicted number are the same amount (in their units)."""
    tolerance = TIME_REL_TOL if pair.pred.kind == "time_window" else QUANTITY_REL_TOL
    return same_value(gold, pair.gold.unit, pred, pair.pred.unit, tolerance)


def values_ok(pair: Pair) -> bool:
    gold, pred = pair.gold.values, pair.pred.values
    if gold is None:
        return True
    if pred is None:
        return False
    if len(gold) == 2 and len(pred) == 1 and pair.gold.comparator != "range":
        # "class III or IV", ">170/110": two values without BETWEEN; either one will do
        return any(_same(pair, g, pred[0]) for g in gold)
    if len(gold) != len(pred):
        return False
    if len(gold) == 2:
        gold, pred = tuple(sorted(gold)), tuple(sorted(pred))
    return all(_same(pair, g, p) for g, p in zip(gold, pred, strict=True))


def unit_ok(pair: Pair) -> bool:
    return pair.gold.unit is None or same_unit(pair.gold.unit, pair.pred.unit)


CHECKS = {"operator": operator_ok, "value": values_ok, "unit": unit_ok}


def first_failure(pair: Pair, levels: tuple[str, ...]) -> str | None:
    """The first level after ``span`` that the pair fails, or None when it passes all."""
    for level in levels[1:]:
        if not CHECKS[level](pair):
            return level
    return None


def score(family: str, alignment: Alignment, levels: tuple[str, ...]) -> FamilyLevels:
    """Score one family's alignment (pairs, misses and spurious of that gold family)."""
    result = FamilyLevels(family, levels)
    n_gold = len(alignment.pairs) + len(alignment.missing)
    n_pred = len(alignment.pairs) + len(alignment.extra)
    tp = dict.fromkeys(levels, 0)
    result.alternatives += len(alignment.alternatives)
    result.shared += len(alignment.shared)
    for pair in alignment.pairs:
        failed = first_failure(pair, levels)
        passed = levels if failed is None else levels[: levels.index(failed)]
        for level in passed:
            tp[level] += 1
        if "unit" in levels and pair.gold.unit is not None:
            result.unit_checked += 1
        if "operator" in levels and pair.gold.comparator is None:
            result.operator_unchecked += 1
        if "value" in levels and pair.gold.values is None:
            result.value_unchecked += 1
    for level in levels:
        result.scores[level] = Counts.of_totals(tp[level], n_gold, n_pred)
    return result


def merge(into: FamilyLevels, other: FamilyLevels) -> None:
    for level in into.levels:
        into.scores[level] += other.scores[level]
    into.unit_checked += other.unit_checked
    into.value_unchecked += other.value_unchecked
    into.operator_unchecked += other.operator_unchecked
    into.alternatives += other.alternatives
    into.shared += other.shared
