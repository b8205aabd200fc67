"""Demographics from the registry's structured fields, falling back to age limits in the text."""

from __future__ import annotations

import re

from models import AgeLimit, Demographics, ParseWarning, Quantity
from nlp.errors import W_UNREAD_FIELD

_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)(?:\s*([A-Za-z]+))?\s*$")
_AGE_UNITS = {
    "year": "a", "years": "a", "yr": "a", "yrs": "a", "y": "a",
    "month": "mo", "months": "mo", "week": "wk", "weeks": "wk",
    "day": "d", "days": "d", "hour": "h", "hours": "h", "minute": "min", "minutes": "min",
}  # fmt: skip
_SEX = {"all": "all", "both": "all", "female": "female", "male": "male"}
_YES = {"yes", "true", "accepts healthy volunteers"}
_NO = {"no", "false"}
_NO_LIMIT = re.compile(r"\s*(?:n/?a|none|no limit)?\s*", re.IGNORECASE)  # an age not given


def parse_age(written: str | None) -> AgeLimit | None:
    """``"18 Years"`` → 18 a; ``"N/A"``, empty or unreadable → None."""
    if not written:
        return None
    match = _AGE.match(written)
    if not match:
        return None
    unit = _AGE_UNITS.get((match.group(2) or "years").lower())
    if unit is None:
        return None
    return AgeLimit(value=float(match.group(1)), unit=unit, text=written.strip())


def parse_sex(written: str | None) -> str | None:
    return _SEX.get(written.strip().lower()) if written else None


def parse_healthy_volunteers(written: str | None) -> bool | None:
    if written is None:
        return None
    key = str(written).strip().lower()
    if key in _YES:
        return True
    if key in _NO:
        return False
    return None


def ages_conflict(quantities: list[Quantity]) -> bool:
    """The inclusion text's age limits contradict each other: a minimum above a maximum
    ("Age less than 10 years or greater than 55 years": alternatives, not one range)."""
    low, high = _text_ages(quantities)
    if low is None or high is None:
        return False
    from nlp.units import convert

    low_in_high = convert(low.value, low.unit, high.unit)
    return low_in_high is not None and low_in_high > high.value


def ages_from_quantities(quantities: list[Quantity]) -> tuple[AgeLimit | None, AgeLimit | None]:
    """Minimum and maximum age stated in inclusion text ("aged 18 to 75 years", "≥ 18 years");
    none when they contradict each other (:func:`ages_conflict`)."""
    if ages_conflict(quantities):
        return None, None
    return _text_ages(quantities)


def _text_ages(quantities: list[Quantity]) -> tuple[AgeLimit | None, AgeLimit | None]:
    low: AgeLimit | None = None
    high: AgeLimit | None = None
    for q in quantities:
        if q.kind != "age" or q.unit is None:
            continue
        if q.comparator == "range" and q.low is not None and q.high is not None:
            low = low or AgeLimit(value=q.low, unit=q.unit, text=q.text)
            high = high or AgeLimit(value=q.high, unit=q.unit, text=q.text)
        elif q.comparator in (">", ">=") and q.value is not None:
            low = low or AgeLimit(value=q.value, unit=q.unit, text=q.text)
        elif q.comparator in ("<", "<=") and q.value is not None:
            high = high or AgeLimit(value=q.value, unit=q.unit, text=q.text)
    return low, high


def build_demographics(
    min_age: str | None,
    max_age: str | None,
    sex: str | None,
    healthy_volunteers: str | None,
    inclusion_quantities: list[Quantity],
) -> Demographics:
    """Structured fields win; age limits from the inclusion text fill what they leave empty."""
    text_low, text_high = ages_from_quantities(inclusion_quantities)
    demographics = Demographics(
        min_age=parse_age(min_age) or text_low,
        max_age=parse_age(max_age) or text_high,
        sex=parse_sex(sex),
        healthy_volunteers=parse_healthy_volunteers(healthy_volunteers),
    )
    from_text = [
        name
        for name, structured, found in (
            ("min_age", min_age, text_low),
            ("max_age", max_age, text_high),
        )
        if parse_age(structured) is None and found is not None
    ]
    if from_text:
        demographics.notes = f"{' and '.join(from_text)} read from the criteria text"
    return demographics


def unread_fields(
    min_age: str | None, max_age: str | None, sex: str | None, healthy_volunteers: str | None
) -> list[ParseWarning]:
    """A W201 warning for each structured field given but not understood (sex ``ROBOT``, an
    age ``eighteen``): it is ignored, which the rule file must say rather than drop silently.
    An age written ``N/A`` (no limit) or a field left empty is not a warning."""
    unread = []
    for name, written in (("minimum age", min_age), ("maximum age", max_age)):
        if written is not None and not _NO_LIMIT.fullmatch(written) and not parse_age(written):
            unread.append((name, written, "a number and a unit, such as 18 Years"))
    if sex is not None and sex.strip() and parse_sex(sex) is None:
        unread.append(("sex", sex, "All, Female or Male"))
    hv = healthy_volunteers
    if hv is not None and str(hv).strip() and parse_healthy_volunteers(hv) is None:
        unread.append(("healthy volunteers", hv, "Yes or No"))
    return [
        ParseWarning(
            code=W_UNREAD_FIELD,
            message=f"{name} {written!r} not understood (expected {expected}): ignored",
        )
        for name, written, expected in unread
    ]
