"""Drug classes as a spaCy component: ``eligo_drug_classes`` → ``doc.ents``.

Runs after ``eligo_drug_names``, over the entities the model, the lexicon and the drug names
left. Each class found by :mod:`nlp.concepts.drug_classes` ("CYP3A4 inhibitors", "live
vaccines") is laid over them:

* where nothing overlaps it, it is a ``drug`` entity;
* the entities it covers are replaced by it ("RA" of "GLP1 RA" was a condition), unless two
  of them are drugs (a list the class is only the head of; a drug name glued by a hyphen to
  the next word, "renin-angiotensin", or a short form in brackets, "(TNF)", is part of a
  modifier) or one is a test or biomarker (the
  categories that keep their own span, ``eligo_mention_model``'s ``lexicon_first``);
* an entity that ends with it and is wider is relabelled ``drug``: the model read "loop
  diuretic" and "weight loss agents" as a procedure and a condition; not where the words
  before the class hold a stop word ("Use of tobacco products" stays an observation);
* an entity that crosses it or goes on after it keeps its span and label ("drug abuse",
  "opioid use disorder", "contrast agent allergy").

Antibodies an "inhibitor" head names ("factor VIII inhibitors", a ``condition``) replace the
entities inside them and are laid down where nothing crosses them.
"""

from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp.pipeline.docs import glued_by_hyphen

KEEPS_ITS_SPAN = frozenset({"test", "biomarker"})


class DrugClassesComponent:
    """Drug classes and generic drug heads → ``doc.ents`` (module docstring)."""

    def __init__(self) -> None:
        from nlp.concepts.drug_classes import drug_class_finder

        self.finder = drug_class_finder()

    def __call__(self, doc: Doc) -> Doc:
        found = self.finder.find(doc)
        if not found:
            return doc
        ents = list(doc.ents)
        for start, end, label in found:
            hit = [e for e in ents if e.start < end and start < e.end]
            inside = [e for e in hit if start <= e.start and e.end <= end]
            if len(inside) == len(hit):
                # antibodies replace whatever the model read inside them (a drug, a test)
                if label != "drug" or (
                    sum(e.label_ == "drug" and not _is_modifier_part(e) for e in inside) < 2
                    and not any(e.label_ in KEEPS_ITS_SPAN for e in inside)
                ):
                    ents = [e for e in ents if e not in inside]
                    ents.append(Span(doc, start, end, label=label))
                continue
            if label != "drug":
                continue
            wider = [e for e in hit if e.start <= start and e.end == end]
            if (
                len(hit) == 1
                and wider
                and wider[0].label_ not in KEEPS_ITS_SPAN
                and not any(t.is_stop or t.is_punct for t in doc[wider[0].start : start])
            ):  # "use of tobacco products", "exposure to ... agents": what is done with it
                e = wider[0]
                ents[ents.index(e)] = Span(doc, e.start, e.end, label="drug")
        doc.ents = tuple(sorted(ents, key=lambda s: s.start))
        return doc


def _is_modifier_part(span: Span) -> bool:
    """Whether the entity is glued by a hyphen to the word after it, or is a short form in
    brackets: the "renin" of "renin-angiotensin system (RAS) blockade agents" and the "TNF" of
    "tumor necrosis factor (TNF) inhibitors" are parts of modifiers, not drugs of a list."""
    doc, start, end = span.doc, span.start, span.end
    if glued_by_hyphen(doc, end):
        return True
    return start > 0 and end < len(doc) and doc[start - 1].text == "(" and doc[end].text == ")"


@Language.factory("eligo_drug_classes", requires=["doc.ents"], assigns=["doc.ents"])
def make_drug_classes(nlp: Language, name: str) -> DrugClassesComponent:
    return DrugClassesComponent()
