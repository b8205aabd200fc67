"""Scoring shared by the audit and the evaluation: pairing, counts, and "same value".

The audit (:mod:`nlp.audit`: two encodings of one trial, fact by fact) and the evaluation
(:mod:`nlp.evaluate`: Eligo against the LCT and Chia annotations, span by span) ask the same
three questions, answered once here:

- which item goes with which: :func:`~nlp.scoring.pairing.pair_best_first`, one to one,
  best first (the audit's quantities, windows, mentions, parts and criteria passes; the
  evaluation's gold and predicted spans), giving a :class:`~nlp.scoring.pairing.Pairing`;
- how good: :class:`~nlp.scoring.counts.Counts` (TP, FP, FN → precision, recall, F1), and
  :func:`~nlp.scoring.counts.family_score` for an audit report's row;
- whether two amounts agree: :func:`~nlp.scoring.values.same_value`, numbers compared after
  unit conversion (``9 g/dL`` = ``90 g/L``), with the tolerances ``QUANTITY_REL_TOL`` and
  ``TIME_REL_TOL``.

What each side counts as a fact, and how it ranks candidate pairs, stays with it
(``nlp/audit/families.py``, ``nlp/evaluate/align.py``).
"""

from nlp.scoring.counts import Counts, family_score
from nlp.scoring.pairing import Pairing, pair_best_first
from nlp.scoring.values import (
    QUANTITY_REL_TOL,
    TIME_REL_TOL,
    canonical_unit,
    same_unit,
    same_value,
    units_compatible,
)

__all__ = [
    "QUANTITY_REL_TOL",
    "TIME_REL_TOL",
    "Counts",
    "Pairing",
    "canonical_unit",
    "family_score",
    "pair_best_first",
    "same_unit",
    "same_value",
    "units_compatible",
]
