"""Numeric limits in one criterion's text: ``platelet count < 100,000/mm^3`` → a Quantity.

Why regexes and not spaCy: this runs on every criterion of every record, so it is a scanner
over compiled patterns. The scanner anchors on each number (digits, number words, and Roman
numerals after a class/grade/stage keyword), then reads outwards: a comparator before it
(``≥``, "at least", "no more than"), then after it a unit (normalised to UCUM through
:func:`nlp.units.normalise_unit`), a range end ("18 to 75", "between 9 and 13"), a reference
("× ULN"), a scale ("4/24"), a titre ("1:80") and a trailing comparator ("or more").
Comparator words and the lexicon of ordinal scales are data in ``rules/quantity_*.json``.

Decisions (documented here once):

- Durations are not quantities (another module reads time windows): a number whose unit is
  a time unit is dropped, except ages ("≥ 18 years of age", "aged 18 to 75 years"), which are
  ``kind="age"`` with unit ``a`` (or ``mo``...).
- A value with no comparator is kept as ``=`` only when the text makes it a requirement: a
  class, grade, stage or ordinal-scale value ("NYHA class III", "ECOG 0 or 1"), or a number
  with a non-time unit ("PSA 20 ng/mL"). Alternatives ("Class III or Class IV", "ECOG 0 or
  1") are one ``=`` quantity each; "X-Y", "X to Y", "between X and Y" are one ``range``.
- "100 x 10^9/L" is value 100 with unit ``10*9/L`` (the power stays in the unit).
- A limit relative to a reference ("≥ 3 times the upper limit of normal", "3xULN") has
  ``relative_to`` ``ULN`` or ``LLN`` and no unit.
- Several measures sharing one limit ("AST, ALT, or bilirubin ≥ 3 × ULN") give one quantity
  per measure; those not adjacent to the limit get the limit's span. A limit followed by "by
  either / each / both measure(s)" applies to each measure named earlier in the sentence.
- Stated values without a comparator word are ``=`` when the text makes them a requirement:
  a score ("a Clinical Dementia Rating of 0", "26 points"), a count (a number word or a bare
  number before a plural noun: "Meets two additional criteria", "12 seizures"; not after
  "type", "phase", "version"..., and not a duration: "8 consecutive weeks").
- A value restating the previous limit in other units, "less than 45 kilograms (100 pounds)"
  (or "above 20 g and 30 g ... respectively"), takes that limit's comparator and measure.
- Letter grades on scales flagged ``letters`` in ``quantity_measures.json`` (Child-Pugh A-C,
  ASIA A-D) are class/grade values 1-4. Calendar limits ("between January 2014 and May 2017",
  "since 2010") are ``measure="calendar year"`` on the year.
- Measures: a score read "on (the) <instrument>" takes the instrument; a bare grade/class/stage
  keyword with nothing named before it takes the graded thing after it ("Grade 3 or higher
  neutropenia"); a limit in "(i.e. / e.g. / defined as ...)" takes the noun phrase before the
  parenthesis, evaluative adjectives dropped ("significant smoking history" → smoking history).
- A limit inside a sentence-initial scope clause ("For subjects with primarily Class III or
  Class IV LN, ...") that repeats one already found earlier in the text is not emitted again.
"""

from __future__ import annotations

import itertools
import json
import re
from functools import cache
from importlib import resources
from typing import Any

from models import Quantity
from nlp.units import normalise_unit

__all__ = ["find_quantities", "find_run_together"]

_TIME_UNITS = frozenset({"a", "mo", "wk", "d", "h", "min", "s"})
_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "once": 1, "twice": 2,
    "thrice": 3, "single": 1,
}  # fmt: skip
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9,
          "X": 10}  # fmt: skip
_ROMAN.update({chr(0x2160 + i): i + 1 for i in range(12)})  # Ⅰ..Ⅻ
_LETTER_GRADES = {"A": 1, "B": 2, "C": 3, "D": 4}  # Child-Pugh A/B/C, ASIA A-D

_DIGITS = r"\d{1,3}(?:,\d{3})+(?![\d,])(?:\.\d+)?|\d+(?:[.·]\d+)?|\.\d+"
_ROMAN_ALT = "|".join(sorted((k for k in _ROMAN if len(k) == 1 or k.isascii()), key=len)[::-1])
_NUM_RE = re.compile(
    rf"(?P<d>{_DIGITS})"
    rf"|(?P<w>(?i:\b(?:{'|'.join(_NUMBER_WORDS)})\b))"
    rf"|(?P<r>(?:(?<![A-Za-z])|(?<=ASA))(?:{_ROMAN_ALT})(?:[abc]|[ABC](?![A-Za-z]))?(?![A-Za-z])"
    rf"|[\u2160-\u216b])"
)
_ANY_NUM = (
    rf"(?:{_DIGITS}|(?i:\b(?:{'|'.join(_NUMBER_WORDS)})\b)|(?:{_ROMAN_ALT})(?![A-Za-z])"
    r"|[\u2160-\u216b])"
)


def _rules(name: str) -> Any:
    path = resources.files("nlp") / "rules" / name
    return json.loads(path.read_text(encoding="utf-8"))


def _alternation(literals: list[str]) -> str:
    """Longest first, spaces matching any run of whitespace."""
    parts = [r"\s*".join(re.escape(w) for w in lit.split()) for lit in literals]
    return "|".join(sorted(parts, key=len, reverse=True))


