"""The spaCy/medspaCy pipeline that annotates one criterion's clean text.

Components, in order:

1. medspaCy's tokenizer (``nlp.tokenizer``), more aggressive than spaCy's on clinical text,
   taking a run of more than :data:`~nlp.limits.LONG_RUN` characters without a space in pieces
   (:class:`RunSplittingTokenizer`: linear where spaCy is quadratic);
2. spaCy's rule ``sentencizer`` (medspaCy's PyRuSH is ~8x slower on short items);
3. ``medspacy_target_matcher`` with the concept lexicon ``rules/mentions.csv`` (lower-case
   phrase matching; results in ``doc.ents``, labels = mention categories);
4. ``medspacy_context`` with medspaCy's default English rules, minus the literals listed in
   ``rules/context_rules.json`` → ``remove_default``, plus that file's ``context_rules``; its
   token matcher only reads the part of a doc near a cue word (:class:`TriggerGatedMatcher`);
5. ``eligo_quantities`` → ``doc._.quantities`` (:func:`nlp.quantities.find_quantities`);
6. ``eligo_time_windows`` → ``doc._.time_windows`` (:func:`nlp.temporal.find_time_windows`),
   with the record's abbreviations from ``doc.user_data["eligo_aliases"]``.

Example::

    >>> docs = annotate(["History of myocardial infarction within 12 weeks"])
    >>> [(e.text, e.label_, e._.is_historical) for e in docs[0].ents]
    [('myocardial infarction', 'condition', True)]
"""

import csv
import importlib.resources
import json
import re
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

import spacy
from pydantic import BaseModel, ConfigDict, Field
from spacy.attrs import LOWER
from spacy.language import Language
from spacy.tokens import Doc

from models import Quantity
from nlp.limits import LONG_RUN

ALIASES_KEY = "eligo_aliases"
TEXT_KEY = "eligo_text"
MENTION_CATEGORIES = (
    "condition", "drug", "procedure", "measurement", "test", "observation", "device", "other",
)  # fmt: skip

