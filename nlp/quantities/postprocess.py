"""After the scan: restated limits, limits shared by several measures, scope-clause repeats."""

from __future__ import annotations

import re
from typing import Any

from models import Quantity


def _compatible_units(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return False
    if a == b:
        return True
    from nlp.units import convert

    return convert(1.0, a, b) is not None


_RESTATED_IN_BRACKETS = re.compile(r"\s*\(\s*(?:or\s+)?")


def _restated_in_brackets(text: str, a: Quantity, b: Quantity) -> bool:
    """Whether ``b`` is a value and unit alone in the bracket right after ``a``'s limit: "≥ 1.5
    mg/dL (133 µmol/L)", "< 115 g/L (7.1 mM)", "above 48 mmol/mol (or 6.5%)". The bracket
    restates the limit in another unit, which need not convert (mass and moles, IFCC and NGSP)."""
    if a.span is None or b.span is None or a.unit is None or b.unit is None:
        return False
    if b.measure not in (None, a.measure):
        return False  # "Creatinine ≤ 1.5 mg/dL (or CrCl 50 mL/min)": another measure's value
    return (
        _RESTATED_IN_BRACKETS.fullmatch(text, a.span[1], b.span[0]) is not None
        and text[b.span[1] : b.span[1] + 1] == ")"
    )


def _inherit_comparator(text: str, qs: list[Quantity]) -> list[Quantity]:
    """ "less than 45 kilograms (100 pounds)", "above 20 g and 30 g ... respectively": the second
    value, with no comparator of its own, restates the first limit; so does a value in the
    bracket right after it, in whatever unit (:func:`_restated_in_brackets`)."""
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
        ):
            continue
        restated = _restated_in_brackets(text, a, b)
        if not (restated or _compatible_units(a.unit, b.unit)):
            continue
        sep = text[a.span[1] : b.span[0]]
        if not (restated or _CARRY_SEP_RE.match(sep)):
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


_WORD_AFTER_RE = re.compile(r"\s*([A-Za-z][A-Za-z-]{2,})")


def _names_after(text: str, end: int) -> bool:
    """Whether a word that can name a measure follows ``end`` ("30% hematocrit"), not a
    function word ("< 400 mg/dL without ...", "in women")."""
    from nlp.quantities.measures import _STOP_WORDS

    m = _WORD_AFTER_RE.match(text, end)
    return m is not None and m.group(1).lower() not in _STOP_WORDS


def _second_limits(text: str, qs: list[Quantity]) -> list[Quantity]:
    """ "HbA1c ≥ 7.0% and ≤ 10.5%", "QTc ≤ 450 ms (males) or ≤ 470 ms (females)", "Serum
    creatinine >2.5 mg/dL in men, or >2.0 mg/dL in women": a limit with no measure of its
    own, joined to the limit before it, limits the same measure."""
    out = list(qs)
    for i in range(1, len(out)):
        a, b = out[i - 1], out[i]
        if (
            b.measure is not None
            or a.measure is None
            or a.span is None
            or b.span is None
            or a.kind != b.kind
            or b.span[0] < a.span[1]
            or not _SECOND_SEP_RE.match(text[a.span[1] : b.span[0]])
            # "< 10 g/dL in women or 30% hematocrit": another measure, in another unit, named
            # after it ("126 mg/dL (7.0 mmol/L)" restates the limit)
            or (
                a.unit is not None
                and b.unit is not None
                and not _compatible_units(a.unit, b.unit)
                and _names_after(text, b.span[1])
            )
        ):
            continue
        out[i] = b.model_copy(update={"measure": a.measure})
    return out


_UNIT_SHARED_SEP_RE = re.compile(r"^\s*(?:,\s*)?(?:and|or|and/or|to)\s*$", re.I)


def _shared_units(text: str, qs: list[Quantity]) -> list[Quantity]:
    """ "BMI >18 and < 30 kg/m2", "systolic ≥140 or <100 mmHg": the unit printed after the
    second limit of a measure is the first one's too, when the first prints none."""
    out = list(qs)
    for i in range(len(out) - 1, 0, -1):
        a, b = out[i - 1], out[i]
        if (
            a.unit is not None
            or b.unit is None
            or a.relative_to is not None
            or a.kind != "value"
            or b.kind != "value"
            or a.measure is None
            or a.measure != b.measure
            or a.span is None
            or b.span is None
            or not _UNIT_SHARED_SEP_RE.match(text[a.span[1] : b.span[0]])
            or (a.text or "").rstrip().endswith("+")  # "Urine protein ≤2+ or < 1000mg/24h"
        ):
            continue
        out[i - 1] = a.model_copy(update={"unit": b.unit})
    return out


