"""Letter grades on named scales: "Child-Pugh B or C", "ASIA Impairment Scale grade A-C"."""

from __future__ import annotations

import re
from functools import cache

from models import Quantity
from nlp.quantities.numbers import _LETTER_GRADES
from nlp.quantities.rules import _alternation, _patterns
from nlp.rulefiles import measure_rules


@cache
def _letter_re() -> re.Pattern[str]:
    scales = [a for row in measure_rules() if row.letters for a in row.aliases]
    letter = r"(?:class|grade|stage|score|category)?\s*([A-D])(?![A-Za-z0-9])"
    return re.compile(
        rf"(?<![A-Za-z])(?P<kw>{_alternation(scales)})(?![A-Za-z])"
        r"(?:\s*\(\w+\))?(?:\s*(?:class|classification|grade|stage|score|category))?"
        rf"\s*(?:of\s+|[:=]\s*)?(?P<cmp>[<>≤≥]=?)?\s*(?P<first>[A-D])(?![A-Za-z0-9])"
        rf"(?P<rest>(?:\s*(?:,\s*(?:or|and)?|or|and|/|-|–|to)\s*{letter})*)"
        r"(?P<post>\s*or\s+(?:worse|higher|above|more))?",
        re.I,
    )


def _letter_grades(text: str) -> list[Quantity]:
    """Letter grades on a named scale: "Child-Pugh B or C", "ASIA Impairment Scale grade A-C"."""
    out: list[Quantity] = []
    kinds = _patterns().scale_kind
    for m in _letter_re().finditer(text):
        if not m.group("first").isupper():
            continue
        kind = kinds.get(" ".join(m.group("kw").lower().split()), "class")
        kind = kind if kind in ("class", "grade") else "class"
        measure = m.group("kw")
        first = _LETTER_GRADES[m.group("first")]
        rest = list(
            re.finditer(
                r"(,\s*(?:or|and)?|or|and|/|-|–|to)\s*(?:class|grade|stage|score|category)?\s*([A-D])",
                m.group("rest") or "",
                re.I,
            )
        )
        cmp = "=" if not m.group("cmp") else _patterns().prefix.get(m.group("cmp"), "=")
        if m.group("post"):
            cmp = ">="
        base = {"kind": kind, "measure": measure}
        if rest and rest[0].group(1).strip() in ("-", "–", "to") and cmp == "=":
            high = _LETTER_GRADES[rest[-1].group(2).upper()]
            out.append(
                Quantity(
                    comparator="range",
                    low=first,
                    high=high,
                    text=m.group().strip(),
                    span=(m.start(), m.start() + len(m.group().rstrip())),
                    **base,
                )
            )
            continue
        end_first = m.end("first") if not (m.group("post") and not rest) else m.end()
        out.append(
            Quantity(
                comparator=cmp,
                value=first,
                text=text[m.start() : end_first],
                span=(m.start(), end_first),
                **base,
            )
        )
        offset = m.start("rest")
        for i, r in enumerate(rest):
            a = offset + r.start(2)
            b = offset + r.end(2) if not (m.group("post") and i == len(rest) - 1) else m.end()
            out.append(
                Quantity(
                    comparator=cmp,
                    value=_LETTER_GRADES[r.group(2).upper()],
                    text=text[a:b],
                    span=(a, b),
                    **base,
                )
            )
    return out
