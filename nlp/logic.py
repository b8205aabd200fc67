"""How the parts of one criterion combine: ``all`` / ``any``, optional parts and exceptions.

The rules are deliberately simple and predictable, on tokens of the criterion's first
sentence (later sentences usually qualify the first: "Subjects with ... are allowed"):

The words are data, in ``rules/logic.json``.

1. **Exceptions.** A trigger ("with the exception of", "except for", "except", "other than",
   "excluding", "with the exclusion of", "apart from", "aside from", "unless") starts an
   exception that runs to the end of the clause: the next ``;``, the closing bracket when the
   trigger is inside brackets, or the end of the sentence. The exception span excludes the
   trigger: "Malignancy ..., with the exception of basal cell carcinoma" → ``basal cell
   carcinoma``. Exceptions are looked for in the whole criterion.
2. **Optional parts.** "with or without X" (also "with/without X") marks ``X`` as optional: the
   entity right after the trigger if there is one, else the words up to the next punctuation,
   coordinator or linking word ("using", "as", "in", "for", ...). It is not an ``or``.
3. **Logic.** Outside brackets, exception and optional spans (and their triggers), the first
   sentence is scanned for coordinators: any "or", "and/or", "either", "nor" → ``any``;
   otherwise any "and" (not the "and" of "between X and Y") → ``all``; otherwise ``None``.
   Mixed "A and B or C" reads as ``any``: in registry text "or" almost always separates the
   alternatives at the top level. Two kinds of "or" are not alternatives and are skipped: the
   "or" of a comparator ("10 or more points", "grade 3 or higher") and any coordinator inside a
   leading scope clause ("For subjects on immunosuppressives or immunomodulators, ..."), which
   says to whom the criterion applies, not how its parts combine.
4. **More sentences.** A criterion of two or more sentences that each state a requirement is
   ``all`` (the sentences must all hold, whatever their inner "or"s); a sentence that
   re-admits a subgroup ("Subjects with cervical dysplasia ... are allowed") is an exception
   of the words after "with", not a requirement. When the top level has no coordinator, those
   inside brackets decide ("Uncontrolled hypertension (systolic > 160 and diastolic > 90)").
5. **Introduced lists.** "one of the following", "any of the following", "at least one of
   the following" → ``any``; "all of the following", "each of the following" → ``all``: the
   words that introduce sub-items say how they combine, whatever else the sentence holds.
6. **Lists.** Parts separated by ``;`` at the top level with no coordinator set ``separated``;
   the encoder reads such a list as ``any`` in an exclusion (each part excludes on its own)
   and ``all`` in an inclusion.

Example::

    >>> from nlp.pipeline import annotate
    >>> find_logic(annotate(["Pregnancy, breast feeding or not using contraception"])[0]).logic
    'any'
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from spacy.tokens import Doc

from nlp.pipeline.docs import TokenTable, doc_text, doc_tokens
from nlp.rulefiles import logic_rules

_RULES = logic_rules()  # rules/logic.json, validated
EXCEPTION_TRIGGERS: tuple[tuple[str, ...], ...] = tuple(
    tuple(t.phrase.split()) for t in _RULES.exception_triggers
)
OPTIONAL_TRIGGERS: tuple[tuple[str, ...], ...] = tuple(
    tuple(t.phrase.split()) for t in _RULES.optional_triggers
)
OR_WORDS = frozenset(_RULES.or_words)
# "10 or more", "grade 3 or higher": the "or" belongs to a comparator, not to the logic
COMPARATIVE_AFTER_OR = frozenset(_RULES.comparative_after_or)
SCOPE_OPENERS = frozenset(_RULES.scope_openers)
ALLOWANCE_SUBJECTS = frozenset(_RULES.allowance_subjects)
ALLOWANCE_VERBS = frozenset(_RULES.allowance_verbs)
ALLOWANCE_WORDS = frozenset(_RULES.allowance_words)
ALLOWANCE_BETWEEN = frozenset(_RULES.allowance_between)
AND_WORDS = frozenset(_RULES.and_words)
# words that end an optional phrase with no entity: "with or without Class V using ..."
OPTIONAL_STOP = frozenset(_RULES.optional_stop)


class PartSpan(NamedTuple):
    """An optional part or exception and the trigger that set it apart (doc char offsets)."""

    span: tuple[int, int]
    cue: tuple[int, int] | None


@dataclass
class LogicParts:
    """The combination of a criterion's parts; spans are doc char offsets."""

    logic: Literal["all", "any"] | None = None
    optional: list[PartSpan] = field(default_factory=list)
    exceptions: list[PartSpan] = field(default_factory=list)
    separated: bool = False


