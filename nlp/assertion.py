"""Assertions from ConText: of one mention, of a whole criterion, and the negation cues found.

ConText category → schema assertion (precedence when a mention has several, highest first):

================== ============== ========================================================
NEGATED_EXISTENCE  negated        "No history of stroke", "not using contraception"
HYPOTHETICAL       hypothetical   "planned transplant", "expected to require dialysis"
HISTORICAL         historical     "History of myocardial infarction", "Prior cellular therapy"
POSSIBLE_EXISTENCE present        "suspected or confirmed COVID-19": the schema has no
                                  *possible*; a suspected finding is still what the
                                  criterion is about, so it stays present
FAMILY             present        "family history of long QT": the finding is about a
                                  relative; the schema has no *family* value, so the
                                  mention stays present (the cue is not recorded)
================== ============== ========================================================

A required test result is not a negation: "Negative SARS-CoV-2 test", "HIV negative",
"negative for hepatitis B" give a *present* mention with ``result`` negative (see
:func:`result_of`); "Positive anti-PLA2R antibodies" gives result positive.

An exception is not a negation: in "Prior malignancy except basal cell carcinoma" the
excepted finding is recorded in the criterion's ``exceptions`` (:mod:`nlp.logic`) and its
mention stays as asserted; "except", "other than", "with the exception of", "excluding" and
"unless" end the scope of a cue before them (TERMINATE rules), and a negation cue after the
excepted item does not reach it ("agents other than hydroxyurea are not permitted": the agents
are negated, hydroxyurea is not; the item runs to the exception's first comma). Chia annotates
"except" / "other than" as Negation cues, LCT and the gold adjudication of the reference trial
do not; emitting them as negation cues was measured at Chia negation F1 0.50 → 0.61 but LCT
0.66 → 0.63 and gold-check assertions 0.873 → 0.837, so it is not done.

A negation cue with no lexicon concept in its scope still yields a (fallback) negated mention:
see :mod:`nlp.mentions`.

Criterion assertion (:func:`criterion_assertion`), in order:

1. a criterion-initial cue: a ConText modifier in the first two tokens ("No ...", "History of
   ...", "Prior ...", "Previous ...", "Planned ...") decides the criterion, unless its scope
   ends before some alternatives that stay present ("History of positive HIV antibody ...,
   Hepatitis B or C positive at screening"): such a mixed criterion is present;
2. otherwise the assertion of the principal finding, i.e. the first mention of the criterion;
3. otherwise ``present``.
"""

from __future__ import annotations

import re

from spacy.attrs import SENT_START
from spacy.tokens import Doc, Span

from models import Assertion, Mention
from nlp.pipeline.docs import doc_text, doc_tokens
from nlp.rulefiles import logic_rules

ASSERTION_OF: dict[str, Assertion] = {
    "NEGATED_EXISTENCE": "negated",
    "HYPOTHETICAL": "hypothetical",
    "HISTORICAL": "historical",
    "POSSIBLE_EXISTENCE": "present",
    "FAMILY": "present",
}
PRECEDENCE: tuple[Assertion, ...] = ("negated", "hypothetical", "historical", "present")
NON_MODIFYING = {"TERMINATE", "PSEUDO"}

RESULT_WORDS = {
    "negative": "negative",
    "seronegative": "negative",
    "positive": "positive",
    "seropositive": "positive",
}
RESULT_WINDOW = 3  # tokens between a result word and the mention it qualifies
# cues that are result words in disguise: "negative for HIV" is a required negative result
RESULT_CUES = {"negative for", "was negative", "has been negative", "negative on"}


def _modifying(modifiers) -> list:
    return [
        m
        for m in modifiers
        if m.direction.upper() not in NON_MODIFYING and m.category.upper() in ASSERTION_OF
    ]


