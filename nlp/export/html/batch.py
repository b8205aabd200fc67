"""Review pages of a batch run: an index of its records with their warning counts, linking to
one page per record, for spot-checking a large run (``eligo review out.jsonl -o review/``).

Reads the JSONL that ``eligo batch`` writes (:mod:`nlp.export.jsonl`: ``key``, ``trial_id``,
``source``, ``protocol``), and its error log ``OUT.errors.jsonl`` when it sits beside it. A
record's page shows its text only if the batch was run with ``--include-text``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from models import Protocol
from nlp.errors import E_NO_RECORDS, E_NO_SUCH_FILE, E_UNREADABLE, SPLIT_WARNINGS, InputError
from nlp.jsonlines import read_json_lines

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class IndexEntry:
    """One record's line in the index."""

    number: int
    trial_id: str | None
    source: str | None
    title: str | None
    criteria: int
    warnings: int
    split_warnings: int
    coded: int
    codes: list[str] = field(default_factory=list)
    page: str | None = None


@dataclass
class BatchReview:
    """What :func:`write_batch_review` wrote."""

    index: Path
    pages: int
    records: int
    errors: int
    without_text: int


def read_batch_output(path: Path) -> Iterator[tuple[int, dict, Protocol]]:
    """``(line number, head, protocol)`` of each line of a batch's JSONL; a line that is not
    one is an InputError naming the file and line."""
    with path.open("rb") as handle:
        for line in read_json_lines(handle):
            where = f"{path}: line {line.number}"
            if line.problem is not None:
                raise InputError(f"{where}: {line.problem}", E_UNREADABLE)
            value = line.value
            if not isinstance(value, dict) or not isinstance(value.get("protocol"), dict):
                raise InputError(
                    f"{where}: not a line of eligo batch output (no protocol field)",
                    E_UNREADABLE,
                )
            try:
                protocol = Protocol.model_validate(value["protocol"])
            except ValidationError as err:
                first = err.errors()[0]
                loc = ".".join(str(p) for p in first["loc"])
                raise InputError(f"{where}: protocol.{loc}: {first['msg']}", E_UNREADABLE) from None
            yield line.number, value, protocol


def is_batch_output(path: Path) -> bool:
    """Whether ``path`` is JSONL written by ``eligo batch`` (its first line has a protocol)."""
    if path.suffix.lower() not in (".jsonl", ".ndjson") or not path.is_file():
        return False
    with path.open("rb") as handle:
        for raw in handle:
            if raw.strip():
                try:
                    value = json.loads(raw)
                except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
                    return False
                return isinstance(value, dict) and isinstance(value.get("protocol"), dict)
    return False


def _errors_of(path: Path) -> list[dict]:
    log = path.with_name(path.name + ".errors.jsonl")
    if not log.is_file():
        return []
    with log.open("rb") as handle:
        return [line.value for line in read_json_lines(handle) if isinstance(line.value, dict)]


def page_name(number: int, trial_id: str | None) -> str:
    """A record's page file: its line number (unique) and trial id, safe on any file system."""
    stem = _UNSAFE.sub("_", trial_id)[:64] if trial_id else "record"
    return f"{number:06d}-{stem}.html"


def write_batch_review(
    path: str | Path, out_dir: str | Path, *, limit: int | None = None
) -> BatchReview:
    """Write ``index.html`` and a page per record of the batch output ``path`` into ``out_dir``
    (made if needed); ``limit``: only the first N records."""
    from nlp.export.html import index_page, review_page

    path, out = Path(path), Path(out_dir)
    if not path.is_file():
        raise InputError(f"{path}: no such file", E_NO_SUCH_FILE)
    out.mkdir(parents=True, exist_ok=True)
    entries: list[IndexEntry] = []
    without_text = 0
    for number, head, protocol in read_batch_output(path):
        if limit is not None and len(entries) >= limit:
            break
        name = page_name(number, protocol.trial_id)
        source = head.get("source")
        html = review_page(protocol, sources={"record": str(source)} if source else None)
        (out / name).write_text(html, encoding="utf-8")
        without_text += protocol.eligibility_text is None
        criteria = protocol.iter_criteria()
        entries.append(
            IndexEntry(
                number=number,
                trial_id=protocol.trial_id,
                source=source,
                title=protocol.title,
                criteria=len(criteria),
                warnings=len(protocol.warnings),
                split_warnings=sum(w.code in SPLIT_WARNINGS for w in protocol.warnings),
                coded=sum(1 for _g, c, _d in criteria for m in c.mentions if m.codes),
                codes=sorted({w.code for w in protocol.warnings}),
                page=name,
            )
        )
    if not entries:
        raise InputError(f"{path}: no records in this batch output", E_NO_RECORDS)
    errors = _errors_of(path)
    index = out / "index.html"
    index.write_text(
        index_page(entries, title=f"Review of {path.name}", errors=errors), encoding="utf-8"
    )
    return BatchReview(index, len(entries), len(entries), len(errors), without_text)
