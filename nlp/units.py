"""Units: written forms → UCUM codes, and conversion between UCUM codes (pint + ucumvert).

Why ucumvert: it parses real UCUM (``10*9/L``, ``mm[Hg]``, ``{cells}/uL``) into pint, so
conversion and equivalence come from a maintained units library instead of a hand table.
The mapping from the many ways registries *write* a unit (``gm/dL``, ``mmHg``, ``/mm^3``,
``x 10^9/L``) to UCUM is data: ``rules/units.json``.
"""

from __future__ import annotations

import json
import math
from functools import cache
from importlib import resources
from typing import Any


@cache
def _registry() -> Any:
    from ucumvert import PintUcumRegistry

    return PintUcumRegistry()


@cache
def _written_forms() -> dict[str, str]:
    """Lower-cased written form → UCUM code, from rules/units.json."""
    path = resources.files("nlp") / "rules" / "units.json"
    rows = json.loads(path.read_text(encoding="utf-8"))
    table: dict[str, str] = {}
    for row in rows:
        for form in [row["ucum"], *row.get("aliases", [])]:
            table[form.lower()] = row["ucum"]
    return table


def normalise_unit(written: str) -> str | None:
    """The UCUM code for a unit as written (``gm/dL`` → ``g/dL``), or None if unknown."""
    key = " ".join(written.strip().split()).lower()
    return _written_forms().get(key)


@cache
def _parse(code: str) -> Any:
    return _registry().from_ucum(code)


def is_valid_ucum(code: str) -> bool:
    """True when ucumvert parses ``code`` as UCUM."""
    try:
        _parse(code)
    except Exception:
        return False
    return True


def convert(value: float, from_code: str, to_code: str) -> float | None:
    """``value`` in ``from_code`` expressed in ``to_code``; None when they do not convert."""
    if from_code == to_code:
        return value
    try:
        quantity = value * _parse(from_code)
        return float(quantity.to(_parse(to_code)).magnitude)
    except Exception:
        return None


def same_amount(value_a: float, unit_a: str | None, value_b: float, unit_b: str | None) -> bool:
    """Semantic equality: 1.5 g/g == 1.50 g/g, 7 g/d == 7 g/day, 9 g/dL == 90 g/L."""
    if unit_a is None or unit_b is None or unit_a == unit_b:
        return unit_a == unit_b and math.isclose(value_a, value_b, rel_tol=1e-6)
    converted = convert(value_a, unit_a, unit_b)
    return converted is not None and math.isclose(converted, value_b, rel_tol=1e-6)
