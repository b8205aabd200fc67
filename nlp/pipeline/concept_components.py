"""What a criterion is about, as spaCy components: the trained mention model, biomarkers, codes.

=========================  ==================================  ================================
component                  writes                              from
=========================  ==================================  ================================
``eligo_biomarkers``       ``doc.ents``, ``doc._.biomarkers``  :mod:`nlp.concepts.biomarkers`
``eligo_mention_model``    ``doc.ents`` (model + lexicon)      :mod:`nlp.mention_model`
``eligo_drug_names``       ``doc.ents`` (DrugBank names)       :mod:`nlp.concepts.vocab`
``eligo_codes``            ``codes`` of mentions, quantities   :mod:`nlp.concepts.codes`
=========================  ==================================  ================================

In pipeline order, after ``eligo_concepts`` has put the lexicon's entities
(``rules/mentions.csv``) in ``doc.ents``:

**Biomarkers** (``eligo_biomarkers``): a gene named with a result or a variant ("EGFR
mutation", "HER2-negative", "KRAS G12C") is an entity of label ``biomarker`` that replaces
the lexicon entities it overlaps; ``doc._.biomarkers`` maps its char span to the
:class:`nlp.concepts.biomarkers.Biomarker` s read there (one per gene: "BRCA1/2" is two).

**How the model's mentions and the lexicon's combine** (``eligo_mention_model``). The model
(``nlp/data/mentions_model``, trained on the development corpora) finds conditions, drugs,
procedures, measurements, observations and devices; its spans are laid over the doc's tokens
(widened to whole tokens). In order of precedence: entities of the categories the corpora do
not annotate (``lexicon_first``: tests, whose result "negative pregnancy test" depends on the
span, and biomarkers), and a lexicon entity wider than every model span inside it ("Hepatitis
B or C" over "Hepatitis B"); then the model's spans; then the other lexicon entities, where
nothing kept overlaps them; last, the part of a model span cut by a biomarker that lies outside
it ("EGFR-mutant NSCLC": the biomarker, and NSCLC). A one-word entity that is a unit after a
number is dropped ("470 ms"), and so is a short capitalised lexicon entity glued to a hyphen
("PD" of "(PD-1)", "PD-L1"); a condition takes in the subtype letter the model left after
it when the two name a coded condition ("hemophilia A", "hemophilia A or B":
:func:`_with_subtype`); a model "drug" that only the condition vocabularies name is a
condition when it ends its phrase and no later conjunct is a drug ("keratoconus", but not
the "HIV" of "HIV protease inhibitors" nor the "influenza" of "influenza or hepatitis B
vaccines": :func:`_ends_phrase`, :func:`_coordinated_with_a_drug`); a code name or
abbreviation that a dose follows is a drug, whatever the model's label ("TCZ 8 mg/kg IV":
:func:`_dosed_code_name`). ``drop_lexicon`` can leave lexicon categories out; none is
left out by default: dropping ``observation`` was 0.006 better on Chia's dev trials and none
on LCT's, and cost assertions the gold states ("inadequate response: historical").

**Drug names** (``eligo_drug_names``): see :class:`DrugNamesComponent`.

**Codes** (``eligo_codes``): each mention is coded from its text and category (a mention that
is an abbreviation the record defines, from its long form: :mod:`nlp.concepts.abbreviations`),
each quantity
from its measure, unit and the words around it (:func:`nlp.concepts.codes.code_mention`,
:func:`nlp.concepts.codes.code_quantity`); the vocabularies are read when the pipeline is
built, not on the first criterion. A mention that is the written measure of a limit takes
the limit's codes, which know its unit and method, and a drug name measured in a
concentration is a measurement (:func:`_codes_of_measures`).
"""

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from itertools import islice

from spacy.language import Language
from spacy.tokens import Doc, Span

from models import Code, Mention, Quantity
from nlp.concepts.abbreviations import dose_follows, is_code_name
from nlp.concepts.drug_classes import drug_class_finder
from nlp.concepts.normalize import greek_spelled
from nlp.pipeline.docs import (
    TokenTable,
    doc_definitions,
    doc_dosed_names,
    doc_text,
    doc_tokens,
    glued_by_hyphen,
)
from nlp.quantities.measures import names_blood_pressure
from nlp.quantities.readers.measure import is_measure_name
from nlp.units import normalise_unit

