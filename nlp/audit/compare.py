"""Semantic equality of what an audit compares besides amounts: names, texts, spans, labels.

Why not compare strings: "QTc" names the same measure as "QT interval corrected for heart
rate (QTc)", and ``"8."`` is the label ``8``. These helpers decide such cases in one place;
amounts and units (``1.50 mg/day`` = ``1.5 mg/d``, ``9 g/dL`` = ``90 g/L``) are
:mod:`nlp.scoring.values`, shared with the evaluation.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from models.encoding import Code
from nlp.concepts.codes import code_measure
from nlp.concepts.normalize import key
from nlp.rulefiles import MeasureRow, measure_code_rules, measure_rules
from nlp.textutil import unescape_markdown

_STOPWORDS = frozenset({"of", "the", "and", "for", "a", "an", "to", "in", "on", "by", "or"})
_TOKEN = re.compile(r"[^\W_]+")


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


# measures by meaning ------------------------------------------------------------------------


@cache
def _measure_names() -> dict[str, str]:
    """Every name of a known measure (folded key, or abbreviation as written) → its row id.

    Read from the two measure rule files: the lab and vital lexicon (``measure_codes.json``:
    "creatinine clearance", ``CrCl``) and the named scales (``quantity_measures.json``:
    "Eastern Cooperative Oncology Group", ``ECOG``). A name both files know keeps the
    lexicon's id when the lexicon codes it (else the scale's: "performance status"), and a
    lexicon row with a scale's id is that scale (``ecog``: the lexicon gives the scale its LOINC
    code, so "ECOG" and "performance status" stay one measure); nothing is restated here.
    """
    names: dict[str, str] = {}
    scales: set[str] = set()
    for scale in measure_rules():
        scales.add(scale.id)
        for alias in scale.aliases:
            names.setdefault(key(alias), f"scale:{scale.id}")
    for row in measure_code_rules():
        ident = f"scale:{row.id}" if row.id in scales else row.id
        # a row without a code (a name only refined to one: "performance status") leaves a
        # name the scales know to them
        put = names.__setitem__ if row.loinc else names.setdefault
        for alias in row.aliases:
            put(key(alias), ident)
        for abbreviation in row.abbreviations:
            put(abbreviation, ident)
    return names


_PARENS = re.compile(r"\s*\(([^()]*)\)\s*")
HEAD_WORDS = frozenset({"count", "counts", "level", "levels", "value", "values", "concentration"})
"""Generic words written after a measure's abbreviation ("PLT count"): the measure is the
abbreviation."""


@lru_cache(maxsize=4096)
def measure_identity(name: str | None) -> str | None:
    """The known measure a name denotes (a rule row id), or None for a name no rule knows.

    "CrCl", "creatinine clearance" and "estimated creatinine clearance" are one measure; so
    are "ECOG", "ECOG PS" and "Eastern Cooperative Oncology Group"; so is "absolute neutrophil
    count (ANC)" with "ANC" (the name outside the brackets, else inside, when they agree).
    """
    if not name or not name.strip():
        return None
    names = _measure_names()
    found = names.get(name.strip()) or names.get(key(name))
    if found is None:  # "hemoglobin levels", "platelet count value": the kind words dropped
        found = names.get(" ".join(_content(tokens(name))))
    words = name.split()
    if found is None and len(words) > 1 and words[-1].casefold() in HEAD_WORDS:
        found = measure_identity(" ".join(words[:-1]))  # "PLT count", "Hb level": PLT, Hb
    if found or not _PARENS.search(name):
        return found
    outside = measure_identity(_PARENS.sub(" ", name).strip())
    inside = measure_identity(_PARENS.search(name).group(1))  # type: ignore[union-attr]
    if outside and inside and outside != inside:
        return None
    return outside or inside


def measure_codes(measure: str | None, codes: list[Code]) -> set[tuple[str, str]]:
    """The (system, code) pairs of a measure: its own codes, else the lexicon's for its name."""
    if codes:
        return {(c.system, c.code) for c in codes}
    return {(c.system, c.code) for c in code_measure(measure)} if measure else set()


def same_measure(
    name_a: str | None, codes_a: list[Code], name_b: str | None, codes_b: list[Code]
) -> bool:
    """Two measures are one by meaning: a shared code, the same known measure (one rule row:
    ``CrCl`` = "creatinine clearance"), or names :func:`same_name` calls equal."""
    if name_a is None or name_b is None:
        return name_a is None and name_b is None and not codes_a and not codes_b
    if measure_codes(name_a, codes_a) & measure_codes(name_b, codes_b):
        return True
    ident_a, ident_b = measure_identity(name_a), measure_identity(name_b)
    if ident_a is not None and ident_a == ident_b:
        return True
    return same_name(name_a, name_b)


@lru_cache(maxsize=4096)
def scale_of(name: str | None) -> MeasureRow | None:
    """The named integer scale without unit (ECOG 0-5, NYHA I-IV) a measure name denotes, if
    any: not ages, BMI or Karnofsky's percentages, which are amounts."""
    ident = measure_identity(name)
    if ident is None or not ident.startswith("scale:"):
        return None
    for scale in measure_rules():
        if f"scale:{scale.id}" != ident or scale.low is None or scale.high is None:
            continue
        if scale.letters or scale.unit or scale.kind not in INTEGER_SCALE_KINDS:
            return None
        return scale
    return None


INTEGER_SCALE_KINDS = frozenset({"score", "class", "grade", "stage"})
