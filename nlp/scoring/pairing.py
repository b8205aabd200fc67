"""One-to-one pairing, best first: the audit's facts and criteria, the evaluation's spans.

``pair_best_first(expected, actual, rank)`` ranks every (expected, actual) couple that may be
one fact (``rank`` returns None for one that may not), then takes them best first, each item
at most once. Ties go to the earlier expected item, then the earlier actual one, so the
result does not depend on anything but the order of the inputs. A rank is anything that
compares: a score (higher is better), or a tuple of them for tie-breaks
(``(overlap, same_family, -distance)``).

>>> p = pair_best_first(["a", "b"], ["b", "c"], lambda e, a: 1.0 if e == a else None)
>>> p.pairs, p.missing, p.extra
([('b', 'b')], ['a'], ['c'])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

E = TypeVar("E")
A = TypeVar("A")


@dataclass
class Pairing(Generic[E, A]):
    """Pairs, and the items of each side left without a partner (in their order).

    ``missing`` are expected items without a partner (false negatives), ``extra`` actual
    ones (false positives).
    """

    pairs: list[tuple[E, A]] = field(default_factory=list)
    missing: list[E] = field(default_factory=list)
    extra: list[A] = field(default_factory=list)


def pair_best_first(
    expected: Sequence[E],
    actual: Sequence[A],
    rank: Callable[[E, A], Any],
    *,
    in_order: bool = False,
) -> Pairing[E, A]:
    """Pair ``expected`` with ``actual`` one to one, highest ``rank`` first (see the module
    docstring); ``rank`` None means "cannot be the same". The pairs come best first, or with
    ``in_order`` in the order of the expected items."""
    ranked = [
        (r, i, j)
        for i, e in enumerate(expected)
        for j, a in enumerate(actual)
        if (r := rank(e, a)) is not None
    ]
    ranked.sort(key=lambda t: t[0], reverse=True)  # stable: equal ranks keep (i, j) order
    done_e: set[int] = set()
    done_a: set[int] = set()
    taken: list[tuple[int, int]] = []
    for _, i, j in ranked:
        if i not in done_e and j not in done_a:
            taken.append((i, j))
            done_e.add(i)
            done_a.add(j)
    if in_order:
        taken.sort()
    return Pairing(
        pairs=[(expected[i], actual[j]) for i, j in taken],
        missing=[e for i, e in enumerate(expected) if i not in done_e],
        extra=[a for j, a in enumerate(actual) if j not in done_a],
    )