if not Doc.has_extension("biomarkers"):
    Doc.set_extension("biomarkers", default=None)

MODEL_LABELS = {
    "CONDITION": "condition",
    "DRUG": "drug",
    "PROCEDURE": "procedure",
    "MEASUREMENT": "measurement",
    "OBSERVATION": "observation",
    "DEVICE": "device",
}
"""The model's labels as mention categories."""


def _is_unit_after_number(span: Span) -> bool:
    """A one-word entity that is a unit printed after a number: "470 ms" is no multiple
    sclerosis, "2 HR" no hazard ratio."""
    return (
        len(span) == 1
        and span.start > 0
        and span.doc[span.start - 1].like_num
        and not (len(span.text) > 1 and span.text.isupper())  # "2 MM regimens": an acronym
        and normalise_unit(span.text) is not None
    )


def _ends_phrase(span: Span) -> bool:
    """Whether nothing but punctuation or a coordinator follows ``span``: "HIV" of "HIV
    protease inhibitors" or "COVID-19" of "COVID-19 vaccine" is part of a drug's name, and so
    is "influenza-" of "influenza- or COVID-19 vaccines"."""
    doc, end = span.doc, span.end
    if span.text.endswith("-"):
        return False
    return end == len(doc) or doc[end].is_punct or doc[end].lower_ in ("or", "and", "and/or")


def _dosed_code_name(span: Span) -> bool:
    """Whether ``span`` is a code name or abbreviation (one word, two capitals or more) that a
    dose follows here, or, unless the model reads it as a measurement, elsewhere in the record
    (:func:`nlp.concepts.abbreviations.find_dosed_names`). The model reads "TCZ 8 mg/kg IV" as
    an observation and "besides TCZ within 12 weeks" as a procedure; the "ASA" of "ASA class
    I-III" stays a measurement where the record also doses aspirin ("ASA 81 mg"), and neither
    "HGB 9 g/dL" nor "loading dose 600 mg" is dosed."""
    text = span.text
    if not is_code_name(text):
        return False
    if dose_follows(span.doc.text, span.end_char):
        return True
    return span.label_ != "measurement" and text in doc_dosed_names(span.doc)


_CONJUNCTION_GAP = re.compile(r"\s*(?:,\s*)?(?:(?:and/or|or|and)\s+)?")


def _coordinated_with_a_drug(text: str, found: list[tuple[int, int, str]], at: int) -> bool:
    """Whether a later conjunct of the list ``found[at]`` starts is a drug, by the model's
    label or by a drug head at its end: the conjuncts share it ("influenza, hepatitis A or
    hepatitis B vaccines")."""
    end = found[at][1]
    for start, stop, label in found[at + 1 :]:
        if start < end:
            continue
        if _CONJUNCTION_GAP.fullmatch(text, end, start) is None:
            return False
        last = text[start:stop].rsplit(None, 1)[-1].lower()
        if label == "DRUG" or last in drug_class_finder().heads:
            return True
        end = stop
    return False


def _is_abbreviation_fragment(span: Span) -> bool:
    """A capitalised abbreviation of four letters or fewer that is the first part of a
    protein's name: glued by a hyphen to a ligand number ("PD-L1") or, inside brackets or after
    "anti-", to a number ("(PD-1)", "anti-PD-1"). Such a "PD" is no Parkinson's disease; the
    lexicon matches it where the model's span around it was cut. "HIV-1 antibodies" and
    "MS-associated fatigue" keep theirs."""
    doc, start, end = span.doc, span.start, span.end
    if not (
        len(span) == 1 and len(span.text) <= 4 and span.text.isupper() and glued_by_hyphen(doc, end)
    ):
        return False
    part = doc[end + 1].text
    if _LIGAND.match(part):
        return True
    if not part[:1].isdigit():
        return False
    before = doc[start - 1].text if start else ""
    anti = start >= 2 and before == "-" and doc[start - 2].lower_ == "anti"
    return before in ("(", "[") or anti


_LIGAND = re.compile(r"L\d")


_CLOSING = frozenset({".", ",", ";", ":", ")", "]"})


