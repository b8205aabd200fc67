"""The exporter interface and the registry the formats put themselves in (see :mod:`nlp.export`)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar

from models import Protocol


class Exporter(ABC):
    """One output format: a name, a file suffix, a line of description, and ``dumps``.

    ``dumps(protocols, **options)`` turns protocols into the format's text (``str``) or, when
    ``binary``, its bytes. Every format takes the option ``include_text`` (whether the
    eligibility text is written; ``eligo parse --no-text`` sets it to False), and may take
    its own. ``schema()`` is the schema of the output as text, when the format has one that
    ``eligo schema --format NAME`` should print.
    """

    name: ClassVar[str]
    suffix: ClassVar[str]
    description: ClassVar[str]
    binary: ClassVar[bool] = False

    @abstractmethod
    def dumps(
        self, protocols: Sequence[Protocol], *, include_text: bool = True, **options: Any
    ) -> str | bytes:
        """``protocols`` in this format."""

    def schema(self) -> str | None:
        return None

    @property
    def has_schema(self) -> bool:
        """Whether :meth:`schema` is defined, known without building the schema."""
        return type(self).schema is not Exporter.schema


class EntryWriter(ABC):
    """Writes the entries of a :class:`StreamExporter` to one new file, as they come."""

    @abstractmethod
    def write(self, entry: Any) -> None: ...

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> EntryWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class StreamExporter(Exporter):
    """A format of one *entry* per record, written as the records come (what ``eligo batch``
    writes): a record is a protocol with its ``key`` and ``source`` (see :func:`record_key`).

    ``entry`` makes one record's output as plain, picklable data (a batch worker makes it and
    sends it to the process that writes); ``open`` returns an :class:`EntryWriter` of entries.
    ``include_text``: whether the record's eligibility text is written (a format that never
    writes it ignores the option).
    """

    @abstractmethod
    def entry(
        self,
        protocol: Protocol,
        key: str | None = None,
        source: str | None = None,
        *,
        include_text: bool = False,
    ) -> Any: ...

    @abstractmethod
    def open(self, path: str | Path) -> EntryWriter: ...

    def entries(
        self,
        protocols: Sequence[Protocol],
        sources: Sequence[str | None] | None = None,
        *,
        include_text: bool = False,
    ) -> Iterable[Any]:
        """The entries of ``protocols``; ``sources`` (one per protocol) give their keys."""
        if sources is not None and len(sources) != len(protocols):
            raise ValueError(f"{len(protocols)} protocols but {len(sources)} sources")
        for protocol, source in zip(protocols, sources or [None] * len(protocols), strict=True):
            key = record_key(protocol.trial_id, source)
            yield self.entry(protocol, key, source, include_text=include_text)


def record_key(trial_id: str | None, source: str | None) -> str | None:
    """A record's key: ``trial_id@source`` (``NCT01234567@studies.jsonl:12``), or whichever
    of the two there is. Stable across runs over the same inputs, which ``--resume`` relies on."""
    if trial_id and source:
        return f"{trial_id}@{source}"
    return source or trial_id or None


EXPORTERS: dict[str, Exporter] = {}
"""Every registered format by name (the built-in ones and any :func:`register` ed since)."""


def register(exporter: Exporter) -> Exporter:
    """Add ``exporter`` to :data:`EXPORTERS`; a name already taken is an error."""
    taken = EXPORTERS.get(exporter.name)
    if taken is not None and taken is not exporter:
        raise ValueError(f"an exporter named {exporter.name!r} is already registered")
    EXPORTERS[exporter.name] = exporter
    return exporter


def get_exporter(name: str) -> Exporter:
    """The exporter called ``name``; an unknown name is a ValueError listing the known ones."""
    try:
        return EXPORTERS[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}; use one of {', '.join(EXPORTERS)}") from None


def one_protocol(protocols: Sequence[Protocol], fmt: str) -> Protocol:
    """The protocol of a format that holds one (a rule file); more or none is an error."""
    if len(protocols) != 1:
        raise ValueError(
            f"a {fmt} rule file holds one protocol, not {len(protocols)} (jsonl holds many)"
        )
    return protocols[0]
