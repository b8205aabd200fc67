"""Reading rule files (YAML or JSON) with errors that name the file and line.

Writing them is an output format like the others: :mod:`nlp.export` (``yaml``, ``json``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from models.encoding import Protocol

E_ENCODING_UNREADABLE = "E201"  # cannot be read, or is not YAML/JSON (see nlp/errors.py)
E_ENCODING_INVALID = "E202"  # reads, but breaks the schema


class EncodingFileError(Exception):
    """A rule file that cannot be read or does not fit the schema; the message names the file.

    ``code`` is E201 (unreadable) or E202 (breaks the schema), as in docs/errors.md.
    """

    def __init__(self, message: str, code: str = E_ENCODING_UNREADABLE) -> None:
        super().__init__(message)
        self.code = code


def _yaml_line(path: Path, exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
    column = f" (column {mark.column + 1})" if mark is not None else ""
    return f"{where}: invalid YAML: {getattr(exc, 'problem', None) or exc}{column}"


def load_data(path: Path) -> Any:
    """Read a YAML or JSON file into plain data (JSON is valid YAML, but its errors are clearer).

    Errors name the file and line: bytes that are not UTF-8 (with their byte offset), a syntax
    error (with its column), nesting too deep for the reader (about 1,000 levels).
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise EncodingFileError(f"{path}: no such file") from None
    except OSError as exc:
        raise EncodingFileError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise EncodingFileError(
            f"{path}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x} at byte offset "
            f"{exc.start})"
        ) from None
    try:
        if path.suffix.lower() == ".json":
            try:
                return json.loads(raw)
            except json.JSONDecodeError as exc:
                msg = exc.msg if exc.msg.endswith(" at") else f"{exc.msg} at"
                raise EncodingFileError(
                    f"{path}:{exc.lineno}: invalid JSON: {msg} column {exc.colno}"
                ) from None
        try:
            return yaml.safe_load(raw)
        except yaml.YAMLError as exc:
            raise EncodingFileError(_yaml_line(path, exc)) from None
    except RecursionError:
        raise EncodingFileError(
            f"{path}: nested too deeply (the reader stops at about "
            f"{sys.getrecursionlimit():,} levels)"
        ) from None


def protocol_from_data(data: Any, origin: str) -> Protocol:
    """Validate plain data as a Protocol; errors list each bad field by its path."""
    try:
        return Protocol.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
            for err in exc.errors()[:10]
        )
        more = "" if exc.error_count() <= 10 else f" (+{exc.error_count() - 10} more)"
        raise EncodingFileError(
            f"{origin}: not a valid Eligo encoding: {problems}{more}", E_ENCODING_INVALID
        ) from None


def load_protocol(path: str | Path) -> Protocol:
    """Load a rule file written by Eligo or by hand."""
    path = Path(path)
    return protocol_from_data(load_data(path), str(path))
