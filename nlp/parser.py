"""The parser: records in, Protocols out, with the spaCy pipeline built once and reused.

Records are parsed in chunks so that the items of several records go through ``nlp.pipe``
together; one bad item never loses the record (it is kept with its text and a W106 warning),
and one bad record never loses the chunk.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import Literal, overload

from spacy.language import Language
from spacy.tokens import Doc

from models import ParseWarning, Protocol
from nlp.encode import ItemAnalysis, encode_protocol, read_analysis
from nlp.errors import E_RECORD_FAILED, W_UNPARSED_ITEM, EligoError
from nlp.ingest import Record
from nlp.outline import Outline, OutlineItem, build_outline
from nlp.pipeline.build import run_stagewise
from nlp.pipeline.docs import item_doc
from nlp.textutil import CleanText

CHUNK_RECORDS = 32


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a chunk is parsed.

    A chunk allocates hundreds of thousands of short-lived objects (tokens, spans, models) that
    reference counting frees; the collector would otherwise walk the young ones every 700
    allocations (~15% of the parse time). It runs as usual once the chunk is done.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _release(doc: Doc) -> None:
    """Drop what the components stored on a doc once it has been read.

    ConText's graph and modifiers and the lexicon's rules sit in ``doc.user_data`` and hold
    spans of the doc, so every doc is in a reference cycle that only the cyclic collector
    frees, after walking all of them (about 5 % of the parse time). Emptying ``user_data``
    breaks the cycles and reference counting frees each doc at once.
    """
    doc.user_data.clear()


class RecordError(EligoError):
    """A record that could not be parsed; names the record's source."""

    code = E_RECORD_FAILED


def _flatten(items: list[OutlineItem]) -> Iterator[OutlineItem]:
    for item in items:
        yield item
        yield from _flatten(item.children)


class _Prepared:
    """One record between outline and encoding."""

    def __init__(
        self,
        record: Record,
        outline: Outline,
        aliases: dict[str, str],
        definitions: dict[str, str],
        dosed: frozenset[str],
    ) -> None:
        self.record = record
        self.outline = outline
        self.aliases = aliases
        self.definitions = definitions
        self.dosed = dosed
        self.items = [i for g in outline.groups for i in _flatten(g.items)]
        self.cleans: dict[str, CleanText] = {
            item.id: item.clean(record.eligibility_text) for item in self.items
        }
        self.analyses: dict[str, ItemAnalysis] = {}
        self.warnings: list[ParseWarning] = []


# Parsed once when a Parser is built: it loads what the first record would otherwise load (the
# UCUM unit registry, 1 to 4 s; the temporal patterns; the modules imported on first use).
WARM_UP_TEXT = (
    "Inclusion Criteria:\n"
    "  -  Hemoglobin >= 9 g/dL (90 g/L) and platelets >= 100 x 10^9/L within 14 days prior to "
    "the first dose\n"
    "Exclusion Criteria:\n"
    "  -  No history of myocardial infarction within 6 months, except stable angina\n"
)


