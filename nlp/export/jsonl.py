"""``jsonl``: JSON Lines, one line per record, as ``eligo batch`` writes them::

    {"key":"NCT01234567@studies/x.jsonl:12","trial_id":"NCT01234567","source":"studies/x.jsonl:12","protocol":{...}}

The record fields come first, so a reader (``eligo batch --resume``) takes them from the head
of a line with :func:`read_head` without decoding the protocol. ``protocol`` is the Protocol
as JSON with null fields left out (unlike a rule file, empty lists stay); its
``eligibility_text`` only with ``include_text``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

from models import Protocol
from nlp.export.base import EntryWriter, StreamExporter

PROTOCOL_FIELD = b',"protocol":'


def line(
    protocol: Protocol,
    key: str | None = None,
    source: str | None = None,
    *,
    include_text: bool = False,
) -> bytes:
    """One record's line, ending in a newline."""
    head = json.dumps(
        {"key": key, "trial_id": protocol.trial_id, "source": source},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    body = protocol.model_dump_json(
        exclude_none=True, exclude=None if include_text else {"eligibility_text"}
    )
    return head[:-1].encode() + PROTOCOL_FIELD + body.encode() + b"}\n"


def read_head(raw: bytes) -> dict[str, Any]:
    """``key``, ``trial_id`` and ``source`` of a line written by :func:`line`; a line that
    was not is a ValueError (no protocol field, or not JSON) or a KeyError (a field missing)."""
    # A JSON string never holds an unescaped `,"protocol":`, so the first one ends the head.
    head = json.loads(raw[: raw.index(PROTOCOL_FIELD)] + b"}")
    return {"key": head["key"], "trial_id": head["trial_id"], "source": head["source"]}


class LineWriter(EntryWriter):
    """Lines appended to a new file (``eligo batch`` has its own, resumable, line files)."""

    def __init__(self, path: str | Path) -> None:
        self._handle: BinaryIO | None = Path(path).open("wb")  # noqa: SIM115 (closed by close)

    def write(self, entry: bytes) -> None:
        assert self._handle is not None, "written after close"
        self._handle.write(entry)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


class JsonlExporter(StreamExporter):
    name = "jsonl"
    suffix = ".jsonl"
    description = "JSON Lines, one record a line (key, trial_id, source, protocol), as eligo batch"

    def entry(
        self,
        protocol: Protocol,
        key: str | None = None,
        source: str | None = None,
        *,
        include_text: bool = False,
    ) -> bytes:
        return line(protocol, key, source, include_text=include_text)

    def open(self, path: str | Path) -> LineWriter:
        return LineWriter(path)

    def dumps(
        self,
        protocols: Sequence[Protocol],
        *,
        sources: Sequence[str | None] | None = None,
        include_text: bool = False,
        **options: Any,
    ) -> str:
        """One line per protocol; ``sources`` (one per protocol) fill ``source`` and ``key``."""
        lines = self.entries(protocols, sources, include_text=include_text)
        return b"".join(lines).decode()


EXPORTER = JsonlExporter()
