"""Output formats: every way Eligo writes protocols out, one module per format.

``EXPORTERS`` maps a format's name to its :class:`Exporter`: a ``name``, a file ``suffix``, a
one-line ``description`` and ``dumps(protocols, **options)``, which returns the format's text
(or bytes, for a ``binary`` format). ``eligo parse --format`` offers every registered format
and its help lists their descriptions; ``eligo schema --format`` every format with a
``schema()``.

==========  =============================================================================
``yaml``    one rule file, YAML (:mod:`nlp.export.yaml`); null and empty fields left out
``json``    the same rule file as JSON (:mod:`nlp.export.json`); its ``schema()`` is the JSON
            Schema of a rule file, YAML or JSON
``jsonl``   one line per record: key, trial_id, source, protocol (:mod:`nlp.export.jsonl`)
``parquet`` one row per criterion (:mod:`nlp.export.parquet`, columns in ``SCHEMA``)
``fhir``    a FHIR R5 EvidenceVariable per trial, a Bundle for several (:mod:`nlp.export.fhir`)
``omop-sql`` an OMOP CDM v5.4 cohort query, DuckDB and PostgreSQL (:mod:`nlp.export.omop_sql`)
``html``    a review page: the text with every span marked, a card per criterion
            (:mod:`nlp.export.html`, a package: templates, CSS and script in ``assets/``)
==========  =============================================================================

``fhir`` and ``omop-sql`` are :class:`nlp.export.interop.InteropExporter` s: ``render`` also
returns their coverage (criteria expressed fully, partly, as text only), which ``eligo export``
prints; :mod:`nlp.export.interop` holds what they share (docs/interop.md).
:mod:`nlp.export.convert` is ``eligo export`` as a library call.

``jsonl`` and ``parquet`` are :class:`StreamExporter` s: a format of one *entry* per record,
written as records come. ``entry(protocol, key, source)`` is one record's output as plain data
(a line of bytes, a list of row dicts), made in a batch worker and sent to the writing
process; ``open(path)`` gives a writer of entries to a new file. ``eligo batch`` writes them
through :mod:`nlp.batch.writers`, which adds what a long run needs around the bytes (resume,
torn lines, Parquet parts and their keys files, the lock): a streaming format is offered by
``eligo batch`` once ``nlp.batch.writers.WRITERS`` knows how to resume it.

Reading rule files back is not here: :mod:`models.io` (``load_protocol``) belongs to the contract.

Adding a format is one module in this package that sets ``EXPORTER``; it is found, registered
and offered by the CLI without another change. For instance ``nlp/export/csv.py``, one row per
quantity::

    import csv
    import io

    from nlp.export.base import Exporter


    class CsvExporter(Exporter):
        name = "csv"
        suffix = ".csv"
        description = "one row per quantity: trial, criterion, measure, comparator, value, unit"

        def dumps(self, protocols, **options):
            out = io.StringIO()
            rows = csv.writer(out)
            rows.writerow(["trial_id", "criterion_id", "measure", "comparator", "value", "unit"])
            for protocol in protocols:
                for _group, criterion, _depth in protocol.iter_criteria():
                    for q in criterion.quantities:
                        rows.writerow([protocol.trial_id, criterion.id, q.measure,
                                       q.comparator, q.value, q.unit])
            return out.getvalue()


    EXPORTER = CsvExporter()

after which ``EXPORTERS["csv"].dumps([protocol])`` works and ``eligo parse --format csv`` is
offered. A format defined outside the package is added with :func:`register`. Keep a format's
imports inside its functions when they are heavy (see :mod:`nlp.export.parquet`): every
command that lists the formats imports every module.
"""

from __future__ import annotations

import importlib
import pkgutil

from models import Protocol
from nlp.export.base import (
    EXPORTERS,
    EntryWriter,
    Exporter,
    StreamExporter,
    get_exporter,
    record_key,
    register,
)

__all__ = [
    "EXPORTERS",
    "EntryWriter",
    "Exporter",
    "StreamExporter",
    "dump_protocol",
    "get_exporter",
    "record_key",
    "register",
]

_NOT_FORMATS = frozenset({"base", "convert", "data", "interop"})


def _register_builtins() -> None:
    """Import each module of this package and register its ``EXPORTER``, by module name."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.name in _NOT_FORMATS:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        exporter = getattr(module, "EXPORTER", None)
        if isinstance(exporter, Exporter):
            register(exporter)


def dump_protocol(protocol: Protocol, fmt: str = "yaml", *, include_text: bool = True) -> str:
    """One protocol as a text format (``yaml``, ``json``, ``jsonl``...), as ``eligo parse``
    writes it; ``include_text`` keeps its eligibility text."""
    exporter = get_exporter(fmt)
    if exporter.binary:
        raise ValueError(f"{fmt} is a binary format: use EXPORTERS[{fmt!r}].dumps")
    text = exporter.dumps([protocol], include_text=include_text)
    assert isinstance(text, str)
    return text


_register_builtins()