def _is_letter(doc: Doc, i: int, taken: frozenset[int]) -> bool:
    """Whether token ``i`` is a capital letter standing alone that starts no other entity (whose
    char starts are ``taken``): "A", not the "B" of "B-cell" or of "B cell lymphoma"."""
    if i >= len(doc) or len(doc[i].text) != 1 or not "A" <= doc[i].text <= "Z":
        return False
    if doc[i].idx in taken:
        return False
    return i + 1 == len(doc) or bool(doc[i].whitespace_) or doc[i + 1].text in _CLOSING


def _with_subtype(span: Span, is_condition: Callable[[str], bool], taken: frozenset[int]) -> Span:
    """A condition span with the subtype letter printed after it: "hemophilia A", and
    "hemophilia A or B" when both letters name conditions.

    The model often stops before such a letter, and "hemophilia" alone is coded D66 (ICD-10-CM
    files "hemophilia NOS" under factor VIII deficiency), which "hemophilia B" is not. The
    letter is taken in only when the name with it, or its last words with it ("severe
    hemophilia A"), is a condition of the code tables; a coordinated pair keeps one mention,
    which no single code means. ``taken``: the char starts of the other entities."""
    doc, end = span.doc, span.end
    if span.label_ != "condition" or not doc[end - 1].whitespace_:
        return span
    if not _is_letter(doc, end, taken):
        return span
    words = span.text.split()

    def names_subtype(letter: str) -> bool:
        return any(is_condition(" ".join([*words[i:], letter])) for i in range(len(words)))

    if not names_subtype(doc[end].text):
        return span
    end += 1
    joined = end + 1 < len(doc) and doc[end].lower_ in ("or", "and", "/")
    if joined and _is_letter(doc, end + 1, taken) and names_subtype(doc[end + 1].text):
        end += 2
    return Span(doc, span.start, end, label=span.label_)


def _wider_than_all(span: Span, others: list[Span]) -> bool:
    """Whether ``span`` covers every one of ``others`` it overlaps, and is longer than each:
    the lexicon's "Hepatitis B or C" and "latent TB" over the model's "Hepatitis B", "TB"."""
    hit = [o for o in others if _overlaps(span, o)]
    return bool(hit) and all(
        span.start <= o.start and o.end <= span.end and len(span) > len(o) for o in hit
    )


def _outside(spans: list[Span], cuts: list[Span]) -> list[Span]:
    """The part of each span that overlaps a cut, after (or before) the cut, when a word is left."""
    out: list[Span] = []
    for s in spans:
        hit = [c for c in cuts if _overlaps(s, c)]
        if not hit:
            continue
        start, end = s.start, s.end
        last = max(c.end for c in hit)
        first = min(c.start for c in hit)
        part = (last, end) if end > last else (start, first)
        if part[1] > part[0] and any(t.is_alpha for t in s.doc[part[0] : part[1]]):
            out.append(Span(s.doc, part[0], part[1], label=s.label_))
    return out


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _merge(doc: Doc, preferred: list[Span], others: Iterable[Span]) -> tuple[Span, ...]:
    """``preferred`` spans, and the ``others`` that overlap none of them, in text order."""
    taken = [False] * len(doc)
    for span in preferred:
        for i in range(span.start, span.end):
            taken[i] = True
    kept = [s for s in others if not any(taken[i] for i in range(s.start, s.end))]
    return tuple(sorted([*preferred, *kept], key=lambda s: s.start))


def _merge_in_turn(doc: Doc, preferred: list[Span], groups: list[list[Span]]) -> list[Span]:
    """``preferred`` spans, then each group's spans that overlap none kept before that group,
    in text order: :func:`_merge` applied group after group, with one pass over the tokens.
    The spans of one group never overlap each other."""
    taken = bytearray(len(doc))
    kept = list(preferred)
    for span in preferred:
        taken[span.start : span.end] = b"\x01" * (span.end - span.start)
    for group in groups:
        fresh = [s for s in group if not any(taken[s.start : s.end])]
        for span in fresh:
            taken[span.start : span.end] = b"\x01" * (span.end - span.start)
        kept.extend(fresh)
    kept.sort(key=lambda s: s.start)
    return kept


