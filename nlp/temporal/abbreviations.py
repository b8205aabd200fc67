"""Abbreviations a record defines for its anchor events: "lymphodepleting chemotherapy (LD)"
lets a later "prior to LD" read ``lymphodepletion``."""

from __future__ import annotations

import re
from functools import cache

from nlp.temporal.tables import FLAGS, alternation, lookup_tables, normalise_key, starts

_BRACKETED_ABBREVIATION = re.compile(r"[(\[]\s*(?:[A-Z][A-Za-z0-9]{0,7}|(?:Day|D|Cycle)\b)")
_DEFINITION_REACH = 120  # characters before the bracket where the long form may start


@cache
def _definition_pattern() -> re.Pattern[str]:
    """An anchor's long form followed by its abbreviation in brackets."""
    forms = alternation(list(lookup_tables()["anchor_forms"]))
    of = r"(?:\s+of\s+(?:the\s+)?(?:study\s+|investigational\s+)?[\w-]+)?"
    abbr = r"(?P<abbr>[A-Z][A-Za-z0-9]{0,7}|(?:Day|D|Cycle\s*1\s*Day)\s*[01])"
    start = starts(list(lookup_tables()["anchor_forms"]))
    return re.compile(rf"{start}(?P<form>{forms}){of}\s*[(\[]\s*{abbr}\s*[)\],;]", FLAGS)


def find_abbreviations(text: str) -> dict[str, str]:
    """Abbreviations a record defines for anchor events: abbreviation → anchor id.

    >>> find_abbreviations("within 30 days of lymphodepleting chemotherapy (LD). ... prior to LD")
    {'LD': 'lymphodepletion'}
    """
    out: dict[str, str] = {}
    pattern = _definition_pattern()
    # The full pattern is costly to try at every position; try it only just before a bracket.
    searched_to = 0
    for bracket in _BRACKETED_ABBREVIATION.finditer(text):
        start = max(searched_to, bracket.start() - _DEFINITION_REACH)
        m = pattern.search(text, start, bracket.end() + 12)
        if m is None:
            continue
        searched_to = m.end()
        abbr = m.group("abbr")
        if not any(c.isupper() for c in abbr):
            continue
        ids = lookup_tables()["anchor_forms"][normalise_key(m.group("form"))]
        out[abbr] = next((i for i in ids if i != "study_period"), ids[0])
    return out
