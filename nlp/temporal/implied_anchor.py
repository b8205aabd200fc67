"""The anchor of a treatment-response window that prints none.

"not achieving a complete remission after 180 days" counts from the start of the treatment
the criterion is about ("refractory to at least one induction therapy ..."). Without an
anchor the window would read as a bare duration and lose what it is measured from. The
treatment is taken from the text, never invented:

* ``of <treatment>`` right after the window ("after 12 weeks of methotrexate therapy");
  ``of`` followed by anything else ("after 5 minutes of rest") prints its own event, so no
  treatment is borrowed;
* else, with nothing after the window, the nearest treatment phrase before it in the same
  clause (no ``;`` or sentence end between them), unless that treatment is negated ("No
  prior therapy") or ended ("stopped treatment and relapsed after 3 months" counts from the
  stop, which is not printed as a date either).

A treatment phrase is a head noun ("therapy", "regimen", ...) and at most one modifier word
that names the treatment ("induction", "methotrexate"): verbs ("received", "failed"),
prepositions and time words are not modifiers. Cue words are data in
``rules/temporal.json`` (``implied_anchor``).
"""

from __future__ import annotations

import re
from functools import cache

from nlp.rulefiles import ImpliedAnchorRules, temporal_rules

_WORD = r"[A-Za-z][\w-]*"
# a ";" or a sentence end; "e.g." and "vs." are not sentence ends
_CLAUSE_END = re.compile(r"[;!?]|(?<!\be\.g)(?<!\bi\.e)(?<!\bvs)(?<!\betc)\.(?=\s+[A-Z])")
_OF = re.compile(r"\s+of\b", re.IGNORECASE)


def _rules() -> ImpliedAnchorRules:
    return temporal_rules().implied_anchor


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    heads = "|".join(sorted((re.escape(h) for h in _rules().heads), key=len, reverse=True))
    phrase = rf"(?:(?P<mod>{_WORD})\s+)?(?P<head>{heads})\b"
    after = re.compile(rf"\s+of\s+(?:the\s+|an?\s+)?{phrase}", re.IGNORECASE)
    anywhere = re.compile(rf"\b{phrase}", re.IGNORECASE)
    return after, anywhere


@cache
def _word_set(key: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in getattr(_rules(), key))


@cache
def _blocking_words() -> frozenset[str]:
    return _word_set("negations") | _word_set("ended")


def _names_the_treatment(modifier: str) -> bool:
    return modifier.casefold() not in _word_set("not_modifiers")


def _anchor_id(match: re.Match[str]) -> str:
    head = match.group("head").casefold()
    head = head[:-3] + "y" if head.endswith("ies") else head.removesuffix("s")
    words = [head, "start"]
    modifier = match.group("mod") or ""
    if modifier and _names_the_treatment(modifier):
        words.insert(0, modifier.casefold())
    return "_".join(words).replace("-", "_")


def _governing_word(text: str, phrase_start: int) -> str:
    """The word that governs a treatment phrase: the first one before it that is not a filler
    ("No ⟨prior⟩ therapy" → "no"; "stopped ⟨a 6-week⟩ therapy" → "stopped")."""
    fillers = _word_set("fillers")
    for word in reversed(text[:phrase_start].casefold().split()):
        word = word.strip(",:()")
        if word in fillers or any(c.isdigit() for c in word):
            continue
        return word
    return ""


def _not_a_start(text: str, match: re.Match[str]) -> bool:
    """No start to count from: the treatment is negated ("No prior therapy", "of no treatment")
    or the clock runs from its end ("stopped treatment and relapsed after 3 months"). A
    negation of something else ("No response to induction therapy") does not count."""
    blocked = _blocking_words()
    phrase = match.start("mod") if match.group("mod") else match.start("head")
    modifier = (match.group("mod") or "").casefold()
    return modifier in blocked or _governing_word(text, phrase) in blocked


def implied_treatment_anchor(text: str, start: int, end: int) -> str | None:
    """``<treatment>_start`` for the "after N <unit>" window at ``text[start:end]``, or None.

    >>> implied_treatment_anchor("No response after 12 weeks of methotrexate therapy", 12, 26)
    'methotrexate_therapy_start'
    >>> implied_treatment_anchor("Induction therapy; then no remission after 90 days", 37, 50)
    """
    after, anywhere = _patterns()
    if _OF.match(text, end):
        following = after.match(text, end)
        return _anchor_id(following) if following and not _not_a_start(text, following) else None
    clause_start = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    earlier = [m for m in anywhere.finditer(text, clause_start, start) if not _not_a_start(text, m)]
    return _anchor_id(earlier[-1]) if earlier else None
