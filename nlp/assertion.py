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
"unless" only end the scope of a cue before them (TERMINATE rules). Chia annotates "except" /
"other than" as Negation cues, LCT and the gold adjudication of the reference trial do not;
emitting them as negation cues was measured at Chia negation F1 0.50 → 0.61 but LCT 0.66 →
0.63 and gold-check assertions 0.873 → 0.837, so it is not done.

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

from spacy.tokens import Doc, Span

from models import Assertion, Mention

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


def _sentence_near(span: Span, reach: int) -> tuple[int, int]:
    """``span.sent``'s start and end, exact within ``reach`` tokens of the span.

    ``Span.sent`` walks the whole sentence and builds a Span; the result word window only needs
    to know where the sentence ends near the span.
    """
    doc = span.doc
    if "sent" in doc.user_span_hooks or "sents" in doc.user_hooks:
        sent = span.sent
        return sent.start, sent.end
    if not doc.has_annotation("SENT_START"):
        span.sent  # noqa: B018 (raises spaCy's E030, as ``span.sent`` did)
    start = lowest = span.start
    floor = max(0, start - reach)
    while start > floor and not doc[start].is_sent_start:
        start -= 1
    end, ceiling = lowest + 1, min(len(doc), span.end + reach)
    while end < ceiling and not doc[end].is_sent_start:
        end += 1
    return start, end


def result_of(span: Span) -> str | None:
    """``negative``/``positive`` when a result word qualifies the mention.

    The word may stand just before it ("Negative serum pregnancy test", up to
    ``RESULT_WINDOW`` tokens, not across punctuation) or just after it ("HIV negative",
    "Hepatitis B or C positive at screening").
    """
    doc = span.doc
    sent_start, sent_end = _sentence_near(span, RESULT_WINDOW)
    for i in range(span.start - 1, max(sent_start, span.start - RESULT_WINDOW) - 1, -1):
        tok = doc[i]
        if tok.is_punct or tok.ent_type_ == "biomarker":
            break  # "HER2-negative breast cancer": the result is the biomarker's
        if tok.lower_ in RESULT_WORDS:
            return RESULT_WORDS[tok.lower_]
    for i in range(span.end, min(sent_end, span.end + RESULT_WINDOW)):
        tok = doc[i]
        if tok.is_punct or (tok.ent_iob_ == "B" and tok.lower_ not in ("or", "and")):
            break
        if tok.lower_ in RESULT_WORDS:
            return RESULT_WORDS[tok.lower_]
    return None


def span_assertion(span: Span) -> tuple[Assertion, tuple[int, int] | None]:
    """The assertion of one target span and the char span of the cue that set it.

    A mention with a test result ignores "negative for"-style cues: the result is recorded
    instead (:func:`result_of`). A mention marked as current ("Hepatitis B positive at
    screening") is not historical, whatever history cue reaches it.
    """
    return _span_assertion(span, result_of(span) is not None)


def _span_assertion(span: Span, has_result: bool) -> tuple[Assertion, tuple[int, int] | None]:
    doc = span.doc
    current = any(m.category.upper() == "CURRENT" for m in span._.modifiers)
    best: Assertion = "present"
    cue: tuple[int, int] | None = None
    for mod in _modifying(span._.modifiers):
        start, end = mod.modifier_span
        if has_result and doc[start:end].text.lower() in RESULT_CUES:
            continue
        value = ASSERTION_OF[mod.category.upper()]
        if current and value == "historical":
            continue
        if PRECEDENCE.index(value) < PRECEDENCE.index(best):
            best = value
            cue = (doc[start].idx, doc[end - 1].idx + len(doc[end - 1]))
    return best, cue


def criterion_assertion(doc: Doc, mentions: list[Mention] | None = None) -> Assertion:
    """The assertion of the criterion's principal finding (rule in the module docstring).

    ``mentions``, when :func:`nlp.mentions.mentions_from_doc` has already worked them out,
    give each entity's assertion by its char span.
    """
    known = {m.span: m.assertion for m in mentions} if mentions is not None else {}

    def span_assertion(ent: Span) -> tuple[Assertion, tuple[int, int] | None]:
        found = known.get((ent.start_char, ent.end_char))
        if found is not None:
            return found, None
        return _span_assertion(ent, result_of(ent) is not None)

    graph = doc._.context_graph
    modifiers = _modifying(graph.modifiers) if graph is not None else []
    initial = [m for m in modifiers if m.modifier_span[0] <= 1]
    for mod in sorted(initial, key=lambda m: m.modifier_span):
        start, end = mod.modifier_span
        if doc[start:end].text.lower() in RESULT_CUES:
            continue
        value = ASSERTION_OF[mod.category.upper()]
        if value != "present":
            if any(span_assertion(ent)[0] == "present" for ent in doc.ents):
                return "present"  # the cue's scope ended before other alternatives: mixed
            return value
    ents = doc.ents
    if ents:
        return span_assertion(ents[0])[0]
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
