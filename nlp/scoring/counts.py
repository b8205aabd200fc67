"""From counts to precision, recall and F1, the same way for the audit and the evaluation.

A *true positive* is a fact (audit) or an annotation (evaluation) found alike on both sides,
a *false positive* one on the actual (predicted) side only, a *false negative* one on the
expected (gold) side only. Precision is TP / (TP + FP), recall TP / (TP + FN), and F1
2·TP / (2·TP + FP + FN), their harmonic mean; each is None when undefined (0 / 0).

>>> c = Counts(tp=3, fp=1, fn=2)
>>> (c.precision, c.recall, round(c.f1, 3), c.gold, c.predicted)
(0.75, 0.6, 0.667, 5, 4)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from models.audit import FamilyName, FamilyScore


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @classmethod
    def of_totals(cls, tp: int, gold: int, predicted: int) -> Counts:
        """Counts from the true positives and the sizes of the two sides."""
        return cls(tp=tp, fp=predicted - tp, fn=gold - tp)

    @property
    def gold(self) -> int:
        """Items on the expected side: TP + FN."""
        return self.tp + self.fn

    @property
    def predicted(self) -> int:
        """Items on the actual side: TP + FP."""
        return self.tp + self.fp

    @property
    def precision(self) -> float | None:
        return self.tp / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        denominator = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denominator if denominator else None

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)


def family_score(family: FamilyName | Literal["overall"], counts: Counts) -> FamilyScore:
    """An audit report's row (:class:`models.audit.FamilyScore`) for ``counts``."""
    return FamilyScore(
        family=family,
        tp=counts.tp,
        fp=counts.fp,
        fn=counts.fn,
        precision=counts.precision,
        recall=counts.recall,
        f1=counts.f1,
    )
