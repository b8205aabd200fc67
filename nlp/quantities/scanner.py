"""The reader that turns the text around one number into Quantity objects.

``_Reader.read`` runs a fixed sequence of small readers over one ``_Reading`` (the typed state
of reading one number). Each reads one kind of thing, in this order, because many checks
short-circuit on what an earlier one found: the number and the names glued to it, the scale
keyword and the comparator before it, the unit after it, a range end, a reference / titre /
pair / score maximum, the comparator after it, the measure before it, its kind, then the
quantities built. A reader that finds the number is no limit raises ``_NotALimit(pos)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from models import Quantity
from nlp.quantities.context import (
    _ADJ_DURATION_RE,
    _AGE_RIGHT_RE,
    _BARE_SCORE_RE,
    _BETWEEN_RE,
    _BETWEEN_SEP_RE,
    _DEC_COMMA_RE,
    _DURATION_WORD_RE,
    _EVALUATIVE,
    _FOLLOW_RE,
    _GLUED_CMP_RE,
    _NAME_AFTER_RE,
    _NO_COUNT_BEFORE_RE,
    _NOT_A_LIMIT_RE,
    _NOT_COUNTED_BEFORE_RE,
    _NOT_PLURAL_RE,
    _ON_INSTRUMENT_RE,
    _ORDINAL_RE,
    _PAREN_INTRO_RE,
    _PAREN_ONLY_RE,
    _PLURAL_NOUN_RE,
    _RANGE_SEP_RE,
    _RATIO_RE,
    _REL_RE,
    _REPEAT_WORDS,
    _SCALE_RIGHT_RE,
    _SCORE_OF_RE,
    _SLASH_RE,
    _TIME_NOUN_RE,
    _VERB_END_RE,
    _VERSION_RE,
    _WITHOUT_RE,
    _YEAR_OLD_RE,
    _age_context,
)
from nlp.quantities.measures import (
    _NAMELESS,
    _STOP_WORDS,
    _generic_scale,
    _graded_after,
    _list_before,
    _measure_before,
)
from nlp.quantities.numbers import (
    _NUM_RE,
    _TIME_UNITS,
    _alternatives,
    _parse_number,
    _read_unit,
)
from nlp.quantities.rules import QuantityPatterns, _patterns
from nlp.units import normalise_unit

# fixed patterns of read(), compiled once
_LETTER_GRADE_RE = re.compile(r"[a-cA-C](?![a-z])")
_KW2_RE = re.compile(r"(?:class|grade|stage|ASA)\s*", re.I)
_TIMES_RE = re.compile(r"\s*(?:[x×X*]|times|-?fold)")
_POINTS_RE = re.compile(r"\s*(?:points?|pts)\b", re.I)
_SMALL_INT_RE = re.compile(r"[1-9]\d{0,2}")
_SHORT_GAP_RE = re.compile(r"[\s\w()-]{0,30}")


_CELLS_RE = re.compile(
    r"\s+(?P<m>(?:[A-Za-z0-9+-]+\s+){0,3}?(?:cells?|lymphocytes|neutrophils|blasts|CFU))"
    r"\s*(?P<u>/\s*[^\s,;()]+|per\s+(?:cu(?:bic)?\s+)?[^\s,;()]+)",
    re.I,
)
_GESTATION_AFTER_RE = re.compile(
    r"\s*(?:'s?\s*)?(?:of\s+)?(?:gestation(?:al\s+age)?|GA\b|postmenstrual|PMA\b)", re.I
)
_GESTATION_BEFORE_RE = re.compile(
    r"\b(?:gestational\s+age|gestation|GA|postmenstrual\s+age|PMA|born\s+at)\b[^,;.]{0,25}$",
    re.I,
)
_NAME_NOUN_RE = re.compile(
    r"\b(?:cohorts?|parts?|arms?|groups?|phases?|sub-?studies|sections?|tables?|figures?|"
    r"appendix|appendices|modules?|steps?|visits?|versions?)$",
    re.I,
)
_NAME_BEFORE_PAREN_RE = re.compile(  # the name an abbreviation in brackets stands for
    r"(?:^|[,;:(/]|\b(?:and/or|and|or)\b)\s*([A-Za-z][A-Za-z0-9 '\-]*?)\s*$"
)
_POWER_OF_TEN_RE = re.compile(r"\^(\d{1,2})(?!\d)")
_OPEN_UPPER_RE = re.compile(r"\s*-\s*(<=?|≤)\s*(?=\d)")  # "1-<3 years"
_COUNT_UNITS = frozenset({"/uL", "/mm3"})  # cells per microlitre: never a fraction of one
_THOUSANDS_POINT_RE = re.compile(r"\d{1,3}(?:\.\d{3})+")
_SUBSTAGE_RE = re.compile(r"[ABCabc](?![A-Za-z])")


def _substage(value: float, token: str, text: str, end: int) -> float:
    """3 for "III", 3.2 for "IIIB" / "IIIb" / "3b": A, B, C as tenths, so stages order."""
    letter = token[-1] if token[-1:] in "ABCabc" and not token.isdigit() else None
    if letter is None:
        glued = _SUBSTAGE_RE.match(text, end)
        letter = glued.group() if glued else None
    if letter is None:
        return value
    return round(value + ("abc".index(letter.lower()) + 1) / 10, 1)


def _aside_before(text: str, end: int) -> int | None:
    """Where a bracketed clause of four words or more that ends right before ``end`` opens
    ("(eGFR may also be used in place of CrCl) > 45"), or None. Brackets may nest once."""
    close = len(text[:end].rstrip()) - 1
    if close < 0 or text[close] != ")":
        return None
    depth = 0
    for i in range(close, max(-1, close - 200), -1):
        depth += {")": 1, "(": -1}.get(text[i], 0)
        if depth == 0:
            inside = text[i + 1 : close]
            return i if len(inside.split()) >= 4 else None
    return None


class _NotALimit(Exception):
    """Raised by a reader when the number is no limit; ``pos`` is where the scan goes on."""

    def __init__(self, pos: int) -> None:
        self.pos = pos


@dataclass(slots=True, eq=False)
class _Reading:
    """The state of reading the limit around one number, filled in reader by reader."""

    text: str
    p: QuantityPatterns
    floor: int  # end of the previous quantity: a measure never reaches back past it
    after_age: int | None  # end of the previous age limit
    m: re.Match[str]  # the number token
    start: int  # where the number starts (one back over a sign: "> -3")
    end: int  # where it ends (on over a power of ten or a decimal comma: "10^3", "6,1")
    token_kind: str  # "d" digits, "w" a number word, "r" a Roman numeral
    value: float = 0.0
    left: str = ""  # up to 90 characters before the number
    scale: re.Match[str] | None = None  # an ordinal-scale keyword before it: "ECOG", "NYHA class"
    comparator_before: str | None = None
    pre_start: int = 0  # where the comparator (or "between") before the number starts
    age_words: bool = False  # "aged", "the age of" before the number
    between: re.Match[str] | None = None  # "between" / "from" before the number
    pos: int = 0  # how far the reading has got
    unit: str | None = None
    cells_measure: str | None = None  # "<50 CD3+ T cells/cumm": the counted cells
    low: float | None = None
    high: float | None = None
    split_to: tuple[float, str, int, int] | None = None  # a second limit: value, unit, span
    split_comparator: str = "<="
    relative: str | None = None  # "ULN" or "LLN"
    relative_gt: bool = False  # "higher than ... ULN"
    titre: bool = False
    titre_value: float = 0.0
    diastolic: float | None = None  # "140/90 mmHg": the second value of a blood-pressure pair
    scale_max: float | None = None  # "4/24": the maximum of the score's scale
    post: re.Match[str] | None = None  # the comparator after the number
    comparator_after: str | None = None
    comparator: str | None = None
    limit_start: int = 0  # where the limit starts: its comparator before, or the number
    measure: str | None = None
    measure_start: int = 0
    measure_end: int = 0
    kind: str = "value"
    right: str = ""  # the text after the reading, from _read_age on (not moved over age words)
    bare_count: bool = False
    adjacent: bool = False  # the measure is right before the limit: its span includes it
    span_start: int = 0
    span_end: int = 0


def _leading_words(phrase: str) -> list[str]:
    """The words of ``phrase`` up to the first stop word."""
    words: list[str] = []
    for w in phrase.split():
        if w.lower() in _STOP_WORDS:
            break
        words.append(w)
    return words


# ---- the number and what is before it


def _read_number(r: _Reading) -> None:
    """The number's value: a power of ten ("10^3" is 1000), a sign right after a comparator
    ("> -3"). 400 digits, or a power we cannot read, are no limit."""
    text, p, m = r.text, r.p, r.m
    s, e, kind_tok = r.start, r.end, r.token_kind
    power = _POWER_OF_TEN_RE.match(text, e) if text[e : e + 1] == "^" else None
    if kind_tok == "d" and (len(m.group()) > 18 or (text[e : e + 1] == "^" and not power)):
        raise _NotALimit(e)  # 400 digits are no limit (W116); "10^999/L" is no number we can read
    value = _parse_number(kind_tok, m.group())
    if power is not None and m.group() == "10":
        value = 10.0 ** int(power.group(1))  # "bacteriuria > 10^3 CFU/mL": 1000
        e = power.end()
    left = text[max(0, s - 90) : s]
    # "≤-3SD", "> -3", "< +1.5": a sign right after a comparator
    if kind_tok == "d" and left[-1:] in ("-", "−", "+") and p.pre_search(left[:-1]):
        value = -value if left[-1] != "+" else value
        left = left[:-1]
        s -= 1
    r.start, r.end, r.value, r.left = s, e, value, left


def _reject_glued_name(r: _Reading) -> None:
    """Digits glued to letters or to "_/:.^" are part of a name, not a limit, unless a scale
    keyword or a glued comparator word is before them."""
    text, s, left = r.text, r.start, r.left
    # numbers glued to letters are names: COVID-19, CD19, anti-PLA2R, SARS-CoV-2, NKX019
    if (
        r.token_kind == "d"
        and s > 0
        and (
            text[s - 1].isalpha()
            or text[s - 1] in "_/:.^"
            or (text[s - 1] in "-" and s > 1 and text[s - 2].isalnum())
        )
    ):
        scale = r.p.scale_search(left)
        if not scale and _GLUED_CMP_RE.search(left) and r.p.pre_search(left):
            pass  # "equal to or greater than100 g/L": a comparator word glued to the number
        elif not scale and not (
            (scale and text[s - 1] in "-")
            or (scale and text[s - 1].isalpha() and text[s - 2 : s].isupper())
        ):
            raise _NotALimit(r.end)


def _read_scale_before(r: _Reading) -> None:
    """The ordinal-scale keyword before the number ("ECOG", "NYHA class"), without which a
    Roman numeral is no number; a software version or a scale after "without" is no limit."""
    if _VERSION_RE.search(r.left):
        raise _NotALimit(r.end)  # "iOS (version 10 or higher)": a software version, not a limit
    scale = r.scale = r.p.scale_search(r.left)
    if r.token_kind == "r" and not scale:
        raise _NotALimit(r.end)
    if scale and _WITHOUT_RE.search(r.text[max(0, r.start - 90) : r.start - len(scale.group())]):
        raise _NotALimit(r.end)


def _read_comparator_before(r: _Reading) -> None:
    """The comparator before the number: one inside the scale match ("ECOG ≤ 2"), else one
    right before it ("at least 18", "aged ≥ 18"), else one before the scale keyword; and
    "between" / "from", which starts the limit."""
    p, left, s, scale = r.p, r.left, r.start, r.scale
    pre = None
    pre_start = s
    age_words = False
    pre_m = p.pre_search(left)
    if scale and scale.group("cmp"):
        pre = p.prefix[" ".join(scale.group("cmp").lower().split())]
        pre_start = s - len(left) + scale.start("cmp")
    elif pre_m:
        pre = p.prefix.get(" ".join((pre_m.group("w") or pre_m.group("s")).lower().split()))
        pre_start = s - len(left) + pre_m.start()
        age_words = bool(pre_m.group("age"))
    if scale:
        before_kw = left[: scale.start()]
        pm = p.pre_search(before_kw)
        if pm and pre is None:
            pre = p.prefix.get(" ".join((pm.group("w") or pm.group("s")).lower().split()))
            pre_start = s - len(left) + pm.start()
    between = _BETWEEN_RE.search(left)
    if between:
        pre_start = s - len(left) + between.start()
        age_words = age_words or bool(between.group("age"))
    r.comparator_before, r.pre_start, r.age_words, r.between = pre, pre_start, age_words, between


# ---- what is after the number


def _read_unit_after(r: _Reading) -> None:
    """The unit after the number, with the readings it decides: a decimal comma ("6,1
    mmol/l"), counted cells before a volume ("50 CD3+ T cells/cumm"), a thousands point
    ("100.000/µl"). Letters after a number that are no unit make it no limit ("3D")."""
    text, m, kind_tok, scale = r.text, r.m, r.token_kind, r.scale
    e, value = r.end, r.value
    pos = e
    # "6,1 mmol/l", "> 39,99": a decimal comma, when a comparator or a unit says so
    dec = _DEC_COMMA_RE.match(text, e) if kind_tok == "d" and "," not in m.group() else None
    if dec and not scale and (r.comparator_before or _read_unit(text, dec.end())[0]):
        value = float(f"{m.group()}.{dec.group(1)}")
        pos = e = dec.end()
    unit, upos = _read_unit(text, pos)
    if unit == "[diop]" and upos > pos and not text[pos].isspace():
        unit, upos = None, pos  # "3D images", "2D MRI"
    cells_measure = None
    if unit is None and kind_tok == "d" and (cells := _CELLS_RE.match(text, pos)):
        per = normalise_unit(cells.group("u"))
        if per is not None:  # "<50 CD3+ T cells/cumm": the counted cells, then the unit
            unit, upos, cells_measure = per, cells.end(), cells.group("m")
    if unit in _COUNT_UNITS and kind_tok == "d" and _THOUSANDS_POINT_RE.fullmatch(m.group()):
        value = float(m.group().replace(".", ""))  # "100.000/µl": a thousands point
    pos = upos
    if unit is None and kind_tok == "d" and _ORDINAL_RE.match(text, pos):
        pos = _ORDINAL_RE.match(text, pos).end()  # "< 10th percentile"
    if unit is None and kind_tok == "d" and pos < len(text) and text[pos].isalpha():
        rel = _REL_RE.match(text, pos)
        if not rel and not (scale and _LETTER_GRADE_RE.match(text[pos:])):
            raise _NotALimit(e)
    r.end, r.value, r.unit, r.cells_measure, r.pos = e, value, unit, cells_measure, pos


def _stage_scale(p: QuantityPatterns, scale: re.Match[str]) -> bool:
    key = " ".join(scale.group("kw").lower().split())
    return p.scale_kind.get(key) == "stage"


def _read_range_end(r: _Reading) -> None:
    """The end of a range ("18 to 75", "between 9 and 13"), or an open upper limit
    ("1-<3 years"), which replaces it."""
    # range end
    sep = (
        _BETWEEN_SEP_RE if r.between and r.between.group(1).lower() == "between" else _RANGE_SEP_RE
    ).match(r.text, r.pos)
    if _read_open_upper(r):
        sep = None
    if sep:
        _read_second_number(r, sep)


def _read_open_upper(r: _Reading) -> bool:
    """An open upper limit, "1-<3 years": a split limit, from the first number and below the
    second. True when one is read."""
    text, unit = r.text, r.unit
    upper = _OPEN_UPPER_RE.match(text, r.pos) if unit is None or unit in _TIME_UNITS else None
    if upper is not None and (m_up := _NUM_RE.match(text, upper.end())):
        # "children 1-<3 years": from the first, below the second
        unit_up, upos_up = _read_unit(text, m_up.end())
        v_up = _parse_number(m_up.lastgroup or "d", m_up.group())
        r.split_to = (
            v_up,
            unit_up or unit or "a",
            upper.start(1),
            upos_up if unit_up else m_up.end(),
        )
        r.split_comparator = "<" if upper.group(1) == "<" else "<="
        r.unit = unit or unit_up
        return True
    return False


def _read_second_number(r: _Reading, sep: re.Match[str]) -> None:
    """The number after a range separator: a range (sub-stages on a stage scale: "IIIA-IIIC"),
    or, in two different units after "to", a second limit of its own."""
    text, scale = r.text, r.scale
    n2pos = sep.end()
    kw2 = _KW2_RE.match(text[n2pos:])
    if kw2:
        n2pos += kw2.end()
    m2 = _NUM_RE.match(text, n2pos)
    if m2 and not (m2.lastgroup == "r" and not scale):
        v2 = _parse_number(m2.lastgroup or "d", m2.group())
        unit2, upos2 = _read_unit(text, m2.end())
        staged = scale is not None and _stage_scale(r.p, scale)
        if staged:  # "IIIA-IIIC": the same stage, two sub-stages
            v2 = _substage(v2, m2.group(), text, m2.end())
        first = _substage(r.value, r.m.group(), text, r.end) if staged else r.value
        unit = r.unit
        if unit and unit2 and unit != unit2 and sep.group().strip().lower() == "to":
            # "Age 3 months to 17 years": two limits in their own units, not a range
            r.split_to = (v2, unit2, m2.start(), upos2)
        elif v2 != first and not (r.token_kind == "d" and m2.lastgroup != "d" and not scale):
            r.low, r.high = min(first, v2), max(first, v2)
            r.unit = unit or unit2
            r.pos = upos2 if unit2 else m2.end()


def _read_relative(r: _Reading) -> None:
    """After a single value with no unit: a limit relative to a reference ("3 x ULN",
    "Bilirubin <2x"), else a titre, a blood-pressure pair or a score maximum."""
    if r.low is None:
        text, pos, unit = r.text, r.pos, r.unit
        rel = _REL_RE.match(text, pos)
        if rel and rel.group("bare") is not None and unit is None:
            r.relative = "ULN"  # "Bilirubin <2x, AST <3x"
            r.pos = rel.end()
        elif (
            rel
            and unit is None
            and (rel.group("n") is None or rel.group("gt") or _TIMES_RE.match(text[pos:]))
        ):
            r.relative = "LLN" if (rel.group("l") or rel.group("l2") or rel.group("lln")) else "ULN"
            r.relative_gt = rel.group("gt") is not None
            r.pos = rel.end()
        elif unit is None:
            _read_ratio(r)


def _read_ratio(r: _Reading) -> None:
    """A second number after ":" or "/": a titre ("1:80"), the diastolic of a blood-pressure
    pair ("140/90 mmHg"), or the maximum of a score ("4/24")."""
    text, pos = r.text, r.pos
    ratio = _RATIO_RE.match(text, pos)
    slash = _SLASH_RE.match(text, pos)
    if ratio and r.token_kind == "d":
        r.titre = True
        r.titre_value = float(ratio.group(1))
        r.pos = ratio.end()
    elif slash and r.token_kind == "d":
        unit_after, upos3 = _read_unit(text, slash.end())
        if unit_after == "mm[Hg]":
            r.diastolic = float(slash.group(1))
            r.unit = unit_after
            r.pos = upos3
        elif unit_after is None:
            r.scale_max = float(slash.group(1))
            r.pos = slash.end()


def _read_comparator_after(r: _Reading) -> None:
    """The comparator after the number ("or more"), and the comparator of the limit: the one
    before wins; a split limit is ">=" from its first value; a range is "range"."""
    p = r.p
    # "18 years or older": the trailing comparator can follow the unit
    post = r.post = p.post.match(r.text, r.pos)
    if post:
        r.comparator_after = p.postfix.get(" ".join(post.group("p").lower().split()))
        r.pos = post.end()
    cmp = r.comparator_before or r.comparator_after
    if r.split_to is not None and cmp is None:
        cmp = ">="  # "3 months to 17 years": from the first, up to the second
    if r.low is not None:
        cmp = "range" if cmp is None or r.between or cmp == "=" else cmp
    r.comparator = cmp


# ---- what kind of quantity is it?


def _read_measure_before(r: _Reading) -> None:
    """The measure named before the limit ("platelet count < 100"), past a long aside in
    brackets; counted cells read with the unit are the measure."""
    text, floor = r.text, r.floor
    start_guess = r.limit_start = r.pre_start if r.pre_start < r.start else r.start
    measure, ms, me = _measure_before(text, start_guess, floor)
    aside = _aside_before(text, start_guess) if measure else None
    if aside is not None and aside >= floor:
        # "creatinine clearance (CrCl) (eGFR may also be used in place of CrCl) > 45": the
        # aside in brackets is not the measure; the name before it is
        measure, ms, me = _measure_before(text, aside, floor)
    if r.cells_measure is not None:
        measure, ms, me = r.cells_measure, len(text), len(text)
    r.measure, r.measure_start, r.measure_end = measure, ms, me


def _read_kind(r: _Reading) -> None:
    """The kind a scale keyword gives (class, grade, stage, score; an age "scale" gives a plain
    value), and "=" for a reference limit with no comparator ("3 x ULN")."""
    if r.scale:
        r.kind = r.p.scale_kind.get(" ".join(r.scale.group("kw").lower().split()), "class")
        if r.kind == "age":
            r.kind = "value"
            r.scale = None
    if r.relative and r.comparator is None:
        r.comparator = ">" if r.relative_gt else "="


def _read_word_count(r: _Reading) -> None:
    """A bare number word is a stated count only before the thing counted or "of the
    following"; anything else ("once", "one of us") is no limit."""
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
            raise _NotALimit(pos)
        # "four of the following symptoms": at least four of the list
        r.comparator = ">=" if _NOT_A_LIMIT_RE.match(text, pos) else "="


def _read_age(r: _Reading) -> None:
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
    gestation = unit in ("wk", "d") and (
        _GESTATION_AFTER_RE.match(right) or _GESTATION_BEFORE_RE.search(left)
    )
    if gestation:
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
        raise _NotALimit(r.pos)


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


def _reject_not_limits(r: _Reading) -> None:
    """Numbers that are no limit whatever is around them: durations of things, sample sizes,
    body-surface normalisation, names of study parts, the range of a rating scale."""
    right, pos = r.right, r.pos
    if _TIME_NOUN_RE.match(right) or (r.unit is None and _ADJ_DURATION_RE.match(right)):
        raise _NotALimit(pos)  # half-lives, cycles; "within 6-mo", "a 14-week trial"
    if r.measure in ("n", "N") or (r.value == 1.73 and re.match(r"\s*m", right)):
        raise _NotALimit(pos)  # sample sizes "n=20"; the 1.73 m² of a body-surface normalisation
    if r.measure and r.unit is None and r.relative is None and _NAME_NOUN_RE.search(r.measure):
        raise _NotALimit(pos)  # "Cohorts 2-4", "Part 1": names, not limits
    if (
        r.low is not None
        and r.comparator_before is None
        and r.comparator_after is None
        and _SCALE_RIGHT_RE.match(right)
    ):
        raise _NotALimit(pos)  # "on a 0-10 pain scale": the scale, not a limit


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


def _read_bare_count(r: _Reading) -> None:
    """A small bare number is "=" a count before a plural noun ("12 seizures"), and at least
    that many before "of the following"."""
    digits, right = r.m.group(), r.right
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


def _require_comparator(r: _Reading) -> None:
    """With no comparator, a value is a limit ("=", or "range") only when the text makes it a
    requirement: a scale value, a non-age unit, a range of something named or measured. A
    reference limit has no unit."""
    if r.comparator is None:
        if not (
            r.scale or (r.unit and r.kind != "age") or (r.low is not None and (r.measure or r.unit))
        ):
            raise _NotALimit(r.pos)
        r.comparator = "range" if r.low is not None else "="
    if r.relative and r.kind == "value":
        r.unit = None


def _read_count(r: _Reading) -> None:
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
        if _NOT_A_LIMIT_RE.match(r.right):
            r.kind = "count"  # "≥2 of the following": a count of the criteria that follow
            r.measure = None
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
            ):
                r.kind = "count"
                r.measure = " ".join(words)
                # the counted thing follows: not part of the start
                r.measure_start = r.measure_end = len(r.text)
                r.pos += follow.group(0).find(words[-1]) + len(words[-1])
    if r.kind == "count" and r.measure and _DURATION_WORD_RE.search(r.measure):
        raise _NotALimit(r.pos)  # "> 8 consecutive weeks", "24 consecutive months": a duration


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
    if r.kind == "value" and r.measure is None and r.scale_max is None:
        follow = _FOLLOW_RE.match(r.right)
        if follow and _PAREN_ONLY_RE.match(text[max(0, r.pre_start - 2) : r.pre_start]):
            r.measure = " ".join(_leading_words(follow.group(1))) or None


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