@cache
def _patterns() -> dict[str, Any]:
    """Everything compiled once per process from the rule files."""
    comparators = _rules("quantity_comparators.json")
    prefix = {
        " ".join(r["literal"].lower().split()): r["comparator"] for r in comparators["prefix"]
    }
    postfix = {r["literal"]: r["comparator"] for r in comparators["postfix"]}
    measures = _rules("quantity_measures.json")
    scale_kind: dict[str, str] = {}
    for row in measures:
        for alias in row["aliases"]:
            scale_kind[alias.lower()] = row["kind"]
    ordinal = [
        a for a, k in scale_kind.items() if k != "age" and a != "bmi" and a != "body mass index"
    ]
    word_pre = _alternation([p for p in prefix if p[0].isalpha()])
    sym_pre = _alternation([p for p in prefix if not p[0].isalpha()])
    return {
        "prefix": prefix,
        "postfix": postfix,
        "scale_kind": scale_kind,
        "pre": re.compile(
            rf"(?:(?<![A-Za-z])(?P<w>{word_pre})|(?P<s>{sym_pre}))\s*(?:(?<=[a-z]\s)of\s+)?"
            r"(?P<age>(?:the\s+)?ages?\s+(?:of\s+)?)?$",
            re.I,
        ),
        "post": re.compile(
            rf"\s*(?P<p>\+(?!\s*\d)|(?:{_alternation([w for w in postfix if w != '+'])})"
            r"(?![A-Za-z]))",
            re.I,
        ),
        # an ordinal-scale keyword right before the value, maybe with a comparator between
        "scale": re.compile(
            rf"(?<![A-Za-z])(?P<kw>{_alternation(ordinal)})(?!(?-i:[a-z]))(?:\s*\([A-Za-z-]+\))?"
            r"(?:\s*(?:score|class|classification(?:\s+system)?|grade|stage|status|"
            r"functional class))?"
            r"\s*(?:of\b|[:=-]|(?:of\s+)?\b(?:a|an)\s+)?\s*(?P<cmp>" + sym_pre + r")?\s*$",
            re.I,
        ),
    }