def _scope_clause_end(words: list[str], depths: list[int], stop: int) -> int:
    """End (exclusive) of a leading "For subjects on X or Y," clause, or 0 when there is none."""
    if not words or words[0] not in SCOPE_OPENERS:
        return 0
    for i in range(1, stop):
        if words[i] == "," and depths[i] == 0:
            return i + 1
    return 0


def _by_first_word(phrases: tuple[tuple[str, ...], ...]) -> dict[str, list[tuple[str, ...]]]:
    """Trigger phrases indexed by their first word, longest first, for one lookup per token."""
    table: dict[str, list[tuple[str, ...]]] = {}
    for phrase in sorted(phrases, key=len, reverse=True):
        table.setdefault(phrase[0], []).append(phrase)
    return table


_EXCEPTION_INDEX = _by_first_word(EXCEPTION_TRIGGERS)
_OPTIONAL_INDEX = _by_first_word(OPTIONAL_TRIGGERS)


def _triggers(
    words: list[str], index: dict[str, list[tuple[str, ...]]]
) -> list[tuple[int, tuple[str, ...]]]:
    """Each position where a trigger phrase of ``index`` starts, with the longest phrase there.

    Only the positions whose word starts a phrase are tried: the words of a criterion are
    almost never a trigger's first word.
    """
    out = []
    for i, word in enumerate(words):
        for phrase in index.get(word, ()):
            if tuple(words[i : i + len(phrase)]) == phrase:
                out.append((i, phrase))
                break
    return out


_BRACKETS = "()[]{}"


def _bracket_depths(text: str, words: list[str]) -> list[int]:
    """Each token's bracket depth (a bracket token itself is at the depth outside it)."""
    if not any(bracket in text for bracket in _BRACKETS):
        return [0] * len(words)  # the common case: no token can be a bracket
    depth, out = 0, []
    for word in words:  # the lowercased token texts: brackets have no case
        if word in ")]}":
            depth = max(0, depth - 1)
        out.append(depth)
        if word in "([{":
            depth += 1
    return out


class _Sentences:
    """Where each sentence of a doc ends, read once from ``doc.sents``."""

    def __init__(self, doc: Doc) -> None:
        self.bounds = [(sent.start, sent.end) for sent in doc.sents]
        self.starts = [start for start, _ in self.bounds]

    def end_of(self, i: int) -> int:
        """The end (exclusive) of the sentence that holds token ``i``: ``doc[i].sent.end``."""
        return self.bounds[bisect_right(self.starts, i) - 1][1]


def _exceptions(
    tokens: TokenTable, sentences: _Sentences, depths: list[int]
) -> list[tuple[int, int, int]]:
    """(trigger start, span start, span end) token indices of each exception."""
    words, is_punct = tokens.lower, tokens.is_punct
    out = []
    i = 0
    for at, trigger in _triggers(words, _EXCEPTION_INDEX):
        if at < i:
            continue  # inside the previous exception
        i = at
        start = i + len(trigger)
        end = start
        stop = sentences.end_of(i)
        while end < stop:
            word = words[end]
            if word == ";" or (word in ")]}" and depths[end] < depths[i]):
                break
            if depths[end] <= depths[i] and word in ")]}":
                break
            end += 1
        while end > start and is_punct[end - 1]:
            end -= 1
        if end > start:
            out.append((i, start, end))
        i = max(end, i + 1)
    return out


def _optionals(doc: Doc, tokens: TokenTable) -> list[tuple[int, int, int]]:
    """(trigger start, span start, span end) token indices of each 'with or without X'."""
    words, is_punct = tokens.lower, tokens.is_punct
    n = len(words)
    out = []
    for i, trigger in _triggers(words, _OPTIONAL_INDEX):
        start = i + len(trigger)
        if start >= n:
            continue
        ent = next((e for e in doc.ents if e.start == start), None)
        if ent is not None:
            out.append((i, start, ent.end))
            continue
        end = start
        while end < n:
            if is_punct[end] or words[end] in OPTIONAL_STOP:
                break
            end += 1
        if end > start:
            out.append((i, start, end))
    return out


