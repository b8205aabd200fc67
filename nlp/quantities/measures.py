"""Finding what a limit measures: the noun phrase before it, a list sharing it, a graded thing."""

from __future__ import annotations

import re
from functools import cache

from nlp.quantities.rules import _LETTERS, _SPACES, _tail_search
from nlp.rulefiles import measure_method_rules

_BOUNDARY_RE = re.compile(
    r"(?=[,;:()\[\].]|\b[abdefiopstuvw]|\d)"  # where one can start (see rules._first_chars)
    r"(?:[,;:()\[\]]|\.\s|\b(?:and/or|and|or|with|without|by|including|if|for|in|on|at|as|"
    r"than|to|from|when|while|where|who|which|that|despite|after|before|during|within|via|per"
    r"|defined|using|between|especially|such\s+as)\b|\b(?:e\.g|i\.e)\.|"
    # a number ends what came before it, unless it is glued by a hyphen to the next word: the
    # "24" of "24-hour urine protein" and the "6" of "6-minute walk distance" name the measure
    r"(?<![A-Za-z0-9])\d+(?:\.\d+)?(?![\d.]|-[A-Za-z]))",
    re.I,
)
# the lookahead turns away in C the positions where no run can start (see rules._first_chars)
_FILLER_RE = re.compile(
    r"(?=\s|\b[oiabwmstvehkdlgucp])"
    r"(?:\s|\b(?:of|is|are|be|was|were|must|should|the|a|an|value|values|equal|having|has|"
    r"have|measured|known|documented|level\s+of|"
    # adverbs between the measure and its limit: "CD4 should generally be < 350"
    r"also|generally|usually|typically|still|currently|always|consistently|preferably)\b)+$",
    re.I,
)
# the characters a filler match can contain (for _tail_search): spaces, and the letters of the
# filler words in either case or folded (a superset is safe)
_FILLER_LETTERS = set(_FILLER_RE.pattern[_FILLER_RE.pattern.index("(?:of") :]) & set(_LETTERS)
_FILLER_CHARS = (
    _SPACES
    + "\u0130\u0131\u017f\u212a"
    + "".join(sorted(_FILLER_LETTERS | {c.upper() for c in _FILLER_LETTERS}))
)
_ABBR_RE = re.compile(r"\(\s*(?![A-Z][a-z]{3,}\s*\))([A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*)\s*\)")
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


_PUNCT_RE = re.compile(r"[,;:]")
_OPEN_BRACKET_NAME_RE = re.compile(r"\([^()]*[A-Za-z][^()]*$")  # "(LVMi " left open
_NONSPACE_RE = re.compile(r"\S+")
_LEAD_RE = re.compile(r"[^A-Za-z0-9(]*")
_LETTER_RE = re.compile(r"[A-Za-z]")


_BRACKET_AT_END_RE = re.compile(r"\(([^()]{1,60})\)\s*$")


def _whole_words(forms: set[str]) -> str:
    """One of ``forms`` as whole words, longest first, any run of spaces between words."""
    ordered = sorted(forms, key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(map(re.escape, f.split())) for f in ordered)
    return rf"(?<![\w-])(?:{alternatives})(?![\w-])"


@cache
def _method_pattern() -> re.Pattern[str]:
    """A bracket's content made only of methods and method words (``measure_methods.json``)."""
    rules = measure_method_rules()
    word = _whole_words({*rules.methods, *rules.method_words})
    return re.compile(rf"\s*{word}(?:\s*(?:[,/]\s*)?{word})*\s*", re.IGNORECASE)


def _without_method(chunk: str) -> str:
    """``chunk`` without a bracketed method at its end: "QTc (Fridericia or Bazett) " → "QTc ".

    The bracket says how the measure is taken, not what it is, so the measure is read before
    it; the method stays in the quantity's text (codes read it: QTc with Fridericia is QTcF).
    A bracket with other words ("(UPCR)", "(Fridericia-corrected QTc)") is left, and so is one
    that names no method ("serum calcium (corrected)": the corrected calcium is another
    measure).
    """
    m = _BRACKET_AT_END_RE.search(chunk)
    if m is None or _method_pattern().fullmatch(m.group(1)) is None:
        return chunk
    if _named_method().search(m.group(1)) is None:
        return chunk  # "(calculated)", "(by formula)": method words name no method
    if _method_at_end().search(chunk, 0, m.start()):
        # "QT interval corrected by Fridericia (QTcF)": the bracket abbreviates the measure
        # whose name ends on its method, it is no method of its own
        return chunk
    return chunk[: m.start()]


@cache
def _named_method() -> re.Pattern[str]:
    """One of the methods of ``measure_methods.json`` (not a method word)."""
    return re.compile(_whole_words(set(measure_method_rules().methods)), re.IGNORECASE)


@cache
def _method_at_end() -> re.Pattern[str]:
    """A method of ``measure_methods.json`` ending the text searched, spaces after it allowed."""
    return re.compile(_named_method().pattern + r"\s*$", re.IGNORECASE)