_UNIT_TOKEN_RE = re.compile(r"(?:[^\s,;()\[\]–-]|[–-](?!\d))+")
_REL_RE = re.compile(
    r"\s*(?:[x×X*](?=\s*[,;.)]|\s*$)(?P<bare>)|"
    r"(?:[x×X*]|times|-?\s*fold)?\s*(?:(?P<gt>higher|greater|more|above)\s+than\s+)?"
    r"(?:that\s+of\s+)?(?:the\s+|above\s+(?:the\s+)?)?"
    r"(?:(?:institutional|local|laboratory|lab|site)\s+|(?:upper|lower)\s+(?=normal\s+limit))?"
    r"(?:(?P<u>upper|u)\s*(?:limits?\s+of\s+(?:the\s+)?normal|normal\s+limits?)|(?P<l>lower)\s+"
    r"(?:limits?\s+of\s+(?:the\s+)?normal|normal\s+limits?)|normal\s+(?P<u2>upper)\s+limits?"
    r"|normal\s+(?P<l2>lower)\s+limits?|(?P<uln>ULN|UNL|ULRR)|(?P<lln>LLN|LNL)|(?P<n>normal(?!\s+\w*\s*range)))"
    r"(?:\s+(?:range|value|limit))?(?:\s*\((?:ULN|LLN|UNL)\))?(?![A-Za-z]))",
    re.I,
)
_BETWEEN_RE = re.compile(
    r"(?<![A-Za-z])(between|from)\s*(?P<age>(?:the\s+)?ages?\s+(?:of\s+)?)?$", re.I
)
_DEC_COMMA_RE = re.compile(r",(\d{1,2})(?![\d,])")
_ORDINAL_RE = re.compile(r"(?:st|nd|rd|th)(?=\s+percentile)", re.I)
_BETWEEN_SEP_RE = re.compile(r"\s*(?:and|&|to|-|–)\s*", re.I)
_RANGE_SEP_RE = re.compile(r"\s*(?:-|–|—|－|~|to|through|thru)\s*", re.I)
_AND_RE = re.compile(r"\s*(?:and|&)\s*", re.I)
_SLASH_RE = re.compile(r"\s*/\s*(\d+(?:\.\d+)?)(?![\d/])")
_RATIO_RE = re.compile(r"\s*:\s*(\d+)(?![\d:])")
_LIST_RE = re.compile(
    r"\s*(?:,\s*(?:or|and)?|or|and|/|&|,?\s*and/or)\s*"
    r"(?P<kw>(?:class|grade|stage|ASA|type|status)\s*)?(?=\S)",
    re.I,
)
_AGE_WORDS_RE = re.compile(r"\b(?:age[ds]?|aged)\b", re.I)
_AGE_RIGHT_RE = re.compile(r"^[\s-]*(?:old|of\s+age|year-old|years?-old|y/o)\b", re.I)
_PEOPLE_RE = re.compile(
    r"\b(?:adults?|patients?|subjects?|participants?|men|women|males?|females?|children|"
    r"individuals?|persons?|people|volunteers?|boys|girls|adolescents|infants)\s*$",
    re.I,
)
_WITHOUT_RE = re.compile(r"\b(?:without|excluding|except|not)\s+(?:\w+\s+){0,2}$", re.I)
_BOUNDARY_RE = re.compile(
    r"(?:[,;:()\[\]]|\.\s|\b(?:and/or|and|or|with|without|by|including|if|for|in|on|at|as|"
    r"than|to|from|when|while|where|who|which|that|despite|after|before|during|within|via|per"
    r"|defined|using|between|especially|such\s+as)\b|\b(?:e\.g|i\.e)\.|(?<![A-Za-z])\d)",
    re.I,
)
_FILLER_RE = re.compile(
    r"(?:\s+|\b(?:of|is|are|be|was|were|must|should|the|a|an|value|values|equal|having|has|"
    r"have|measured|known|documented|level\s+of)\b)+$",
    re.I,
)
_ABBR_RE = re.compile(r"\(\s*(?![A-Z][a-z]{3,}\s*\))([A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*)\s*\)")
_FOLLOW_RE = re.compile(r"^\s*([A-Za-z][A-Za-z-]*(?:\s+[A-Za-z][A-Za-z-]*){0,3})")
_STOP_WORDS = frozenset(
    [
        "and",
        "or",
        "of",
        "in",
        "on",
        "at",
        "by",
        "for",
        "to",
        "from",
        "with",
        "without",
        "within",
        "via",
        "per",
        "than",
        "the",
        "a",
        "an",
        "as",
        "if",
        "is",
        "are",
        "be",
        "was",
        "were",
        "who",
        "which",
        "that",
        "since",
        "after",
        "before",
        "during",
        "than",
        "unless",
        "except",
        "but",
        "when",
        "while",
        "times",
        "x",
    ]
)
_TIME_NOUN_RE = re.compile(
    r"^[\s-]*(?:PK\s+)?half[\s-]?li(?:fe|ves)|^[\s-]*(?:cycles?|doses?\s+per)\b", re.I
)
_VERB_END_RE = re.compile(r"(?:ed|ing|\bhave|\bhas)$", re.I)
_NOT_A_LIMIT_RE = re.compile(
    r"\s*(?:of\s+(?:the\s+)?(?:following|these|those|them)\b|of\s*:)", re.I
)
_SCALE_RIGHT_RE = re.compile(r"\s*(?:[\w-]+\s+){0,3}?(?:scale|VAS|NRS|numeric\s+rating)\b", re.I)
_PAREN_ONLY_RE = re.compile(r"^[\s(]*$")
_ADJ_DURATION_RE = re.compile(
    r"-(?:mo|mos|months?|weeks?|wks?|days?|years?|yrs?|hours?|hrs?|h|d|min|minutes?)\b", re.I
)
# a bare number before a plural noun is a count: "12 seizures", "5 fractions", "6 steps"
_PLURAL_NOUN_RE = re.compile(
    r"\s+(?:[a-z][a-z-]+\s+){0,1}([a-z][a-z-]{2,}s|[A-Z][a-z]+s|teeth|children|people|women|men"
    r"|feet)\b"
)
_NOT_COUNTED_BEFORE_RE = re.compile(
    r"(?:\b(?:type|phase|grade|stage|class|level|version|day|week|month|year|cycle|step|part|"
    r"section|visit|arm|group|cohort|criterion|item|number|no|n°|figure|table|line|lines|"
    r"per|every|each|version|dose|doses|trial|study|protocol|to|than|between|from|at|"
    r"in|on|by|for|within|after|before|x|×)|\btype\s+\w+\s*(?:or|and|,|/)|[#:/=<>≤≥+-])\s*$",
    re.I,
)
_NOT_PLURAL_RE = re.compile(
    r"(?:itis|osis|[^s]sis|us|ss|betes|herpes|measles|mumps|rabies|series|species)$", re.I
)
_DURATION_WORD_RE = re.compile(
    r"\b(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|nights?)$", re.I
)
_NAME_AFTER_RE = re.compile(r"\s+(?:test|scale|questionnaire|task|inventory|index|score)\b", re.I)
_VERSION_RE = re.compile(r"\b(?:version|release|edition)\s*$", re.I)
# "female > 18 and < 60 years of age": the first limit of an age pair has no unit of its own
_AGE_PAIR_RE = re.compile(
    r"\s*(?:and|,)\s*(?:[<>≤≥]=?|(?:less|younger|more|older)\s+than)\s*\d+\s*"
    r"(?:years?|yrs?)\s+(?:of\s+age|old)\b",
    re.I,
)
# "- Over 18 years" as a whole criterion (maybe after "Patient"/"Adults"): an age limit
_LONE_LIMIT_BEFORE_RE = re.compile(
    r"[\s\-•*\d.)]*(?:(?:adult|male|female)?\s*(?:patients?|subjects?|participants?|adults?|"
    r"persons?|individuals?|volunteers?|men|women|males?|females?)\s*(?:aged?)?\s*)?",
    re.I,
)
_YEAR_OLD_RE = re.compile(r"[\s-]*(?:years?[\s-]old|y/o|yo)\b", re.I)
_REPEAT_WORDS = frozenset({"once", "twice", "thrice"})
_NO_COUNT_BEFORE_RE = re.compile(
    r"\b(?:no|any|every|each|some|the|this|that|which|per|type|all|from|by|in)\s*$", re.I
)
_BARE_SCORE_RE = re.compile(r"(?:(?:a|an|the|total|overall|global)\s+)*scores?$", re.I)
_GLUED_CMP_RE = re.compile(r"\b(?:than|to)$", re.I)
_SCORE_OF_RE = re.compile(
    r"\b(?:score|rating|scale|index|total)\s*(?:of|:|=|(?:was|is)(?:\s+of)?)?\s*$", re.I
)
# "(i.e. >10 pack/year)": a limit that explains the noun phrase before the parenthesis
_PAREN_INTRO_RE = re.compile(
    r"\(\s*(?:i\.?\s?e\.?|e\.?\s?g\.?|defined\s+as|that\s+is|namely)[,:]?\s*$", re.I
)
_EVALUATIVE = frozenset(
    [
        "significant",
        "clinically",
        "relevant",
        "severe",
        "moderate",
        "mild",
        "marked",
        "excessive",
        "active",
        "current",
        "uncontrolled",
        "important",
        "substantial",
        "heavy",
        "known",
        "documented",
        "recent",
    ]
)
# "on the Mini-Mental State Examination": the instrument a score is read on
_ON_INSTRUMENT_RE = re.compile(
    r"\s*(?:points?\s+)?on\s+(?:the\s+|a\s+)?(?P<m>[A-Za-z][^,;:.]*?)"
    r"(?=\s+(?:for|at|within|during|prior|before|after|if|which|that|when|where|who|in)\b"
    r"|\s*[,;:]|\.(?:\s|$)|\s*$)",
)
# the graded thing after "Grade 3 or higher": "neutropenia", "thrombotic or embolic events"
_GRADED_RE = re.compile(r"[\s-]*(?P<m>[A-Za-z][A-Za-z'-]*(?:\s+[A-Za-z][A-Za-z'-]*){0,5})")
_GRADED_STOP = frozenset(
    [
        "within",
        "in",
        "at",
        "for",
        "of",
        "during",
        "prior",
        "before",
        "after",
        "since",
        "lasting",
        "on",
        "by",
        "from",
        "to",
        "with",
        "without",
        "according",
        "per",
        "as",
        "than",
        "that",
        "which",
        "who",
        "when",
        "if",
        "while",
        "despite",
        "unless",
        "except",
    ]
)
_NAMELESS = frozenset(
    [
        "other",
        "any",
        "a",
        "an",
        "the",
        "with",
        "of",
        "having",
        "has",
        "have",
        "no",
        "prior",
        "previous",
    ]
)


