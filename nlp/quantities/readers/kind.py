"""Readers of what kind of quantity the number is (age, gestational age, count, score, titre,
stage...), and of the numbers that are no limit at all (durations, names, sample sizes)."""

from __future__ import annotations

import re

from nlp.quantities.context import (
    _ADJ_DURATION_RE,
    _AGE_RIGHT_RE,
    _DURATION_WORD_RE,
    _FOLLOW_RE,
    _NAME_AFTER_RE,
    _NO_COUNT_BEFORE_RE,
    _NOT_A_LIMIT_RE,
    _NOT_COUNTED_BEFORE_RE,
    _NOT_PLURAL_RE,
    _PLURAL_NOUN_RE,
    _REPEAT_WORDS,
    _SCALE_RIGHT_RE,
    _SCORE_OF_RE,
    _TIME_NOUN_RE,
    _VERB_END_RE,
    _YEAR_OLD_RE,
    _age_context,
)
from nlp.quantities.measures import _STOP_WORDS
from nlp.quantities.numbers import _TIME_UNITS
from nlp.quantities.readers.after import _SUBSTAGE_RE, _substage
from nlp.quantities.readers.measure import _leading_words, is_measure_name
from nlp.quantities.readers.state import _Reading, _Stop

_GESTATION_AFTER_RE = re.compile(
    r"\s*(?:'s?\s*)?(?:of\s+)?(?:gestation(?:al\s+age)?|GA\b|postmenstrual|PMA\b)", re.I
)
_GESTATION_BEFORE_RE = re.compile(
    r"\b(?:gestational\s+age|gestation|GA|postmenstrual\s+age|PMA|born\s+at)\b[^,;.]{0,25}$",
    re.I,
)
_GESTATIONAL_AGE_JUST_BEFORE_RE = re.compile(
    r"\bgestational\s+age(?:\s+(?:range|of|less|greater|more|than|under|over|between|from|"
    r"at\s+birth|[<>≤≥=]+))*\s*[<>≤≥=]*\s*$",
    re.I,
)
"""A number with no unit is a gestational age only right after the words ("Gestational age
less than 37 completed weeks"), not after "GA" (general anaesthesia) or "gestation" ("a
singleton gestation aged 18-45")."""
_COMPLETED_WEEKS_RE = re.compile(r"\s*completed\s+weeks?\b", re.I)
_NAME_NOUN_RE = re.compile(
    r"\b(?:cohorts?|parts?|arms?|groups?|phases?|sub-?studies|sections?|tables?|figures?|"
    r"appendix|appendices|modules?|steps?|visits?|versions?)$",
    re.I,
)
_POINTS_RE = re.compile(r"\s*(?:points?|pts)\b", re.I)
_SMALL_INT_RE = re.compile(r"[1-9]\d{0,2}")


