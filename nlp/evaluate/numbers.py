"""Reading the numbers and comparators that annotators wrote, so gold can be compared to Eligo.

These are the evaluation's own reading of gold text, kept deliberately small and literal:
``parse_number("1,000") == 1000.0``, ``parse_number("III") == 3.0``,
``parse_chia_value(">= 18 years") == (">=", (18.0,), "years")``. A gold value they cannot read
("May 2017") is ``None`` and is left out of the value check rather than counted wrong.
"""

from __future__ import annotations

import re

from nlp.rulefiles import number_rules

# rules/numbers.json, all groups but the articles ("a", "an" are no annotated value)
WORDS = number_rules().words_in(
    "cardinal", "zero", "none", "multiplicative", "single", "half", "fraction"
)
ROMAN = number_rules().roman()

_NUMBER = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?$")


def parse_number(text: str) -> float | None:
    """One annotated value as a number: digits (commas allowed), a number word, a roman numeral."""
    t = text.strip().rstrip(".")
    if not t:
        return None
    if _NUMBER.match(t) and any(c.isdigit() for c in t):
        return float(t.replace(",", ""))
    roman = re.sub(r"[a-c]$", "", t)  # "IVa" → IV
    if roman in ROMAN:
        return float(ROMAN[roman])
    word = t.lower()
    if word in WORDS:
        return float(WORDS[word])
    return None


# Comparator phrases, most specific first; the first one found in the text wins.
_COMPARATORS: list[tuple[str, str]] = [
    (r"≥|=>|>=|>/=|=/>|≧|\bgreater than or equal|\bmore than or equal|\bat least\b|\bor more\b"
     r"|\bor older\b|\bor greater\b|\bor above\b|\bor higher\b|\bor over\b|\band older\b"
     r"|\band above\b|\band over\b|\bno less than\b|\bnot less than\b|\bminimum\b", ">="),
    (r"≤|=<|<=|</=|=/<|≦|\bless than or equal|\bat most\b|\bor less\b|\bor lower\b|\bor fewer\b"
     r"|\bor younger\b|\bor below\b|\bup to\b|\bno more than\b|\bnot more than\b"
     r"|\bnot (?:to )?exceed|\bmaximum\b|\bwithin\b|\b(?:last|past|previous|preceding|next)\b",
     "<="),
    (r">|\bgreater than\b|\bmore than\b|\bover\b|\babove\b|\bolder than\b|\bexceed"
     r"|\bin excess of\b|\bhigher than\b", ">"),
    (r"<|\bless than\b|\bfewer than\b|\bunder\b|\bbelow\b|\byounger than\b|\blower than\b", "<"),
]  # fmt: skip
_SCIENTIFIC = re.compile(
    r"\s*[x×*]\s*10\s*(?:(?:\^|\*\*|\*|e)\s*)?[-−]?\d+|\s*[x×*]\s*10[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+"
)
_TOKEN = re.compile(r"(?<![\w.])(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?![\d])|[A-Za-z½¼¾ⅠⅡⅢⅣⅤ]+")
_RANGE_JOIN = re.compile(r"^\s*(?:-|–|—|to|and)\s*$", re.IGNORECASE)
_ALTERNATIVE = re.compile(r"^\s*(?:or|/|,)\s*$", re.IGNORECASE)
_RANGE_WORD = re.compile(r"\bbetween\b|\bfrom\b.*\bto\b", re.IGNORECASE)


def numbers_in(text: str) -> list[tuple[float, int, int]]:
    """Numbers in a phrase with their offsets, ignoring the ``x 10^9`` of scientific notation."""
    cleaned = _SCIENTIFIC.sub(lambda m: " " * len(m.group()), text)
    titre = re.search(r"\b1\s*:\s*(\d+)", cleaned)
    if titre:  # "1:80" is the titre 80
        cleaned = (
            cleaned[: titre.start()]
            + " " * (titre.start(1) - titre.start())
            + cleaned[titre.start(1) :]
        )
    out = []
    for m in _TOKEN.finditer(cleaned):
        token = m.group()
        if not token or not token.strip():
            continue
        if token[0].isalpha() and token not in ROMAN and token.lower() not in WORDS:
            continue
        value = parse_number(token)
        if value is not None:
            out.append((value, m.start(), m.end()))
    return out


def parse_chia_value(text: str) -> tuple[str | None, tuple[float, ...] | None, str | None]:
    """A Chia ``Value``/``Temporal`` span → (comparator, numbers, unit text).

    ``"18-65 years"`` → ``("range", (18.0, 65.0), "years")``; ``"<2.5X ULN"`` →
    ``("<", (2.5,), "X ULN")``; an explicit ``=`` → ``"="``; no comparator at all → None (the
    operator is then not checked: "3 months after ablation", "grade 2"). Time phrases with
    last/past/previous/preceding/next read as ``<=`` ("in the past 6 months" = within 6
    months). Chia's text sometimes has ``=`` where the registry had ``≥`` (an encoding loss in
    the corpus); it is read as written.
    """
    numbers = numbers_in(text)
    if not numbers:
        return None, None, None
    unit = text[numbers[-1][2] :].strip(" .,;:()") or None
    between = text[numbers[0][2] : numbers[1][1]] if len(numbers) >= 2 else ""
    if len(numbers) >= 2 and (_RANGE_JOIN.match(between) or _RANGE_WORD.search(text)):
        return "range", (numbers[0][0], numbers[1][0]), unit
    values: tuple[float, ...] = (numbers[0][0],)
    if len(numbers) >= 2 and _ALTERNATIVE.match(between):  # "III or IV": either value
        values = (numbers[0][0], numbers[1][0])
    lowered = text.lower()
    for pattern, comparator in _COMPARATORS:
        if re.search(pattern, lowered):
            return comparator, values, unit
    return ("=" if "=" in text else None), values, unit
