"""A faster ConText: spaCy's token ``Matcher`` run only near the words a rule needs.

This reaches into spaCy's and medspaCy's private attributes (the name-mangled matchers inside
medspaCy's ConText, the Matcher's ``_patterns``/``_filter``/``_callbacks``). It was checked
against the versions in :data:`CHECKED_WITH` (pinned in ``pyproject.toml``);
:func:`gate_context_matcher` raises :class:`GateError` at build time if any of them is missing,
rather than quietly running the slow path (or a wrong one) after an upgrade.
"""

from __future__ import annotations

from typing import Any

from spacy.attrs import LOWER
from spacy.tokens import Doc

from nlp.errors import E_PIPELINE_INTERNALS, EligoError

CHECKED_WITH = {"spacy": "3.7.5", "medspacy": "1.3.1"}


class GateError(EligoError):
    """The library internals the gated matcher relies on are not there."""

    code = E_PIPELINE_INTERNALS


class TriggerGatedMatcher:
    """spaCy's token ``Matcher``, run only over the part of a doc that can hold a match.

    Every pattern has a required token whose ``LOWER`` must be one of a few words (its *trigger*:
    "ruled" in "are ruled out"), so a match holds a trigger and lies within ``reach`` tokens of
    one. A doc with no trigger word cannot match and is skipped; otherwise the wrapped matcher
    runs over the span from the first trigger minus ``reach`` to the last trigger plus
    ``reach`` and its matches are moved back to doc offsets: the same matches, in the same
    order, as over the whole doc. ConText's ``IN`` sets are Python predicates evaluated for
    every token and every pattern, so this is most of ConText's time on criteria without cues.
    A pattern this cannot bound (no required ``LOWER`` token, ``*``/``+`` operators, callbacks,
    greedy filters) turns the gate off (``gated`` False, ``ungated_by`` says which pattern):
    the wrapped matcher then always sees the whole doc.

    With ``sorted_output`` (the caller sorts the matches by span and keeps the first of equal
    spans, as medspaCy's pruning does), each pattern whose trigger is in the doc runs alone,
    over the span near its own triggers, and the matches come back sorted by span: the same
    list once sorted, as long as no two rules match the same span (then the single matcher
    runs, for its own order of the two).
    """

    def __init__(self, matcher: Any, sorted_output: bool = False) -> None:
        for attr in ("_patterns", "_filter", "_callbacks", "vocab"):
            if not hasattr(matcher, attr):
                raise GateError(_missing(f"spaCy Matcher.{attr}"))
        self.matcher = matcher
        self.sorted_output = sorted_output
        self._compile()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.matcher, name)

    def __len__(self) -> int:
        return len(self.matcher)

    def add(self, *args: Any, **kwargs: Any) -> None:
        self.matcher.add(*args, **kwargs)
        self._compile()

    def _compile(self) -> None:
        from spacy.matcher import Matcher
        from spacy.strings import get_string_id

        self.triggers: set[int] = set()
        self.reach = 0
        self.singles: list[tuple[frozenset[int], int, Any]] = []
        self.singles_of: dict[int, list[int]] = {}  # trigger id → positions in ``singles``
        self.ungated_by: str | None = None
        matcher = self.matcher
        if not len(matcher):
            self.ungated_by = "no patterns"
        elif any(f is not None for f in matcher._filter.values()):
            self.ungated_by = "a pattern with a greedy filter"
        elif any(cb is not None for cb in matcher._callbacks.values()):
            self.ungated_by = "a pattern with a callback"
        self.gated = self.ungated_by is None
        if not self.gated:
            return
        for key, patterns in matcher._patterns.items():
            single = Matcher(matcher.vocab)
            single.add(key, patterns)
            ids: set[int] = set()
            reach = 0
            for pattern in patterns:
                words = _trigger_words(pattern)
                if words is None:
                    self.gated = False
                    self.ungated_by = f"pattern {pattern!r}"
                    return
                ids.update(get_string_id(w) for w in words)
                reach = max(reach, len(pattern) - 1)
            self.triggers |= ids
            self.reach = max(self.reach, reach)
            for trigger in ids:
                self.singles_of.setdefault(trigger, []).append(len(self.singles))
            self.singles.append((frozenset(ids), reach, single))

    def __call__(self, doclike: Any, **kwargs: Any) -> Any:
        if kwargs or not self.gated or not isinstance(doclike, Doc):
            return self.matcher(doclike, **kwargs)
        triggers = self.triggers
        lowers = doclike.to_array(LOWER).tolist()
        hits = [i for i, h in enumerate(lowers) if h in triggers]
        if not hits:
            return []
        if self.sorted_output:
            found = self._by_pattern(doclike, lowers, hits)
            if len({(s, e) for _, s, e in found}) == len(found):
                return sorted(found, key=lambda m: (m[1], m[2]))
        start = max(0, hits[0] - self.reach)
        end = min(len(doclike), hits[-1] + self.reach + 1)
        if start == 0 and end == len(doclike):
            return self.matcher(doclike)
        return [(key, s + start, e + start) for key, s, e in self.matcher(doclike[start:end])]

    def _by_pattern(self, doc: Doc, lowers: list[int], hits: list[int]) -> list[tuple]:
        present = {lowers[i] for i in hits}
        found: list[tuple] = []
        for position in sorted({p for t in present for p in self.singles_of[t]}):
            ids, reach, single = self.singles[position]
            mine = [i for i in hits if lowers[i] in ids]
            start = max(0, mine[0] - reach)
            end = min(len(doc), mine[-1] + reach + 1)
            found.extend((key, s + start, e + start) for key, s, e in single(doc[start:end]))
        return found


