"""What a criterion's doc carries besides its tokens: its text and the record's abbreviations
(those of anchor events, for the time windows, and all it defines, for the codes).

They sit in ``doc.user_data`` so every component reads them the same way, and both ways of
running the pipeline (:class:`nlp.parser.Parser` and :func:`nlp.pipeline.annotate`) make their
docs with :func:`item_doc`.
"""

from __future__ import annotations

from typing import NamedTuple

from spacy.attrs import IDX, IS_PUNCT, LENGTH
from spacy.language import Language
from spacy.tokens import Doc

ALIASES_KEY = "eligo_aliases"
DEFINITIONS_KEY = "eligo_definitions"
DOSED_KEY = "eligo_dosed"
TEXT_KEY = "eligo_text"
TOKENS_KEY = "eligo_tokens"


def item_doc(
    nlp: Language,
    text: str,
    aliases: dict[str, str] | None = None,
    definitions: dict[str, str] | None = None,
    dosed: frozenset[str] | None = None,
) -> Doc:
    """A tokenized doc for one criterion's clean text, not yet run through the components.

    ``aliases``: the record's abbreviations of anchor events (``{"LD": "lymphodepletion"}``,
    :func:`nlp.temporal.find_abbreviations`); ``definitions``: every abbreviation the record
    defines, short form → long form (``{"LN": "lupus nephritis"}``,
    :func:`nlp.concepts.abbreviations.find_definitions`); ``dosed``: the code names the record
    prints a dose after (``{"TCZ"}``, :func:`nlp.concepts.abbreviations.find_dosed_names`).

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
    doc.user_data[DEFINITIONS_KEY] = definitions
    doc.user_data[DOSED_KEY] = dosed
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


def glued_by_hyphen(doc: Doc, end: int) -> bool:
    """Whether the token before ``end`` is glued by a hyphen to the token after it: "PD" in
    "PD-1", "renin" in "renin-angiotensin"."""
    return (
        end + 1 < len(doc)
        and not doc[end - 1].whitespace_
        and doc[end].text == "-"
        and not doc[end].whitespace_
    )


def doc_definitions(doc: Doc) -> dict[str, str]:
    """The abbreviations the record defines (``{"LN": "lupus nephritis"}``), or none."""
    return doc.user_data.get(DEFINITIONS_KEY) or {}


def doc_dosed_names(doc: Doc) -> frozenset[str]:
    """The code names the record prints a dose after (``{"TCZ"}``), or none."""
    return doc.user_data.get(DOSED_KEY) or frozenset()


class TokenTable(NamedTuple):
    """The lexical facts of a doc's tokens, one list per fact, indexed by token position.

    Several components scan every token of every doc; ``doc[i]`` builds a ``Token`` object on
    each access and ``doc[i:j].text`` a ``Span`` and a joined string. The table is read in one
    ``Doc.to_array`` call and one pass of string slices, and shared by all the components: a
    token's text is ``text[starts[i]:ends[i]]``, a run's ``text[starts[i]:ends[j - 1]]``
    (what ``doc[i:j].text`` is, since the tokens tile the text). It holds only what no
    component changes (the tokens, not the entities or sentences).
    """

    starts: list[int]
    ends: list[int]
    lower: list[str]
    """``token.lower_`` (the text lowercased: the lexeme's LOWER)."""
    is_punct: list[bool]


def doc_tokens(doc: Doc) -> TokenTable:
    """The doc's :class:`TokenTable`, made on first use and kept in ``doc.user_data``."""
    table = doc.user_data.get(TOKENS_KEY)
    if table is None:
        text = doc_text(doc)
        rows = doc.to_array([IDX, LENGTH, IS_PUNCT]).tolist() if len(doc) else []
        starts = [row[0] for row in rows]
        ends = [row[0] + row[1] for row in rows]
        table = doc.user_data[TOKENS_KEY] = TokenTable(
            starts=starts,
            ends=ends,
            lower=[text[s:e].lower() for s, e in zip(starts, ends, strict=True)],
            is_punct=[bool(row[2]) for row in rows],
        )
    return table
