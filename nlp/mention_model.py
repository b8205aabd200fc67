"""The trained mention model shipped in ``nlp/data/mentions_model/``: load it, run it.

A standalone spaCy pipeline (its own tokenizer, tok2vec, NER; see the README.md beside it
and ``scripts/train_mentions.py``) that finds CONDITION, DRUG, PROCEDURE, MEASUREMENT,
OBSERVATION and DEVICE mentions in criterion text. It runs on the text alone, so its
character spans can be laid over any other doc of the same text (the main pipeline's
tokens differ). Loading reads only the package data: no download, no network.

Example::

    >>> text = "Prior treatment with pembrolizumab"
    >>> [(text[s:e], label) for s, e, label in predict_mentions([text])[0] if label == "DRUG"]
    [('pembrolizumab', 'DRUG')]
"""

from __future__ import annotations

import importlib.resources
import re
from functools import lru_cache
from pathlib import Path
from typing import cast

from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc

MODEL_NAME = "mentions_model"
LABELS = ("CONDITION", "DRUG", "PROCEDURE", "MEASUREMENT", "OBSERVATION", "DEVICE")


def model_path() -> Path:
    """The model folder inside the installed package."""
    path = importlib.resources.files("nlp") / "data" / MODEL_NAME
    if not isinstance(path, Path):  # a zipped or otherwise virtual install
        path = Path(str(path))
    if not (path / "config.cfg").is_file():
        raise FileNotFoundError(f"the mention model is missing from the package: {path}")
    return path


@lru_cache(maxsize=1)
def load_mention_model() -> Language:
    """The process-wide mention model (about 0.3 s to load, a few MB in memory)."""
    import spacy

    return spacy.load(model_path())


def predict_mentions(texts: list[str], batch_size: int = 256) -> list[list[tuple[int, int, str]]]:
    """For each text, its mentions as ``(start_char, end_char, label)``, in text order.

    A markdown escape's backslash at either end of a mention is left out of it (registry
    text writes ``count \\< 3,000``; the corpora the model learnt from have none), and so
    are the edge tokens of ``nlp/rules/mention_edges.json`` ("Body Mass Index (" of "Body Mass
    Index (BMI)" is "Body Mass Index"); a bracket left open is closed or cut
    (:func:`_closed`), a mention stopping on a hyphen runs on to the end of its word
    (:func:`_word_end`), and one that closes a bracket it did not open is joined or cut
    (:func:`_add_unbracketed`).
    """
    out = []
    for text, doc in zip(texts, _annotated(texts, batch_size), strict=True):
        found: list[tuple[int, int, str]] = []
        for ent in doc.ents:
            chars = _trimmed(doc, text, ent.start, ent.end)
            if chars is None:
                continue
            start, end = chars[0], _word_end(text, chars[1])
            if found and start < found[-1][1]:  # inside the word the one before ran on to
                before = found.pop()
                start, end, label = before[0], max(end, before[1]), before[2]
            else:
                label = ent.label_
            _add_unbracketed(text, found, (start, end, label))
        out.append(found)
    return out


_REST_OF_WORD = re.compile(r"[^\s,;:()\[\]/'\"]*[^\s,;:()\[\]/'\".\-]")


def _word_end(text: str, end: int) -> int:
    """``end``, or the end of the written word when the mention stops on a hyphen glued to
    the rest of it: the model cuts "SES-" out of "SES-CD", "anti-" out of "anti-seizure",
    "HB-" out of "HB-adMSC"; a word part ending in a hyphen is never a mention."""
    if text[end - 1] != "-" or end == len(text) or not text[end].isalnum():
        return end
    rest = _REST_OF_WORD.match(text, end)
    return rest.end() if rest is not None else end


def _add_unbracketed(
    text: str, found: list[tuple[int, int, str]], mention: tuple[int, int, str]
) -> None:
    """Append ``mention`` to ``found`` with no bracket closed that it did not open.

    The model can start a mention inside a bracketed short form: "GLP-1) analogs" of
    "glucagon-like peptide-1 (GLP-1) analogs". Where the mention just before ends at the
    long form and the bracket holds a short form, the two are one mention with the later
    one's label (the head's: a short form between a name and its head, as for drug
    classes); otherwise the mention starts after the bracket and the punctuation after it
    ("Qp: Qs]" is dropped: nothing with a letter is left).
    """
    from nlp.concepts.abbreviations import is_short_form

    start, end, label = mention
    closer = _first_unopened(text, start, end)
    if closer is None:
        found.append(mention)
        return
    opener = text.rfind(_OPENING[text[closer]], 0, start)
    before = found[-1] if found else None
    if (
        opener > 0
        and opener == start - 1
        and before is not None
        and before[1] == opener - 1
        and text[opener - 1] == " "
        and is_short_form(text[opener + 1 : closer])
        and _first_unopened(text, before[0], end) is None
    ):
        found[-1] = (before[0], end, label)
        return
    while closer is not None:
        start = closer + 1
        while start < end and (text[start] in _EDGE or text[start] in ",;:"):
            start += 1
        closer = _first_unopened(text, start, end)
    if any(c.isalpha() for c in text[start:end]):
        found.append((start, end, label))


