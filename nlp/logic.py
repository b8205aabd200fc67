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
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from spacy.tokens import Doc

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


def _scope_clause_end(doc: Doc, depths: list[int], stop: int) -> int:
    """End (exclusive) of a leading "For subjects on X or Y," clause, or 0 when there is none."""
    if not len(doc) or doc[0].lower_ not in SCOPE_OPENERS:
        return 0
    for i in range(1, stop):
        if doc[i].text == "," and depths[i] == 0:
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


def _trigger_at(
    words: list[str], i: int, index: dict[str, list[tuple[str, ...]]]
) -> tuple[str, ...] | None:
    for phrase in index.get(words[i], ()):
        if tuple(words[i : i + len(phrase)]) == phrase:
            return phrase
    return None


def _bracket_depths(doc: Doc) -> list[int]:
    depth, out = 0, []
    for tok in doc:
        if tok.text in ")]}":
            depth = max(0, depth - 1)
        out.append(depth)
        if tok.text in "([{":
            depth += 1
    return out


def _sentence_end(doc: Doc, i: int) -> int:
    return doc[i].sent.end if doc.has_annotation("SENT_START") else len(doc)


def _exceptions(doc: Doc, words: list[str], depths: list[int]) -> list[tuple[int, int, int]]:
    """(trigger start, span start, span end) token indices of each exception."""
    out = []
    i = 0
    while i < len(doc):
        trigger = _trigger_at(words, i, _EXCEPTION_INDEX)
        if trigger is None:
            i += 1
            continue
        start = i + len(trigger)
        end = start
        stop = _sentence_end(doc, i)
        while end < stop:
            tok = doc[end]
            if tok.text == ";" or (tok.text in ")]}" and depths[end] < depths[i]):
                break
            if depths[end] <= depths[i] and tok.text in ")]}":
                break
            end += 1
        while end > start and doc[end - 1].is_punct:
            end -= 1
        if end > start:
            out.append((i, start, end))
        i = max(end, i + 1)
    return out


def _optionals(doc: Doc, words: list[str]) -> list[tuple[int, int, int]]:
    """(trigger start, span start, span end) token indices of each 'with or without X'."""
    out = []
    for i in range(len(doc)):
        trigger = _trigger_at(words, i, _OPTIONAL_INDEX)
        if trigger is None:
            continue
        start = i + len(trigger)
        if start >= len(doc):
            continue
        ent = next((e for e in doc.ents if e.start == start), None)
        if ent is not None:
            out.append((i, start, ent.end))
            continue
        end = start
        while end < len(doc):
            tok = doc[end]
            if tok.is_punct or tok.lower_ in OPTIONAL_STOP:
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
    doc: Doc,
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


def _allowances(doc: Doc, words: list[str]) -> list[tuple[int, int, int]]:
    """Sentences that re-admit a subgroup: "Subjects with X ... are allowed" → exception X."""
    out = []
    for sent in doc.sents:
        if sent.start == 0 or len(sent) < 4:
            continue
        first = words[sent.start]
        if first not in ALLOWANCE_SUBJECTS or words[sent.start + 1] != "with":
            continue
        for i in range(sent.start + 2, sent.end - 1):
            if words[i] in ALLOWANCE_VERBS and words[i + 1] in ALLOWANCE_WORDS:
                if i > sent.start + 2:
                    out.append((sent.start, sent.start + 2, i))
                break
    return out


def _requirement_sentences(doc: Doc, allowances: list[tuple[int, int, int]]) -> int:
    """Sentences of the criterion that state a requirement (an allowance does not)."""
    allowed = {start for start, _, _ in allowances}
    return sum(1 for sent in doc.sents if sent.start not in allowed and len(sent) > 2)


def _char_span(doc: Doc, start: int, end: int) -> tuple[int, int]:
    return (doc[start].idx, doc[end - 1].idx + len(doc[end - 1]))


def _part(doc: Doc, trigger: int, start: int, end: int, cued: bool = True) -> PartSpan:
    cue = _char_span(doc, trigger, start) if cued and trigger < start else None
    return PartSpan(_char_span(doc, start, end), cue)


def find_logic(doc: Doc) -> LogicParts:
    """Logic, optional parts and exceptions of one criterion (rules in the module docstring)."""
    if not len(doc):
        return LogicParts()
    depths = _bracket_depths(doc)
    words = [tok.lower_ for tok in doc]
    exceptions = _exceptions(doc, words, depths)
    optionals = _optionals(doc, words)
    skip: set[int] = set()
    for trig, _, end in [*exceptions, *optionals]:
        skip.update(range(trig, end))

    first_end = _sentence_end(doc, 0)
    skip.update(range(_scope_clause_end(doc, depths, first_end)))
    allowances = _allowances(doc, words)
    exceptions = sorted([*exceptions, *allowances])
    logic, semicolons = _coordination(doc, words, range(first_end), skip, depths, depth=0)
    if logic is None:  # "Uncontrolled hypertension (systolic > 160 and diastolic > 90)"
        logic, _ = _coordination(doc, words, range(first_end), skip, depths, depth=1)
    if _requirement_sentences(doc, allowances) > 1:
        logic = "all"  # "Biopsy-proven LN class III or IV. For class III/IV, activity ≥ 4/24."
    introduced = _LIST_INTRODUCTION.search(doc.text)
    if introduced:  # "... one of the following:" says how the sub-items combine
        logic = "all" if introduced.group(1).lower() in ("all", "each", "every one") else "any"
    return LogicParts(
        logic=logic,
        optional=[_part(doc, *part) for part in optionals],
        exceptions=[_part(doc, *part, cued=part not in allowances) for part in exceptions],
        separated=logic is None and semicolons > 0,
    )
