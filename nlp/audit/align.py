"""Pairing the criteria (and groups) of two encodings of the same trial.

A hand-made encoding will not use the parser's ids (``E8b`` for ``exc.8.2``), and a parser
that splits an item differently shifts every later id, so ids alone cannot be trusted. The
passes, each over what is still unpaired:

1. ``id``: same id, corroborated by the text (word overlap >= 0.5) or the span (IoU >= 0.5);
2. ``text``: same normalised text (escapes, case, spacing and end punctuation folded); among
   equal texts, prefer the same id, label and group kind, then the nearest position;
3. ``span``: spans overlapping with IoU >= 0.5, best first (only when both spans point into
   the same eligibility text, or one text is found inside the other and spans can be shifted);
4. ``similar``: word overlap (Jaccard) >= 0.6, best first (passes 3 and 4 pair through
   :func:`nlp.scoring.pairing.pair_best_first`, like the facts of each family);
5. ``id_only``: same id with nothing else in common.

Groups are then paired by the criteria they share (most first), then by id, then by kind and
label, then by kind in order of appearance.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from models.audit import AlignMethod
from models.encoding import Criterion, Group, Protocol
from nlp.audit.compare import norm_label, norm_text, span_iou, text_similarity
from nlp.scoring import pairing

ID_CORROBORATION = 0.5
SPAN_IOU = 0.5
TEXT_SIMILARITY = 0.6


@dataclass
class Entry:
    """A criterion with its place in the tree."""

    index: int
    group_index: int
    group: Group
    criterion: Criterion
    depth: int
    parent: Entry | None
    position: float = 0.0  # index / count: where in the document, 0..1


def entries(protocol: Protocol) -> list[Entry]:
    """All criteria depth-first, each with its group and parent."""
    out: list[Entry] = []

    def walk(gi: int, group: Group, items: list[Criterion], depth: int, parent: Entry | None):
        for item in items:
            entry = Entry(len(out), gi, group, item, depth, parent)
            out.append(entry)
            walk(gi, group, item.children, depth + 1, entry)

    for gi, group in enumerate(protocol.groups):
        walk(gi, group, group.criteria, 0, None)
    for entry in out:
        entry.position = entry.index / max(len(out), 1)
    return out


def span_shift(expected: Protocol, actual: Protocol) -> int | None:
    """Offset to add to an actual span to land in the expected eligibility text, or None.

    Spans are comparable when both sides carry the same eligibility text, when either carries
    none (a hand-made file that trusts the registry text), or when one text is found inside the
    other (a parser that kept a little more or less of the page).
    """
    exp_text, act_text = expected.eligibility_text, actual.eligibility_text
    if exp_text is None or act_text is None or exp_text == act_text:
        return 0
    if act_text and act_text in exp_text:
        return exp_text.index(act_text)
    if exp_text and exp_text in act_text:
        return -act_text.index(exp_text)
    return None


def shifted(span: tuple[int, int] | None, shift: int | None) -> tuple[int, int] | None:
    if span is None or shift is None:
        return None
    return (span[0] + shift, span[1] + shift)


@dataclass
class CriterionAlignment:
    """Criterion pairs (expected entry index → actual entry index) and group pairs."""

    expected: list[Entry]
    actual: list[Entry]
    pairs: dict[int, int] = field(default_factory=dict)
    methods: dict[int, AlignMethod] = field(default_factory=dict)
    groups: dict[int, int] = field(default_factory=dict)
    shift: int | None = 0

    def actual_of(self, entry: Entry) -> Entry | None:
        j = self.pairs.get(entry.index)
        return None if j is None else self.actual[j]

    def unpaired_actual(self) -> list[Entry]:
        taken = set(self.pairs.values())
        return [a for a in self.actual if a.index not in taken]


def align(expected: Protocol, actual: Protocol) -> CriterionAlignment:
    """Pair criteria and groups of ``expected`` and ``actual`` (see the module docstring)."""
    result = CriterionAlignment(
        entries(expected), entries(actual), shift=span_shift(expected, actual)
    )
    used: set[int] = set()

    def take(e: Entry, a: Entry, method: AlignMethod) -> None:
        result.pairs[e.index] = a.index
        result.methods[e.index] = method
        used.add(a.index)

    def free_expected() -> list[Entry]:
        return [e for e in result.expected if e.index not in result.pairs]

    def free_actual() -> list[Entry]:
        return [a for a in result.actual if a.index not in used]

    def a_span(a: Entry) -> tuple[int, int] | None:
        return shifted(a.criterion.span, result.shift)

    # 1. same id, corroborated by text or span
    by_id = {a.criterion.id: a for a in result.actual}
    for e in result.expected:
        a = by_id.get(e.criterion.id)
        if a is not None and a.index not in used:
            sim = text_similarity(e.criterion.text, a.criterion.text)
            iou = span_iou(e.criterion.span, a_span(a))
            if sim >= ID_CORROBORATION or iou >= SPAN_IOU:
                take(e, a, "id")

    # 2. same normalised text
    for e in free_expected():
        key = norm_text(e.criterion.text)
        if not key:
            continue
        candidates = [a for a in free_actual() if norm_text(a.criterion.text) == key]
        if candidates:
            best = min(candidates, key=lambda a: _text_tiebreak(e, a))
            take(e, best, "text")

    # 3. overlapping spans, 4. similar text: best first
    _greedy(
        free_expected(),
        free_actual(),
        lambda e, a: span_iou(e.criterion.span, a_span(a)),
        SPAN_IOU,
        "span",
        take,
    )
    _greedy(
        free_expected(),
        free_actual(),
        lambda e, a: text_similarity(e.criterion.text, a.criterion.text),
        TEXT_SIMILARITY,
        "similar",
        take,
    )

    # 5. same id, nothing else in common
    by_id = {a.criterion.id: a for a in free_actual()}
    for e in free_expected():
        a = by_id.get(e.criterion.id)
        if a is not None and a.index not in used:
            take(e, a, "id_only")

    result.groups = _align_groups(expected, actual, result)
    return result


def _text_tiebreak(e: Entry, a: Entry) -> tuple[bool, bool, bool, float]:
    return (
        e.criterion.id != a.criterion.id,
        norm_label(e.criterion.label) != norm_label(a.criterion.label),
        e.group.kind != a.group.kind,
        abs(e.position - a.position),
    )


def _greedy(
    expected: list[Entry],
    actual: list[Entry],
    score: Callable[[Entry, Entry], float],
    threshold: float,
    method: AlignMethod,
    take: Callable[[Entry, Entry, AlignMethod], None],
) -> None:
    """Pair best first the couples scoring at least ``threshold``."""

    def rank(e: Entry, a: Entry) -> float | None:
        s = score(e, a)
        return s if s >= threshold else None

    for e, a in pairing.pair_best_first(expected, actual, rank).pairs:
        take(e, a, method)


def _align_groups(
    expected: Protocol, actual: Protocol, result: CriterionAlignment
) -> dict[int, int]:
    votes: Counter[tuple[int, int]] = Counter()
    for ei, ai in result.pairs.items():
        votes[(result.expected[ei].group_index, result.actual[ai].group_index)] += 1
    pairs: dict[int, int] = {}
    for (eg, ag), _ in sorted(votes.items(), key=lambda kv: (-kv[1], kv[0])):
        if eg not in pairs and ag not in pairs.values():
            pairs[eg] = ag

    def rest() -> tuple[list[int], list[int]]:
        taken = set(pairs.values())
        return (
            [i for i in range(len(expected.groups)) if i not in pairs],
            [j for j in range(len(actual.groups)) if j not in taken],
        )

    tests = [
        lambda g, h: g.id == h.id,
        lambda g, h: g.kind == h.kind and norm_text(g.label) == norm_text(h.label),
        lambda g, h: g.kind == h.kind,
    ]
    for same in tests:
        free_e, free_a = rest()
        for i in free_e:
            for j in free_a:
                if j not in pairs.values() and same(expected.groups[i], actual.groups[j]):
                    pairs[i] = j
                    break
    return pairs
