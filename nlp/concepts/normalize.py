"""Text keys for exact vocabulary look-ups: the same function builds the index and the query.

Matching is exact on a normalised key, never fuzzy: ``key("Type-2 Diabetes  Mellitus")`` and
``key("type 2 diabetes mellitus")`` are equal, ``key("diabetes")`` is not. The key folds case
and Unicode compatibility forms, turns every dash into a space, drops the quotes and the
punctuation that can end or open a phrase, and collapses whitespace.
"""

from __future__ import annotations

import re
import unicodedata

_DASHES = re.compile(r"[\u2010-\u2015\u2212\-]+")
_EDGE = " \t\n.,;:!?\"'`()[]{}"
_SPACES = re.compile(r"\s+")
_BRACKETED = re.compile(r"\s*[\[(][^\[\]()]*[\])]")


def key(text: str) -> str:
    """The look-up key of a phrase.

    >>> key("Non-Small-Cell  Lung Cancer.")
    'non small cell lung cancer'
    >>> key("Crohn’s disease")
    "crohn's disease"
    """
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").lower()
    text = _DASHES.sub(" ", text)
    return _SPACES.sub(" ", text).strip(_EDGE).strip()


def hyphenated(text: str) -> str:
    """``text`` with every dash (en, em, minus sign, runs of them) as one hyphen, for matching
    words written with either: "Cockcroft–Gault", "CKD–EPI"."""
    return _DASHES.sub("-", text)


_GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "κ": "kappa", "ω": "omega"}
_GREEK_LETTER = re.compile(f"[{''.join(_GREEK)}]")


def greek_spelled(k: str) -> str | None:
    """The key with its Greek letters spelled out as words, or None when it holds none.

    Registry text writes "Interferon α2a" and "interferon β-1a" where DrugBank's variants
    spell the letter ("interferon alpha-2a"); the index keeps the written forms it has as they
    are ("IFN-α"), so this is a second look-up, not part of :func:`key`.

    >>> greek_spelled(key("Interferon α2a"))
    'interferon alpha 2a'
    >>> greek_spelled("interferon") is None
    True
    """
    if _GREEK_LETTER.search(k) is None:
        return None
    spelled = _GREEK_LETTER.sub(lambda m: f" {_GREEK[m.group()]} ", k)
    return _SPACES.sub(" ", spelled).strip()


def without_brackets(text: str) -> str:
    """The phrase with its bracketed and parenthesised parts removed.

    ICD-10-CM puts nonessential words and synonyms in brackets:
    "Human immunodeficiency virus [HIV] disease", "Essential (primary) hypertension".

    >>> without_brackets("Essential (primary) hypertension")
    'Essential hypertension'
    """
    return _SPACES.sub(" ", _BRACKETED.sub("", text)).strip()


def singular(k: str) -> str | None:
    """The key with a plain English plural on its last word made singular, or None.

    Only the regular forms: "seizures" → "seizure", "arrhythmias" → "arrhythmia",
    "therapies" → "therapy". Words ending in -ss, -us, -is are left alone ("abscess",
    "lupus", "psoriasis").

    >>> singular("seizures")
    'seizure'
    >>> singular("psoriasis") is None
    True
    """
    head, _, last = k.rpartition(" ")
    if len(last) < 5 or not last.endswith("s") or last.endswith(("ss", "us", "is")):
        return None
    last = last[:-3] + "y" if last.endswith("ies") else last[:-1]
    return f"{head} {last}" if head else last
