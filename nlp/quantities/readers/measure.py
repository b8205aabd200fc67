"""Readers of what the limit measures: the name before it (past a long aside in brackets), a
scale keyword, the noun phrase before a bracket or an "i.e.", the instrument after a score."""

from __future__ import annotations

import re
from functools import cache

from nlp.quantities.context import (
    _BARE_SCORE_RE,
    _EVALUATIVE,
    _FOLLOW_RE,
    _ON_INSTRUMENT_RE,
    _PAREN_INTRO_RE,
    _PAREN_ONLY_RE,
)
from nlp.quantities.measures import _STOP_WORDS, _measure_before, names_blood_pressure
from nlp.quantities.readers.state import _Reading
from nlp.rulefiles import measure_code_rules, measure_rules


def _leading_words(phrase: str) -> list[str]:
    """The words of ``phrase`` up to the first stop word."""
    words: list[str] = []
    for w in phrase.split():
        if w.lower() in _STOP_WORDS:
            break
        words.append(w)
    return words


def _aside_before(text: str, end: int, any_length: bool = False) -> int | None:
    """Where a bracketed clause of four words or more (of any length with ``any_length``) that
    ends right before ``end`` opens ("(eGFR may also be used in place of CrCl) > 45"), or None.
    Brackets may nest once."""
    close = len(text[:end].rstrip()) - 1
    if close < 0 or text[close] != ")":
        return None
    depth = 0
    for i in range(close, max(-1, close - 200), -1):
        depth += {")": 1, "(": -1}.get(text[i], 0)
        if depth == 0:
            inside = text[i + 1 : close]
            return i if any_length or len(inside.split()) >= 4 else None
    return None


def _read_measure_before(r: _Reading) -> None:
    """The measure named before the limit ("platelet count < 100"), past a long aside in
    brackets; counted cells read with the unit are the measure."""
    text, floor = r.text, r.floor
    start_guess = r.limit_start = r.pre_start if r.pre_start < r.start else r.start
    measure, ms, me = _measure_before(text, start_guess, floor)
    # "DLCO (corrected for Hgb) >= 50%": a phrase that starts inside the bracket is no measure
    inside = measure is not None and measure.endswith(")") and "(" not in measure
    if measure is not None:
        aside = _aside_before(text, start_guess, any_length=inside)
    else:
        # "BMI (body mass index) > 30", "prednisolone (or equivalent) > 10 mg": a limit right
        # after a bracket that restates or qualifies the name before it
        aside = _aside_before(text, start_guess, any_length=True)
        if aside is not None and _changes_the_measure(text[aside:start_guess]):
            aside = None
    if aside is not None and aside >= floor:
        # "creatinine clearance (CrCl) (eGFR may also be used in place of CrCl) > 45": the
        # aside in brackets is not the measure; the name before it is, unless the bracket
        # names the measure and that name does not ("Anemia (hemoglobin) < 10 g/dL")
        outside = _measure_before(text, aside, floor)
        named = _bracket_naming_a_measure(text, aside, start_guess, outside[0])
        measure, ms, me = named if measure is None and named is not None else outside
    if measure is not None and text[ms - 1 : ms] == "(" and text[me : me + 1] == ")":
        measure, ms, me = _name_before_abbreviation(text, measure, ms, me, floor)
    if r.cells_measure is not None:
        measure, ms, me = r.cells_measure, len(text), len(text)
    r.measure, r.measure_start, r.measure_end = measure, ms, me
    before = re.split(r"[,;:.]", text[max(0, ms - 30) : ms])[-1] if measure else ""
    if r.scale_max is not None and names_blood_pressure(measure, before) and _pressures(r):
        # "BP > 140/90", "resting blood pressure >170/110": a systolic and a diastolic limit
        # printed without their unit, not a score out of 90
        r.diastolic, r.scale_max = r.scale_max, None


_QUALIFIERS = frozenset(
    {
        *("s", "es", "corrected", "adjusted", "ionized", "ionised", "free", "total", "fasting"),
        *("direct", "indirect", "conjugated", "unconjugated", "random"),
        *("age", "aged", "ages", "years", "years old"),  # "Subjects (age) ≥ 18 years": an age
    }
)


