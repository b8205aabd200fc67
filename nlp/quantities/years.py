"""Calendar limits: "between January 2014 and May 2017", "since 2010"."""

from __future__ import annotations

import re

from models import Quantity

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE = (
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?(?:{_MONTH}\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?"
    r"(?P<{g}>(?:19|20)\d\d)(?![\d/-])"
)
_YEARS_RE = re.compile(
    rf"(?<![A-Za-z])(?:between|from)\s+{_DATE.replace('{g}', 'y1')}"
    r"\s*(?:and|to|-|–|until|through)\s*"
    rf"{_DATE.replace('{g}', 'y2')}"
    rf"|(?<![A-Za-z])(?P<w>since|before|after|prior\s+to)\s+{_DATE.replace('{g}', 'y')}",
    re.I,
)
_YEAR_CMP = {"since": ">=", "before": "<", "after": ">", "prior to": "<"}


def _calendar_years(text: str) -> list[Quantity]:
    """Calendar limits: "between January 2014 and May 2017" (a range of years), "since 2010"."""
    out: list[Quantity] = []
    for m in _YEARS_RE.finditer(text):
        span = (m.start(), m.end())
        if m.group("y1"):
            low, high = float(m.group("y1")), float(m.group("y2"))
            if high < low:
                continue
            q = Quantity(comparator="range", low=low, high=high, text=m.group(), span=span)
        else:
            cmp = _YEAR_CMP[" ".join(m.group("w").lower().split())]
            q = Quantity(comparator=cmp, value=float(m.group("y")), text=m.group(), span=span)
        out.append(q.model_copy(update={"measure": "calendar year"}))
    return out