class MentionModelComponent:
    """The model's mentions and the lexicon's, combined (module docstring) → ``doc.ents``."""

    def __init__(self, lexicon_first: list[str], drop_lexicon: list[str], batch_size: int) -> None:
        from nlp.concepts.codes import code_mention
        from nlp.mention_model import predict_mentions

        self.predict = predict_mentions
        self.is_condition = lambda text: bool(code_mention(text, "condition"))
        self.is_drug = lambda text: bool(code_mention(text, "drug"))
        self.lexicon_first = frozenset(lexicon_first)
        self.drop_lexicon = frozenset(drop_lexicon)
        self.batch_size = batch_size
        self.predict(["warm up"])  # load the model at build, not on the first criterion

    def __call__(self, doc: Doc) -> Doc:
        self._combine(doc, self.predict([doc_text(doc)])[0])
        return doc

    def pipe(self, stream: Iterable[Doc], batch_size: int = 256) -> Iterator[Doc]:
        docs = iter(stream)
        while batch := list(islice(docs, batch_size or self.batch_size)):
            found = self.predict([doc_text(d) for d in batch], batch_size=self.batch_size)
            for doc, spans in zip(batch, found, strict=True):
                self._combine(doc, spans)
                yield doc

    def _only_a_condition(self, text: str) -> bool:
        """A model "drug" that only the condition vocabularies name is a condition: the model
        labels "keratoconus", "B-cell lymphoma", "alpha-1 antitrypsin deficiency" drugs."""
        return self.is_condition(text) and not self.is_drug(text)

    def _combine(self, doc: Doc, found: list[tuple[int, int, str]]) -> None:
        model: list[Span] = []
        ents = doc.ents  # each access builds the spans again
        taken = frozenset([s for s, _, _ in found] + [e.start_char for e in ents])
        for at, (start, end, label) in enumerate(found):
            span = doc.char_span(start, end, label=MODEL_LABELS[label], alignment_mode="expand")
            if span is None or _is_unit_after_number(span):
                continue
            span = _with_subtype(span, self.is_condition, taken)
            if (
                span.label_ == "drug"
                and _ends_phrase(span)
                and self._only_a_condition(span.text)
                and not _coordinated_with_a_drug(doc.text, found, at)
            ):
                span = Span(doc, span.start, span.end, label="condition")
            elif span.label_ not in ("drug", "condition") and _dosed_code_name(span):
                span = Span(doc, span.start, span.end, label="drug")
            if not any(_overlaps(span, m) for m in model):
                model.append(span)
        first: list[Span] = []
        rest: list[Span] = []
        for e in ents:
            if (
                e.label_ in self.drop_lexicon
                or _is_unit_after_number(e)
                or _is_abbreviation_fragment(e)
            ):
                continue
            if e.label_ in self.lexicon_first or _wider_than_all(e, model):
                first.append(e)
            else:
                rest.append(e)
        # a model span cut by a biomarker keeps its part outside it ("EGFR-mutant NSCLC")
        outside = _outside(model, [e for e in first if e.label_ == "biomarker"]) if first else []
        doc.ents = _merge_in_turn(doc, first, [model, rest, outside])


