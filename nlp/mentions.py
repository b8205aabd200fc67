"""Mentions: the target matcher's ``doc.ents`` as :class:`models.Mention`, with ConText.

Each entity becomes a mention with its lexicon category, its char span in the doc, the
assertion ConText gave it (mapping and precedence in :mod:`nlp.assertion`), the cue that set
that assertion, and a required test result where one is written ("Negative SARS-CoV-2 test"
→ present, result negative).
"""

from __future__ import annotations

from spacy.tokens import Doc

from models import Mention, TextSpan
from nlp.assertion import result_of, span_assertion


def mentions_from_doc(doc: Doc) -> list[Mention]:
    """One :class:`models.Mention` per entity, in text order; spans are doc char offsets."""
    out: list[Mention] = []
    previous_result: str | None = None
    previous_end: int | None = None
    for ent in doc.ents:
        result = result_of(ent)
        if result is None and previous_result and _coordinated(doc, previous_end, ent.start):
            result = previous_result  # "Positive ANA ≥ 1:80 OR anti-dsDNA": both positive
        previous_result, previous_end = result, ent.end
        assertion, cue = span_assertion(ent)
        out.append(
            Mention(
                text=ent.text,
                category=ent.label_ if ent.label_ in _CATEGORIES else "other",
                span=(ent.start_char, ent.end_char),
                assertion=assertion,
                cue=TextSpan(text=doc.text[cue[0] : cue[1]], span=cue) if cue else None,
                result=result,
            )
        )
    return out


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


_CATEGORIES = {
    "condition", "drug", "procedure", "measurement", "test", "observation", "device", "other",
}  # fmt: skip