def _trigger_words(pattern: list[dict[str, Any]]) -> set[str] | None:
    """The words of the pattern's most selective required ``LOWER`` token (fewest stop words)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    best: tuple[int, set[str]] | None = None
    for spec in pattern:
        op = spec.get("OP")
        if op not in (None, "1", "?"):
            return None  # unbounded or negated tokens: no fixed reach
        if op == "?":
            continue
        lower = spec.get("LOWER")
        if isinstance(lower, str):
            words = {lower}
        elif isinstance(lower, dict) and set(lower) == {"IN"}:
            words = set(lower["IN"])
        else:
            continue
        cost = sum(1000 if w in STOP_WORDS else 1 for w in words)  # prefer rare words
        if best is None or cost < best[0]:
            best = (cost, words)
    return None if best is None else best[1]


def _missing(what: str) -> str:
    import medspacy
    import spacy

    checked = ", ".join(f"{k} {v}" for k, v in CHECKED_WITH.items())
    return (
        f"the gated ConText matcher needs {what}, which this installation lacks "
        f"(spacy {spacy.__version__}, medspacy {medspacy.__version__}; checked with {checked}): "
        "install the pinned versions (pip install -e .)"
    )


def gate_context_matcher(context: Any) -> TriggerGatedMatcher:
    """Wrap the spaCy Matcher inside medspaCy's ConText component in a gated one, in place.

    Raises :class:`GateError` when medspaCy's private attributes are not where they were.
    """
    medspacy_matcher = getattr(context, "_ConText__matcher", None)
    if medspacy_matcher is None:
        raise GateError(_missing("medspaCy ConText._ConText__matcher"))
    inner = getattr(medspacy_matcher, "_MedspacyMatcher__matcher", None)
    if inner is None:
        raise GateError(_missing("medspaCy MedspacyMatcher._MedspacyMatcher__matcher"))
    if isinstance(inner, TriggerGatedMatcher):
        return inner
    pruned = getattr(medspacy_matcher, "_prune", None)
    if not isinstance(pruned, bool):
        raise GateError(_missing("medspaCy MedspacyMatcher._prune"))
    gated = TriggerGatedMatcher(inner, pruned)
    medspacy_matcher._MedspacyMatcher__matcher = gated
    return gated
