"""Semantic equality of the values an audit compares: amounts with units, names, texts, spans.

Why not compare strings: a hand-typed rule file writes ``1.50`` and ``mg/day`` where the
parser writes ``1.5`` and ``mg/d``; ``9 g/dL`` is ``90 g/L``; "QTc" names the same measure as
"QT interval corrected for heart rate (QTc)". These helpers decide such cases in one place.
"""

from __future__ import annotations

import math
import re
from functools import cache

from nlp.textutil import unescape_markdown
from nlp.units import convert, normalise_unit

QUANTITY_REL_TOL = 1e-6
"""Relative tolerance for lab values: they must agree after conversion, up to rounding."""

TIME_REL_TOL = 0.02
"""Relative tolerance for durations: 6 mo (182.6 d in UCUM) equals 26 wk (182 d)."""

_STOPWORDS = frozenset({"of", "the", "and", "for", "a", "an", "to", "in", "on", "by", "or"})
_TOKEN = re.compile(r"[^\W_]+")


@cache
def canonical_unit(unit: str | None) -> str | None:
    """The UCUM code for a unit as written (``mg/day`` → ``mg/d``); the unit itself if unknown."""
    if unit is None:
        return None
    stripped = unit.strip()
    return normalise_unit(stripped) or stripped


def units_compatible(unit_a: str | None, unit_b: str | None) -> bool:
    """Same unit, or two units that convert into each other (g/dL and g/L, mo and wk)."""
    a, b = canonical_unit(unit_a), canonical_unit(unit_b)
    if a is None or b is None:
        return a == b
    return a == b or convert(1.0, a, b) is not None


def same_number(
    value_a: float | None,
    unit_a: str | None,
    value_b: float | None,
    unit_b: str | None,
    rel_tol: float = QUANTITY_REL_TOL,
) -> bool:
    """Equal amounts after converting b's unit into a's (raw numbers when units do not convert).

    ``same_number(9, "g/dL", 90, "g/L")`` is True; ``same_number(9, "g/dL", 9, "g/L")`` False.
    A missing number equals only a missing number.
    """
    if value_a is None or value_b is None:
        return value_a is None and value_b is None
    a, b = canonical_unit(unit_a), canonical_unit(unit_b)
    converted = value_b
    if a is not None and b is not None and a != b:
        as_a = convert(value_b, b, a)
        converted = value_b if as_a is None else as_a
    return math.isclose(value_a, converted, rel_tol=rel_tol, abs_tol=1e-9)


def show_amount(value: float | None, unit: str | None) -> str | None:
    """``9 g/dL`` for a reviewer; None when there is no number."""
    if value is None:
        return None
    number = f"{value:g}" if value == value and abs(value) < 1e15 else str(value)
    return f"{number} {unit}" if unit else number


def tokens(text: str | None) -> list[str]:
    """Lower-case word tokens, punctuation dropped: "QT-interval (QTc)" → qt interval qtc."""
    return _TOKEN.findall(unescape_markdown(text or "").casefold())


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w not in _STOPWORDS)


# Words that say what kind of limit it is, which Quantity.kind already records:
# "NYHA class" and "New York Heart Association" name the same scale.
KIND_WORDS = frozenset({"class", "grade", "stage", "score", "level", "levels", "value", "values"})


def _content(words: list[str]) -> list[str]:
    """The words of a name without kind words, unless nothing else is left."""
    kept = [w for w in words if w not in KIND_WORDS]
    return kept or words


def same_name(name_a: str | None, name_b: str | None) -> bool:
    """Lenient equality of measure names: case, punctuation, abbreviations.

    Equal when the word sets are equal, when one's words are all among the other's ("QTc" and
    "QT interval corrected for heart rate (QTc)", "hemoglobin" and "hemoglobin levels"), or
    when one is the initials of the other ("ULN" and "upper limit of normal"); failing that,
    the same tests without kind words ("class", "grade", "score", "level"), which ``kind``
    already records ("NYHA class" and "New York Heart Association").
    Two missing names are equal; a missing name never equals a present one.
    """
    if name_a is None or name_b is None:
        return name_a is None and name_b is None
    raw_a, raw_b = tokens(name_a), tokens(name_b)
    if _names_match(raw_a, raw_b):
        return True
    return _names_match(_content(raw_a), _content(raw_b))


def _names_match(a: list[str], b: list[str]) -> bool:
    if not a or not b:
        return a == b
    set_a, set_b = set(a), set(b)
    if set_a <= set_b or set_b <= set_a:
        return True
    joined_a, joined_b = "".join(a), "".join(b)
    return joined_a == joined_b or (
        (len(a) == 1 and a[0] == _initials(b)) or (len(b) == 1 and b[0] == _initials(a))
    )


def name_overlap(name_a: str | None, name_b: str | None) -> float:
    """Jaccard overlap of word sets, 1.0 for names :func:`same_name` calls equal."""
    if same_name(name_a, name_b) and name_a is not None:
        return 1.0
    a, b = set(tokens(name_a)), set(tokens(name_b))
    return len(a & b) / len(a | b) if a and b else 0.0


def norm_text(text: str | None) -> str:
    """Text as compared: escapes undone, case and spacing folded, end punctuation dropped."""
    return " ".join(unescape_markdown(text or "").casefold().split()).rstrip(" .;:,")


def same_text(text_a: str | None, text_b: str | None) -> bool:
    return norm_text(text_a) == norm_text(text_b)


def contains_text(text_a: str | None, text_b: str | None) -> bool:
    """One normalised text inside the other (both non-empty)."""
    a, b = norm_text(text_a), norm_text(text_b)
    return bool(a and b) and (a in b or b in a)


def text_similarity(text_a: str | None, text_b: str | None) -> float:
    """Jaccard overlap of word sets; 1.0 for equal normalised texts."""
    if same_text(text_a, text_b) and norm_text(text_a):
        return 1.0
    a, b = set(tokens(text_a)), set(tokens(text_b))
    return len(a & b) / len(a | b) if a and b else 0.0


def span_iou(span_a: tuple[int, int] | None, span_b: tuple[int, int] | None) -> float:
    """Intersection over union of two ``[start, end)`` spans; 0 when either is missing."""
    if span_a is None or span_b is None:
        return 0.0
    inter = min(span_a[1], span_b[1]) - max(span_a[0], span_b[0])
    union = max(span_a[1], span_b[1]) - min(span_a[0], span_b[0])
    return max(inter, 0) / union if union > 0 else float(span_a == span_b)


def norm_label(label: str | None) -> str | None:
    """Printed numbering as compared: ``"8."`` and ``"8"`` and ``"(8)"`` agree."""
    if label is None:
        return None
    return unescape_markdown(label).strip().strip(".)(").casefold()


def norm_anchor(anchor: str | None) -> str | None:
    """Anchor ids as compared: ``"First dose"`` and ``first_dose`` agree."""
    if anchor is None:
        return None
    return "_".join(tokens(anchor)) or None
