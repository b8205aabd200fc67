"""Mentions: the target matcher's ``doc.ents`` as :class:`models.Mention`, with ConText.

Each entity becomes a mention with its lexicon category, its char span in the doc, the
assertion ConText gave it (mapping and precedence in :mod:`nlp.assertion`), the cue that set
that assertion, and a required test result where one is written ("Negative SARS-CoV-2 test"
→ present, result negative).

**Untargeted negations.** A negation cue whose scope holds no lexicon concept would otherwise
be lost with its finding ("No evidence of <a disease the lexicon lacks>", "not fluent in
English"). Each NEGATED_EXISTENCE modifier with no target gives a fallback mention of category
``other``, asserted ``negated``, with that cue: the words of its scope next to the cue (after
it for a forward cue; before it for a backward one, back to a stop word), stopping at
punctuation, a coordinator, a sentence end, another mention or after ``FALLBACK_WORDS``
tokens, with stop words trimmed from both ends. No mention is made when nothing but stop
words remains, nor for a ``non-`` prefix (``NO_FALLBACK_CUES``): "non-compliance",
"non-registered", "non-responder" are words of their own, and "non-" negates only a lexicon
concept ("non-smoker").
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from models import Mention, TextSpan
from nlp.assertion import NON_MODIFYING, EntityContext, _result_of, _span_assertion
from nlp.concepts.biomarkers import Biomarker
from nlp.rulefiles import MENTION_CATEGORIES

FALLBACK_CATEGORIES = {"NEGATED_EXISTENCE"}
FALLBACK_WORDS = 6
NO_FALLBACK_CUES = {"non", "non-"}  # "non-compliance", "non-registered": words of their own
_LINKING = {"having", "using", "taking", "receiving", "undergoing"}
_STOP_AT = {"and", "or", "and/or", "but", "nor", "either", "neither", "/", ";", ":"}


def mentions_from_doc(doc: Doc) -> list[Mention]:
    """One :class:`models.Mention` per entity, in text order; spans are doc char offsets."""
    out: list[Mention] = []
    previous_result: str | None = None
    previous_end: int | None = None
    context = EntityContext(doc)
    text = context.text
    biomarkers = doc._.biomarkers or {}
    for ent in context.ents:
        label = ent.label_
        span = context.char_span(ent.start, ent.end)
        if label == "biomarker":
            out.extend(_biomarker_mentions(ent, biomarkers.get(span), context))
            continue
        result = _result_of(ent, context)
        assertion, cue = _span_assertion(ent, result is not None, context)
        if result is None and previous_result and _coordinated(doc, previous_end, ent.start):
            result = previous_result  # "Positive ANA ≥ 1:80 OR anti-dsDNA": both positive
        previous_result, previous_end = result, ent.end
        out.append(
            Mention(
                text=text[span[0] : span[1]],
                category=label if label in MENTION_CATEGORIES else "other",
                span=span,
                assertion=assertion,
                cue=TextSpan(text=text[cue[0] : cue[1]], span=cue) if cue else None,
                result=result,
            )
        )
    out.extend(_fallback_mentions(doc, context))
    out.sort(key=lambda m: m.span or (0, 0))  # every mention has a span
    return out


def _biomarker_mentions(
    ent: Span, found: list[Biomarker] | None, context: EntityContext
) -> list[Mention]:
    """One mention per gene of a biomarker entity ("BRCA1/2 mutation": BRCA1 and BRCA2)."""
    text = context.text
    out = []
    readings: list[Biomarker | None] = list(found) if found else [None]
    for b in readings:
        result = b.result if b else None
        assertion, cue = _span_assertion(ent, result is not None, context)
        out.append(
            Mention(
                text=ent.text,
                category="biomarker",
                span=(ent.start_char, ent.end_char),
                assertion=assertion,
                cue=TextSpan(text=text[cue[0] : cue[1]], span=cue) if cue else None,
                result=result,
                gene=b.gene if b else None,
                variant=b.variant if b else None,
            )
        )
    return out


def _fallback_mentions(doc: Doc, context: EntityContext) -> list[Mention]:
    """Mentions for negation cues that modify no lexicon concept (module docstring)."""
    graph = doc._.context_graph
    if graph is None:
        return []
    out: list[Mention] = []
    candidates = [
        mod
        for mod in graph.modifiers
        if mod.category.upper() in FALLBACK_CATEGORIES
        and mod.direction.upper() not in NON_MODIFYING
        and not mod.num_targets
        and context.tokens.lower[mod.modifier_span[0]] not in NO_FALLBACK_CUES
    ]
    if not candidates:
        return out
    taken: set[int] = {i for ent in context.ents for i in range(ent.start, ent.end)}
    for mod in candidates:
        words = _scope_words(doc, mod, taken)
        if words is None:
            continue
        start, end = words
        cue = context.char_span(*mod.modifier_span)
        span = context.char_span(start, end)
        if context.excepted_items and context.excepted(span, cue):
            continue  # "other than those listed in Appendix A are not permitted"
        taken.update(range(start, end))
        out.append(
            Mention(
                text=context.text[span[0] : span[1]],
                category="other",
                span=span,
                assertion="negated",
                cue=TextSpan(text=context.text[cue[0] : cue[1]], span=cue),
            )
        )
    return out


def _scope_words(doc: Doc, mod, taken: set[int]) -> tuple[int, int] | None:
    """Token range of the words a targetless cue negates, or None (module docstring)."""
    c_start, c_end = mod.modifier_span
    s_start, s_end = mod.scope_span
    if mod.direction.upper() == "BACKWARD":
        step, first, limit = -1, c_start - 1, max(s_start, c_start - FALLBACK_WORDS) - 1
    else:
        step, first, limit = 1, c_end, min(s_end, c_end + FALLBACK_WORDS)
    picked: list[int] = []
    for i in range(first, limit, step):
        tok = doc[i]
        if i in taken or tok.is_punct or tok.lower_ in _STOP_AT:
            break
        if tok.is_sent_start and i > first:
            break
        linking = tok.is_stop or tok.lower_ in _LINKING
        if step < 0 and linking and any(not doc[j].is_stop for j in picked):
            break  # backward: "Patients having ⟨X⟩ will be excluded" → X
        picked.append(i)
    while picked and doc[picked[-1]].is_stop:
        picked.pop()
    while picked and doc[picked[0]].is_stop:
        picked.pop(0)
    if not picked:
        return None
    return min(picked), max(picked) + 1


_COORDINATION = {"or", "and", "and/or", ",", "(", ")", "/"}
_LIMIT = set("<>≤≥=:.,0123456789")


def _coordinated(doc: Doc, start: int | None, end: int) -> bool:
    """Only coordinators, brackets, an abbreviation and a limit stand between two mentions."""
    if start is None or end - start > 8:
        return False
    between = doc[start:end]
    return any(t.lower_ in {"or", "and", "and/or"} for t in between) and all(
        t.lower_ in _COORDINATION or set(t.text) <= _LIMIT or t.is_upper for t in between
    )