def _parse_number(kind: str, token: str) -> float:
    if kind == "w":
        return float(_NUMBER_WORDS[token.lower()])
    if kind == "r":
        return float(_ROMAN[token] if token in _ROMAN else _ROMAN[token[:-1]])  # "IIIb"
    return float(token.replace(",", "").replace("·", "."))


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
        cand = window[: m.end()]
        for trimmed in (cand, cand.rstrip(".:")):
            if trimmed.strip() == "a":
                break  # the article ("twice a week"), never a written year
            code = normalise_unit(trimmed)
            if code is not None:
                end = pos + len(trimmed)
                if not (end < len(text) and text[end].isalpha() and trimmed[-1].isalpha()):
                    best = (code, end)
                break
    return best


def _number_at(text: str, pos: int) -> re.Match[str] | None:
    m = _NUM_RE.match(text, pos)
    return m


def _measure_before(text: str, end: int, floor: int = 0) -> tuple[str | None, int, int]:
    """The short noun phrase just before ``end`` (the comparator or value), with its span."""
    start = max(0, end - 90, floor)
    chunk = text[start:end]
    filler = _FILLER_RE.search(chunk)
    if filler:
        chunk = chunk[: filler.start()]
    cut = 0
    for m in _BOUNDARY_RE.finditer(chunk):
        if m.group() in "()" and m.group() == ")" and _ABBR_RE.search(chunk[: m.end()]):
            continue
        cut = m.end()
    # "(UPCR) ≥ ..." and "(EF ≤ ...": an abbreviation right before the limit wins
    abbrs = list(_ABBR_RE.finditer(chunk))
    tail = chunk[abbrs[-1].end() :] if abbrs else ""
    if abbrs and len(tail.split()) <= 2 and not re.search(r"[,;:]", tail):
        a = abbrs[-1]
        return a.group(1), start + a.start(1), start + a.end(1)
    phrase = chunk[cut:]
    words = phrase.split()
    if not words:
        return None, end, end
    word_starts = [w.start() for w in re.finditer(r"\S+", phrase)][-5:]
    words = words[-5:]
    s = start + cut + word_starts[0]
    e = start + len(chunk.rstrip())
    lead = re.match(r"[^A-Za-z0-9(]*", text[s:e])
    s += lead.end() if lead else 0
    measure = text[s:e].strip(" -–")
    if not measure or measure.lower() in _STOP_WORDS or not re.search(r"[A-Za-z]", measure):
        return None, end, end
    return measure, s, e


def _list_before(text: str, start: int) -> list[tuple[str, int, int]]:
    """Measures listed before an adjacent measure: "AST, ALT, or bilirubin ≥ ..." → AST, ALT."""
    items: list[tuple[str, int, int]] = []
    pos = start
    commas = False
    while len(items) < 8:
        sep = re.search(r"(?:,\s*(?:and/or|or|and)?|\s+(?:and/or|or|and)|\s*/)\s*$", text[:pos])
        if not sep:
            break
        commas = commas or "," in sep.group()
        prev = text[max(0, sep.start() - 60) : sep.start()]
        m = re.search(
            r"(?:^|[,;:(]|\b(?:and/or|and|or|with|including|of|in|for|by|to|if)\b)\s*"
            r"([A-Za-z][A-Za-z0-9 '\-]*?)\s*$",
            prev,
        )
        if not m or len(m.group(1).split()) > (4 if commas else 2):
            break
        item_start = sep.start() - len(prev) + m.start(1)
        items.append((m.group(1), item_start, sep.start()))
        pos = item_start
        if not re.search(r",\s*$", text[:pos]):
            break
    return items[::-1]


_GENERIC_SCALES = frozenset(
    [
        "class",
        "classes",
        "grade",
        "grades",
        "grading",
        "stage",
        "stages",
        "staging",
        "classification",
    ]
)


def _generic_scale(keyword: str) -> bool:
    return " ".join(keyword.lower().split()) in _GENERIC_SCALES


def _graded_after(text: str, pos: int) -> str | None:
    """The noun phrase after a grade: up to a preposition, punctuation or a number."""
    m = _GRADED_RE.match(text, pos)
    if not m:
        return None
    words: list[str] = []
    for w in m.group("m").split():
        if w.lower() in _GRADED_STOP:
            break
        words.append(w)
    while words and words[-1].lower() in ("or", "and", "and/or"):
        words.pop()
    if not words or words[0].lower() in _STOP_WORDS or words[0].lower() in ("or", "and"):
        return None
    return " ".join(words)


