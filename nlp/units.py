"""Units: written forms → UCUM codes, and conversion between UCUM codes (pint + ucumvert).

Why ucumvert: it parses real UCUM (``10*9/L``, ``mm[Hg]``, ``{cells}/uL``) into pint, so
conversion and equivalence come from a maintained units library instead of a hand table.
The mapping from the many ways registries *write* a unit (``gm/dL``, ``mmHg``, ``/mm^3``,
``x 10^9/L``) to UCUM is data: ``rules/units.json``.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from nlp.rulefiles import unit_rules


@cache
def _registry() -> Any:
    from ucumvert import PintUcumRegistry

    return PintUcumRegistry()


def load_registry() -> None:
    """Build the unit registry now (1 to 4 s) rather than at the first conversion."""
    _registry()


_FOLD = str.maketrans({"μ": "µ", "²": "2", "³": "3", "×": "x", "º": "°"})
_SPACE_RE = re.compile(r"\s+|\^")
# "x 10^9/L", "10*9/L", "10E9/L", "109/L" (a superscript lost in copying): 10 to a power per volume
_POWER_RE = re.compile(r"^(?:x|\*)?10(?:\*|e)?(\d{1,2})/(l|µl|ul|mm3|mcl|microl)$")
_POWER_VOLUME = {"l": "L", "µl": "uL", "ul": "uL", "mcl": "uL", "microl": "uL", "mm3": "mm3"}


def _key(written: str) -> str:
    """Spacing and typography removed: ``mg / dL`` → ``mg/dL``, ``kg/m²`` → ``kg/m2``."""
    return _SPACE_RE.sub("", written.strip().translate(_FOLD))


@cache
def _written_forms() -> tuple[dict[str, str], dict[str, str]]:
    """Written form → UCUM code from rules/units.json: (exact-case table, case-folded table).

    Case matters for a few forms (``G/L`` is 10*9/L, ``g/l`` is g/L; ``mM`` is mmol/L, ``mm``
    is millimetres), so the exact table is tried first. In the folded table a form written in
    lower case in the rules wins over a form that only folds to it.
    """
    exact: dict[str, str] = {}
    folded: dict[str, str] = {}
    literal_lower: set[str] = set()
    for row in unit_rules():
        for form in [row.ucum, *row.aliases]:
            key = _key(form)
            exact.setdefault(key, row.ucum)
            low = key.lower()
            if key == low:
                if low not in literal_lower:
                    folded[low] = row.ucum
                literal_lower.add(low)
            elif low not in literal_lower:
                folded.setdefault(low, row.ucum)
    return exact, folded


def normalise_unit(written: str) -> str | None:
    """The UCUM code for a unit as written (``gm/dL`` → ``g/dL``), or None if unknown.

    Uses only the cached written-form table (no unit registry), so it is cheap enough to call
    on every candidate unit of every criterion. ``x 10^9/L`` and its variants map to
    ``10*9/L`` whatever the power. A unit the table does not hold may be a quotient of units
    it does (``U/kg/day`` → ``U/kg/d``, ``mg/day/1.73 m2`` → ``mg/d/{1.73_m2}``, ``g/m2/year``
    → ``g/m2/a``): each part is looked up on its own.
    """
    key = _key(written)
    if not key:
        return None
    exact, folded = _written_forms()
    code = exact.get(key) or folded.get(key.lower())
    if code is None:
        match = _POWER_RE.match(key.lower())
        if match:
            code = f"10*{match.group(1)}/{_POWER_VOLUME[match.group(2)]}"
    if code is None and ("/" in key or "per" in key.lower()):
        code = _quotient(written)
    return code


_PER_RE = re.compile(r"\s*/\s*|\s+per\s+", re.IGNORECASE)
_BSA_RE = re.compile(r"1[.,]73\s*m(?:\^?2|²)", re.IGNORECASE)


def _quotient(written: str) -> str | None:
    """``U/kg/day`` → ``U/kg/d``: a quotient whose every part is a unit without a ``/``."""
    parts = _PER_RE.split(written.strip())
    if len(parts) < 2 or len(parts) > 4 or not all(p.strip() for p in parts):
        return None
    exact, folded = _written_forms()
    codes = []
    for part in parts:
        if _BSA_RE.fullmatch(part.strip()):
            codes.append("{1.73_m2}")
            continue
        k = _key(part)
        code = exact.get(k) or folded.get(k.lower())
        if code is None or "/" in code or code.startswith("{"):
            return None
        codes.append(code)
    if len(set(codes[1:])) != len(codes[1:]) or codes[0] in codes[1:]:
        return None
    if all(c in _TIME_CODES for c in codes):
        return None  # "5 days per week", "8 hours/day": a frequency or a duration, not a unit
    return "/".join(codes)


_TIME_CODES = frozenset({"s", "min", "h", "d", "wk", "mo", "a"})


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


@cache
def same_dimension(code: str, other: str) -> bool:
    """Whether two UCUM codes measure the same kind of quantity (``umol/L`` and ``mol/L``; not
    ``mg/dL`` and ``mol/L``). Compares dimensions rather than trying a conversion: a failed
    conversion raises inside pint, and the traceback keeps the caller's frames (the parser's
    docs) alive until the cyclic collector runs."""
    if code == other:
        return True
    try:
        return bool(_parse(code).dimensionality == _parse(other).dimensionality)
    except Exception:  # a code ucumvert does not parse
        return False


def convert(value: float, from_code: str, to_code: str) -> float | None:
    """``value`` in ``from_code`` expressed in ``to_code``; None when they do not convert."""
    if from_code == to_code:
        return value
    try:
        quantity = value * _parse(from_code)
        return float(quantity.to(_parse(to_code)).magnitude)
    except Exception:
        return None
