"""The anchor of a treatment-response window that prints none.

"not achieving a complete remission after 180 days" counts from the start of the treatment
the criterion is about ("refractory to at least one induction therapy ..."). Without an
anchor the window would read as a bare duration and lose what it is measured from. The
treatment is taken from the text, never invented: ``of <treatment>`` right after the window
("after 12 weeks of methotrexate therapy"), else the nearest treatment phrase before it in the
same criterion. Cue words are data in ``rules/temporal.json`` (``implied_anchor``).
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

_WORD = r"[A-Za-z][\w-]*"


@cache
def _rules() -> dict[str, Any]:
    text = resources.files("nlp").joinpath("rules/temporal.json").read_text(encoding="utf-8")
    return json.loads(text)["implied_anchor"]


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], frozenset[str]]:
    rules = _rules()
    heads = "|".join(sorted((re.escape(h) for h in rules["heads"]), key=len, reverse=True))
    phrase = rf"(?:(?P<mod>{_WORD})\s+)?(?P<head>{heads})\b"
    after = re.compile(rf"\s+of\s+(?:the\s+|an?\s+)?{phrase}", re.IGNORECASE)
    anywhere = re.compile(rf"\b{phrase}", re.IGNORECASE)
    return after, anywhere, frozenset(w.casefold() for w in rules["not_modifiers"])


def _anchor_id(match: re.Match[str], not_modifiers: frozenset[str]) -> str:
    head = match.group("head").casefold()
    head = head[:-3] + "y" if head.endswith("ies") else head.removesuffix("s")
    words = [head]
    modifier = (match.group("mod") or "").casefold()
    if modifier and modifier not in not_modifiers:
        words.insert(0, modifier)
    return "_".join([*words, "start"]).replace("-", "_")


def implied_treatment_anchor(text: str, start: int, end: int) -> str | None:
    """``<treatment>_start`` for the "after N <unit>" window at ``text[start:end]``, or None.

    >>> implied_treatment_anchor("No response after 12 weeks of methotrexate therapy", 12, 26)
    'methotrexate_therapy_start'
    """
    after, anywhere, not_modifiers = _patterns()
    following = after.match(text, end)
    if following:
        return _anchor_id(following, not_modifiers)
    earlier = list(anywhere.finditer(text, 0, start))
    return _anchor_id(earlier[-1], not_modifiers) if earlier else None