_LIST_INTRODUCTION = re.compile(
    r"\b(one|any|either|at least one|one or more|any one|all|each|every one)\s+of\s+the\s+"
    r"following\b",
    re.IGNORECASE,
)


def _coordination(
    words: list[str],
    positions: range,
    skip: set[int],
    depths: list[int],
    depth: int,
) -> tuple[Literal["all", "any"] | None, int]:
    """Logic from the coordinators at one bracket depth, and the count of ';' there."""
    has_or = has_and = between = False
    semicolons = 0
    for i in positions:
        if i in skip or depths[i] != depth:
            continue
        word = words[i]
        if word == ";":
            semicolons += 1
        elif word == "between":
            between = True
        elif word in OR_WORDS:
            after = words[i + 1] if i + 1 < len(words) else ""
            if word != "or" or after not in COMPARATIVE_AFTER_OR:
                has_or = True
        elif word in AND_WORDS:
            if between:
                between = False
            else:
                has_and = True
    return ("any" if has_or else "all" if has_and else None), semicolons


def _allowances(words: list[str], sentences: _Sentences) -> list[tuple[int, int, int]]:
    """Sentences that re-admit a subgroup: "Subjects with X ... are allowed" → exception X."""
    out = []
    for start, end in sentences.bounds:
        if start == 0 or end - start < 4:
            continue
        if words[start] not in ALLOWANCE_SUBJECTS or words[start + 1] != "with":
            continue
        for i in range(start + 2, end - 1):
            if words[i] in ALLOWANCE_VERBS and _allows(words, i + 1, end):
                if i > start + 2:
                    out.append((start, start + 2, i))
                break
    return out


def _allows(words: list[str], i: int, end: int) -> bool:
    """Whether ``words[i:end]`` re-admit: "allowed", "be considered eligible"; not "be
    excluded"."""
    while i < end and words[i] in ALLOWANCE_BETWEEN:
        i += 1
    return i < end and words[i] in ALLOWANCE_WORDS


def _requirement_sentences(sentences: _Sentences, allowances: list[tuple[int, int, int]]) -> int:
    """Sentences of the criterion that state a requirement (an allowance does not)."""
    allowed = {start for start, _, _ in allowances}
    return sum(1 for start, end in sentences.bounds if start not in allowed and end - start > 2)


def _char_span(tokens: TokenTable, start: int, end: int) -> tuple[int, int]:
    return (tokens.starts[start], tokens.ends[end - 1])


def _part(tokens: TokenTable, trigger: int, start: int, end: int, cued: bool = True) -> PartSpan:
    cue = _char_span(tokens, trigger, start) if cued and trigger < start else None
    return PartSpan(_char_span(tokens, start, end), cue)


def find_logic(doc: Doc) -> LogicParts:
    """Logic, optional parts and exceptions of one criterion (rules in the module docstring)."""
    if not len(doc):
        return LogicParts()
    text = doc_text(doc)
    tokens = doc_tokens(doc)
    words = tokens.lower
    sentences = _Sentences(doc)  # raises spaCy's E030 on a doc without sentences
    depths = _bracket_depths(text, words)
    exceptions = _exceptions(tokens, sentences, depths)
    optionals = _optionals(doc, tokens)
    skip: set[int] = set()
    for trig, _, end in [*exceptions, *optionals]:
        skip.update(range(trig, end))

    first_end = sentences.bounds[0][1]
    skip.update(range(_scope_clause_end(words, depths, first_end)))
    allowances = _allowances(words, sentences)
    exceptions = sorted([*exceptions, *allowances])
    logic, semicolons = _coordination(words, range(first_end), skip, depths, depth=0)
    if logic is None:  # "Uncontrolled hypertension (systolic > 160 and diastolic > 90)"
        logic, _ = _coordination(words, range(first_end), skip, depths, depth=1)
    if _requirement_sentences(sentences, allowances) > 1:
        logic = "all"  # "Biopsy-proven LN class III or IV. For class III/IV, activity ≥ 4/24."
    introduced = _LIST_INTRODUCTION.search(text)
    if introduced:  # "... one of the following:" says how the sub-items combine
        logic = "all" if introduced.group(1).lower() in ("all", "each", "every one") else "any"
    return LogicParts(
        logic=logic,
        optional=[_part(tokens, *part) for part in optionals],
        exceptions=[_part(tokens, *part, cued=part not in allowances) for part in exceptions],
        separated=logic is None and semicolons > 0,
    )