class Parser:
    """Build once, parse many: ``Parser().parse_record(record)``.

    Building takes a second or two; the first record then costs what every other does.
    """

    def __init__(self, nlp: Language | None = None) -> None:
        from nlp.pipeline import build_nlp

        self.nlp = nlp if nlp is not None else build_nlp()
        self._warm_up()

    def _warm_up(self) -> None:
        from nlp.ingest import record_from_text
        from nlp.units import load_registry

        load_registry()
        self.parse_record(record_from_text(WARM_UP_TEXT, "<warm-up>"))

    def parse_record(self, record: Record) -> Protocol:
        result = next(self.parse_records([record], errors="return"))
        if isinstance(result, Exception):
            raise result
        return result

    @overload
    def parse_records(
        self, records: Iterable[Record], errors: Literal["raise"] = ...
    ) -> Iterator[Protocol]: ...
    @overload
    def parse_records(
        self, records: Iterable[Record], errors: Literal["return"]
    ) -> Iterator[Protocol | RecordError]: ...

    def parse_records(
        self, records: Iterable[Record], errors: Literal["raise", "return"] = "raise"
    ) -> Iterator[Protocol | RecordError]:
        """Parse records in order; with ``errors="return"`` a failed record yields its error."""
        iterator = iter(records)
        while chunk := list(islice(iterator, CHUNK_RECORDS)):
            with _collector_paused():
                results = self._parse_chunk(chunk)
            for result in results:
                if isinstance(result, RecordError) and errors == "raise":
                    raise result
                yield result

    def _parse_chunk(self, records: list[Record]) -> list[Protocol | RecordError]:
        from nlp.concepts.abbreviations import find_definitions, find_dosed_names
        from nlp.temporal import find_abbreviations

        prepared: list[_Prepared | RecordError] = []
        for record in records:
            try:
                text = record.eligibility_text
                prepared.append(
                    _Prepared(
                        record,
                        build_outline(text),
                        find_abbreviations(text),
                        find_definitions(text),
                        find_dosed_names(text),
                    )
                )
            except Exception as exc:  # one record's failure is reported, not fatal
                prepared.append(RecordError(f"{record.source}: cannot outline: {exc!r}"))
        self._annotate([p for p in prepared if isinstance(p, _Prepared)])
        results: list[Protocol | RecordError] = []
        for p in prepared:
            if isinstance(p, RecordError):
                results.append(p)
                continue
            try:
                results.append(
                    encode_protocol(p.record, p.outline, p.cleans, p.analyses, p.warnings)
                )
            except Exception as exc:
                results.append(RecordError(f"{p.record.source}: cannot encode: {exc!r}"))
        return results

    def _annotate(self, prepared: list[_Prepared]) -> None:
        """Run all items of the chunk through the pipeline together (:func:`run_stagewise`)."""
        docs: list[Doc] = []
        owners: list[tuple[_Prepared, OutlineItem]] = []
        refused: dict[int, str] = {}  # id(item) -> why the item was not tokenized
        for p in prepared:
            for item in p.items:
                try:
                    doc = item_doc(
                        self.nlp, p.cleans[item.id].text, p.aliases, p.definitions, p.dosed
                    )
                except Exception as exc:  # kept with its text and a W106, like a pipeline failure
                    refused[id(item)] = str(exc)
                    continue
                docs.append(doc)
                owners.append((p, item))
        annotated: list[Doc | str]
        try:
            annotated = list(run_stagewise(self.nlp, docs, batch_size=256))
        except Exception:  # find the item that fails; the others are still analysed
            annotated = [self._annotate_one(doc.text, doc.user_data) for doc in docs]
        done: dict[int, Doc | str] = {
            id(item): doc for (_, item), doc in zip(owners, annotated, strict=True)
        }
        done.update(refused)
        for p in prepared:
            for item in p.items:
                self._analyse(p, item, done[id(item)])
        for doc in docs:
            _release(doc)

    def _analyse(self, p: _Prepared, item: OutlineItem, doc: Doc | str) -> None:
        """The item's analysis, or an empty one and a W106 warning saying why there is none."""
        try:
            if isinstance(doc, str):
                raise ValueError(doc)
            p.analyses[item.id] = read_analysis(doc)
        except Exception as exc:
            p.analyses[item.id] = ItemAnalysis()
            p.warnings.append(
                ParseWarning(
                    code=W_UNPARSED_ITEM,
                    message=f"item kept with its text but not analysed: {exc}",
                    span=item.span,
                    criterion_id=item.id,
                )
            )

    def _annotate_one(self, text: str, user_data: dict) -> Doc | str:
        """The doc run through the pipeline, or why it could not be."""
        try:
            doc = self.nlp.make_doc(text)
            doc.user_data.update(user_data)
            return self.nlp(doc)
        except Exception as exc:
            return f"pipeline failed on this item: {exc!r}"
