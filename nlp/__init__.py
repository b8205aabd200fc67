"""Eligo's NLP: registry text → outline → annotated docs → :class:`models.Protocol`.

>>> from nlp import parse_text
>>> protocol = parse_text("Inclusion Criteria:\\n  -  Platelet count >= 100,000/mm3")
>>> protocol.groups[0].criteria[0].quantities[0].unit
'/mm3'
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from nlp.errors import E_NO_ELIGIBILITY, E_SEVERAL_RECORDS, EligoError, InputError
from nlp.limits import MAX_RECORD_CHARS

if TYPE_CHECKING:
    from models import Protocol
    from nlp.parser import Parser

DEFAULT_TRIAL = "NCT06557265.page.txt"
"""The reference trial NKX019-102, as scraped from its registry page, shipped with Eligo."""

__all__ = ["EligoError", "InputError", "default_source", "get_parser", "parse_file", "parse_text"]


@cache
def get_parser() -> Parser:
    """The process-wide parser (the spaCy pipeline is built on first use, about a second)."""
    from nlp.parser import Parser

    return Parser()


def default_source() -> tuple[str, str]:
    """Name and content of the embedded reference trial page."""
    path = resources.files("nlp") / "data" / DEFAULT_TRIAL
    return f"<embedded {DEFAULT_TRIAL}>", path.read_text(encoding="utf-8")


def parse_text(
    text: str,
    *,
    input_format: str | None = None,
    source: str = "<text>",
    max_chars: int | None = MAX_RECORD_CHARS,
) -> Protocol:
    """Parse eligibility text, a registry page or a record (format auto-detected) into a Protocol.

    A string holding several records (a JSON list) is an error here: use ``parse_records``.
    Eligibility text over ``max_chars`` characters is an InputError (None: no limit).
    """
    from nlp.ingest import records_from_string

    records = records_from_string(
        text, source=source, input_format=input_format, max_chars=max_chars
    )
    return _single(records, source)


def parse_file(
    path: str | Path, *, input_format: str | None = None, max_chars: int | None = MAX_RECORD_CHARS
) -> Protocol:
    """Parse one record file (page text, CT.gov JSON or XML, plain text) into a Protocol."""
    from nlp.ingest import read_records

    records = list(read_records(path, input_format=input_format, max_chars=max_chars))
    return _single(records, str(path))


def _single(records: list, source: str) -> Protocol:
    if not records:
        raise InputError(f"{source}: no record with eligibility text found", E_NO_ELIGIBILITY)
    if len(records) > 1:
        raise InputError(
            f"{source}: holds {len(records)} records; use `eligo batch` for more than one",
            E_SEVERAL_RECORDS,
        )
    return get_parser().parse_record(records[0])
