"""The text around a number: fixed patterns (references, ranges, ages, counts, scores) and the
test of whether a number is an age."""

from __future__ import annotations

import re

from nlp.quantities.numbers import _TIME_UNITS

_REL_RE = re.compile(
    r"\s*(?:[x×X*](?=\s*[,;.)]|\s*$)(?P<bare>)|"
    r"(?:[x×X*]|times|-?\s*fold)?\s*(?:(?P<gt>higher|greater|more|above)\s+than\s+)?"
    r"(?:that\s+of\s+)?(?:the\s+|above\s+(?:the\s+)?)?"
    r"(?:(?:institutional|institution(?:'s)?|local|laboratory|lab|site|reference)\s+"
    r"|(?:upper|lower)\s+(?=normal\s+limit))?"
    r"(?:(?P<u>upper|u)\s*(?:limits?\s+of\s+(?:the\s+)?normal|normal\s+(?:limits?|values?|levels?))"
    r"|(?P<l>lower)\s+"
    r"(?:limits?\s+of\s+(?:the\s+)?normal|normal\s+limits?)|normal\s+(?P<u2>upper)\s+limits?"
    r"|normal\s+(?P<l2>lower)\s+limits?|(?P<uln>ULN|UNL|ULRR)|(?P<lln>LLN|LNL)"
    r"|(?P<n>normal(?!\s+\w*\s*range)|norms?\b))"
    r"(?:\s+(?:range|value|limit))?(?:\s*\((?:ULN|LLN|UNL)\))?(?![A-Za-z]))",
    re.I,
)
_BETWEEN_RE = re.compile(
    r"(?<![A-Za-z])(?=[bf])(between|from)\s*(?P<age>(?:the\s+)?ages?\s+(?:of\s+)?)?$", re.I
)
_DEC_COMMA_RE = re.compile(r",(\d{1,2})(?![\d,])")
_ORDINAL_RE = re.compile(r"(?:st|nd|rd|th)(?=\s+percentile)", re.I)
_BETWEEN_SEP_RE = re.compile(r"\s*(?:and|&|to|-|–)\s*", re.I)
_RANGE_SEP_RE = re.compile(r"\s*(?:-|–|—|－|~|to|through|thru)\s*", re.I)
_AND_RE = re.compile(r"\s*(?:and|&)\s*", re.I)
_SLASH_RE = re.compile(r"\s*/\s*(\d+(?:\.\d+)?)(?![\d/])")
_RATIO_RE = re.compile(r"\s*:\s*(\d+)(?![\d:])")
_AGE_WORDS_RE = re.compile(r"\b(?:age[ds]?|aged)\b", re.I)
_AGE_RIGHT_RE = re.compile(r"^[\s-]*(?:old|of\s+age|year-old|years?-old|y/o)\b", re.I)
_PEOPLE_RE = re.compile(
    r"\b(?:adults?|patients?|subjects?|participants?|men|women|males?|females?|children|"
    r"individuals?|persons?|people|volunteers?|boys|girls|adolescents|infants)\s*\(?\s*$",
    re.I,
)
# "CD4% < 25% for infants < 12 months": an age in months after a word for the young
_YOUNG_RE = re.compile(
    r"\b(?:infants?|neonates?|newborns?|babies|toddlers?|children|child|boys|girls)\s*"
    r"(?:aged\s*|of\s+age\s*)?\(?\s*$",
    re.I,
)
_WITHOUT_RE = re.compile(r"\b(?:without|excluding|except|not)\s+(?:\w+\s+){0,2}$", re.I)
_FOLLOW_RE = re.compile(r"^\s*([A-Za-z][A-Za-z-]*(?:\s+[A-Za-z][A-Za-z-]*){0,3})")
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
    r"in|on|by|for|within|after|before|x|×|following)|\btype\s+\w+\s*(?:or|and|,|/)"
    r"|[#:/=<>≤≥+-])\s*$",
    re.I,
)
_NOT_PLURAL_RE = re.compile(
    r"(?:itis|osis|[^s]sis|us|ss|betes|herpes|measles|mumps|rabies|series|species)$", re.I
)
_DURATION_WORD_RE = re.compile(
    r"\b(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|nights?)$", re.I
)
_NAME_AFTER_RE = re.compile(r"\s+(?:test|scale|questionnaire|task|inventory|index|score)\b", re.I)
_VERSION_RE = re.compile(r"\b(?=[vre])(?:version|release|edition)\s*$", re.I)
# "female > 18 and < 60 years of age": the first limit of an age pair has no unit of its own
_AGE_PAIR_RE = re.compile(
    r"\s*(?:and|,)\s*(?:[<>≤≥]=?|(?:less|younger|more|older)\s+than)\s*\d+\s*"
    r"(?:years?|yrs?)\s+(?:of\s+age|old)\b",
    re.I,
)
# "Adult patients (≥ 18 but < 60 years)", "Cohort 1: ≥ 12 to < 18 years": the unit printed once
_BARE_AGE_PAIR_RE = re.compile(
    r"\s*(?:and|but|to|,|-|–)\s*(?:[<>≤≥]=?|(?:less|younger|more|older)\s+than)\s*\d+\s*"
    r"(?:years?|yrs?)\b",
    re.I,
)
_PAIR_LEAD_RE = re.compile(
    r"(?:\b(?:adults?|patients?|subjects?|participants?|men|women|males?|females?|children|"
    r"adolescents|aged?)\s*\(?|\b(?:cohort|part|group|arm|stratum)\s+[\w-]+\s*[:-]|^|\(|:)\s*$",
    re.I,
)
# a second age limit right after the first: "≥ 12 years to < 18 years"
_AFTER_AGE_RE = re.compile(r"\s*(?:to|and|but|,|-|–)\s*$", re.I)
# "- Over 18 years" as a whole criterion (maybe after "Patient"/"Adults"): an age limit
_LONE_LIMIT_BEFORE_RE = re.compile(
    r"[\s\-•*\d.)]*(?:(?:cohort|part|group|arm|stratum)\s+[\w-]+\s*[:-]\s*)?"
    r"(?:(?:adult|male|female)?\s*(?:patients?|subjects?|participants?|adults?|"
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


def _age_context(
    text: str,
    left: str,
    right: str,
    pre_start: int,
    measure: str | None,
    unit: str | None,
    cmp: str | None,
    age_words: bool,
    post: re.Match[str] | None,
    after_age: int | None = None,
) -> bool:
    """Whether the number is an age: age words around it, "years old", "18 years of age",
    an age pair ("> 18 and < 60 years of age", "≥ 18 but < 60 years"), the second limit after
    an age ("≥ 12 years to < 18 years"), or a lone "Over 18 years" criterion.

    ``after_age`` is where the previous age limit of the text ends, if there is one."""
    return bool(
        age_words
        or (
            after_age is not None
            and cmp is not None
            and unit in (None, "a", "mo", "wk", "d")
            and _AFTER_AGE_RE.fullmatch(text[after_age:pre_start])
        )
        or (
            unit is None
            and cmp is not None
            and _BARE_AGE_PAIR_RE.match(right)
            and _PAIR_LEAD_RE.search(text[:pre_start])
        )
        or (measure and _AGE_WORDS_RE.search(measure))
        or (unit in _TIME_UNITS and _AGE_RIGHT_RE.match(right))
        or (unit is None and _YEAR_OLD_RE.match(right))
        or (unit is None and cmp is not None and _AGE_PAIR_RE.match(right))
        or (
            unit == "a"
            and cmp is not None
            and _LONE_LIMIT_BEFORE_RE.fullmatch(text[:pre_start])
            and (re.fullmatch(r"[\s.,;:)]*", right) or _BARE_AGE_PAIR_RE.match(right))
        )
        or (post and re.search(r"older|younger", post.group(), re.I))
        or (
            (unit == "a" or unit is None)
            and not measure
            and _AGE_WORDS_RE.search(left[-40:].split(";")[-1].split(",")[-1])
        )
        or (unit == "a" and _PEOPLE_RE.search(text[:pre_start]))
        or (unit in ("mo", "wk", "d") and _YOUNG_RE.search(text[:pre_start]))
    )