def _read_span(r: _Reading) -> None:
    """The span of the limit: from its comparator (or the number), or from the measure when
    the measure is right before it, to where the reading stopped, trailing spaces left out."""
    text, start = r.text, r.limit_start
    measure, ms, me = r.measure, r.measure_start, r.measure_end
    r.adjacent = bool(
        (measure is not None and ms < start and not text[me:start].strip(" :="))
        or (
            measure is not None
            and ms < start
            and _SHORT_GAP_RE.fullmatch(text[me:start])
            and r.kind in ("class", "grade", "stage", "score")
        )
    )
    r.span_start = ms if r.adjacent and ms < start else start
    end = r.pos
    while end > start and text[end - 1].isspace():
        end -= 1
    r.span_end = end


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


def _read_substage(r: _Reading) -> None:
    """A stage's sub-stage letter, in tenths, so stages order ("IIIB" is 3.2, "3b" too)."""
    if r.kind == "stage":  # "stage IIIB" is 3.2: a sub-stage letter counts in tenths
        if r.low is None:
            r.value = _substage(r.value, r.m.group(), r.text, r.end)
            if r.pos == r.end and _SUBSTAGE_RE.match(r.text, r.end):
                r.pos = r.span_end = r.end + 1  # "stage 3b"
        else:
            r.low, r.high = min(r.low, r.high), max(r.low, r.high)  # type: ignore[type-var]


