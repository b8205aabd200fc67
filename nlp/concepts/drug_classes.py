"""Drug classes and generic drug heads in a criterion: "strong CYP3A4 inhibitors", "tricyclic
antidepressants", "live vaccines", "study medication", "DMARDs".

Criteria exclude classes of drugs far more often than single drugs, and neither the trained
model nor DrugBank's drug names reliably find them. Two sources:

* **MeSH Pharmacologic Actions** (:func:`nlp.concepts.vocab.drug_class_index`): the class
  records that the ``drug-named-entity-recognition`` dictionary ships with their common
  variants ("antidepressants", "statins", "NSAIDs", "ACE inhibitor", "SSRIs"). A key is also
  looked up with a plain plural added or taken away ("SSRI", "DMARDs").
* **``nlp/rules/drug_classes.json``**, hand-written where that vocabulary has no entry: head
  nouns that name a drug with the words before them ("PARP inhibitors", "vasoactive drugs",
  "disease-modifying anti-rheumatic drugs": MeSH lists classes, not the open-ended ways
  criteria write them), class names and abbreviations missing from its variants ("TCA",
  "PPI", "corticosteroids"), and the words that end a run of modifiers ("taking", "prior").

An "inhibitor" head next to a clotting factor ("factor VIII inhibitors", "inhibitor to FIX",
"haemophilia A with inhibitors") names the patient's antibodies against that factor: it is
found as a ``condition``, not a class (``antibody_targets`` in the rules; "factor Xa
inhibitors" are anticoagulants and stay a class).

A class found is widened to the left over its modifiers: the written words before it in its
sentence (a word is the tokens between spaces: "anti-rheumatic", "GLP-1") that hold a letter,
end in neither a stop word nor punctuation, and are not one of ``not_modifiers``, at most
:data:`MAX_MODIFIERS` of them; a short form in brackets between them is passed over
("renin-angiotensin system (RAS) blockade agents"). A name of four letters or fewer (before a
plural "s") counts only in capitals ("TCA", "PPIs").

A class mention is coded by ``eligo_codes`` with its WHO ATC group where
``nlp/rules/drug_class_codes.json`` lists its name (hand-curated, each code checked against
WHO's index: "SSRIs" N06AB, "statins" C10AA). The index here keeps each name's MeSH heading and
id, but those ids are not given as codes: the package swaps some of them (its "Antidepressive
Agents" carries D008996, the MeSH id of Monoamine Oxidase Inhibitors, and its MAO inhibitors
carry D000928, the id of Antidepressive Agents), and a wrong code is worse than none.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from spacy.tokens import Doc, Token

from nlp.concepts.normalize import key, singular
from nlp.pipeline.docs import TokenTable, doc_text, doc_tokens
from nlp.rulefiles import drug_class_rules

MAX_NAME_WORDS = 6
MAX_MODIFIERS = 4


class Found(NamedTuple):
    """A token span the finder found: a drug class (``drug``), or antibodies that an
    "inhibitor" head names (``condition``: "factor VIII inhibitors")."""

    start: int
    end: int
    label: str


class DrugClassFinder:
    """The drug classes of a doc, and the antibodies an "inhibitor" head names, as
    :class:`Found` token spans (module docstring)."""

    def __init__(self) -> None:
        from nlp.concepts.vocab import drug_class_index

        rules = drug_class_rules()
        self.names = frozenset(drug_class_index()) | {key(n) for n in rules.names}
        self.first_words = frozenset(k.split(" ", 1)[0] for k in self.names)
        self.heads = {h.word: h.alone for h in rules.heads}
        self.not_modifiers = frozenset(w.lower() for w in rules.not_modifiers)
        antibodies = rules.antibody_targets
        self.antibody_heads = frozenset(antibodies.heads)
        targets = "|".join(_as_cased(t) for t in sorted(antibodies.targets, key=len, reverse=True))
        self.target_before = re.compile(
            rf"(?<![\w-])(?:{targets})(?:\s+or\s+[AB])?"
            r"(?:\s+(?i:with(?:\s+or\s+without|out)?)(?P<words>(?:\s+[\w-]+){0,2}))?\s*$"
        )
        self.target_after = re.compile(rf"\s+(?i:to|against|of|for)\s+(?:{targets})(?![\w-])")

    def find(self, doc: Doc) -> list[Found]:
        out: list[Found] = []
        tokens = doc_tokens(doc)
        text = doc_text(doc)
        lowers = tokens.lower
        i, n = 0, len(doc)
        while i < n:
            low = lowers[i]
            if (
                low not in self.first_words
                and low not in self.heads
                and (low.isalpha() or not any(c.isalpha() for c in low))
            ):
                i += 1  # the common case, decided without the token
                continue
            end = self._name_at(tokens, text, i)
            alone = True
            if end is None and low in self.heads:
                end, alone = i + 1, self.heads[low]
            if end is None:
                i += 1
                continue
            if end < n and lowers[end] in self.heads:  # "SSRI medications"
                end += 1
            if lowers[end - 1] in self.antibody_heads:
                antibodies = self._antibodies(doc[end - 1])
                if antibodies is not None:
                    out.append(antibodies)
                    i = antibodies.end
                    continue
            start = self._modifiers_start(doc, i, out[-1].end if out else 0)
            if alone or start < i:
                out.append(Found(start, end, "drug"))
            i = end
        return out

    def _name_at(self, tokens: TokenTable, text: str, i: int) -> int | None:
        """The end of the longest class name starting at token ``i``, or None."""
        first = tokens.lower[i]
        is_punct = tokens.is_punct
        if first not in self.first_words:
            if first.isalpha() or is_punct[i]:
                return None
            if key(first).split(" ", 1)[0] not in self.first_words:  # "β2-", "5-HT3"
                return None
        start = tokens.starts[i]
        for j in range(min(len(is_punct), i + MAX_NAME_WORDS), i, -1):
            if is_punct[j - 1]:
                continue  # the key drops edge punctuation: "drugs (" is no name
            written = text[start : tokens.ends[j - 1]]  # doc[i:j].text
            k = key(written)
            if self._known(k) and _as_written(k, written):
                return j
        return None

    def _antibodies(self, head: Token) -> Found | None:
        """The span of antibodies against a clotting factor that an "inhibitor" head names,
        with the factor: "factor VIII inhibitors", "inhibitor to FIX" (``antibody_targets``
        in the rules); None where the head names a drug class."""
        doc, head_end = head.doc, head.idx + len(head.text)
        text = doc_text(doc)
        before = self.target_before.search(text, 0, head.idx)
        if before is not None:  # "haemophilia A or B with high-titer inhibitors": no disease
            words = before.group("words")
            if words is None:
                start = before.start()  # "factor VIII inhibitors"
            elif words.strip():
                start = before.start("words") + len(words) - len(words.lstrip())
            else:
                start = head.idx
            span = doc.char_span(start, head_end, alignment_mode="expand")
        elif (after := self.target_after.match(text, head_end)) is not None:
            span = doc.char_span(head.idx, after.end(), alignment_mode="expand")
        else:
            return None
        return None if span is None else Found(span.start, span.end, "condition")

    def _known(self, k: str) -> bool:
        return k in self.names or k + "s" in self.names or singular(k) in self.names

    def _modifiers_start(self, doc: Doc, i: int, floor: int) -> int:
        """The first token of the modifiers written before token ``i`` (``i`` if none).

        A short form in brackets between modifiers is passed over, not counted ("renin-
        angiotensin system (RAS) blockade agents", "tumor necrosis factor (TNF) inhibitors");
        the modifiers never start with one."""
        start, words, kept = i, 0, i
        while start > floor and words < MAX_MODIFIERS and not doc[start].is_sent_start:
            if not doc[start - 1].whitespace_:
                break  # "(SSRIs": glued to what is before, no modifier word
            j = start - 1
            while j > floor and not doc[j - 1].whitespace_:
                j -= 1  # back to the start of the written word
            word = doc[j:start]
            if _BRACKETED_SHORT_FORM.fullmatch(word.text):
                start = j
                continue
            if not self._is_modifier(word.text, [_is_stop(t) for t in word]):
                break
            start, words, kept = j, words + 1, j
        return kept

    def _is_modifier(self, word: str, stops: list[bool]) -> bool:
        low = word.lower()
        if low in self.not_modifiers or not any(c.isalpha() for c in word):
            return False
        if len(stops) == 1:
            return not stops[0]
        # a glued word: "anti-rheumatic", "GLP-1", "5-HT3"; not one holding a bracket or a
        # comma, nor one that ends a clause ("longer. Agents")
        return not any(c in word for c in "()[],;:/") and not stops[-1]


_BRACKETED_SHORT_FORM = re.compile(r"\([A-Z][A-Za-z0-9-]{0,9}\)|\[[A-Z][A-Za-z0-9-]{0,9}\]")


def _is_stop(tok: Token) -> bool:
    """A stop word or punctuation; a capitalised stop word inside a sentence is a name ("Ca
    channel blockers")."""
    if tok.is_punct:
        return True
    return tok.is_stop and not (tok.text[:1].isupper() and not tok.is_sent_start)


def _as_cased(target: str) -> str:
    """A target as a pattern: one in capitals as written, any other in any case."""
    pattern = re.escape(target).replace("\\ ", r"\s+")
    return pattern if target.isupper() else f"(?i:{pattern})"


def _as_written(k: str, written: str) -> bool:
    """Short names only in capitals: "TCA", "PPIs", not "tca" or "Art"."""
    stem = k[:-1] if k.endswith("s") else k
    if len(stem.replace(" ", "")) > 4:
        return True
    letters = written[:-1] if written.endswith("s") else written
    return letters.isupper()


@cache
def drug_class_finder() -> DrugClassFinder:
    return DrugClassFinder()