class EntityContext:
    """What the result and assertion readers look up around a doc's entities, read once.

    Reading a mention's result looks at a few tokens on each side of it; with ``doc[i]`` that
    is a ``Token`` object per look, and ``doc.ents`` builds every entity's ``Span`` again on
    each access. Here the doc's entities, its sentence starts, which tokens start an entity
    (``ent_iob_ == "B"``) or lie in a biomarker (``ent_type_ == "biomarker"``) are read once,
    with the shared token table (:func:`nlp.pipeline.docs.doc_tokens`). Make it after the last
    component that sets ``doc.ents`` (and after ``eligo_logic``, whose exceptions it reads:
    :meth:`excepted`).
    """

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = doc_text(doc)
        self.excepted_items = _excepted_items(doc, self.text)
        self.tokens = doc_tokens(doc)
        self.ents = doc.ents
        n = len(doc)
        self.starts_entity = bytearray(n)
        self.in_biomarker = bytearray(n)
        for ent in self.ents:
            self.starts_entity[ent.start] = 1
            if ent.label_ == "biomarker":
                self.in_biomarker[ent.start : ent.end] = b"\x01" * (ent.end - ent.start)
        # sentence hooks or no sentences: ``span.sent`` decides (or raises spaCy's E030)
        self.sent_starts: list[bool] | None = None
        hooked = "sent" in doc.user_span_hooks or "sents" in doc.user_hooks
        if n and not hooked and doc.has_annotation("SENT_START"):
            # 1 starts a sentence, -1 (read back unsigned) or 0 does not: ``is_sent_start``
            self.sent_starts = [v == 1 for v in doc.to_array(SENT_START).tolist()]

    def char_span(self, start: int, end: int) -> tuple[int, int]:
        """The char offsets of tokens ``start:end`` (``doc[start:end]``'s start/end_char)."""
        return self.tokens.starts[start], self.tokens.ends[end - 1]

    def excepted(self, chars: tuple[int, int], cue: tuple[int, int]) -> bool:
        """Whether the text at ``chars`` is an excepted item and ``cue`` comes after it: in
        "agents other than hydroxyurea are not permitted" the negation is of the agents, not of
        hydroxyurea."""
        start, end = chars
        return cue[0] >= end and any(a <= start and end <= b for a, b in self.excepted_items)


_ITEM_END = re.compile(
    r"[,;]|\b(?:" + "|".join(map(re.escape, logic_rules().excepted_item_end)) + r")\b",
    re.IGNORECASE,
)


def _excepted_items(doc: Doc, text: str) -> list[tuple[int, int]]:
    """The char spans of what the criterion's exceptions (``doc._.logic``) name, each up to its
    first comma, semicolon, verb or relative word: an exception runs to the end of its clause
    ("other than aspirin, anticoagulants are not allowed"; "a tool other than GTG to translate
    standards for children with T2D will be excluded"), the item it excepts does not. An
    exception that opens its sentence names an item only up to a comma: in "Except for topical
    steroids systemic corticosteroids are not permitted" nothing marks where the item ends."""
    logic = doc._.logic if Doc.has_extension("logic") else None
    if not logic or not logic.exceptions:
        return []
    items = []
    for part in logic.exceptions:
        start, end = part.span
        cut = _ITEM_END.search(text, start, end)
        opens = part.cue is not None and _opens_sentence(text, part.cue[0])
        if opens and (cut is None or cut.group() not in (",", ";")):
            continue
        items.append((start, cut.start() if cut else end))
    return items