def _measure_before(text: str, end: int, floor: int = 0) -> tuple[str | None, int, int]:
    """The short noun phrase just before ``end`` (the comparator or value), with its span."""
    start = max(0, end - 90, floor)
    chunk = text[start:end]
    filler = _tail_search(_FILLER_RE, _FILLER_CHARS, chunk)
    if filler:
        chunk = chunk[: filler.start()]
    if ")" in chunk:
        chunk = _without_method(chunk)
    cut = 0
    for m in _BOUNDARY_RE.finditer(chunk):
        if m.group() in "()" and m.group() == ")" and _ABBR_RE.search(chunk[: m.end()]):
            continue
        cut = m.end()
    # "(UPCR) ≥ ..." and "(EF ≤ ...": an abbreviation right before the limit wins
    abbrs = list(_ABBR_RE.finditer(chunk))
    tail = chunk[abbrs[-1].end() :] if abbrs else ""
    # "(Cockcroft-Gault) or eGFR >= 50": the bracket belongs to the limit before the "or"
    if (
        abbrs
        and len(tail.split()) <= 2
        and not _PUNCT_RE.search(tail)
        and not _OR_AND_RE.search(tail)
        # "left ventricular (LV) hypertrophy (LVMi ≥109": the bracket left open names it
        and not _OPEN_BRACKET_NAME_RE.search(tail)
    ):
        a = abbrs[-1]
        return a.group(1), start + a.start(1), start + a.end(1)
    phrase = chunk[cut:]
    words = phrase.split()
    if not words:
        return None, end, end
    word_starts = [w.start() for w in _NONSPACE_RE.finditer(phrase)][-5:]
    words = words[-5:]
    s = start + cut + word_starts[0]
    e = start + len(chunk.rstrip())
    lead = _LEAD_RE.match(text[s:e])
    s += lead.end() if lead else 0
    measure = text[s:e].strip(" -–")
    if not measure or measure.lower() in _STOP_WORDS or not _LETTER_RE.search(measure):
        return None, end, end
    return measure, s, e


_LIST_ITEM_RE = re.compile(
    r"(?:^|[,;:(]|\b(?:and/or|and|or|with|including|of|in|for|by|to|if)\b)\s*"
    r"((?P<name>[A-Za-z][A-Za-z0-9 '\-]*?)(?:\s*\((?P<abbr>[A-Za-z][A-Za-z0-9-]{1,9})\))?)\s*$"
)


_SCOPE_WORDS = frozenset({"for", "in", "with", "of", "by", "to", "if", "including", "when"})
_REFERENCE_RE = re.compile(r"ULN|LLN|(?:the\s+)?(?:upper|lower)\s+limits?\s+of\s+normal", re.I)
_LIMIT_OF_RE = re.compile(
    r"(?:limits?|\d\s*(?:%|percent))\s+of\s+(?:the\s+)?$", re.I
)  # "upper limit of normal", "40% of predicted value": the reference of an earlier limit


def _names_a_reference(prev: str, item: re.Match[str]) -> bool:
    """Whether a list item before a limit is the reference of an earlier limit ("upper limit
    of normal (ULN)", "the ULN", "40% of predicted value"), not a measure that shares the
    limit."""
    name = item.group("abbr") or item.group("name")
    return bool(_REFERENCE_RE.fullmatch(name.strip()) or _LIMIT_OF_RE.search(prev[: item.start(1)]))


def _known_measure(name: str) -> bool:
    """A known measure, or one with a qualifier before it ("serum AST", "indirect bilirubin")."""
    from nlp.quantities.readers.measure import is_measure_name

    words = name.split()
    return is_measure_name(name) or (len(words) > 1 and is_measure_name(" ".join(words[1:])))


def _list_before(text: str, start: int) -> list[tuple[str, int, int]]:
    """Measures listed before an adjacent measure: "AST, ALT, or bilirubin ≥ ..." → AST, ALT.
    An item of several words joined by a bare comma must be a known measure: the criteria of
    one line are listed with commas too ("Known active infection, CRP>20 mg/L")."""
    items: list[tuple[str, int, int]] = []
    pos = start
    commas = False
    while len(items) < 8:
        sep = re.search(r"(?:,\s*(?:and/or|or|and)?|\s+(?:and/or|or|and)|\s*/)\s*$", text[:pos])
        if not sep:
            break
        commas = commas or "," in sep.group()
        prev = text[max(0, sep.start() - 70) : sep.start()]
        m = _LIST_ITEM_RE.search(prev)
        if not m or len(m.group("name").split()) > (4 if commas else 2):
            break
        if _names_a_reference(prev, m):
            break  # "ALT > 3 x upper limit of normal (ULN) and/or bilirubin > 2 x ULN"
        item_start = sep.start() - len(prev) + m.start(1)
        # "alanine aminotransferase (ALT)": the abbreviation names the measure
        if m.group("name").split()[0].lower() in _SCOPE_WORDS:
            break  # "Note: for HCC, AST, ALT ≤ 5 x ULN": a scope, not a measure of the list
        name = m.group("abbr") or m.group("name")
        if sep.group().strip() == "," and " " in name.strip() and not _known_measure(name):
            break  # "Known active infection, CRP>20 mg/L": a list of criteria, not of measures
        items.append((name, item_start, sep.start()))
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


_OR_AND_RE = re.compile(r"\b(?:or|and)\b", re.I)
_BLOOD_PRESSURE_RE = re.compile(
    r"(?i:\bblood pressure\b|(?<!pulmonary )\barterial pressure\b)|\bBP\b"
)
_CHANGE_RE = re.compile(
    r"\b(?:drop|fall|decrease|reduction|change|increase|rise|difference|variation)s?\b", re.I
)


def names_blood_pressure(measure: str | None, before: str = "") -> bool:
    """Whether a measure is the systemic blood pressure itself ("BP", "resting blood pressure",
    "mean arterial pressure"), not a change in it (in the measure or the words ``before`` it:
    "drop in BP") nor another vessel's pressure ("pulmonary arterial pressure")."""
    return bool(
        measure
        and _BLOOD_PRESSURE_RE.search(measure)
        and not _CHANGE_RE.search(measure)
        and not _CHANGE_RE.search(before)
    )
