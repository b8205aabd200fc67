"""Reading JSON Lines: one JSON value a line, each line read on its own.

:func:`read_json_lines` is the one reader of ``.jsonl`` input, used by :mod:`nlp.ingest` (a
file parsed whole, which stops at the first bad line) and by :mod:`nlp.batch.sources` (a
stream, where a bad line is one failed record and the next line goes on). A line that cannot
be read carries its ``problem``, in the words both report after the line's place::

    not UTF-8 text (byte 0xff at byte offset 12 in the line)
    malformed JSON (Expecting ',' delimiter at column 72)
    JSON nested too deeply (Python's JSON reader stops at about 1,000 levels)

Lines end at ``\\n`` only: ``str.splitlines`` would also break at U+0085 or U+2028, which a
JSON string may hold as they are. Blank lines (whitespace only) are skipped but counted, so
``number`` is the line's number in the file.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

JSON_TOO_DEEP = (
    f"JSON nested too deeply (Python's JSON reader stops at about {sys.getrecursionlimit():,} "
    "levels)"
)


def json_problem(err: json.JSONDecodeError) -> str:
    """The whole reason of a JSON syntax error with its column: ``malformed JSON (Invalid
    control character at column 66)``; the caller says which line."""
    msg = err.msg if err.msg.endswith(" at") else f"{err.msg} at"
    return f"malformed JSON ({msg} column {err.colno})"


@dataclass(frozen=True)
class JsonLine:
    """One non-blank line: its number (from 1), its text and value, or why it has none."""

    number: int
    text: str | None = None
    value: Any = None
    problem: str | None = None


def read_json_lines(lines: Iterable[bytes | str]) -> Iterator[JsonLine]:
    """Each non-blank line of ``lines`` (as bytes from a file opened in binary, or as text
    split at ``\\n``), decoded and parsed, or with its problem."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        yield read_json_line(line, number)


def read_json_line(line: bytes | str, number: int = 1) -> JsonLine:
    """One line of JSON Lines, decoded (bytes must be UTF-8) and parsed. The line's ending
    (``\n``, ``\r\n``) is not part of its JSON: a line cut short then reads as what it is
    ("Unterminated string"), the same whether the file was read whole or as a stream."""
    if isinstance(line, bytes):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as err:
            problem = (
                f"not UTF-8 text (byte 0x{line[err.start]:02x} at byte offset {err.start} "
                "in the line)"
            )
            return JsonLine(number, problem=problem)
    else:
        text = line
    text = text.removesuffix("\n").removesuffix("\r")
    try:
        return JsonLine(number, text, json.loads(text))
    except json.JSONDecodeError as err:
        return JsonLine(number, text, problem=json_problem(err))
    except RecursionError:
        return JsonLine(number, text, problem=JSON_TOO_DEEP)
