"""Run an evaluation: read a corpus, parse every document, align, score, collect errors.

``evaluate(docs, protocols, corpus)`` scores protocols you already have (tests feed hand-made
ones); ``run(corpus, directory)`` reads the corpus and parses it with :class:`nlp.parser.Parser`.
A document that is empty, undecodable or fails to parse is listed in ``problems`` and
skipped; one bad annotation drops only that annotation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from models import Protocol
from nlp.errors import E_PARSER_BUILD
from nlp.evaluate.align import Alignment, PredItem, align, predictions
from nlp.evaluate.corpora import READERS, GoldDoc, GoldItem, Problem
from nlp.evaluate.mentions import MentionTally, predicted_mentions
from nlp.evaluate.metrics import LEVELS, FamilyLevels, first_failure, merge, score

# family → levels measured, per corpus; "*_all" families are span recall over every annotation
FAMILIES: dict[str, dict[str, tuple[str, ...]]] = {
    "lct": {
        "comparison": LEVELS,
        "temporal": LEVELS,
        "negation": ("span",),
        "negated_concept": ("span",),
    },
    "chia": {
        "value": LEVELS[:3],
        "temporal": LEVELS[:3],
        "negation": ("span",),
        "negated_concept": ("span",),
        "value_all": ("span",),
        "temporal_all": ("span",),
    },
}


@dataclass
class ErrorCase:
    """One scoring error: ``kind`` is missed | spurious | operator | value | unit."""

    kind: str
    family: str
    doc_id: str
    text: str  # the document text, for context
    gold: GoldItem | None = None
    pred: PredItem | None = None


@dataclass
class EvalResult:
    corpus: str
    families: dict[str, FamilyLevels]
    errors: list[ErrorCase] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    documents: int = 0
    scored: int = 0
    cross_family: int = 0  # pairs whose prediction came from the other numeric family
    mentions: MentionTally = field(default_factory=MentionTally)


def _split(alignment: Alignment, family: str, pred_families: set[str]) -> Alignment:
    return Alignment(
        [p for p in alignment.pairs if p.gold.family == family],
        [g for g in alignment.missing if g.family == family],
        [p for p in alignment.extra if p.family in pred_families],
        [p for p in alignment.alternatives if p.family in pred_families],
        [p for p in alignment.shared if p.family in pred_families],
    )


def evaluate_doc(doc: GoldDoc, protocol: Protocol, corpus: str, result: EvalResult) -> None:
    """Score one document's protocol into ``result``."""
    result.mentions.add(doc.mentions, predicted_mentions(protocol))
    result.mentions.add_codes(protocol)
    preds = predictions(protocol, corpus)
    main = [g for g in doc.items if not g.family.endswith("_text")]
    alignment = align(main, preds, corpus)
    for family, levels in FAMILIES[corpus].items():
        if family.endswith("_all"):
            continue
        part = _split(alignment, family, {family})
        merge(result.families[family], score(family, part, levels))
        for pair in part.pairs:
            if pair.pred.family != family:
                result.cross_family += 1
            failed = first_failure(pair, levels)
            if failed:
                result.errors.append(
                    ErrorCase(failed, family, doc.doc_id, doc.text, pair.gold, pair.pred)
                )
        for g in part.missing:
            result.errors.append(ErrorCase("missed", family, doc.doc_id, doc.text, gold=g))
        for p in part.extra:
            result.errors.append(ErrorCase("spurious", family, doc.doc_id, doc.text, pred=p))
    if corpus == "chia":
        everything = align(doc.items, preds, "chia_all")
        for family, golds, pfams in (
            ("value_all", {"value", "value_text"}, {"value", "value_novalue"}),
            ("temporal_all", {"temporal", "temporal_text"}, {"temporal", "temporal_novalue"}),
        ):
            part = Alignment(
                [p for p in everything.pairs if p.gold.family in golds],
                [g for g in everything.missing if g.family in golds],
                [p for p in everything.extra if p.family in pfams],
            )
            merge(result.families[family], score(family, part, ("span",)))


def evaluate(
    docs: Iterable[GoldDoc],
    protocols: Callable[[list[GoldDoc]], Iterator[Protocol | Exception]],
    corpus: str,
) -> EvalResult:
    """Score ``protocols(usable_docs)`` (one Protocol or exception per doc, in order)."""
    result = EvalResult(corpus, {f: FamilyLevels(f, lv) for f, lv in FAMILIES[corpus].items()})
    usable: list[GoldDoc] = []
    for doc in docs:
        result.documents += 1
        result.problems.extend(doc.problems)
        if doc.usable:
            usable.append(doc)
    for doc, protocol in zip(usable, protocols(usable), strict=True):
        if isinstance(protocol, Exception):
            result.problems.append(
                Problem(doc.doc_id, "parse_failed", f"{type(protocol).__name__}: {protocol}")
            )
            continue
        if protocol.eligibility_text is not None and protocol.eligibility_text != doc.text:
            result.problems.append(
                Problem(doc.doc_id, "text_changed", "the parser's eligibility text differs")
            )
        evaluate_doc(doc, protocol, corpus, result)
        result.scored += 1
    return result


def parse_with_eligo(docs: list[GoldDoc]) -> Iterator[Protocol | Exception]:
    """Parse each document's text as a plain eligibility text; one failure does not stop it."""
    from nlp.errors import EligoError
    from nlp.ingest import record_from_text

    try:
        from nlp.parser import Parser

        parser = Parser()
    except Exception as err:  # the whole run needs the parser: one line, not a traceback
        raise EligoError(
            f"cannot build the parser: {type(err).__name__}: {err}", E_PARSER_BUILD
        ) from err
    for doc in docs:
        try:
            yield parser.parse_record(record_from_text(doc.text, doc.doc_id))
        except Exception as err:  # a crash on one document is a listed failure, not a stop
            yield err


def run(
    corpus: str,
    directory: str | Path,
    limit: int | None = None,
    protocols: Callable[[list[GoldDoc]], Iterator[Protocol | Exception]] | None = None,
) -> EvalResult:
    """Read ``corpus`` (``lct`` or ``chia``) from ``directory`` and score Eligo on it."""
    docs = list(READERS[corpus](directory, limit))
    return evaluate(docs, protocols or parse_with_eligo, corpus)