def _opens_sentence(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in ".;:"


def _sentence_near(span: Span, reach: int, context: EntityContext) -> tuple[int, int]:
    """``span.sent``'s start and end, exact within ``reach`` tokens of the span.

    ``Span.sent`` walks the whole sentence and builds a Span; the result word window only needs
    to know where the sentence ends near the span.
    """
    sent_starts = context.sent_starts
    if sent_starts is None:
        sent = span.sent  # a sentence hook, or spaCy's E030 on a doc without sentences
        return sent.start, sent.end
    start = lowest = span.start
    floor = max(0, start - reach)
    while start > floor and not sent_starts[start]:
        start -= 1
    end, ceiling = lowest + 1, min(len(sent_starts), span.end + reach)
    while end < ceiling and not sent_starts[end]:
        end += 1
    return start, end


def result_of(span: Span) -> str | None:
    """``negative``/``positive`` when a result word qualifies the mention.

    The word may stand just before it ("Negative serum pregnancy test", up to
    ``RESULT_WINDOW`` tokens, not across punctuation) or just after it ("HIV negative",
    "Hepatitis B or C positive at screening").
    """
    return _result_of(span, EntityContext(span.doc))


def _result_of(span: Span, context: EntityContext) -> str | None:
    words, is_punct = context.tokens.lower, context.tokens.is_punct
    sent_start, sent_end = _sentence_near(span, RESULT_WINDOW, context)
    for i in range(span.start - 1, max(sent_start, span.start - RESULT_WINDOW) - 1, -1):
        if is_punct[i] or context.in_biomarker[i]:
            break  # "HER2-negative breast cancer": the result is the biomarker's
        if words[i] in RESULT_WORDS:
            return RESULT_WORDS[words[i]]
    for i in range(span.end, min(sent_end, span.end + RESULT_WINDOW)):
        if is_punct[i] or (context.starts_entity[i] and words[i] not in ("or", "and")):
            break
        if words[i] in RESULT_WORDS:
            return RESULT_WORDS[words[i]]
    return None


def span_assertion(span: Span) -> tuple[Assertion, tuple[int, int] | None]:
    """The assertion of one target span and the char span of the cue that set it.

    A mention with a test result ignores "negative for"-style cues: the result is recorded
    instead (:func:`result_of`). A mention marked as current ("Hepatitis B positive at
    screening") is not historical, whatever history cue reaches it.
    """
    context = EntityContext(span.doc)
    return _span_assertion(span, _result_of(span, context) is not None, context)


def _span_assertion(
    span: Span, has_result: bool, context: EntityContext
) -> tuple[Assertion, tuple[int, int] | None]:
    modifiers = span._.modifiers
    current = any(m.category.upper() == "CURRENT" for m in modifiers)
    best: Assertion = "present"
    cue: tuple[int, int] | None = None
    for mod in _modifying(modifiers):
        start, end = mod.modifier_span
        cue_span = context.char_span(start, end)
        if has_result and context.text[cue_span[0] : cue_span[1]].lower() in RESULT_CUES:
            continue
        value = ASSERTION_OF[mod.category.upper()]
        if current and value == "historical":
            continue
        if (
            value == "negated"
            and context.excepted_items
            and context.excepted(context.char_span(span.start, span.end), cue_span)
        ):
            continue
        if PRECEDENCE.index(value) < PRECEDENCE.index(best):
            best = value
            cue = cue_span
    return best, cue


def criterion_assertion(doc: Doc, mentions: list[Mention] | None = None) -> Assertion:
    """The assertion of the criterion's principal finding (rule in the module docstring).

    ``mentions``, when :func:`nlp.mentions.mentions_from_doc` has already worked them out,
    give each entity's assertion by its char span.
    """
    known = {m.span: m.assertion for m in mentions} if mentions is not None else {}

    def assertion_of(ent: Span) -> Assertion:
        found = known.get((ent.start_char, ent.end_char))
        return found if found is not None else span_assertion(ent)[0]

    graph = doc._.context_graph
    modifiers = _modifying(graph.modifiers) if graph is not None else []
    initial = [m for m in modifiers if m.modifier_span[0] <= 1]
    for mod in sorted(initial, key=lambda m: m.modifier_span):
        start, end = mod.modifier_span
        if doc[start:end].text.lower() in RESULT_CUES:
            continue
        value = ASSERTION_OF[mod.category.upper()]
        if value != "present":
            if any(assertion_of(ent) == "present" for ent in doc.ents):
                return "present"  # the cue's scope ended before other alternatives: mixed
            return value
    ents = doc.ents
    if ents:
        return assertion_of(ents[0])
    return "present"


def negation_cues(doc: Doc) -> list[tuple[int, int]]:
    """Char spans of the negation cues ConText found (NEGATED_EXISTENCE modifiers)."""
    graph = doc._.context_graph
    if graph is None:
        return []
    spans = set()
    for mod in graph.modifiers:
        if mod.category.upper() != "NEGATED_EXISTENCE" or mod.direction.upper() in NON_MODIFYING:
            continue
        start, end = mod.modifier_span
        spans.add((doc[start].idx, doc[end - 1].idx + len(doc[end - 1])))
    return sorted(spans)
