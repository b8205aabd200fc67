"""When two amounts are the same value: numbers compared after unit conversion.

Why not compare the numbers as written: ``9 g/dL`` is ``90 g/L``, ``1.50 mg/day`` is
``1.5 mg/d``, and six months are 26 weeks. The audit (two encodings of one trial) and the
evaluation (Eligo against an annotated corpus) ask the question the same way, here.
"""

from __future__ import annotations

import math
from functools import cache

from nlp.units import convert, normalise_unit

QUANTITY_REL_TOL = 1e-6
"""Relative tolerance for lab values: they must agree after conversion, up to rounding."""

TIME_REL_TOL = 0.02
"""Relative tolerance for durations: 6 mo (182.6 d in UCUM) equals 26 wk (182 d)."""


@cache
def canonical_unit(unit: str | None) -> str | None:
    """The UCUM code for a unit as written (``mg/day`` → ``mg/d``); the unit itself if unknown."""
    if unit is None:
        return None
    stripped = unit.strip()
    return normalise_unit(stripped) or stripped


def units_compatible(unit_a: str | None, unit_b: str | None) -> bool:
    """Same unit, or two units that convert into each other (g/dL and g/L, mo and wk)."""
    a, b = canonical_unit(unit_a), canonical_unit(unit_b)
    if a is None or b is None:
        return a == b
    return a == b or convert(1.0, a, b) is not None


def same_value(
    value_a: float | None,
    unit_a: str | None,
    value_b: float | None,
    unit_b: str | None,
    rel_tol: float = QUANTITY_REL_TOL,
) -> bool:
    """Equal amounts after converting b's unit into a's (raw numbers when units do not convert,
    or one is missing).

    ``same_value(9, "g/dL", 90, "g/L")`` is True; ``same_value(9, "g/dL", 9, "g/L")`` False.
    A missing number equals only a missing number.
    """
    if value_a is None or value_b is None:
        return value_a is None and value_b is None
    a, b = canonical_unit(unit_a), canonical_unit(unit_b)
    converted = value_b
    if a is not None and b is not None and a != b:
        as_a = convert(value_b, b, a)
        converted = value_b if as_a is None else as_a
    return math.isclose(value_a, converted, rel_tol=rel_tol, abs_tol=1e-9)


def same_unit(unit_a: str | None, unit_b: str | None) -> bool:
    """The same unit, however written: equal UCUM codes, or codes one of which is the other
    (``mg/d`` and ``mg/24.h``); ``g/dL`` and ``g/L`` are compatible, not the same."""
    if unit_a is None or unit_b is None or unit_a == unit_b:
        return unit_a == unit_b
    one = convert(1.0, unit_a, unit_b)
    return one is not None and math.isclose(one, 1.0, rel_tol=QUANTITY_REL_TOL)
