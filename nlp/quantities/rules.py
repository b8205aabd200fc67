"""The rule files (``rules/comparators.json``, ``rules/quantity_measures.json``) and the
patterns compiled from them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from nlp.rulefiles import comparator_rules, measure_rules


def _alternation(literals: list[str]) -> str:
    """Longest first, spaces matching any run of whitespace."""
    parts = [r"\s*".join(re.escape(w) for w in lit.split()) for lit in literals]
    return "|".join(sorted(parts, key=len, reverse=True))


# Every character \s matches (all are below U+3001), and the ASCII letters with the four other
# characters that match one under IGNORECASE.
_SPACES = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\u0130\u0131\u017f\u212a"


def _tail_search(pattern: re.Pattern[str], chars: str, text: str) -> re.Match[str] | None:
    """``pattern.search(text)`` for a pattern anchored at ``$`` whose matches contain only
    ``chars``: no match can start before the last other character, so the search starts
    after it (lookbehinds still see the text before). Same result, fewer start positions."""
    return pattern.search(text, len(text.rstrip(chars)))


def _first_chars(literals: list[str]) -> str:
    """A character class of the literals' first characters: put in a lookahead before their
    alternation, it turns away in C the positions where none can start (under IGNORECASE a
    one-character class folds exactly as the literal does), without changing any match."""
    return "[" + "".join(sorted({re.escape(lit[0]) for lit in literals})) + "]"


@dataclass(frozen=True, slots=True)
class QuantityPatterns:
    """Everything the scanner compiles from the rule files, typed: the comparator and scale
    patterns, the tables their matches are looked up in, and the characters each tail-anchored
    pattern can match (for :func:`_tail_search`)."""

    pre: re.Pattern[str]
    """A comparator right before the value ("≥", "at least", "no more than"), anchored at ``$``."""
    post: re.Pattern[str]
    """A comparator right after the value ("or more", "+"), matched at a position."""
    scale: re.Pattern[str]
    """An ordinal-scale keyword right before the value, maybe with a comparator between."""
    prefix: dict[str, str]
    """A comparator before the value, lowercased with single spaces → its symbol."""
    postfix: dict[str, str]
    """A comparator after the value, as written in the rule file (lowercase) → its symbol."""
    scale_kind: dict[str, str]
    """A scale alias, lowercased → its kind (class, grade, stage, score, age...)."""
    pre_chars: str
    """The characters a ``pre`` match can contain."""
    scale_chars: str
    """The characters a ``scale`` match can contain."""

    def pre_search(self, left: str) -> re.Match[str] | None:
        """A comparator right before the value: ``pre.search(left)``, searched from the tail."""
        return _tail_search(self.pre, self.pre_chars, left)

    def scale_search(self, left: str) -> re.Match[str] | None:
        """A scale keyword right before the value: ``scale.search(left)``, from the tail."""
        return _tail_search(self.scale, self.scale_chars, left)


@cache
def _patterns() -> QuantityPatterns:
    """Everything compiled once per process from the rule files."""
    comparators = comparator_rules()
    prefix = {" ".join(f.lower().split()): c for f, c in comparators.table("before", "quantity")}
    postfix = dict(comparators.table("after", "quantity"))
    scale_kind: dict[str, str] = {}
    for row in measure_rules():
        for alias in row.aliases:
            scale_kind[alias.lower()] = row.kind
    ordinal = [
        a for a, k in scale_kind.items() if k != "age" and a != "bmi" and a != "body mass index"
    ]
    words = [p for p in prefix if p[0].isalpha()]
    syms = [p for p in prefix if not p[0].isalpha()]
    word_pre = _alternation(words)
    sym_pre = _alternation(syms)
    return QuantityPatterns(
        pre=re.compile(
            rf"(?=(?<![A-Za-z]){_first_chars(words)}|{_first_chars(syms)})"
            # "less than (<) 90": the symbol in brackets restates the words
            rf"(?:(?<![A-Za-z])(?P<w>{word_pre})(?:\s*\(\s*(?:{sym_pre})\s*\))?|(?P<s>{sym_pre}))"
            r"\s*(?:(?<=[a-z]\s)of\s+)?"
            r"(?P<age>(?:the\s+)?ages?\s+(?:of\s+)?)?$",
            re.I,
        ),
        post=re.compile(
            rf"\s*(?P<p>\+(?!\s*\d)|(?:{_alternation([w for w in postfix if w != '+'])})"
            r"(?![A-Za-z])(?!\s+than\b))",  # "less than 10 or greater than 55": a new limit
            re.I,
        ),
        # an ordinal-scale keyword right before the value, maybe with a comparator between
        scale=re.compile(
            rf"(?<![A-Za-z])(?={_first_chars(ordinal)})"
            rf"(?P<kw>{_alternation(ordinal)})(?!(?-i:[a-z]))(?:\s*\([A-Za-z-]+\))?"
            r"(?:\s*(?:score|class|classification(?:\s+system)?|grade|stage|status|"
            r"functional class))?"
            # "performance status must be 0, 1, or 2"
            r"(?:\s+(?:must|should|shall|will|to)\s+be|\s+(?:is|are|was|were))?"
            r"\s*(?:of\b|[:=-]|(?:of\s+)?\b(?:a|an)\s+)?\s*(?P<cmp>" + sym_pre + r")?\s*$",
            re.I,
        ),
        prefix=prefix,
        postfix=postfix,
        scale_kind=scale_kind,
        # the characters a "pre" match can contain (for _tail_search)
        pre_chars=_SPACES + _LETTERS + "()" + "".join(sorted({c for p in prefix for c in p})),
        # the characters a "scale" match can contain (for _tail_search)
        scale_chars=_SPACES
        + _LETTERS
        + "()-:="
        + "".join(sorted({c for a in ordinal + syms for c in a})),
    )