class _Reader:
    """Reads the limit around one number; ``read`` returns quantities and where it stopped."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.p = _patterns()
        self.floor = 0  # end of the previous quantity: a measure never reaches back past it

    def read(self, m: re.Match[str]) -> tuple[list[Quantity], int]:
        text, p = self.text, self.p
        s, e = m.span()
        kind_tok = m.lastgroup or "d"
        value = _parse_number(kind_tok, m.group())
        left = text[max(0, s - 90) : s]
        # "≤-3SD", "> -3", "< +1.5": a sign right after a comparator
        if kind_tok == "d" and left[-1:] in ("-", "−", "+") and p["pre"].search(left[:-1]):
            value = -value if left[-1] != "+" else value
            left = left[:-1]
            s -= 1
        # numbers glued to letters are names: COVID-19, CD19, anti-PLA2R, SARS-CoV-2, NKX019
        if (
            kind_tok == "d"
            and s > 0
            and (
                text[s - 1].isalpha()
                or text[s - 1] in "_/:.^"
                or (text[s - 1] in "-" and s > 1 and text[s - 2].isalnum())
            )
        ):
            scale = p["scale"].search(left)
            if not scale and _GLUED_CMP_RE.search(left) and p["pre"].search(left):
                pass  # "equal to or greater than100 g/L": a comparator word glued to the number
            elif not scale and not (
                (scale and text[s - 1] in "-")
                or (scale and text[s - 1].isalpha() and text[s - 2 : s].isupper())
            ):
                return [], e
        if _VERSION_RE.search(left):
            return [], e  # "iOS (version 10 or higher)": a software version, not a limit
        scale = p["scale"].search(left)
        if kind_tok == "r" and not scale:
            return [], e
        if scale and _WITHOUT_RE.search(text[max(0, s - 90) : s - len(scale.group())]):
            return [], e
        pre = None
        pre_start = s
        age_words = False
        pre_m = p["pre"].search(left)
        if scale and scale.group("cmp"):
            pre = p["prefix"][" ".join(scale.group("cmp").lower().split())]
            pre_start = s - len(left) + scale.start("cmp")
        elif pre_m:
            pre = p["prefix"].get(" ".join((pre_m.group("w") or pre_m.group("s")).lower().split()))
            pre_start = s - len(left) + pre_m.start()
            age_words = bool(pre_m.group("age"))
        if scale:
            before_kw = left[: scale.start()]
            pm = p["pre"].search(before_kw)
            if pm and pre is None:
                pre = p["prefix"].get(" ".join((pm.group("w") or pm.group("s")).lower().split()))
                pre_start = s - len(left) + pm.start()
        between = _BETWEEN_RE.search(left)
        if between:
            pre_start = s - len(left) + between.start()
            age_words = age_words or bool(between.group("age"))
        pos = e
        # "6,1 mmol/l", "> 39,99": a decimal comma, when a comparator or a unit says so
        dec = _DEC_COMMA_RE.match(text, e) if kind_tok == "d" and "," not in m.group() else None
        if dec and not scale and (pre or _read_unit(text, dec.end())[0]):
            value = float(f"{m.group()}.{dec.group(1)}")
            pos = e = dec.end()
        unit, upos = _read_unit(text, pos)
        if unit == "[diop]" and upos > pos and not text[pos].isspace():
            unit, upos = None, pos  # "3D images", "2D MRI"
        pos = upos
        if unit is None and kind_tok == "d" and _ORDINAL_RE.match(text, pos):
            pos = _ORDINAL_RE.match(text, pos).end()  # "< 10th percentile"
        if unit is None and kind_tok == "d" and pos < len(text) and text[pos].isalpha():
            rel = _REL_RE.match(text, pos)
            if not rel and not (scale and re.match(r"[a-cA-C](?![a-z])", text[pos:])):
                return [], e
        # range end
        low = high = None
        sep = (
            _BETWEEN_SEP_RE if between and between.group(1).lower() == "between" else _RANGE_SEP_RE
        ).match(text, pos)
        if sep:
            n2pos = sep.end()
            kw2 = re.match(r"(?:class|grade|stage|ASA)\s*", text[n2pos:], re.I)
            if kw2:
                n2pos += kw2.end()
            m2 = _NUM_RE.match(text, n2pos)
            if m2 and not (m2.lastgroup == "r" and not scale):
                v2 = _parse_number(m2.lastgroup or "d", m2.group())
                unit2, upos2 = _read_unit(text, m2.end())
                if v2 != value and not (kind_tok == "d" and m2.lastgroup != "d" and not scale):
                    low, high = min(value, v2), max(value, v2)
                    unit = unit or unit2
                    pos = upos2 if unit2 else m2.end()
        relative = None
        rel_gt = False
        scale_max = None
        titre = False
        bp_second = None
        if low is None:
            rel = _REL_RE.match(text, pos)
            if rel and rel.group("bare") is not None and unit is None:
                relative = "ULN"  # "Bilirubin <2x, AST <3x"
                pos = rel.end()
            elif (
                rel
                and unit is None
                and (
                    rel.group("n") is None
                    or rel.group("gt")
                    or re.match(r"\s*(?:[x×X*]|times|-?fold)", text[pos:])
                )
            ):
                relative = (
                    "LLN" if (rel.group("l") or rel.group("l2") or rel.group("lln")) else "ULN"
                )
                rel_gt = rel.group("gt") is not None
                pos = rel.end()
            elif unit is None:
                ratio = _RATIO_RE.match(text, pos)
                slash = _SLASH_RE.match(text, pos)
                if ratio and kind_tok == "d":
                    titre = True
                    titre_value = float(ratio.group(1))
                    pos = ratio.end()
                elif slash and kind_tok == "d":
                    unit_after, upos3 = _read_unit(text, slash.end())
                    if unit_after == "mm[Hg]":
                        bp_second = float(slash.group(1))
                        unit = unit_after
                        pos = upos3
                    elif unit_after is None:
                        scale_max = float(slash.group(1))
                        pos = slash.end()
        post = p["post"].match(text, pos)
        if post:
            post_cmp = p["postfix"].get(" ".join(post.group("p").lower().split()))
            pos = post.end()
        else:
            post_cmp = None
        if low is None and post_cmp is None and unit is None:
            # "18 years or older": the trailing comparator can follow the unit
            pass
        cmp = pre or post_cmp
        if low is not None:
            cmp = "range" if cmp is None or between or cmp == "=" else cmp
        # ---- what kind of quantity is it?
        start_guess = pre_start if pre_start < s else s
        measure, ms, me = _measure_before(text, start_guess, self.floor)
        kind = "value"
        if scale:
            kind = p["scale_kind"].get(" ".join(scale.group("kw").lower().split()), "class")
            if kind == "age":
                kind = "value"
                scale = None
        if relative and cmp is None:
            cmp = ">" if rel_gt else "="
        if kind_tok == "w" and unit is None and scale is None and cmp is None:
            # "Meets two additional criteria", "one of the following": a stated count
            follow = _FOLLOW_RE.match(text[pos:])
            if (
                m.group().lower() in _REPEAT_WORDS
                or _NO_COUNT_BEFORE_RE.search(left)
                or not (
                    _NOT_A_LIMIT_RE.match(text, pos)
                    or (
                        follow
                        and (
                            follow.group(1).split()[0].lower() not in _STOP_WORDS
                            or follow.group(1).split()[0].lower() == "times"
                        )
                    )
                )
            ):
                return [], pos
            cmp = "="
        right = text[pos:]
        age_ctx = bool(
            age_words
            or (measure and _AGE_WORDS_RE.search(measure))
            or (unit in _TIME_UNITS and _AGE_RIGHT_RE.match(right))
            or (unit is None and _YEAR_OLD_RE.match(right))
            or (unit is None and cmp is not None and _AGE_PAIR_RE.match(right))
            or (
                unit == "a"
                and cmp is not None
                and _LONE_LIMIT_BEFORE_RE.fullmatch(text[:pre_start])
                and re.fullmatch(r"[\s.,;:)]*", right)
            )
            or (post and re.search(r"older|younger", post.group(), re.I))
            or (
                (unit == "a" or unit is None)
                and not measure
                and _AGE_WORDS_RE.search(left[-40:].split(";")[-1].split(",")[-1])
            )
            or (unit == "a" and _PEOPLE_RE.search(text[:pre_start]))
        )
        year_old = _YEAR_OLD_RE.match(right) if unit is None else None
        if (
            scale is None
            and age_ctx
            and (unit is None or unit in _TIME_UNITS)
            and not titre
            and scale_max is None
        ):
            kind = "age"
            unit = unit or "a"
            if year_old:
                pos += year_old.end()
            agem = _AGE_RIGHT_RE.match(text[pos:])
            if agem and cmp is None:
                # "18 years of age or older": the trailing comparator follows the age words
                post2 = p["post"].match(text, pos + agem.end())
                if post2:
                    cmp = p["postfix"].get(" ".join(post2.group("p").lower().split()))
                    pos = post2.end()
            if not measure or not _AGE_WORDS_RE.search(measure):
                measure = "age"
        elif unit in _TIME_UNITS:
            return [], pos
        if _TIME_NOUN_RE.match(right) or (unit is None and _ADJ_DURATION_RE.match(right)):
            return [], pos  # half-lives, cycles; "within 6-mo", "a 14-week trial"
        if measure in ("n", "N") or (value == 1.73 and re.match(r"\s*m", right)):
            return [], pos  # sample sizes "n=20"; the 1.73 m² of a body-surface normalisation
        if low is not None and pre is None and post_cmp is None and _SCALE_RIGHT_RE.match(right):
            return [], pos  # "on a 0-10 pain scale": the scale, not a limit
        if titre:
            kind = "titre"
            value = titre_value
        elif scale_max is not None and kind == "value":
            kind = "score"
        if cmp is None and low is None and kind_tok == "d" and unit is None and not scale_max:
            # "a Clinical Dementia Rating of 0", "The MMSE ... was 26 points": a stated score
            points = re.match(r"\s*(?:points?|pts)\b", right, re.I)
            if _SCORE_OF_RE.search(left) or points:
                cmp, kind = "=", "score"
                if points:
                    pos += points.end()
                    right = text[pos:]
        bare_count = False
        if (
            cmp is None
            and kind_tok == "d"
            and unit is None
            and low is None
            and scale is None
            and scale_max is None
            and relative is None
            and re.fullmatch(r"[1-9]\d{0,2}", m.group())
            and not _NOT_COUNTED_BEFORE_RE.search(left)
            and (noun := _PLURAL_NOUN_RE.match(right))
            and (noun.group(1).lower() not in _STOP_WORDS or noun.group(1).lower() == "times")
            and not _NAME_AFTER_RE.match(right, noun.end())
            and not _NOT_PLURAL_RE.search(noun.group(1))
        ):
            cmp, bare_count = "=", True  # "12 seizures", "the selected 3 health facilities"
        if cmp is None:
            if not (scale or (unit and kind != "age") or (low is not None and (measure or unit))):
                return [], pos
            cmp = "range" if low is not None else "="
        if relative and kind == "value":
            unit = None
        # counts: "≥ 2 prior therapies", "at least one induction therapy"
        if (
            kind == "value"
            and unit is None
            and relative is None
            and scale_max is None
            and low is None
        ):
            if _NOT_A_LIMIT_RE.match(right):
                kind = "count"  # "≥2 of the following": a count of the criteria that follow
                measure = None
            follow = _FOLLOW_RE.match(right)
            if follow:
                words: list[str] = []
                for w in follow.group(1).split():
                    if w.lower() in _STOP_WORDS:
                        break
                    words.append(w)
                if words and words[0].lower() in ("point", "points", "pts"):
                    kind = "score"
                    pos += follow.group(0).find(words[0]) + len(words[0])
                elif words and (
                    kind_tok == "w" or bare_count or not measure or _VERB_END_RE.search(measure)
                ):
                    kind = "count"
                    measure = " ".join(words)
                    ms = me = len(text)  # the counted thing follows: not part of the start
                    pos += follow.group(0).find(words[-1]) + len(words[-1])
        if kind == "count" and measure and _DURATION_WORD_RE.search(measure):
            return [], pos  # "> 8 consecutive weeks", "24 consecutive months": a duration
        if scale and kind != "age":
            measure = scale.group("kw")
            ms, me = s - len(left) + scale.start("kw"), s - len(left) + scale.end("kw")
        elif (
            measure is None
            and text[:start_guess].rstrip().endswith("(")
            and not _FOLLOW_RE.match(text[pos:])
        ):
            paren = text[:start_guess].rstrip()
            measure, ms, me = _measure_before(text, len(paren) - 1, self.floor)
        elif measure is None and (intro := _PAREN_INTRO_RE.search(text[:start_guess])):
            measure, ms, me = _measure_before(text, intro.start(), self.floor)
            if measure:
                words = measure.split()
                while len(words) > 1 and words[0].lower() in _EVALUATIVE:
                    words = words[1:]
                words = words[-3:]
                ms = me - len(" ".join(words)) if text[ms:me].endswith(" ".join(words)) else ms
                measure = " ".join(words)
        if kind == "value" and measure is None and scale_max is None:
            follow = _FOLLOW_RE.match(right)
            if follow and _PAREN_ONLY_RE.match(text[max(0, pre_start - 2) : pre_start]):
                words = []
                for w in follow.group(1).split():
                    if w.lower() in _STOP_WORDS:
                        break
                    words.append(w)
                measure = " ".join(words) or None
        start = pre_start if pre_start < s else s
        adjacent = (measure is not None and ms < start and not text[me:start].strip(" :=")) or (
            measure is not None
            and ms < start
            and re.fullmatch(r"[\s\w()-]{0,30}", text[me:start])
            and kind in ("class", "grade", "score")
        )
        span_start = ms if adjacent and ms < start else start
        end = pos
        while end > start and text[end - 1].isspace():
            end -= 1
        # "a score of at least 20 on the Mini-Mental State Examination": the instrument
        if (
            kind in ("score", "value")
            and not scale
            and unit is None
            and relative is None
            and (measure is None or _BARE_SCORE_RE.match(measure))
        ):
            on = _ON_INSTRUMENT_RE.match(text, pos)
            if on and len(on.group("m").split()) <= 12:
                measure, kind = on.group("m").strip(), "score"
        base: dict[str, Any] = {
            "kind": kind,
            "comparator": cmp,
            "unit": unit,
            "relative_to": relative,
        }
        if cmp == "range":
            base.update(low=low, high=high)
        else:
            base.update(value=value)
        if scale_max is not None:
            base["scale_max"] = scale_max
        out = [Quantity(measure=measure, text=text[span_start:end], span=(span_start, end), **base)]
        if bp_second is not None:
            out[0] = out[0].model_copy(update={"notes": "systolic"})
            out.append(out[0].model_copy(update={"value": bp_second, "notes": "diastolic"}))
        # alternatives of a class or scale: "Class III or Class IV", "ECOG 0 or 1", "I, II, or III"
        if scale and cmp == "=":
            while True:
                lm = _LIST_RE.match(text, pos)
                if not lm:
                    break
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
        # "Grade 3 or higher neutropenia": a bare grade/class/stage keyword names nothing, so the
        # graded thing is what follows, unless a noun phrase before it names it
        if scale and kind in ("class", "grade") and _generic_scale(scale.group("kw")):
            kw_start = s - len(left) + scale.start("kw")
            before, _b, _e = _measure_before(text, min(kw_start, start), self.floor)
            named = [w for w in (before or "").split() if w.lower() not in _NAMELESS]
            graded = None if named else _graded_after(text, pos)
            if graded:
                out = [q.model_copy(update={"measure": graded}) for q in out]
        # shared limit: "aspartate aminotransferase, alanine aminotransferase, or bilirubin ≥ ..."
        if measure and adjacent and kind == "value":
            for item, _a, _b in _list_before(text, ms):
                out.insert(
                    len(out) - 1 - (1 if bp_second is not None else 0),
                    out[0].model_copy(
                        update={"measure": item, "text": text[start:end], "span": (start, end)}
                    ),
                )
        return out, pos


def find_quantities(text: str) -> list[Quantity]:
    """Every numeric limit in ``text`` (one criterion's clean text), in text order.

    >>> [(q.measure, q.comparator, q.value, q.unit) for q in find_quantities("QTc > 480 msec")]
    [('QTc', '>', 480.0, 'ms')]
    """
    reader = _Reader(text)
    out: list[Quantity] = []
    pos = 0
    for m in _NUM_RE.finditer(text):
        if m.start() < pos:
            continue
        found, end = reader.read(m)
        out.extend(found)
        if found:
            reader.floor = end
        pos = max(pos, end if found else m.end())
    years = [
        q
        for q in _calendar_years(text)
        if not any(
            o.span and q.span and o.span[0] < q.span[1] and q.span[0] < o.span[1] for o in out
        )
    ]
    if years:
        out = sorted(out + years, key=lambda q: q.span or (0, 0))
    letters = [
        q
        for q in _letter_grades(text)
        if not any(
            o.span and q.span and o.span[0] < q.span[1] and q.span[0] < o.span[1] for o in out
        )
    ]
    if letters:
        out = sorted(out + letters, key=lambda q: q.span or (0, 0))
    out = _inherit_comparator(text, out)
    out = _distribute_over_measures(text, out)
    return _drop_scope_repeats(text, out)


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


@cache
def _letter_re() -> re.Pattern[str]:
    scales = [
        a for row in _rules("quantity_measures.json") if row.get("letters") for a in row["aliases"]
    ]
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
    kinds = _patterns()["scale_kind"]
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
        cmp = "=" if not m.group("cmp") else _patterns()["prefix"].get(m.group("cmp"), "=")
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


_CARRY_SEP_RE = re.compile(r"^\s*(?:\(|or|/|,|and)\s*$", re.I)


def _compatible_units(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return False
    if a == b:
        return True
    from nlp.units import convert

    return convert(1.0, a, b) is not None


def _inherit_comparator(text: str, qs: list[Quantity]) -> list[Quantity]:
    """ "less than 45 kilograms (100 pounds)", "above 20 g and 30 g ... respectively": the second
    value, with no comparator of its own, restates the first limit."""
    out = list(qs)
    for i in range(1, len(out)):
        a, b = out[i - 1], out[i]
        if (
            a.span is None
            or b.span is None
            or a.comparator in ("=", "range")
            or b.comparator != "="
            or b.kind != "value"
            or b.span[0] < a.span[1]
            or not _compatible_units(a.unit, b.unit)
        ):
            continue
        sep = text[a.span[1] : b.span[0]]
        if not _CARRY_SEP_RE.match(sep):
            continue
        if sep.strip().lower() == "and" and not re.search(
            r"^[^.;]*\brespectively\b", text[b.span[1] :], re.I
        ):
            continue
        out[i] = b.model_copy(
            update={"comparator": a.comparator, "measure": b.measure or a.measure}
        )
    return out


_EITHER_RE = re.compile(
    r"^\s*(?:by|for|on|in)\s+(?:either|each|both)(?:\s+(?:of\s+(?:the|these)\s+)?"
    r"(?:measures?|measurements?|methods?|tests?|assays?))?\b",
    re.I,
)


def _limit_for_measure(q: Quantity, measure: str, measure_unit: str | None) -> Quantity:
    """The shared limit for one measure, in that measure's own unit when the printed one does
    not fit it: "UPCR ≥ 1.5 g/g or proteinuria ≥ 1.5 g/day and ≤ 7 g/day by either measure"
    limits UPCR to 7 g/g (a ratio cannot be in g/day) and proteinuria to 7 g/day."""
    from nlp.units import convert

    update: dict[str, Any] = {"measure": measure}
    if (
        q.unit
        and measure_unit
        and q.unit != measure_unit
        and convert(1, q.unit, measure_unit) is None
    ):
        update["unit"] = measure_unit
        update["notes"] = f"printed as {q.unit}; read in {measure}'s own unit"
    return q.model_copy(update=update)


def _distribute_over_measures(text: str, qs: list[Quantity]) -> list[Quantity]:
    """ "UPCR ≥ 1.5 g/g or proteinuria ≥1.5 g/day ... and ≤ 7 g/day by either measure": the
    limit applies to each measure named earlier in the sentence."""
    out: list[Quantity] = []
    for q in qs:
        if q.measure is None and q.span is not None and _EITHER_RE.match(text[q.span[1] :]):
            sentence = max(
                text.rfind(". ", 0, q.span[0]),
                text.rfind(";", 0, q.span[0]),
                text.rfind("\n", 0, q.span[0]),
            )
            earlier: dict[str, str | None] = {}
            for o in out:
                if o.span and o.span[0] > sentence and o.measure and o.measure not in earlier:
                    earlier[o.measure] = o.unit
            if len(earlier) >= 2:
                out.extend(_limit_for_measure(q, m, unit) for m, unit in earlier.items())
                continue
        out.append(q)
    return out


_SCOPE_RE = re.compile(
    r"(?:^|(?<=[.;:]\s)|(?<=\n))\s*For\s+(?:subjects|patients|participants|those|individuals|"
    r"people|women|men|persons|children|adults)\s+(?:with|who|whose|having)\b[^,.;]*,",
)


def _drop_scope_repeats(text: str, qs: list[Quantity]) -> list[Quantity]:
    """ "... Class III or Class IV ... For subjects with primarily Class III or Class IV LN, ...":
    limits repeated in a sentence-initial scope clause are not new limits."""
    clauses = [(m.start(), m.end()) for m in _SCOPE_RE.finditer(text)]
    if not clauses:
        return qs
    out: list[Quantity] = []
    for q in qs:
        inside = next(
            (c for c in clauses if q.span and c[0] <= q.span[0] and q.span[1] <= c[1]), None
        )
        key = (q.kind, q.comparator, q.value, q.low, q.high, q.unit)
        if inside and any(
            o.span
            and o.span[1] <= inside[0]
            and (o.kind, o.comparator, o.value, o.low, o.high, o.unit) == key
            for o in out
        ):
            continue
        out.append(q)
    return out


_GAP_RE = re.compile(r"^\s+[A-Za-z][A-Za-z\s'-]*$")


def find_run_together(text: str, quantities: list[Quantity] | None = None) -> list[tuple[int, int]]:
    """Gaps where one measure+value runs into the next with no separator.

    "hemoglobin levels < 9 gm/dL absolute neutrophil count < 2,000/mm^3" → the span of the
    space between "gm/dL" and "absolute", for a W103 warning. Pass ``quantities`` when
    ``find_quantities(text)`` has already been run, to save running it again.
    """
    if quantities is None:
        quantities = find_quantities(text)
    qs = [q for q in quantities if q.span and q.kind == "value"]
    gaps: list[tuple[int, int]] = []
    for a, b in itertools.pairwise(qs):
        if a.span is None or b.span is None or b.span[0] <= a.span[1] or not b.measure:
            continue
        between = text[a.span[1] : b.span[0]]
        if not (a.unit or a.relative_to) or not _GAP_RE.match(between + "x"):
            continue
        words = between.split()
        if words and any(w.lower() in _STOP_WORDS for w in words):
            continue
        if b.text and not b.text.startswith(b.measure) and words:
            continue
        gaps.append((a.span[1], a.span[1] + len(between) - len(between.lstrip()) or a.span[1] + 1))
    return gaps
