"""Abbreviations a record defines: "lupus nephritis (LN)" → ``{"LN": "lupus nephritis"}``.

Criteria define an abbreviation once and use it after ("Refractory LN defined as ... prior
therapies for LN"); the short form alone names no code ("LN") or the wrong one (a record's
"PD" may be progressive disease, not Parkinson's disease). ``eligo_codes`` codes a mention that
is a short form the record defines as its long form, and only so
(:class:`nlp.pipeline.concept_components.CodesComponent`).

Definitions are found with the algorithm of Schwartz and Hearst ("A simple algorithm for
identifying abbreviation definitions in biomedical text", PSB 2003), the one scispaCy's
``AbbreviationDetector`` implements: a short form in brackets after its long form, each of its
letters and digits found in order, right to left, in the words before the bracket, the first
one at the start of a word. scispaCy is not used for it: the package needs nmslib, scikit-learn
and a scipy older than 1.11 for this one function, and its detector works within one doc,
where a record's definitions reach all of its criteria.

>>> find_definitions("Active lupus nephritis (LN). Refractory LN")
{'LN': 'lupus nephritis'}
"""

from __future__ import annotations

import re

_SHORT_FORM = re.compile(r"[(\[]\s*(?P<short>[A-Za-z0-9][A-Za-z0-9/&+\-]{1,9})\s*[)\]]")
"""A bracketed candidate: 2 to 10 characters of one word."""

_CLAUSE_START = re.compile(r"[.;:()\[\]\n]|\s[-–]\s")
"""Where a long form cannot reach back across."""

_ROMAN = re.compile(r"X{0,3}(?:IX|IV|V?I{0,3})")
"""I to XXXIX: "Class (III)"; "LV", "IL", "XL" are short forms."""


def is_short_form(short: str) -> bool:
    """A short form has a letter and at least two capitals ("LN", "pMN", "CrCl", "HbA1c"),
    and is no roman numeral ("Class (III)"): "(Fridericia)", "(s)" and "(eg)" are words."""
    return (
        sum(c.isupper() for c in short) >= 2
        and any(c.isalpha() for c in short)
        and not _ROMAN.fullmatch(short)
    )


def without_short_forms(text: str) -> str:
    """The text without its bracketed short forms ("atazanavir (ATV)" → "atazanavir"); other
    bracketed words stay ("hypertension (pulmonary)")."""
    return _SPACED_SHORT_FORM.sub(
        lambda m: "" if is_short_form(m.group("short")) else m.group(), text
    )


_SPACED_SHORT_FORM = re.compile(r"\s*" + _SHORT_FORM.pattern)
_WORD_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]")


def _by_initials(short: str, before: str) -> int | None:
    """Where the long form starts when each letter of an all-letter ``short`` begins one of the
    last words of ``before``, in order ("proton pump inhibitor (PPI)", "multiple myeloma (MM)";
    Schwartz and Hearst's rule alone gives "pump inhibitor", "myeloma"); else None."""
    if not short.isalpha():
        return None
    starts = [m.start() for m in _WORD_START.finditer(before)]
    letters = short.lower()
    if len(starts) < len(letters):
        return None
    tail = starts[-len(letters) :]
    if all(before[at].lower() == c for at, c in zip(tail, letters, strict=True)):
        return tail[0]
    return None


def _long_form(short: str, before: str) -> str | None:
    """The long form of ``short`` at the end of ``before``: by initials (:func:`_by_initials`)
    where they spell it, else Schwartz and Hearst's ``findBestLongForm``; or None."""
    at = _by_initials(short, before)
    if at is not None:
        start = before.rfind(" ", 0, at + 1) + 1
        return _checked(short, before[start:])
    s, i = len(short) - 1, len(before) - 1
    while s >= 0:
        c = short[s].lower()
        if not c.isalnum():
            s -= 1
            continue
        while i >= 0 and (before[i].lower() != c or (s == 0 and i > 0 and before[i - 1].isalnum())):
            i -= 1
        if i < 0:
            return None
        i -= 1
        s -= 1
    start = before.rfind(" ", 0, i + 1) + 1
    return _checked(short, before[start:])