class DrugNamesComponent:
    """Drug names of the DrugBank vocabulary (``drug-named-entity-recognition``) → ``doc.ents``.

    The model misses brand names and rarer drugs ("Humira", "ezetimibe", "chlorambucil") and
    sometimes gives them another label. A run of tokens whose key (:func:`nlp.concepts.
    normalize.key`) is a drug name in the vocabulary becomes a ``drug`` entity, longest first,
    replacing the entities inside it; an entity that is wider than the name keeps it
    ("heparin-induced thrombocytopenia" stays a condition). A name of four letters or fewer
    counts only in capitals ("ACTH", "BCNU"), and a brand or synonym only capitalised
    ("Luminal" is phenobarbital, "luminal A" a tumour subtype), since such names are often words.
    """

    MAX_WORDS = 6

    def __init__(self) -> None:
        from nlp.concepts.normalize import key
        from nlp.concepts.vocab import drug_index

        self.key = lru_cache(maxsize=1 << 16)(key)  # the same words recur in every record
        self.names = drug_index()
        self.sorted_names = sorted(self.names)
        self.first_words = frozenset(k.split(" ", 1)[0] for k in self.names)
        self.generic = {k: key(v[0]) for k, v in self.names.items() if v[0]}

    def __call__(self, doc: Doc) -> Doc:
        found = self._find(doc)
        if found:
            ents = list(doc.ents)
            kept = [
                d for d in found if not any(_overlaps(e, d) and not _within(e, d) for e in ents)
            ]
            doc.ents = _merge(doc, kept, ents)
        return doc

    def _as_written(
        self, k: str, written: str, starts_sentence: bool, written_key: str | None = None
    ) -> bool:
        """Short names only in capitals; another name than the drug's own (a brand, a
        synonym: "Luminal" for phenobarbital, not "luminal A") only capitalised, and not
        as the first word of a sentence, where every word is. ``written_key``: the key of
        the text as written when ``k`` spells out its Greek letters (the length is the
        written one's)."""
        if len(written_key or k) <= 4:
            return written.isupper()
        if k == self.generic.get(k):
            return True
        return written[:1].isupper() and (not starts_sentence or written.isupper())

    def _find(self, doc: Doc) -> list[Span]:
        text = doc_text(doc)
        tokens = doc_tokens(doc)
        starts, ends = tokens.starts, tokens.ends
        out: list[Span] = []
        i, n = 0, len(doc)
        while i < n:
            first = tokens.lower[i]
            if first not in self.first_words and not first.isalpha():
                first = self.key(text[starts[i] : ends[i]]).split(" ", 1)[0]  # "5-FU", "Crohn’s"
            if first not in self.first_words or tokens.is_punct[i]:
                i += 1
                continue
            end = self._longest_name(doc, text, tokens, i)
            if end:
                out.append(Span(doc, i, end, label="drug"))
                i = end
            else:
                i += 1
        return out

    def _longest_name(self, doc: Doc, text: str, tokens: TokenTable, i: int) -> int:
        """The end of the longest run of tokens from ``i`` (at most ``MAX_WORDS``) that is a
        drug name as written, or 0.

        A longer run's key extends a shorter one's (the key only folds characters and strips
        the ends), so once no name starts with a run's key no longer run can be a name, and the
        search stops there instead of keying every run up to ``MAX_WORDS``."""
        found = 0
        start, ends = tokens.starts[i], tokens.ends
        for j in range(i + 1, min(len(ends), i + self.MAX_WORDS) + 1):
            written = text[start : ends[j - 1]]
            keys = [self.key(written)]
            if len(keys[0]) > 4 and (spelled := greek_spelled(keys[0])) is not None:
                keys.append(spelled)  # "Interferon α2a": "interferon alpha 2a"; not "β2"
            if any(
                k in self.names
                and not _ends_on_punct(text, tokens, i, j, written)
                and self._as_written(k, written, bool(doc[i].is_sent_start), keys[0])
                for k in keys
            ):
                found = j
            if not any(self._starts_a_name(k) for k in keys):
                break
        return found

    def _starts_a_name(self, k: str) -> bool:
        at = bisect_left(self.sorted_names, k)
        return at < len(self.sorted_names) and self.sorted_names[at].startswith(k)


_OPENING = {")": "(", "]": "["}


def _ends_on_punct(text: str, tokens: TokenTable, i: int, j: int, written: str) -> bool:
    """Whether the run ``doc[i:j]`` ends on punctuation the key would strip: "digoxin," is
    "digoxin"; a bracket it opened is part of it ("insulin human [rDNA origin]")."""
    if not (j - 1 > i and tokens.is_punct[j - 1]):
        return False
    last = text[tokens.starts[j - 1] : tokens.ends[j - 1]]
    return not (last in ")]" and _OPENING[last] in written)


def _within(inner: Span, outer: Span) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


class BiomarkersComponent:
    """Genes named with a result or a variant → ``doc.ents`` (label ``biomarker``) and
    ``doc._.biomarkers`` (char span → the biomarkers read there)."""

    def __init__(self) -> None:
        from nlp.concepts.biomarkers import find_biomarkers

        self.find = find_biomarkers

    def __call__(self, doc: Doc) -> Doc:
        found = self.find(doc_text(doc))
        by_span: dict[tuple[int, int], list] = {}
        for b in found:
            by_span.setdefault(b.span, []).append(b)
        spans: list[Span] = []
        for start, end in by_span:
            span = doc.char_span(start, end, label="biomarker", alignment_mode="expand")
            if span is not None and not any(_overlaps(span, s) for s in spans):
                spans.append(span)
        if spans:
            doc.ents = _merge(doc, spans, doc.ents)
        doc._.biomarkers = {
            (s.start_char, s.end_char): by_span[k] for s, k in _keys(spans, by_span)
        }
        return doc