# ---- the quantities built


def _quantities(r: _Reading) -> list[Quantity]:
    """The quantity read, then those it implies: the second of a split limit, the diastolic
    of a blood-pressure pair, alternatives, the graded thing, measures sharing the limit."""
    out = [_quantity(r)]
    if r.split_to is not None:
        v2, unit2, s2, e2 = r.split_to
        out.append(
            out[0].model_copy(
                update={
                    "comparator": r.split_comparator,
                    "value": v2,
                    "unit": unit2,
                    "text": r.text[s2:e2],
                    "span": (s2, e2),
                }
            )
        )
        r.pos = max(r.pos, e2)
    if r.diastolic is not None:
        out[0] = out[0].model_copy(update={"notes": "systolic"})
        out.append(out[0].model_copy(update={"value": r.diastolic, "notes": "diastolic"}))
    # alternatives of a class or scale: "Class III or Class IV", "ECOG 0 or 1", "I, II, or III"
    if r.scale and r.comparator == "=":
        more, r.pos = _alternatives(r.text, r.pos, r.kind, r.measure)
        out.extend(more)
    out = _graded_after_keyword(r, out)
    _add_shared_limit(r, out)
    return out


def _quantity(r: _Reading) -> Quantity:
    """The one quantity the reading gives."""
    base: dict[str, Any] = {
        "kind": r.kind,
        "comparator": r.comparator,
        "unit": r.unit,
        "relative_to": r.relative,
    }
    if r.comparator == "range":
        base.update(low=r.low, high=r.high)
    else:
        base.update(value=r.value)
    if r.scale_max is not None:
        base["scale_max"] = r.scale_max
    span = (r.span_start, r.span_end)
    return Quantity(measure=r.measure, text=r.text[span[0] : span[1]], span=span, **base)


