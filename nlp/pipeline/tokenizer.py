"""The pipeline's tokenizer: medspaCy's clinical tokenizer, linear on long space-free runs.

Registered as ``eligo.Tokenizer.v1`` so the pipeline's config names it (``[nlp.tokenizer]``).
"""

# no "from __future__ import annotations": spaCy validates factory signatures at run time
import re
from collections.abc import Callable
from itertools import pairwise
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc


class RunSplittingTokenizer:
    """A tokenizer, linear on long runs of characters without a space.

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
        return _final_stop_split(self._tokenize(text))

    def _tokenize(self, text: str) -> Doc:
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


_INITIAL = re.compile(r"[A-Z]\.")


def _final_stop_split(doc: Doc) -> Doc:
    """The doc with a last word like "B." (before any trailing whitespace) split into the
    letter and a full stop, in place.

    spaCy keeps a capital letter and its period together ("H. pylori": an initial); at the end
    of a criterion the period ends the sentence and the letter belongs to what comes before
    ("hepatitis B.", "Child-Pugh class B."), which otherwise is read without it. The other
    tokens keep everything the tokenizer gave them (their norms: the mention model reads them).
    """
    last = len(doc) - 1
    while last >= 0 and doc[last].is_space:
        last -= 1
    if last < 0 or not _INITIAL.fullmatch(doc[last].text):
        return doc
    token = doc[last]
    with doc.retokenize() as retokenizer:
        retokenizer.split(token, [token.text[0], "."], heads=[(token, 0), (token, 0)])
    return doc


@spacy.registry.tokenizers("eligo.Tokenizer.v1")
def create_tokenizer(max_run: int) -> Callable[[Language], RunSplittingTokenizer]:
    """medspaCy's tokenizer (more aggressive than spaCy's on clinical text: "HbA1c>7%" →
    ``HbA1c > 7 %``), cutting space-free runs longer than ``max_run`` characters."""

    def make(nlp: Language) -> RunSplittingTokenizer:
        from medspacy.custom_tokenizer import create_medspacy_tokenizer

        # medspaCy derives its tokenizer from the language's default one (its token_match)
        nlp.tokenizer = spacy.registry.tokenizers.get("spacy.Tokenizer.v1")()(nlp)
        return RunSplittingTokenizer(create_medspacy_tokenizer(nlp), max_run)

    return make