def _keys(spans: list[Span], by_span: dict) -> Iterator[tuple[Span, tuple[int, int]]]:
    """Each entity with the biomarker span it was made from (the entity may be wider)."""
    for s in spans:
        for k in by_span:
            if s.start_char <= k[0] and k[1] <= s.end_char:
                yield s, k
                break


class CodesComponent:
    """Codes of every mention (its text and category) and quantity (its measure)."""

    def __init__(self) -> None:
        from nlp.concepts.codes import (
            code_mention,
            code_quantity,
            load_vocabularies,
            quantity_context,
        )
        from nlp.rulefiles import concept_stoplist

        load_vocabularies()
        self.generic = frozenset(concept_stoplist().condition)
        self.code_mention = code_mention
        self.code_quantity = code_quantity
        self.context = quantity_context

    def __call__(self, doc: Doc) -> Doc:
        stored = doc._  # each ``doc._`` makes a new accessor object
        definitions = doc_definitions(doc)
        for mention in stored.mentions or ():
            if mention.codes:
                continue
            long = definitions.get(mention.text)
            if long is None:
                mention.codes = self.code_mention(mention.text, mention.category)
            else:
                mention.category, mention.codes = self._long_form_codes(mention, long)
        text = doc_text(doc)
        written: dict[str, str] = {}  # measure -> the context of the quantity that wrote it
        quantities = stored.quantities or ()
        starts = sorted(q.span[0] for q in quantities if q.span)
        for quantity in quantities:
            if quantity.measure and not quantity.codes:
                around = self.context(text, _with_measure(text, quantity))
                if quantity.measure in quantity.text:
                    written[quantity.measure] = around
                else:  # "ECOG performance status of 0 or 1": the "1" has the measure of the "0"
                    around = written.get(quantity.measure, around)
                measure = quantity.measure
                before = around[: max(0, around.find(measure))]
                if quantity.notes in PAIR_MEASURES and names_blood_pressure(measure, before):
                    measure = PAIR_MEASURES[quantity.notes]
                quantity.codes = self.code_quantity(
                    measure, quantity.unit, around, _up_to_next_limit(text, quantity, starts)
                )
        _codes_of_measures(text, stored.mentions or (), quantities)
        return doc

    def _long_form_codes(self, mention: Mention, long: str) -> tuple[str, list[Code]]:
        """The category and codes of a mention that is an abbreviation the record defines as
        ``long``, in order: the long form's codes in the mention's category; the short form's
        own codes where their name agrees with the long form (:func:`_agrees`: "WBC", white
        blood cell, is "Leukocytes [#/volume] in Blood"; a record's "MI" for mitral
        insufficiency is no myocardial infarction); where the long form is coded in exactly
        one category and :data:`MOVES` allows the move, that category and its codes; else
        none."""
        category = mention.category
        codes = self.code_mention(long, category)
        if codes:
            return category, codes
        own = self.code_mention(mention.text, category)
        if own and _agrees(long, own, category, self.generic):
            return category, own
        moves = MOVES.get(category, ())
        found = [(c, k) for c in LONG_FORM_CATEGORIES if (k := self.code_mention(long, c))]
        if len(found) == 1 and found[0][0] in moves:
            return found[0]
        return category, []


def _with_measure(text: str, quantity: Quantity) -> tuple[int, int] | None:
    """The quantity's span, widened back to its measure where the span does not hold it and
    the measure is printed, as a whole word, within 80 characters before it: the words around
    a limit reach back from its measure, not from its number ("DAS28/Erythrocyte
    Sedimentation Rate (ESR) >=3.2" is a DAS28 score). A span that holds its measure ("QTc >
    470 ms" after "QTcF (Fridericia) > 450 ms;") is not widened to an earlier copy."""
    span, measure = quantity.span, quantity.measure
    if span is None or not measure or measure in text[span[0] : span[1]]:
        return span
    start = max(0, span[0] - 80)
    printed = list(re.finditer(rf"(?<!\w){re.escape(measure)}(?!\w)", text[start : span[0]]))
    return (start + printed[-1].start(), span[1]) if printed else span


