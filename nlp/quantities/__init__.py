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
import re
from functools import cache

from models import Quantity
from nlp.errors import W_NOT_A_NUMBER, W_NUMBER_READING
from nlp.quantities.letters import _letter_grades
from nlp.quantities.measures import _STOP_WORDS
from nlp.quantities.numbers import _NUM_RE
from nlp.quantities.postprocess import (
    _conditions,
    _distribute_over_measures,
    _drop_scope_repeats,
    _inherit_comparator,
    _second_limits,
    _shared_units,
    _split_slashed_measures,
)
from nlp.quantities.references import bare_reference_limits
from nlp.quantities.scanner import _Reader
from nlp.quantities.years import _calendar_years
from nlp.rulefiles import measure_rules

__all__ = ["find_number_readings", "find_quantities", "find_run_together"]


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
            reader.after_age = end if found[-1].kind == "age" else None
        pos = max(pos, end if found else m.end())
    years = [
        q
        for q in (_calendar_years(text) if _YEAR_HINT_RE.search(text) else ())
        if not any(
            o.span and q.span and o.span[0] < q.span[1] and q.span[0] < o.span[1] for o in out
        )
    ]
    if years:
        out = sorted(out + years, key=lambda q: q.span or (0, 0))
    letters = [
        q
        for q in (_letter_grades(text) if _may_have_letter_grades(text) else ())
        if not any(
            o.span and q.span and o.span[0] < q.span[1] and q.span[0] < o.span[1] for o in out
        )
    ]
    if letters:
        out = sorted(out + letters, key=lambda q: q.span or (0, 0))
    references = [
        q
        for q in (bare_reference_limits(text) if _REFERENCE_HINT_RE.search(text) else ())
        if not any(
            o.span and q.span and o.span[0] < q.span[1] and q.span[0] < o.span[1] for o in out
        )
    ]
    if references:
        out = sorted(out + references, key=lambda q: q.span or (0, 0))
    if not out:
        return out
    out = _inherit_comparator(text, out)
    out = _distribute_over_measures(text, out)
    out = _second_limits(text, out)
    out = _shared_units(text, out)
    out = _conditions(text, out)
    if any(q.measure and "/" in q.measure for q in out):
        out = _split_slashed_measures(out)
    if len(out) < 2 or "For" not in text:
        return out  # a scope-clause repeat needs an earlier limit and "For ..." (case-sensitive)
    return _drop_scope_repeats(text, out)


# Cheap necessary conditions, so the costlier scans run only on the texts that could match:
# a calendar limit needs a 19xx/20xx year; a letter grade needs the first word of one of the
# letter scales' names (checked on the lowercased text when it is ASCII, where lowercasing is
# exactly what IGNORECASE does; other texts always get the full scan).
_YEAR_HINT_RE = re.compile(r"(?:19|20)\d\d")
_REFERENCE_HINT_RE = re.compile(r"ULN|LLN|limits?\s+of\s+(?:the\s+)?normal", re.I)


def _may_have_letter_grades(text: str) -> bool:
    if not text.isascii():
        return True
    low = text.lower()
    return any(h in low for h in _letter_hints())


@cache
def _letter_hints() -> tuple[str, ...]:
    return tuple(
        sorted(
            {a.split()[0].lower() for row in measure_rules() if row.letters for a in row.aliases}
        )
    )


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


_HUGE_RE = re.compile(r"\d{19,}")
_LOST_POWER_RE = re.compile(r"(?<![\d^*])10(9|12|6|3)\s*/\s*(?:L|l|µL|uL|mm3)\b")
_THOUSANDS_RE = re.compile(r"\d{1,3}(?:\.\d{3})+(?![\d,])")
_DECIMAL_COMMA_RE = re.compile(r"(?<![\d,])\d+,\d{1,2}(?![\d,])")


def find_number_readings(text: str, quantities: list[Quantity]) -> list[tuple[int, int, str, str]]:
    """Numbers read other than as printed, as (start, end, warning code, message): W114 for
    "1.5 x 109/L" (a lost superscript, read 10^9/L), "100.000/µl" (a thousands point), "0,1 mV"
    (a decimal comma); W116 for a number too long to be a limit (400 digits)."""
    out: list[tuple[int, int, str, str]] = []
    for m in _HUGE_RE.finditer(text):
        message = f"a number of {len(m.group())} digits is not read as a limit"
        out.append((m.start(), m.end(), W_NOT_A_NUMBER, message))
    for q in quantities:
        if q.span is None:
            continue
        s, e = q.span
        piece = text[s:e]
        lost = _LOST_POWER_RE.search(piece)
        if lost and q.unit and q.unit.startswith("10*"):
            out.append(
                (
                    s + lost.start(),
                    s + lost.end(),
                    W_NUMBER_READING,
                    f"{lost.group()!r} read as 10^{lost.group(1)}"
                    f"{lost.group()[len(lost.group(1)) + 2 :]} (a superscript lost in copying)",
                )
            )
        for m in _THOUSANDS_RE.finditer(piece):
            if q.value is not None and q.value == float(m.group().replace(".", "")):
                out.append(
                    (
                        s + m.start(),
                        s + m.end(),
                        W_NUMBER_READING,
                        f"{m.group()!r} read as {q.value:g}"
                        " (a thousands point, in a count per volume)",
                    )
                )
        for m in _DECIMAL_COMMA_RE.finditer(piece):
            if q.value is not None and q.value == float(m.group().replace(",", ".")):
                out.append(
                    (
                        s + m.start(),
                        s + m.end(),
                        W_NUMBER_READING,
                        f"{m.group()!r} read as {q.value:g} (a decimal comma)",
                    )
                )
    return out