_POPULATION = (
    r"(?:males?|females?|men|women|man|woman|boys|girls|child|children|adolescents?|adults?|"
    r"infants?|neonates?|patients?|participants?|subjects?|persons?|individuals?|those|anyone)"
)
_PHRASE = r"(?:[^,;.()]|(?<=\d)\.(?=\d))"  # a decimal point ("> 1.5 x ULN") does not end it
_PAREN_CONDITION_RE = re.compile(
    rf"^\s*\((?P<c>(?:(?:in|for)\s+)?(?:[A-Za-z-]+\s+){{0,3}}?{_POPULATION}\b[^()]{{0,60}})\)",
    re.I,
)
_FOR_POPULATION_RE = re.compile(
    rf"^\s*,?\s*(?:in|for)\s+(?P<c>(?:the\s+)?{_POPULATION}\s+(?:with|who|aged|under|over|"
    rf"of|on|receiving|taking|without|not)\b{_PHRASE}{{1,60}}?)"
    r"(?=\s*(?:[,;)]|\.(?!\d)|\s+(?:or|and)\s|$))",
    re.I,
)
_FOR_ANY_RE = re.compile(
    r"^\s*,?\s*(?:in|for)\s+(?:the\s+)?(?:presence\s+of\s+)?(?P<c>[^,;.()\d<>≤≥]{2,60}?)"
    r"(?=\s*(?:[,;.)]|\s+(?:or|and)\s|$))",
    re.I,
)
_SCOPE_CONDITION_RE = re.compile(
    rf"(?:^|(?<=[.;]\s))(?:note\s*:\s*)?(?:for|in)\s+(?P<c>(?:the\s+)?(?:{_POPULATION}\s+"
    r"(?:with|who|whose|taking|on|receiving|having|aged|not)\b[^,:;.]{1,80}|[A-Z][A-Za-z0-9-]{1,10}"
    r"(?:\s+patients)?))\s*[,:]",
    re.I,
)


_SUBGROUP = rf"^\s*(?:in|for)\s+(?:the\s+)?(?:(?:fe)?male\s+)?{_POPULATION}\s*"  # "for men"
_CARRY_SEP_RE = re.compile(
    r"^\s*(?:\(|or|/|,|and)\s*$"
    # "QTc > 450 ms for men or 470 ms for women": the subgroup's value, the same comparator
    rf"|{_SUBGROUP},?\s*or\s*$",
    re.I,
)
_SECOND_SEP_RE = re.compile(
    r"^\s*(?:\([^()]{0,60}\))?\s*,?\s*(?:and/or|and|or|but|to|OR|AND)?\s*,?\s*\(?\s*$"
    # "= 11 g/dL for female subjects; = 12 g/dL", "> 450 ms for men or 470 ms": a subgroup
    rf"|{_SUBGROUP}[,;]?\s*(?:and/or|and|or|OR|AND)?\s*$",
    re.I,
)
_THOSE_RE = re.compile(r"^(for|in)\s+those\s+(?=\w)", re.I)  # "For those subjects on ..."


def leading_scope(text: str) -> str | None:
    """The population a whole criterion is for, when it opens with one: "For subjects on
    immunosuppressives ..., all doses must be stable" → ``subjects on immunosuppressives ...``.
    The exports use it: such a criterion states a consequence for a subgroup, not a condition
    everyone must meet."""
    found = _SCOPE_CONDITION_RE.match(_THOSE_RE.sub(r"\1 ", text.lstrip()))
    return found.group("c").strip() if found else None


def _conditions(text: str, qs: list[Quantity]) -> list[Quantity]:
    """Whom or when a limit is for, as printed: "≤ 470 ms (females)", "≤ 5 x ULN for liver
    metastases" (a second limit of the same measure), "≤ 3.0 ULN in participants with
    Gilbert's syndrome", "For patients receiving anticoagulation: INR ≤ 3"."""
    scopes = [(m.end(), m.group("c").strip()) for m in _SCOPE_CONDITION_RE.finditer(text)]
    out = []
    for i, q in enumerate(qs):
        if q.span is None or q.condition is not None:
            out.append(q)
            continue
        after = text[q.span[1] :]
        found = _PAREN_CONDITION_RE.match(after) or _FOR_POPULATION_RE.match(after)
        second = i > 0 and qs[i - 1].measure == q.measure and q.measure is not None
        if found is None and second:
            found = _FOR_ANY_RE.match(after)
        condition = found.group("c").strip() if found else None
        if condition is None:
            scope = next(
                (
                    c
                    for end, c in reversed(scopes)
                    if end <= q.span[0]
                    and "." not in text[end : q.span[0]].replace("e.g.", "").replace("i.e.", "")
                ),
                None,
            )
            condition = scope
        out.append(q.model_copy(update={"condition": condition}) if condition else q)
    return out


_SLASHED_RE = re.compile(r"[A-Za-z][A-Za-z0-9-]*(?:\s*/\s*[A-Za-z][A-Za-z0-9-]*)+")


def _split_slashed_measures(qs: list[Quantity]) -> list[Quantity]:
    """ "AST/ALT ≤ 2.5 × ULN", "AST/ALT > 43 U/L": a limit relative to the normal range, or in
    an enzyme activity unit, on names joined by slashes is a limit on each name. Anything else
    is kept whole: a ratio ("PaO2/FiO2 < 300 mmHg", "FEV1/FVC < 70%", "BUN/creatinine > 20"),
    a blood-pressure pair already split into its two limits ("SBP/DBP ≥ 160/100 mmHg"), a name
    of several words ("blood donation/blood loss")."""
    out: list[Quantity] = []
    for q in qs:
        measure = q.measure
        if (
            measure
            and "/" in measure
            and q.notes not in ("systolic", "diastolic")
            and (q.relative_to is not None or q.unit in _ENZYME_UNITS)
            and _SLASHED_RE.fullmatch(measure)
        ):
            out.extend(q.model_copy(update={"measure": m.strip()}) for m in measure.split("/"))
        else:
            out.append(q)
    return out


_ENZYME_UNITS = frozenset({"U/L", "[IU]/L", "U/mL", "[IU]/mL", "ukat/L"})