def _read_kind(r: _Reading) -> _Stop:
    """The kind a scale keyword gives (class, grade, stage, score; an age "scale" gives a plain
    value); "=" for a reference limit with no comparator ("3 x ULN"). A bare number word is a
    stated count only before the thing counted or "of the following"; else ("once", "one of
    us") it is no limit."""
    r.kind = "value"
    if r.scale:
        r.kind = r.p.scale_kind.get(" ".join(r.scale.group("kw").lower().split()), "class")
        if r.kind == "age":
            r.kind = "value"
            r.scale = None
    if r.relative and r.comparator is None:
        r.comparator = ">" if r.relative_gt else "="
    if r.token_kind == "w" and r.unit is None and r.scale is None and r.comparator is None:
        text, pos = r.text, r.pos
        # "Meets two additional criteria", "one of the following": a stated count
        follow = _FOLLOW_RE.match(text[pos:])
        if (
            r.m.group().lower() in _REPEAT_WORDS
            or _NO_COUNT_BEFORE_RE.search(r.left)
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
            return pos  # a number word that counts nothing: "once", "one of us"
        # "four of the following symptoms": at least four of the list
        r.comparator = ">=" if _NOT_A_LIMIT_RE.match(text, pos) else "="
    return None


def _read_age(r: _Reading) -> _Stop:
    """Whether a time unit (or none) makes the value a gestational age, the participant's age,
    or a duration, which is no limit (time windows are read elsewhere)."""
    text, left, unit = r.text, r.left, r.unit
    right = r.right = text[r.pos :]
    age_ctx = _age_context(
        text,
        left,
        right,
        r.pre_start,
        r.measure,
        unit,
        r.comparator,
        r.age_words,
        r.post,
        r.after_age,
    )
    year_old = _YEAR_OLD_RE.match(right) if unit is None else None
    gestation = (
        unit in ("wk", "d")
        and (_GESTATION_AFTER_RE.match(right) or _GESTATION_BEFORE_RE.search(left))
    ) or (unit is None and _GESTATIONAL_AGE_JUST_BEFORE_RE.search(left))
    if gestation:
        if unit is None and (weeks := _COMPLETED_WEEKS_RE.match(right)):
            # "Gestational age less than 37 completed weeks": the unit after "completed"
            r.unit, r.pos = "wk", r.pos + weeks.end()
            r.right = text[r.pos :]
        _read_gestational_age(r)
    elif (
        r.scale is None
        and age_ctx
        and (unit is None or unit in _TIME_UNITS)
        and not r.titre
        and r.scale_max is None
    ):
        _read_age_limit(r, year_old)
    elif unit in _TIME_UNITS:
        return r.pos  # a duration, not a limit: time windows are read elsewhere
    return None


def _read_gestational_age(r: _Reading) -> None:
    """A gestational age at birth ("< 37 weeks gestation"), with a comparator that may follow
    the gestation words."""
    # "< 37 weeks gestation": the gestational age at birth, not the participant's age
    r.kind, r.measure = "value", "gestational age"
    ges = _GESTATION_AFTER_RE.match(r.right)
    if ges and r.comparator is None:
        post3 = r.p.post.match(r.text, r.pos + ges.end())
        if post3:
            r.comparator = r.p.postfix.get(" ".join(post3.group("p").lower().split()))
            r.pos = post3.end()
    r.right = r.text[r.pos :]


def _read_age_limit(r: _Reading, year_old: re.Match[str] | None) -> None:
    """An age limit (years when no unit is given), over "year-old" and the age words, with a
    comparator that may follow them ("18 years of age or older")."""
    r.kind = "age"
    r.unit = r.unit or "a"
    if year_old:
        r.pos += year_old.end()
    agem = _AGE_RIGHT_RE.match(r.text[r.pos :])
    if agem and r.comparator is None:
        # "18 years of age or older": the trailing comparator follows the age words
        post2 = r.p.post.match(r.text, r.pos + agem.end())
        if post2:
            r.comparator = r.p.postfix.get(" ".join(post2.group("p").lower().split()))
            r.pos = post2.end()
    r.measure = "age"


def _reject_not_limits(r: _Reading) -> _Stop:
    """Numbers that are no limit whatever is around them: durations of things, sample sizes,
    body-surface normalisation, names of study parts, the range of a rating scale."""
    right, pos = r.right, r.pos
    if _TIME_NOUN_RE.match(right) or (r.unit is None and _ADJ_DURATION_RE.match(right)):
        return pos  # half-lives, cycles; "within 6-mo", "a 14-week trial"
    if r.measure in ("n", "N") or (r.value == 1.73 and re.match(r"\s*m", right)):
        return pos  # sample sizes "n=20"; the 1.73 m² of a body-surface normalisation
    if r.measure and r.unit is None and r.relative is None and _NAME_NOUN_RE.search(r.measure):
        return pos  # "Cohorts 2-4", "Part 1": names, not limits
    if (
        r.low is not None
        and r.comparator_before is None
        and r.comparator_after is None
        and _SCALE_RIGHT_RE.match(right)
    ):
        return pos  # "on a 0-10 pain scale": the scale, not a limit
    return None


def _read_titre_or_score(r: _Reading) -> None:
    """Titres and values out of a maximum are their own kinds; a bare number stated as a score
    ("a Clinical Dementia Rating of 0", "26 points") is "=" a score."""
    if r.titre:
        r.kind = "titre"
        r.value = r.titre_value
    elif r.scale_max is not None and r.kind == "value":
        r.kind = "score"
    if (
        r.comparator is None
        and r.low is None
        and r.token_kind == "d"
        and r.unit is None
        and not r.scale_max
    ):
        # "a Clinical Dementia Rating of 0", "The MMSE ... was 26 points": a stated score
        points = _POINTS_RE.match(r.right)
        if _SCORE_OF_RE.search(r.left) or points:
            r.comparator, r.kind = "=", "score"
            if points:
                r.pos += points.end()
                r.right = r.text[r.pos :]


def _read_implied_comparator(r: _Reading) -> _Stop:
    """The comparator of a value stated without one: "=" for a small bare number before a
    plural noun ("12 seizures"), ">=" before "of the following"; else "=" (or "range") when
    the text makes it a requirement (a scale value, a non-age unit, a range of something named
    or measured), else it is no limit. A reference limit has no unit."""
    digits, right = r.m.group(), r.right
    r.bare_count = False
    if (
        r.comparator is None
        and r.token_kind == "d"
        and r.unit is None
        and r.low is None
        and r.scale is None
        and r.scale_max is None
        and r.relative is None
        and _SMALL_INT_RE.fullmatch(digits)
        and not _NOT_COUNTED_BEFORE_RE.search(r.left)
        and (noun := _PLURAL_NOUN_RE.match(right))
        and (noun.group(1).lower() not in _STOP_WORDS or noun.group(1).lower() == "times")
        and not _NAME_AFTER_RE.match(right, noun.end())
        and not _NOT_PLURAL_RE.search(noun.group(1))
    ):
        r.comparator, r.bare_count = "=", True  # "12 seizures", "the selected 3 health facilities"
    if (
        r.comparator is None
        and r.token_kind == "d"
        and r.unit is None
        and r.low is None
        and r.scale is None
        and _SMALL_INT_RE.fullmatch(digits)
        and _NOT_A_LIMIT_RE.match(right)
    ):
        r.comparator = ">="  # "4 of the following": at least four of the criteria that follow
    if r.comparator is None:
        if not (
            r.scale or (r.unit and r.kind != "age") or (r.low is not None and (r.measure or r.unit))
        ):
            return r.pos  # a bare number the text does not make a requirement
        r.comparator = "range" if r.low is not None else "="
    if r.relative and r.kind == "value":
        r.unit = None
    return None


_OF_BETWEEN_RE = re.compile(r"\s+of\s+", re.I)
_COUNTED_STOP = frozenset(
    {"must", "should", "will", "shall", "may", "can", "are", "is", "be", "have", "has", "apply"}
)


def _plural(word: str) -> bool:
    """Whether a counted word is a plural noun: "symptoms", "therapies", "criteria", not the
    verb of "one of the following applies"."""
    w = word.lower()
    if w in ("criteria", "phenomena"):
        return True
    return len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us")) and w not in _VERBS_S


_VERBS_S = frozenset({"applies", "occurs", "exists", "includes", "involves", "requires"})
_COUNTED_AFTER_RE = re.compile(
    r"(?:\s+(?:\d+|two|three|four|five|six|seven|eight|nine|ten))?"
    r"\s+(?P<m>[A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*){0,3}?)\s*(?=[:;,.(]|$)"
)


def _counted_after_of(r: _Reading, words: list[str]) -> bool:
    """Whether "X of ≥ N things" counts the things, not X: "History of at least 5 attacks",
    "removal of more than 10 lung lesions". The things are a plural noun not followed by "/"
    ("6 breaths/minute" is a rate); "a score of 20 out of 30" counts nothing."""
    if not _OF_BETWEEN_RE.fullmatch(r.text, r.measure_end, r.limit_start):
        return False
    if r.measure is not None and is_measure_name(r.measure):
        return False  # "CD4 count of > 200 cells": the count is the measure named
    last = words[-1]
    rest = r.right[r.right.find(last) + len(last) :]
    return len(last) > 3 and last.endswith("s") and last.islower() and not rest.startswith("/")


def _read_count(r: _Reading) -> _Stop:
    """A plain value with no unit counts what follows it ("≥ 2 prior therapies", "≥2 of the
    following") or is a score in points; a count of weeks or months is a duration."""
    # counts: "≥ 2 prior therapies", "at least one induction therapy"
    if (
        r.kind == "value"
        and r.unit is None
        and r.relative is None
        and r.scale_max is None
        and r.low is None
    ):
        if not_a_limit := _NOT_A_LIMIT_RE.match(r.right):
            r.kind = "count"  # "≥2 of the following": a count of the criteria that follow
            # "four of the following symptoms:", "at least 4 of the following 5 principal
            # features": the things counted, when the text names them
            counted = _COUNTED_AFTER_RE.match(r.right, not_a_limit.end())
            words = _leading_words(counted.group("m")) if counted else []
            if words and words[0].lower() in _COUNTED_STOP:
                words = []
            for i, word in enumerate(words):
                if word.lower() in _COUNTED_STOP:
                    words = words[:i]  # "criteria must be met": the criteria
                    break
            if words and not _plural(words[-1]):
                words = []  # "one of the following applies:", "... prior to ...": no noun
            r.measure = " ".join(words) or None
            if r.measure:
                r.measure_start = r.measure_end = len(r.text)
        follow = _FOLLOW_RE.match(r.right)
        if follow:
            words = _leading_words(follow.group(1))
            if words and words[0].lower() in ("point", "points", "pts"):
                r.kind = "score"
                r.pos += follow.group(0).find(words[0]) + len(words[0])
            elif words and (
                r.token_kind == "w"
                or r.bare_count
                or not r.measure
                or _VERB_END_RE.search(r.measure)
                or _counted_after_of(r, words)
            ):
                r.kind = "count"
                r.measure = " ".join(words)
                # the counted thing follows: not part of the start
                r.measure_start = r.measure_end = len(r.text)
                r.pos += follow.group(0).find(words[-1]) + len(words[-1])
    if r.kind == "count" and r.measure and _DURATION_WORD_RE.search(r.measure):
        return r.pos  # "> 8 consecutive weeks", "24 consecutive months": a duration
    return None


def _read_substage(r: _Reading) -> None:
    """A stage's sub-stage letter, in tenths, so stages order ("IIIB" is 3.2, "3b" too)."""
    if r.kind == "stage":  # "stage IIIB" is 3.2: a sub-stage letter counts in tenths
        if r.low is None:
            r.value = _substage(r.value, r.m.group(), r.text, r.end)
            if r.pos == r.end and _SUBSTAGE_RE.match(r.text, r.end):
                r.pos = r.span_end = r.end + 1  # "stage 3b"
        else:
            r.low, r.high = min(r.low, r.high), max(r.low, r.high)  # type: ignore[type-var]