for _name in ("quantities", "time_windows"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


# --- rule files ------------------------------------------------------------------------------


class ContextRuleSpec(BaseModel):
    """One ConText rule as written in ``context_rules.json`` (medspaCy's keys, validated)."""

    model_config = ConfigDict(extra="forbid")

    literal: str
    category: Literal[
        "NEGATED_EXISTENCE", "POSSIBLE_EXISTENCE", "HISTORICAL", "HYPOTHETICAL", "FAMILY",
        "TERMINATE", "PSEUDO", "CURRENT", "REASON",
    ]  # fmt: skip
    direction: Literal["FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO"]
    pattern: list[dict[str, Any]] | str | None = None
    max_scope: int | None = Field(None, gt=0)
    max_targets: int | None = Field(None, gt=0)
    allowed_types: list[str] | None = None
    excluded_types: list[str] | None = None
    metadata: dict[str, Any] | None = None


class ContextRuleFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str = ""
    remove_default: list[str] = Field(default_factory=list)
    context_rules: list[ContextRuleSpec]
    terminated_by: dict[str, list[str]] = Field(default_factory=dict)


class LexiconRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    literal: str = Field(min_length=1)
    category: Literal[
        "condition", "drug", "procedure", "measurement", "test", "observation", "device", "other"
    ]
    source: str = ""
    docs: str = ""
    pattern: str = ""  # optional JSON token pattern; empty → phrase match on the literal


def _rules_file(name: str) -> str:
    return (importlib.resources.files("nlp") / "rules" / name).read_text(encoding="utf-8")


def load_context_rules() -> ContextRuleFile:
    """Read and validate ``rules/context_rules.json``."""
    return ContextRuleFile.model_validate(json.loads(_rules_file("context_rules.json")))


def load_lexicon() -> list[LexiconRow]:
    """Read and validate ``rules/mentions.csv`` (built by ``scripts/build_lexicon.py``)."""
    reader = csv.DictReader(_rules_file("mentions.csv").splitlines())
    return [LexiconRow.model_validate(row) for row in reader]


def medspacy_default_rules() -> Path:
    """medspaCy's English ConText rules, found the way medspaCy finds them: beside its package.

    medspaCy installs them in a top-level package named ``resources``; importing that name
    would pick up any folder called ``resources`` in the user's working directory instead.
    """
    import medspacy

    path = Path(medspacy.__file__).resolve().parents[1] / "resources" / "en" / "context_rules.json"
    if not path.is_file():
        raise FileNotFoundError(f"medspaCy's default ConText rules are missing: {path}")
    return path


def doc_text(doc: Doc) -> str:
    """``doc.text``, kept in ``doc.user_data`` (spaCy joins all the tokens again on each access)."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


# --- Eligo components ------------------------------------------------------------------------


class QuantitiesComponent:
    """Numeric limits of the criterion → ``doc._.quantities``."""

    def __call__(self, doc: Doc) -> Doc:
        from nlp.quantities import find_quantities

        doc._.quantities = find_quantities(doc_text(doc))
        return doc


class TimeWindowsComponent:
    """Time windows of the criterion → ``doc._.time_windows``, using the record's aliases."""

    def __call__(self, doc: Doc) -> Doc:
        from nlp.temporal import find_time_windows

        windows = find_time_windows(doc_text(doc), doc.user_data.get(ALIASES_KEY))
        ages = [
            q.span
            for q in doc._.quantities or ()
            if isinstance(q, Quantity)
            and q.span
            and (q.kind == "age" or q.measure == "gestational age")
        ]
        if ages:  # "aged 6 months to 5 years": an age limit, not a time window
            windows = [
                w
                for w in windows
                if not (w.span and any(a < w.span[1] and w.span[0] < b for a, b in ages))
            ]
        doc._.time_windows = windows
        return doc


@Language.factory("eligo_quantities", assigns=["doc._.quantities"])
def make_quantities(nlp: Language, name: str) -> QuantitiesComponent:
    return QuantitiesComponent()


@Language.factory("eligo_time_windows", assigns=["doc._.time_windows"])
def make_time_windows(nlp: Language, name: str) -> TimeWindowsComponent:
    return TimeWindowsComponent()


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
    greedy filters) turns the gate off: the wrapped matcher then always sees the whole doc.

    With ``sorted_output`` (the caller sorts the matches by span and keeps the first of equal
    spans, as medspaCy's pruning does), each pattern whose trigger is in the doc runs alone,
    over the span near its own triggers, and the matches come back sorted by span: the same
    list once sorted, as long as no two rules match the same span (then the single matcher
    runs, for its own order of the two).
    """

    def __init__(self, matcher: Any, sorted_output: bool = False) -> None:
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
        matcher = self.matcher
        self.gated = bool(len(matcher)) and all(f is None for f in matcher._filter.values())
        self.gated = self.gated and all(cb is None for cb in matcher._callbacks.values())
        for key, patterns in matcher._patterns.items():
            single = Matcher(matcher.vocab)
            single.add(key, patterns)
            ids: set[int] = set()
            reach = 0
            for pattern in patterns:
                words = _trigger_words(pattern)
                if words is None:
                    self.gated = False
                    return
                ids.update(get_string_id(w) for w in words)
                reach = max(reach, len(pattern) - 1)
            self.triggers |= ids
            self.reach = max(self.reach, reach)
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
        for ids, reach, single in self.singles:
            if ids.isdisjoint(present):
                continue
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


def _gate_token_matcher(component: Any) -> None:
    """Wrap the spaCy Matcher inside a medspaCy component in a :class:`TriggerGatedMatcher`."""
    medspacy_matcher = getattr(component, f"_{type(component).__name__}__matcher", None)
    inner = getattr(medspacy_matcher, "_MedspacyMatcher__matcher", None)
    if inner is not None and not isinstance(inner, TriggerGatedMatcher):
        pruned = getattr(medspacy_matcher, "_prune", False) is True
        medspacy_matcher._MedspacyMatcher__matcher = TriggerGatedMatcher(inner, pruned)


class RunSplittingTokenizer:
    """The pipeline's tokenizer, linear on long runs of characters without a space.

    spaCy's tokenizer strips prefixes and suffixes off a space-free run one at a time, and
    every step scans the rest of the run again: 8,000 ``(``, ``%`` or quotes in a row take 8
    to 15 s. A text whose runs are all at most ``max_run`` characters (every real criterion:
    the longest seen in the corpora is under 60) is tokenized as it is, unchanged; a longer run
    is cut every ``max_run`` characters, the pieces tokenized one by one and the docs joined
    (``Doc.from_docs``), so the doc's text is the text exactly and the time is linear. Tokens
    can only differ from spaCy's at a cut, inside such a run.
    """

    def __init__(self, tokenizer: Any, max_run: int) -> None:
        self.tokenizer = tokenizer
        self.max_run = max_run
        self._long_run = re.compile(rf"\S{{{max_run + 1},}}")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.tokenizer, name)

    def __call__(self, text: str) -> Doc:
        if len(text) <= self.max_run:
            return self.tokenizer(text)
        cuts = [
            cut
            for run in self._long_run.finditer(text)
            for cut in range(run.start() + self.max_run, run.end(), self.max_run)
        ]
        if not cuts:
            return self.tokenizer(text)
        bounds = [0, *cuts, len(text)]
        pieces = [self.tokenizer(text[a:b]) for a, b in pairwise(bounds)]
        return Doc.from_docs(pieces, ensure_whitespace=False)


# --- building --------------------------------------------------------------------------------


def build_nlp(gated: bool = True) -> Language:
    """A fresh pipeline (~1 s to build: the lexicon is tokenised once). Prefer :func:`get_nlp`.

    ``gated=False`` leaves ConText's matcher as medspaCy built it: the reference that
    :class:`TriggerGatedMatcher` must reproduce (a test compares the two on real criteria).
    """
    from loguru import logger

    logger.disable("PyRuSH")
    import medspacy
    from medspacy.context import ConTextRule
    from medspacy.target_matcher import TargetRule

    nlp = medspacy.load(medspacy_enable=["medspacy_tokenizer"])
    nlp.add_pipe("sentencizer")
    matcher = nlp.add_pipe("medspacy_target_matcher")
    context = nlp.add_pipe("medspacy_context", config={"rules": None})

    target_rules = [
        TargetRule(
            row.literal,
            row.category,
            pattern=json.loads(row.pattern) if row.pattern else None,
        )
        for row in load_lexicon()
    ]
    spec = load_context_rules()
    removed = {lit.lower() for lit in spec.remove_default}
    context_rules = [
        r for r in ConTextRule.from_json(str(medspacy_default_rules())) if r.literal not in removed
    ]
    for rule in spec.context_rules:
        kwargs = rule.model_dump(exclude_none=True)
        for key in ("allowed_types", "excluded_types"):
            if key in kwargs:
                kwargs[key] = set(kwargs[key])
        context_rules.append(ConTextRule(**kwargs))
    for rule in context_rules:  # "History of X, Hepatitis B positive at screening": not history
        enders = spec.terminated_by.get(rule.category.upper())
        if enders:
            rule.terminated_by = {*(rule.terminated_by or ()), *(e.upper() for e in enders)}

    # medspaCy runs nlp(literal) for every phrase rule: with only the tokenizer, that is cheap.
    with nlp.select_pipes(enable=[]):
        matcher.add(target_rules)
        context.add(context_rules)
    if gated:
        _gate_token_matcher(context)

    nlp.add_pipe("eligo_quantities")
    nlp.add_pipe("eligo_time_windows")
    nlp.tokenizer = RunSplittingTokenizer(nlp.tokenizer, LONG_RUN)
    return nlp


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The process-wide pipeline, built on first use."""
    return build_nlp()


def annotate(
    texts: list[str], aliases: dict[str, str] | None = None, batch_size: int = 256
) -> list[Doc]:
    """Run the pipeline over criterion texts (each one criterion's clean text), in order.

    ``aliases`` (the record's abbreviations, e.g. ``{"LD": "lymphodepletion"}``) reach the
    time-window component through ``doc.user_data["eligo_aliases"]``.
    """
    nlp = get_nlp()
    docs = []
    for text in texts:
        doc = nlp.make_doc(text)
        doc.user_data[ALIASES_KEY] = aliases
        doc.user_data[TEXT_KEY] = text
        docs.append(doc)
    return list(nlp.pipe(docs, batch_size=batch_size))


def blank_nlp() -> Language:
    """Tokenizer and sentencizer only: a base for small test pipelines."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp
