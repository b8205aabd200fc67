"""Reading numbers: digits, number words, Roman numerals, a UCUM unit after one, and the further
values listed after a class or scale value ("Class III or IV")."""

from __future__ import annotations

import re
from functools import lru_cache

from models import Quantity
from nlp.rulefiles import number_rules
from nlp.units import normalise_unit

_TIME_UNITS = frozenset({"a", "mo", "wk", "d", "h", "min", "s"})
# rules/numbers.json: "at least two", "once", "a single"; not "a"/"an" (no limit is "a" value)
_NUMBER_WORDS = number_rules().words_in("cardinal", "zero", "multiplicative", "single")
_ROMAN = number_rules().roman()  # I..X and the Unicode numerals Ⅰ..Ⅻ
_LETTER_GRADES = {"A": 1, "B": 2, "C": 3, "D": 4}  # Child-Pugh A/B/C, ASIA A-D

_DIGITS = r"\d{1,3}(?:,\d{3})+(?![\d,])(?:\.\d+)?|\d+(?:[.·]\d+)?|\.\d+"
_ROMAN_ALT = "|".join(sorted((k for k in _ROMAN if len(k) == 1 or k.isascii()), key=len)[::-1])
# The leading lookahead only rejects, in C, positions where none of the three can start (a
# digit or ".", the first letter of a number word under IGNORECASE, a Roman numeral); it cuts
# the scan of every criterion's text by almost half without changing a match.
_NUM_RE = re.compile(
    r"(?=[\d.IVX\u2160-\u216b]|\b(?i:[zotfsenh]))"
    rf"(?:(?P<d>{_DIGITS})"
    rf"|(?P<w>(?i:\b(?:{'|'.join(_NUMBER_WORDS)})\b))"
    rf"|(?P<r>(?:(?<![A-Za-z])|(?<=ASA))(?:{_ROMAN_ALT})(?:[abc]|[ABC](?![A-Za-z]))?(?![A-Za-z])"
    rf"|[\u2160-\u216b]))"
)
assert {w[0] for w in _NUMBER_WORDS} <= set("zotfsenh")
_ANY_NUM = (
    rf"(?:{_DIGITS}|(?i:\b(?:{'|'.join(_NUMBER_WORDS)})\b)|(?:{_ROMAN_ALT})(?![A-Za-z])"
    r"|[\u2160-\u216b])"
)


_LIST_RE = re.compile(
    r"\s*(?:,\s*(?:or|and)?|or|and|/|&|,?\s*and/or)\s*"
    r"(?P<kw>(?:class|grade|stage|ASA|type|status)\s*)?(?=\S)",
    re.I,
)
_UNIT_TOKEN_RE = re.compile(r"(?:[^\s,;()\[\]–-]|[–-](?!\d))+")


def _parse_number(kind: str, token: str) -> float:
    if kind == "w":
        return float(_NUMBER_WORDS[token.lower()])
    if kind == "r":
        return float(_ROMAN[token] if token in _ROMAN else _ROMAN[token[:-1]])  # "IIIb"
    return float(token.replace(",", "").replace("·", "."))


@lru_cache(maxsize=1 << 16)
def _candidate_unit(cand: str) -> tuple[str | None, int]:
    """The unit code of a candidate run of tokens (tried as written, then without a trailing
    "." or ":") and the length it covers; (None, 0) when neither is a unit.

    normalise_unit is a pure lookup in the cached rules table, and the same candidates
    ("mg/dL", "years of") recur across criteria, so the answers are remembered.
    """
    stripped = cand.rstrip(".:")
    for trimmed in (cand, stripped) if stripped != cand else (cand,):
        if trimmed.strip() == "a":
            break  # the article ("twice a week"), never a written year
        code = normalise_unit(trimmed)
        if code is not None:
            return code, len(trimmed)
    return None, 0


def _read_unit(text: str, pos: int) -> tuple[str | None, int]:
    """The longest run of up to five tokens after ``pos`` that is a known unit."""
    window = text[pos : pos + 64]
    if not window[:1].strip() and window[1:2].isspace():
        return None, pos  # two spaces: not this number's unit
    best: tuple[str | None, int] = (None, pos)
    for n, m in enumerate(_UNIT_TOKEN_RE.finditer(window)):
        if n >= 8:
            break
        if n == 0 and m.start() > 1:
            break
        code, length = _candidate_unit(window[: m.end()])
        if code is not None:
            end = pos + length
            if not (end < len(text) and text[end].isalpha() and window[length - 1].isalpha()):
                best = (code, end)
    return best


def _number_at(text: str, pos: int) -> re.Match[str] | None:
    m = _NUM_RE.match(text, pos)
    return m


def _alternatives(
    text: str, pos: int, kind: str, measure: str | None
) -> tuple[list[Quantity], int]:
    """The further values of a class or scale after ``pos``: "Class III or Class IV", "ECOG 0 or 1",
    "I, II, or III"; each an ``=`` quantity. Returns them and where they stop."""
    out: list[Quantity] = []
    while True:
        lm = _LIST_RE.match(text, pos)
        if not lm:
            break
        if lm.group("kw") and measure and lm.group("kw").split()[0].lower() not in measure.lower():
            break  # "Stage IB, grade 1 or 2": a grade of its own, not a second stage
        mm = _NUM_RE.match(text, lm.end())
        if not mm or (mm.lastgroup == "w"):
            break
        v = _parse_number(mm.lastgroup or "d", mm.group())
        q_start = lm.start("kw") if lm.group("kw") else mm.start()
        out.append(
            Quantity(
                kind=kind,
                measure=measure,
                comparator="=",
                value=v,
                text=text[q_start : mm.end()],
                span=(q_start, mm.end()),
            )
        )
        pos = mm.end()
    return out, pos