def _bracket_naming_a_measure(
    text: str, opening: int, end: int, before: str | None
) -> tuple[str, int, int] | None:
    """The measure a bracket right before a limit names, when the words ``before`` the bracket
    name none ("Anemia (hemoglobin) < 10 g/dL"), as (name, start, end); else None."""
    close = len(text[:end].rstrip()) - 1
    inside = text[opening + 1 : close]
    if not is_measure_name(inside):
        return None
    if before is not None and is_measure_name(before):
        return None  # "BMI (body mass index)": either names it, the name outside is read
    start = opening + 1 + (len(inside) - len(inside.lstrip()))
    return inside.strip(), start, start + len(inside.strip())


def _name_before_abbreviation(
    text: str, abbreviation: str, start: int, end: int, floor: int
) -> tuple[str | None, int, int]:
    """The measure an abbreviation in brackets stands for: the abbreviation itself, unless it
    names no known measure and the name before the bracket does ("systolic blood pressure (BP)
    < 90 mmHg" is the systolic pressure, not any blood pressure)."""
    if is_measure_name(abbreviation):
        return abbreviation, start, end
    name, name_start, _ = _measure_before(text, start - 1, floor)
    if name is None:
        return abbreviation, start, end
    # "unstable condition systolic blood pressure (BP)": the longest known name ending there
    if _CHANGE_BEFORE_RE.search(text, max(0, name_start - 40), name_start + len(name)):
        return abbreviation, start, end  # "change in body weight (CBW)" is no body weight
    for word in re.finditer(r"\S+", name):
        suffix = name[word.start() :].strip()
        if is_measure_name(suffix):
            return suffix, name_start + word.start(), name_start + word.start() + len(suffix)
    return abbreviation, start, end


def is_measure_name(name: str) -> bool:
    """Whether the rule files know ``name`` as a measure (folded alias or abbreviation)."""
    names = _measure_names()
    return _folded(name) in names or name.strip() in names


def _folded(name: str) -> str:
    return " ".join(name.lower().split())


@cache
def _measure_names() -> frozenset[str]:
    """Every name of a measure the rule files know: the lab and vital lexicon's aliases (folded)
    and abbreviations (as written), and the named scales' aliases (folded)."""
    names: set[str] = set()
    for row in measure_code_rules():
        names.update(_folded(a) for a in row.aliases)
        names.update(row.abbreviations)
    for scale in measure_rules():
        names.update(_folded(a) for a in scale.aliases)
    return frozenset(names)


def _changes_the_measure(bracket: str) -> bool:
    """Whether a bracket right before a limit is no restatement of the name before it: a
    qualifier that makes it another measure ("serum calcium (corrected)", "lesion(s)"), or a
    comparator echoed in brackets ("less than (<) 90")."""
    inside = bracket.strip().strip("()[]").strip().lower()
    return not any(c.isalpha() for c in inside) or inside in _QUALIFIERS


def _pressures(r: _Reading) -> bool:
    """Whether the two numbers of "N/M" can be a systolic and a diastolic pressure (within the
    bounds of ``measure_codes.json``'s rows, systolic above diastolic): "BP reduction of
    >= 1/3" is a fraction."""
    value, second = r.value, r.scale_max
    if value is None or second is None or value <= second:
        return False
    systolic, diastolic = _pressure_bounds()
    return _within(value, systolic) and _within(second, diastolic)


@cache
def _pressure_bounds() -> tuple[tuple[float | None, float | None], ...]:
    """(low, high) of the systolic and the diastolic pressure rows of ``measure_codes.json``."""
    rows = {row.id: row for row in measure_code_rules()}
    return tuple((rows[i].low, rows[i].high) for i in ("systolic_bp", "diastolic_bp"))


def _within(value: float, bounds: tuple[float | None, float | None]) -> bool:
    low, high = bounds
    return (low is None or value >= low) and (high is None or value <= high)