def _codes_of_measures(
    text: str, mentions: Iterable[Mention], quantities: Iterable[Quantity]
) -> None:
    """A mention that is the written measure of quantities: the nearest mention before a
    quantity's limit (or inside it) whose text is in the quantity's measure, and a
    measurement mention right before the measure's abbreviation in brackets, starting with its
    letter, for the limit right after the bracket ("serum creatinine (SCr) ≤ 133 µmol/L": both
    the long form and "SCr"; not the "heart rate" of "QT interval corrected for heart rate
    (QTc)", nor the long form of "FEV1 (...) ≥ 1.0 L" for a later "FEV1 ≥ 50%"). A mention
    inside another known measure that is uncoded takes no code ("hs-CRP > 2 mg/L").

    A measurement mention takes the codes of the coded quantities it measures, in order, each
    once. A quantity's code knows its unit and method: "serum creatinine > 152 µmol/L" is the
    molar creatinine 14682-9, "HbA1c > 75 mmol/mol" the IFCC 59261-8 and "QTc (Fridericia) >
    480 msec" the QTcF 76634-5, where the mention's name alone gives the mass, the percent and
    the uncorrected codes. Where its limits are uncoded, it keeps the codes of its own that
    fit their concentration units ("direct bilirubin ≤ 35 µmol/L" loses the mass code
    1968-7; "an increase in creatinine of 15%" keeps 2160-0). A drug
    mention that is the whole measure of a concentration limit with a comparator is a level in
    the blood, a measurement ("Follicle stimulating hormone > 20 IU/L", "tacrolimus > 10
    ng/mL"), and so is one limited relative to a normal range ("alkaline phosphatase = 10
    times upper limit of normal"), with its quantity's codes or, where it has none, its own:
    the substance measured. A dose ("Prednisone > 10 mg/day") or a product's strength ("Heparin 5000
    IU/mL") leaves it a drug."""
    from nlp.concepts.codes import fits_property

    measures = [m for m in mentions if m.category in ("measurement", "drug") and m.span]
    taken: dict[int, list[Code]] = {}
    units: dict[int, list[str]] = {}

    def link(i: int, q: Quantity) -> None:
        if q.codes:
            found = taken.setdefault(i, [])
            found.extend(c for c in q.codes if c not in found)
        elif q.measure != measures[i].text and is_measure_name(q.measure or ""):
            taken.setdefault(i, [])  # the "CRP" of "hs-CRP > 2 mg/L" is no CRP
        elif _is_concentration(q.unit):  # "creatinine increase of 15%" is serum creatinine
            units.setdefault(i, []).append(q.unit or "")

    for q in quantities:
        if not (q.span and q.measure):
            continue
        named = [
            i
            for i, m in enumerate(measures)
            if m.span and m.span[0] < q.span[1] and m.text in q.measure
        ]
        at = max(named, key=lambda i: measures[i].span or (0, 0)) if named else None
        for i, m in enumerate(measures):
            if (
                i != at
                and m.category == "measurement"
                and m.span
                and m.text[:1].lower() == q.measure[:1].lower()
                and (bracket := _bracketed(text, m.span[1], q.measure)) is not None
                and (at is None or (measures[at].span or (0, 0))[0] < bracket)
                and q.span[0] - bracket < 4
            ):
                link(i, q)  # the long form before its abbreviation, not "heart rate (QTc)"
        if at is None:
            continue
        if measures[at].category == "drug":
            relative = q.relative_to is not None  # "= 10 times ULN" is no product's strength
            if (
                (q.comparator == "=" and not relative)
                or q.measure != measures[at].text
                or not (relative or _is_concentration(q.unit))
            ):
                continue  # "tacrolimus trough level > 10 ng/mL": the drug, and its level
            measures[at].category = "measurement"
        link(at, q)
    for at, found in taken.items():
        measures[at].codes = found
    for at, printed in units.items():
        if at not in taken:
            m = measures[at]
            m.codes = [
                c for c in m.codes if all(fits_property(c.display or "", u) for u in printed)
            ]


_BRACKET_AFTER = re.compile(r"\s*\(\s*([^()]*?)\s*\)")


def _bracketed(text: str, end: int, short: str) -> int | None:
    """Where the bracket holding ``short`` right after ``end`` closes, or None."""
    m = _BRACKET_AFTER.match(text, end)
    return m.end() if m is not None and m.group(1) == short else None


_CONCENTRATION = re.compile(r"(?:[munpfµ]?g|[munpfµ]?mol|[mµu]?\[IU\]|[mµu]?U)/[^/]+")


