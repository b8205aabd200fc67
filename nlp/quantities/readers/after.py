"""Readers of what is after the number: its unit (decimal comma, cells per volume, thousands
point), a range end or open upper limit, a reference limit (ULN / LLN), a titre, a
blood-pressure pair, a score maximum, and the comparator after it."""

from __future__ import annotations

import re

from nlp.quantities.context import (
    _BETWEEN_SEP_RE,
    _DEC_COMMA_RE,
    _ORDINAL_RE,
    _RANGE_SEP_RE,
    _RATIO_RE,
    _REL_RE,
    _SLASH_RE,
)
from nlp.quantities.numbers import _NUM_RE, _TIME_UNITS, _parse_number, _read_unit
from nlp.quantities.readers.state import _Reading, _Stop
from nlp.quantities.rules import QuantityPatterns
from nlp.units import normalise_unit

_LETTER_GRADE_RE = re.compile(r"[a-cA-C](?![a-z])")
_KW2_RE = re.compile(r"(?:class|grade|stage|ASA)\s*", re.I)
_TIMES_RE = re.compile(r"\s*(?:[x×X*]|times|-?fold)")
_CELLS_RE = re.compile(
    r"\s+(?P<m>(?:[A-Za-z0-9+-]+\s+){0,3}?(?:cells?|lymphocytes|neutrophils|blasts|CFU))"
    r"\s*(?P<u>/\s*[^\s,;()]+|per\s+(?:cu(?:bic)?\s+)?[^\s,;()]+)",
    re.I,
)
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


def _read_unit_after(r: _Reading) -> _Stop:
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
    if unit is None and kind_tok == "d" and (ordinal := _ORDINAL_RE.match(text, pos)):
        pos = ordinal.end()  # "< 10th percentile"
    if unit is None and kind_tok == "d" and pos < len(text) and text[pos].isalpha():
        rel = _REL_RE.match(text, pos)
        if not rel and not (scale and _LETTER_GRADE_RE.match(text[pos:])):
            return e  # glued to letters that are no unit or reference ("2D"): not a limit
    r.end, r.value, r.unit, r.cells_measure, r.pos = e, value, unit, cells_measure, pos
    return None


def _stage_scale(p: QuantityPatterns, scale: re.Match[str]) -> bool:
    key = " ".join(scale.group("kw").lower().split())
    return p.scale_kind.get(key) == "stage"


def _read_range_end(r: _Reading) -> None:
    """The end of a range ("18 to 75", "between 9 and 13"), or an open upper limit, which
    replaces it ("1-<3 years": a split limit, from the first number and below the second)."""
    text, unit = r.text, r.unit
    # range end
    r.low = r.high = None
    r.split_to = None
    r.split_comparator = "<="
    sep = (
        _BETWEEN_SEP_RE if r.between and r.between.group(1).lower() == "between" else _RANGE_SEP_RE
    ).match(text, r.pos)
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
        sep = None
    if sep:
        _read_second_number(r, sep)


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
    "Bilirubin <2x"); else a second number after ":" or "/": a titre ("1:80"), the diastolic
    of a blood-pressure pair ("140/90 mmHg"), or the maximum of a score ("4/24")."""
    r.relative = None
    r.relative_gt = False
    r.scale_max = None
    r.titre = False
    r.diastolic = None
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
    else:
        r.comparator_after = None
    cmp = r.comparator_before or r.comparator_after
    if r.split_to is not None and cmp is None:
        cmp = ">="  # "3 months to 17 years": from the first, up to the second
    if r.low is not None:
        cmp = "range" if cmp is None or r.between or cmp == "=" else cmp
    r.comparator = cmp