def _graded_after_keyword(r: _Reading, out: list[Quantity]) -> list[Quantity]:
    """The quantities with the graded thing after a bare keyword as their measure."""
    # "Grade 3 or higher neutropenia": a bare grade/class/stage keyword names nothing, so the
    # graded thing is what follows, unless a noun phrase before it names it
    scale = r.scale
    if scale and r.kind in ("class", "grade", "stage") and _generic_scale(scale.group("kw")):
        kw_start = r.start - len(r.left) + scale.start("kw")
        before, _b, _e = _measure_before(r.text, min(kw_start, r.limit_start), r.floor)
        named = [w for w in (before or "").split() if w.lower() not in _NAMELESS]
        graded = None if named else _graded_after(r.text, r.pos)
        if graded:
            out = [q.model_copy(update={"measure": graded}) for q in out]
    return out


def _add_shared_limit(r: _Reading, out: list[Quantity]) -> None:
    """One more quantity for each measure listed before the one next to the limit, with the
    limit's span (before the diastolic of a pair, which stays last)."""
    # shared limit: "aspartate aminotransferase, alanine aminotransferase, or bilirubin ≥ ..."
    text, measure, ms, me = r.text, r.measure, r.measure_start, r.measure_end
    start, end = r.limit_start, r.span_end
    paren_abbr = measure is not None and ms < start and text[me:start].strip(" :=") == ")"
    if measure and (r.adjacent or paren_abbr) and r.kind == "value":
        list_end = ms
        if text[:ms].rstrip().endswith("("):  # "alkaline phosphatase (ALP) ≤ 3 x ULN"
            named = _NAME_BEFORE_PAREN_RE.search(text, 0, text.rfind("(", 0, ms))
            list_end = named.start(1) if named else ms
        for item, _a, _b in _list_before(text, list_end):
            out.insert(
                len(out) - 1 - (1 if r.diastolic is not None else 0),
                out[0].model_copy(
                    update={"measure": item, "text": text[start:end], "span": (start, end)}
                ),
            )


class _Reader:
    """Reads the limit around one number; ``read`` returns quantities and where it stopped."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.p = _patterns()
        self.floor = 0  # end of the previous quantity: a measure never reaches back past it
        self.after_age: int | None = None  # end of the previous age limit

    def read(self, m: re.Match[str]) -> tuple[list[Quantity], int]:
        s, e = m.span()
        r = _Reading(self.text, self.p, self.floor, self.after_age, m, s, e, m.lastgroup or "d")
        try:  # in this order: many checks short-circuit on what an earlier reader found
            _read_number(r)
            _reject_glued_name(r)
            _read_scale_before(r)
            _read_comparator_before(r)
            _read_unit_after(r)
            _read_range_end(r)
            _read_relative(r)
            _read_comparator_after(r)
            _read_measure_before(r)
            _read_kind(r)
            _read_word_count(r)
            _read_age(r)
            _reject_not_limits(r)
            _read_titre_or_score(r)
            _read_bare_count(r)
            _require_comparator(r)
            _read_count(r)
            _read_measure_named(r)
            _read_span(r)
            _read_instrument(r)
            _read_substage(r)
        except _NotALimit as no:
            return [], no.pos
        out = _quantities(r)
        return out, r.pos