def _is_concentration(unit: str | None) -> bool:
    """Whether ``unit`` is an amount per volume: mass, moles, international or enzyme units
    (``ng/mL``, ``[IU]/L``, ``u[IU]/mL``; not ``10*9/L`` nor ``mg/d``)."""
    from nlp.units import same_dimension

    if unit is None or _CONCENTRATION.fullmatch(unit) is None:
        return False
    return same_dimension(unit.split("/", 1)[1], "L")


def _up_to_next_limit(text: str, quantity: Quantity, starts: list[int]) -> str:
    """The text after a quantity up to the next one's start or the sentence's end (at most
    200 characters)."""
    if quantity.span is None:
        return ""
    end = quantity.span[1]
    at = bisect_left(starts, end)
    following = starts[at] if at < len(starts) else len(text)
    after = text[end : min(following, end + 200)]
    sentence_end = _SENTENCE_END_RE.search(after)
    return after[: sentence_end.start()] if sentence_end else after


_SENTENCE_END_RE = re.compile(r";|\.(?:\s|$)")


PAIR_MEASURES = {"systolic": "systolic blood pressure", "diastolic": "diastolic blood pressure"}
"""What each limit of a blood-pressure pair measures ("blood pressure ≤ 140/90 mmHg": the 140
is systolic, the 90 diastolic), whatever the words before it call the pair."""

LONG_FORM_CATEGORIES = ("condition", "drug", "measurement")
"""The categories whose vocabularies may code an abbreviation's long form."""
MOVES = {
    "observation": ("condition", "measurement"),
    "measurement": ("condition",),
    "procedure": ("condition",),
    "drug": ("condition",),
}
"""Where a mention of a short form may move when its long form is coded in one other category,
and no other: the model's label for a bare short form is the least reliable it gives ("DNR"
read as an observation is Do Not Resuscitate, Z66; "LN" read as a drug is lupus nephritis).
Never to ``drug`` (DrugBank names antigens, "hepatitis B surface antigen", which criteria name
as test results), nor from a condition to a measurement ("PLT transfusions" are no platelet
count), nor from a test or a biomarker, which the lexicon names by the words around them."""


def _agrees(long: str, codes: list[Code], category: str, generic: frozenset[str]) -> bool:
    """Whether a short form's usual codes mean the long form the record gives it: a word of
    four letters or more of the long form, not a generic one ("disease"), is a word of a code's
    display ("WBC", white blood cell, is "Leukocytes [#/volume] in Blood"); for a condition,
    its last word too, unless that is generic ("MI" for "silent myocardial ischemia" is no
    myocardial infarction; "AIDS", acquired immunodeficiency syndrome, is B20)."""
    displayed = {w for c in codes for w in re.findall(r"[a-z0-9]+", (c.display or "").lower())}
    words = re.findall(r"[a-z0-9]+", long.lower())
    shares = any(len(w) >= 4 and w not in generic and w in displayed for w in words)
    if category != "condition" or not words:
        return shares
    head = words[-1]
    if head in generic:  # "acquired immunodeficiency syndrome" is B20, "... disorder" J44.9
        return shares
    return bool({head, head[:-1], head[:-2]} & displayed)  # "viruses", "lymphomas"


@Language.factory(
    "eligo_mention_model",
    default_config={
        "lexicon_first": ["test", "biomarker"],
        "drop_lexicon": [],
        "batch_size": 256,
    },
    requires=["doc.ents"],
    assigns=["doc.ents"],
)
def make_mention_model(
    nlp: Language, name: str, lexicon_first: list[str], drop_lexicon: list[str], batch_size: int
) -> MentionModelComponent:
    return MentionModelComponent(lexicon_first, drop_lexicon, batch_size)


@Language.factory("eligo_drug_names", requires=["doc.ents"], assigns=["doc.ents"])
def make_drug_names(nlp: Language, name: str) -> DrugNamesComponent:
    return DrugNamesComponent()


@Language.factory(
    "eligo_biomarkers", requires=["doc.ents"], assigns=["doc.ents", "doc._.biomarkers"]
)
def make_biomarkers(nlp: Language, name: str) -> BiomarkersComponent:
    return BiomarkersComponent()


@Language.factory(
    "eligo_codes",
    requires=["doc._.mentions", "doc._.quantities"],
    assigns=["doc._.mentions", "doc._.quantities"],
)
def make_codes(nlp: Language, name: str) -> CodesComponent:
    return CodesComponent()
