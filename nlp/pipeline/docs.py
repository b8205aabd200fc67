"""What a criterion's doc carries besides its tokens: its text and the record's abbreviations.

Both sit in ``doc.user_data`` so every component reads them the same way, and both ways of
running the pipeline (:class:`nlp.parser.Parser` and :func:`nlp.pipeline.annotate`) make their
docs with :func:`item_doc`.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

ALIASES_KEY = "eligo_aliases"
TEXT_KEY = "eligo_text"


def item_doc(nlp: Language, text: str, aliases: dict[str, str] | None = None) -> Doc:
    """A tokenized doc for one criterion's clean text, not yet run through the components.

    Raises ``ValueError`` for a text over ``nlp.max_length`` (the parser keeps such an item with
    a W106 warning instead of tokenizing it).
    """
    limit = nlp.max_length
    if len(text) > limit:
        raise ValueError(
            f"the item has {len(text):,} characters, over the pipeline's limit of {limit:,}"
        )
    doc = nlp.make_doc(text)
    doc.user_data[ALIASES_KEY] = aliases
    doc.user_data[TEXT_KEY] = text  # the tokenizer keeps the text as it is
    return doc


def doc_text(doc: Doc) -> str:
    """``doc.text``, kept in ``doc.user_data`` (spaCy joins all the tokens again on each access)."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


def doc_aliases(doc: Doc) -> dict[str, str] | None:
    """The record's abbreviations (``{"LD": "lymphodepletion"}``), if the doc was given them."""
    return doc.user_data.get(ALIASES_KEY)