def _checked(short: str, candidate: str) -> str | None:
    """The long form, trimmed, unless it is too long or too short for ``short``, or holds it:
    "CYP3A4 (CYP)" defines nothing."""
    # "... (AST)/Alanine aminotransferase (ALT)", "hemoglobin A1c, (HbA1c)"
    long = candidate.strip().lstrip("/-–,").rstrip(",;-–")
    words = long.split()
    if len(long) <= len(short) or len(words) > min(len(short) + 5, 2 * len(short)):
        return None
    if words[0].startswith(short) or short.lower() in (w.lower() for w in words):
        return None
    return long


def find_definitions(text: str) -> dict[str, str]:
    """Short form → long form for every abbreviation the text defines in brackets after its
    long form. A short form defined with two different long forms is left out (which one a
    later use means is unknown)."""
    found: dict[str, str] = {}
    clashes: set[str] = set()
    for m in _SHORT_FORM.finditer(text):
        short = m.group("short")
        if not is_short_form(short):
            continue
        reach = text[max(0, m.start() - 160) : m.start()]
        cut = list(_CLAUSE_START.finditer(reach))
        before = reach[cut[-1].end() :] if cut else reach
        long = _long_form(short, before.rstrip())
        if long is None:
            continue
        if found.get(short, long).lower() != long.lower():
            clashes.add(short)
        found.setdefault(short, long)
    for short in clashes:
        del found[short]
    return found


_DOSE = (
    r"\)?[ \t]*\d+(?:\.\d+)?[ \t]*(?:mg|g|mcg|µg|μg|ug|IU|units?|U)"
    r"(?:[ \t]*(?:/|per\b)[ \t]*(?:kg|m2|m²|day|d|week|wk))*"
    r"(?![\w/])(?![ \t]*(?:/|per\b))"
)
"""A dose: a number and a unit of drug amount, alone or per kilogram, square metre, day or
week, on one line, maybe after the bracket that closes a short form ("tocilizumab (TCZ) 8
mg/kg"); not an amount per volume ("8 mg/kg/day", not "9 g/dL" nor "9 g / dL")."""
_DOSE_AFTER = re.compile(_DOSE)
_DOSED_NAME = re.compile(r"(?<![\w-])([A-Za-z0-9][\w-]*)(?![\w-])(?=" + _DOSE + ")")
_NOT_A_DRUG_NAME = frozenset(
    ["IV", "PO", "SC", "SQ", "IM", "QD", "BID", "TID", "QID", "DNA", "RNA", "PRBC", "RBC"]
)
"""Routes, frequencies and what a count of units or IU measures: "IV 8 mg", "HBV DNA 2000 IU"."""


def dose_follows(text: str, end: int) -> bool:
    """Whether a dose (:data:`_DOSE`) follows ``text`` at ``end``."""
    return _DOSE_AFTER.match(text, end) is not None


def is_code_name(word: str) -> bool:
    """A code name or abbreviation: one word with two capitals or more ("TCZ", "LY3502970"),
    not a route or frequency (:data:`_NOT_A_DRUG_NAME`)."""
    return " " not in word and sum(c.isupper() for c in word) >= 2 and word not in _NOT_A_DRUG_NAME


def find_dosed_names(text: str) -> frozenset[str]:
    """The code names the text prints a dose after ("TCZ 8 mg/kg IV"; not "Hb 9 g/dL"). A
    record names its study drug so once and bare elsewhere ("besides TCZ within 12 weeks"),
    where the name alone says nothing of what it is."""
    return frozenset(m.group(1) for m in _DOSED_NAME.finditer(text) if is_code_name(m.group(1)))
