"""Limits written against a reference with no number: "corrected serum calcium > ULN",
"bilirubin above the upper limit of normal". The multiple is one: value 1, ``relative_to``
ULN (or LLN)."""

from __future__ import annotations

import re

from models import Quantity
from nlp.quantities.measures import _measure_before

_BARE_REFERENCE_RE = re.compile(
    r"(?P<cmp>[<>≤≥]=?|=<|=>|(?:greater|more|higher)\s+than|(?:less|lower)\s+than|"
    r"above|below|exceeding|not\s+exceeding|in\s+excess\s+of)\s*"
    r"(?:the\s+)?(?:institutional\s+|institution(?:'s)?\s+|local\s+|laboratory\s+)?"
    r"(?P<ref>ULN|LLN|(?P<up>upper)\s+limits?\s+of\s+(?:the\s+)?normal(?:\s+range)?|"
    r"(?P<low>lower)\s+limits?\s+of\s+(?:the\s+)?normal(?:\s+range)?)(?![A-Za-z])",
    re.I,
)
_CMP = {
    "<": "<", ">": ">", "<=": "<=", ">=": ">=", "≤": "<=", "≥": ">=", "=<": "<=", "=>": ">=",
    "greater than": ">", "more than": ">", "higher than": ">", "less than": "<",
    "lower than": "<", "above": ">", "below": "<", "exceeding": ">", "not exceeding": "<=",
    "in excess of": ">",
}  # fmt: skip
_NUMBER_BEFORE_RE = re.compile(r"[\d.]\s*(?:[x×X*]|times|-?fold)?\s*$")


def bare_reference_limits(text: str) -> list[Quantity]:
    """Limits such as "> ULN" that print no multiple (see the module docstring)."""
    out: list[Quantity] = []
    for m in _BARE_REFERENCE_RE.finditer(text):
        if _NUMBER_BEFORE_RE.search(text, 0, m.start("ref")):
            continue  # "3 x ULN" is read with its number by the scanner
        cmp = _CMP[" ".join(m.group("cmp").lower().split())]
        ref = m.group("ref")
        relative = "LLN" if m.group("low") or ref.upper() == "LLN" else "ULN"
        measure, ms, _ = _measure_before(text, m.start())
        start = ms if measure else m.start()
        out.append(
            Quantity(
                kind="value",
                measure=measure,
                comparator=cmp,
                value=1.0,
                relative_to=relative,
                text=text[start : m.end()],
                span=(start, m.end()),
            )
        )
    return out