def _read_measure_named(r: _Reading) -> None:
    """The measure a scale keyword names ("ECOG"); else, with none found yet, the name before
    an opening bracket, or before "(i.e. / e.g. / defined as"; else, for a value alone in
    brackets, the words after it."""
    text, start_guess = r.text, r.limit_start
    scale = r.scale
    if scale and r.kind != "age":
        r.measure = scale.group("kw")
        r.measure_start = r.start - len(r.left) + scale.start("kw")
        r.measure_end = r.start - len(r.left) + scale.end("kw")
    elif (
        r.measure is None
        and text[:start_guess].rstrip().endswith("(")
        and not _FOLLOW_RE.match(text[r.pos :])
    ):
        paren = text[:start_guess].rstrip()
        r.measure, r.measure_start, r.measure_end = _measure_before(text, len(paren) - 1, r.floor)
    elif r.measure is None and (intro := _PAREN_INTRO_RE.search(text[:start_guess])):
        r.measure, r.measure_start, r.measure_end = _measure_before_intro(r, intro.start())
    elif r.measure is None and text[:start_guess].rstrip().endswith(":"):
        r.measure, r.measure_start, r.measure_end = _known_measure_before_colon(r)
    elif r.measure is None and (between := _BETWEEN_END_RE.search(text, 0, start_guess)):
        # "Blood glucose levels between >140 mg and <400 mg/dL": the name before "between"
        r.measure, r.measure_start, r.measure_end = _measure_before(text, between.start(), r.floor)
    if (
        r.kind == "value"
        and r.unit == "%"
        and (named := _PERCENT_NOUN_RE.match(r.right))
        and (r.measure is None or not is_measure_name(r.measure))
    ):
        gap = text[r.measure_end : r.limit_start] if r.measure is not None else "-"
        if gap.strip():  # "documented >50% carotid stenosis": what the percent is of
            r.measure = " ".join(named.group("m").split())
            r.measure_start = r.measure_end = len(text)
    if r.kind == "value" and r.measure is None and r.scale_max is None:
        follow = _FOLLOW_RE.match(r.right)
        if follow and _PAREN_ONLY_RE.match(text[max(0, r.pre_start - 2) : r.pre_start]):
            r.measure = " ".join(_leading_words(follow.group(1))) or None


_BETWEEN_END_RE = re.compile(r"\bbetween\s*$", re.I)
_CHANGE_BEFORE_RE = re.compile(
    r"\b(?:change|changes|rise|increase|decrease|fall|drop|decline|variability|variation|"
    r"reduction|loss|gain)\b",
    re.I,
)
# a percent printed before what it measures: "> 50% carotid stenosis", "≥ 30% decrease"
_NOT_A_NAME = r"(?!(?:with|without|and|or|no|despite|of|in|by|for|on|to|at)\b)"
_PERCENT_NOUN_RE = re.compile(
    rf"\s*{_NOT_A_NAME}(?P<m>(?:{_NOT_A_NAME}[A-Za-z-]+\s+){{0,2}}?"
    r"(?:stenosis|occlusion|narrowing|blasts|reduction|"
    r"increase|decrease|improvement|decline|weight\s+loss))\b",
    re.I,
)


def _known_measure_before_colon(r: _Reading) -> tuple[str | None, int, int]:
    """The measure a label names before a colon ("BMI: 25-45 kg/m2", "Weight: more than 40
    Kg"), when the label is a measure the rule files know; else none ("female: 50 kg or
    higher" is a subgroup, "Frozen embryo transfer cycles: at least 2 embryos" counts)."""
    colon = len(r.text[: r.limit_start].rstrip()) - 1
    name, start, end = _measure_before(r.text, colon, r.floor)
    if name is None or not is_measure_name(name):
        return None, r.measure_start, r.measure_end
    return name, start, end


def _measure_before_intro(r: _Reading, intro: int) -> tuple[str | None, int, int]:
    """The measure before "(i.e. / e.g. / defined as ...)" at ``intro``: the last three words
    of the noun phrase, evaluative adjectives dropped ("significant smoking history")."""
    text = r.text
    measure, ms, me = _measure_before(text, intro, r.floor)
    if measure:
        words = measure.split()
        while len(words) > 1 and words[0].lower() in _EVALUATIVE:
            words = words[1:]
        words = words[-3:]
        ms = me - len(" ".join(words)) if text[ms:me].endswith(" ".join(words)) else ms
        measure = " ".join(words)
    return measure, ms, me


def _read_instrument(r: _Reading) -> None:
    """A score's instrument read after it ("on the Mini-Mental State Examination")."""
    # "a score of at least 20 on the Mini-Mental State Examination": the instrument
    if (
        r.kind in ("score", "value")
        and not r.scale
        and r.unit is None
        and r.relative is None
        and (r.measure is None or _BARE_SCORE_RE.match(r.measure))
    ):
        on = _ON_INSTRUMENT_RE.match(r.text, r.pos)
        if on and len(on.group("m").split()) <= 12:
            r.measure, r.kind = on.group("m").strip(), "score"
