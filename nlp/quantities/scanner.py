"""The reader that turns the text around one number into Quantity objects."""

from __future__ import annotations

import re
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
from nlp.quantities.rules import _patterns
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


class _Reader:
    """Reads the limit around one number; ``read`` returns quantities and where it stopped."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.p = _patterns()
        self.floor = 0  # end of the previous quantity: a measure never reaches back past it
        self.after_age: int | None = None  # end of the previous age limit

    def _stage_scale(self, scale: re.Match[str]) -> bool:
        key = " ".join(scale.group("kw").lower().split())
        return self.p.scale_kind.get(key) == "stage"

    def read(self, m: re.Match[str]) -> tuple[list[Quantity], int]:
        text, p = self.text, self.p
        s, e = m.span()
        kind_tok = m.lastgroup or "d"
        power = _POWER_OF_TEN_RE.match(text, e) if text[e : e + 1] == "^" else None
        if kind_tok == "d" and (len(m.group()) > 18 or (text[e : e + 1] == "^" and not power)):
            return [], e  # 400 digits are no limit (W116); "10^999/L" is no number we can read
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
            scale = p.scale_search(left)
            if not scale and _GLUED_CMP_RE.search(left) and p.pre_search(left):
                pass  # "equal to or greater than100 g/L": a comparator word glued to the number
            elif not scale and not (
                (scale and text[s - 1] in "-")
                or (scale and text[s - 1].isalpha() and text[s - 2 : s].isupper())
            ):
                return [], e
        if _VERSION_RE.search(left):
            return [], e  # "iOS (version 10 or higher)": a software version, not a limit
        scale = p.scale_search(left)
        if kind_tok == "r" and not scale:
            return [], e
        if scale and _WITHOUT_RE.search(text[max(0, s - 90) : s - len(scale.group())]):
            return [], e
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
        pos = e
        # "6,1 mmol/l", "> 39,99": a decimal comma, when a comparator or a unit says so
        dec = _DEC_COMMA_RE.match(text, e) if kind_tok == "d" and "," not in m.group() else None
        if dec and not scale and (pre or _read_unit(text, dec.end())[0]):
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
                return [], e
        # range end
        low = high = None
        split_to: tuple[float, str, int, int] | None = None
        split_cmp = "<="
        sep = (
            _BETWEEN_SEP_RE if between and between.group(1).lower() == "between" else _RANGE_SEP_RE
        ).match(text, pos)
        upper = _OPEN_UPPER_RE.match(text, pos) if unit is None or unit in _TIME_UNITS else None
        if upper is not None and (m_up := _NUM_RE.match(text, upper.end())):
            # "children 1-<3 years": from the first, below the second
            unit_up, upos_up = _read_unit(text, m_up.end())
            v_up = _parse_number(m_up.lastgroup or "d", m_up.group())
            split_to = (
                v_up,
                unit_up or unit or "a",
                upper.start(1),
                upos_up if unit_up else m_up.end(),
            )
            split_cmp = "<" if upper.group(1) == "<" else "<="
            unit = unit or unit_up
            sep = None
        if sep:
            n2pos = sep.end()
            kw2 = _KW2_RE.match(text[n2pos:])
            if kw2:
                n2pos += kw2.end()
            m2 = _NUM_RE.match(text, n2pos)
            if m2 and not (m2.lastgroup == "r" and not scale):
                v2 = _parse_number(m2.lastgroup or "d", m2.group())
                unit2, upos2 = _read_unit(text, m2.end())
                staged = scale is not None and self._stage_scale(scale)
                if staged:  # "IIIA-IIIC": the same stage, two sub-stages
                    v2 = _substage(v2, m2.group(), text, m2.end())
                first = _substage(value, m.group(), text, e) if staged else value
                if unit and unit2 and unit != unit2 and sep.group().strip().lower() == "to":
                    # "Age 3 months to 17 years": two limits in their own units, not a range
                    split_to = (v2, unit2, m2.start(), upos2)
                elif v2 != first and not (kind_tok == "d" and m2.lastgroup != "d" and not scale):
                    low, high = min(first, v2), max(first, v2)
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
                and (rel.group("n") is None or rel.group("gt") or _TIMES_RE.match(text[pos:]))
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
        post = p.post.match(text, pos)
        if post:
            post_cmp = p.postfix.get(" ".join(post.group("p").lower().split()))
            pos = post.end()
        else:
            post_cmp = None
        if low is None and post_cmp is None and unit is None:
            # "18 years or older": the trailing comparator can follow the unit
            pass
        cmp = pre or post_cmp
        if split_to is not None and cmp is None:
            cmp = ">="  # "3 months to 17 years": from the first, up to the second
        if low is not None:
            cmp = "range" if cmp is None or between or cmp == "=" else cmp
        # ---- what kind of quantity is it?
        start_guess = pre_start if pre_start < s else s
        measure, ms, me = _measure_before(text, start_guess, self.floor)
        aside = _aside_before(text, start_guess) if measure else None
        if aside is not None and aside >= self.floor:
            # "creatinine clearance (CrCl) (eGFR may also be used in place of CrCl) > 45": the
            # aside in brackets is not the measure; the name before it is
            measure, ms, me = _measure_before(text, aside, self.floor)
        if cells_measure is not None:
            measure, ms, me = cells_measure, len(text), len(text)
        kind = "value"
        if scale:
            kind = p.scale_kind.get(" ".join(scale.group("kw").lower().split()), "class")
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
            # "four of the following symptoms": at least four of the list
            cmp = ">=" if _NOT_A_LIMIT_RE.match(text, pos) else "="
        right = text[pos:]
        age_ctx = _age_context(
            text, left, right, pre_start, measure, unit, cmp, age_words, post, self.after_age
        )
        year_old = _YEAR_OLD_RE.match(right) if unit is None else None
        gestation = unit in ("wk", "d") and (
            _GESTATION_AFTER_RE.match(right) or _GESTATION_BEFORE_RE.search(left)
        )
        if gestation:
            # "< 37 weeks gestation": the gestational age at birth, not the participant's age
            kind, measure = "value", "gestational age"
            ges = _GESTATION_AFTER_RE.match(right)
            if ges and cmp is None:
                post3 = p.post.match(text, pos + ges.end())
                if post3:
                    cmp = p.postfix.get(" ".join(post3.group("p").lower().split()))
                    pos = post3.end()
            right = text[pos:]
        elif (
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
                post2 = p.post.match(text, pos + agem.end())
                if post2:
                    cmp = p.postfix.get(" ".join(post2.group("p").lower().split()))
                    pos = post2.end()
            measure = "age"
        elif unit in _TIME_UNITS:
            return [], pos
        if _TIME_NOUN_RE.match(right) or (unit is None and _ADJ_DURATION_RE.match(right)):
            return [], pos  # half-lives, cycles; "within 6-mo", "a 14-week trial"
        if measure in ("n", "N") or (value == 1.73 and re.match(r"\s*m", right)):
            return [], pos  # sample sizes "n=20"; the 1.73 m² of a body-surface normalisation
        if measure and unit is None and relative is None and _NAME_NOUN_RE.search(measure):
            return [], pos  # "Cohorts 2-4", "Part 1": names, not limits
        if low is not None and pre is None and post_cmp is None and _SCALE_RIGHT_RE.match(right):
            return [], pos  # "on a 0-10 pain scale": the scale, not a limit
        if titre:
            kind = "titre"
            value = titre_value
        elif scale_max is not None and kind == "value":
            kind = "score"
        if cmp is None and low is None and kind_tok == "d" and unit is None and not scale_max:
            # "a Clinical Dementia Rating of 0", "The MMSE ... was 26 points": a stated score
            points = _POINTS_RE.match(right)
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
            and _SMALL_INT_RE.fullmatch(m.group())
            and not _NOT_COUNTED_BEFORE_RE.search(left)
            and (noun := _PLURAL_NOUN_RE.match(right))
            and (noun.group(1).lower() not in _STOP_WORDS or noun.group(1).lower() == "times")
            and not _NAME_AFTER_RE.match(right, noun.end())
            and not _NOT_PLURAL_RE.search(noun.group(1))
        ):
            cmp, bare_count = "=", True  # "12 seizures", "the selected 3 health facilities"
        if (
            cmp is None
            and kind_tok == "d"
            and unit is None
            and low is None
            and scale is None
            and _SMALL_INT_RE.fullmatch(m.group())
            and _NOT_A_LIMIT_RE.match(right)
        ):
            cmp = ">="  # "4 of the following": at least four of the criteria that follow
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
            and _SHORT_GAP_RE.fullmatch(text[me:start])
            and kind in ("class", "grade", "stage", "score")
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
        if kind == "stage":  # "stage IIIB" is 3.2: a sub-stage letter counts in tenths
            if low is None:
                value = _substage(value, m.group(), text, e)
                if pos == e and _SUBSTAGE_RE.match(text, e):
                    pos = end = e + 1  # "stage 3b"
            else:
                low, high = min(low, high), max(low, high)
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
        if split_to is not None:
            v2, unit2, s2, e2 = split_to
            out.append(
                out[0].model_copy(
                    update={
                        "comparator": split_cmp,
                        "value": v2,
                        "unit": unit2,
                        "text": text[s2:e2],
                        "span": (s2, e2),
                    }
                )
            )
            pos = max(pos, e2)
        if bp_second is not None:
            out[0] = out[0].model_copy(update={"notes": "systolic"})
            out.append(out[0].model_copy(update={"value": bp_second, "notes": "diastolic"}))
        # alternatives of a class or scale: "Class III or Class IV", "ECOG 0 or 1", "I, II, or III"
        if scale and cmp == "=":
            more, pos = _alternatives(text, pos, kind, measure)
            out.extend(more)
        # "Grade 3 or higher neutropenia": a bare grade/class/stage keyword names nothing, so the
        # graded thing is what follows, unless a noun phrase before it names it
        if scale and kind in ("class", "grade", "stage") and _generic_scale(scale.group("kw")):
            kw_start = s - len(left) + scale.start("kw")
            before, _b, _e = _measure_before(text, min(kw_start, start), self.floor)
            named = [w for w in (before or "").split() if w.lower() not in _NAMELESS]
            graded = None if named else _graded_after(text, pos)
            if graded:
                out = [q.model_copy(update={"measure": graded}) for q in out]
        # shared limit: "aspartate aminotransferase, alanine aminotransferase, or bilirubin ≥ ..."
        paren_abbr = measure is not None and ms < start and text[me:start].strip(" :=") == ")"
        if measure and (adjacent or paren_abbr) and kind == "value":
            list_end = ms
            if text[:ms].rstrip().endswith("("):  # "alkaline phosphatase (ALP) ≤ 3 x ULN"
                named = _NAME_BEFORE_PAREN_RE.search(text, 0, text.rfind("(", 0, ms))
                list_end = named.start(1) if named else ms
            for item, _a, _b in _list_before(text, list_end):
                out.insert(
                    len(out) - 1 - (1 if bp_second is not None else 0),
                    out[0].model_copy(
                        update={"measure": item, "text": text[start:end], "span": (start, end)}
                    ),
                )
        return out, pos