_OPENING = {")": "(", "]": "["}


def _first_unopened(text: str, start: int, end: int) -> int | None:
    """Where the first bracket of ``text[start:end]`` that closes one opened before it is."""
    if ")" not in text[start:end] and "]" not in text[start:end]:
        return None  # the common case
    stack: list[str] = []
    for i in range(start, end):
        c = text[i]
        if c in "([":
            stack.append(c)
        elif c in ")]":
            if stack and stack[-1] == _OPENING[c]:
                stack.pop()
            else:
                return i
    return None


def _trimmed(doc: Doc, text: str, first: int, last: int) -> tuple[int, int] | None:
    """The characters of tokens ``first:last`` of ``doc`` (of ``text``) without their edge
    tokens and edge escapes (:func:`predict_mentions`), or None when nothing is left."""
    not_first, not_last = _edges()
    while first < last and doc[first].text in not_first:
        first += 1
    while (
        last > first
        and doc[last - 1].text in not_last
        and (last - 1 == first or doc[last - 2].whitespace_)
    ):
        last -= 1  # a word of its own: "interval of", not the "on" of "add-on"
    if first == last:
        return None
    start, end = doc[first].idx, doc[last - 1].idx + len(doc[last - 1].text)
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return _closed(text, start, end) if start < end else None


_EDGE = frozenset("\\ \t\r\n")
_CLOSE_SOON = re.compile(r"[^\s()\[\]]{0,12}[)\]]")
"""The rest of a bracketed part glued to a word: "9;22)" of "t(9;22)"."""


def _closed(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span with no bracket left open: cut before a bracket that opens after a space
    ("Interleukin-2 (IL-2" → "Interleukin-2", as "Body Mass Index (" is "Body Mass Index": the
    short form is a mention of its own), closed where a bracket glued to a word closes within
    the next word ("Translocation t(" → "Translocation t(9;22)"); None when no letter is left."""
    if "(" not in text[start:end] and "[" not in text[start:end]:
        return start, end  # the common case
    while (at := _first_unclosed(text, start, end)) is not None:
        closing = ")" if text[at] == "(" else "]"
        soon = _CLOSE_SOON.match(text, end)
        glued = at > start and not text[at - 1].isspace()
        if (
            glued
            and soon is not None
            and soon.group()[-1] == closing
            and at == _last_open(text, start, end)
        ):
            end = soon.end()
            continue
        end = at
        while end > start and text[end - 1] in _EDGE:
            end -= 1
        if not any(c.isalpha() for c in text[start:end]):
            return None
    return start, end


def _first_unclosed(text: str, start: int, end: int) -> int | None:
    """Where the first bracket of ``text[start:end]`` that does not close in it opens."""
    stack: list[int] = []
    for i in range(start, end):
        c = text[i]
        if c in "([":
            stack.append(i)
        elif c in ")]" and stack and text[stack[-1]] == ("(" if c == ")" else "["):
            stack.pop()
    return stack[0] if stack else None


def _last_open(text: str, start: int, end: int) -> int:
    return max(text.rfind("(", start, end), text.rfind("[", start, end))


@lru_cache(maxsize=1)
def _edges() -> tuple[frozenset[str], frozenset[str]]:
    from nlp.rulefiles import mention_edges

    rules = mention_edges()
    return frozenset(rules.not_first), frozenset(rules.not_last)


def _annotated(texts: list[str], batch_size: int) -> list:
    """The model's docs of ``texts``: tokenizer, then each component's ``predict`` and
    ``set_annotations`` on batches, what ``Language.pipe`` does without its per-doc generator
    and error-handler layers (about a sixth of the model's time on criterion-sized texts)."""
    nlp = load_mention_model()
    docs = [nlp.tokenizer(text) for text in texts]
    for start in range(0, len(docs), batch_size):
        batch = docs[start : start + batch_size]
        for _, component in nlp.pipeline:
            trained = cast(TrainablePipe, component)  # tok2vec, ner
            trained.set_annotations(batch, trained.predict(batch))
    return docs
