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
    out = []
    for ent in doc.ents:
        assertion, cue = span_assertion(ent)
        out.append(
            Mention(
                text=ent.text,
                category=ent.label_ if ent.label_ in _CATEGORIES else "other",
                span=(ent.start_char, ent.end_char),
                assertion=assertion,
                cue=TextSpan(text=doc.text[cue[0] : cue[1]], span=cue) if cue else None,
                result=result_of(ent),
            )
        )
    return out


_CATEGORIES = {
    "condition", "drug", "procedure", "measurement", "test", "observation", "device", "other",
}  # fmt: skip
