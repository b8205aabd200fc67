"""Reading rule files (YAML or JSON) with errors that name the file and line.

Writing them is an output format like the others: :mod:`nlp.export` (``yaml``, ``json``).
"""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

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


SHOWN_ERRORS = 3
"""Validation errors named in the one-line message (the count of the rest follows)."""


def protocol_from_data(data: Any, origin: str) -> Protocol:
    """Validate plain data as a Protocol; errors list the first bad fields by their path.

    An unknown key is named with the nearest known one (``gruops: unknown key (did you mean
    'groups'?)``); a file that is not a mapping at all says what it holds instead.
    """
    if not isinstance(data, dict):
        held = "nothing" if data is None else f"a {_json_type(data)}"
        raise EncodingFileError(
            f"{origin}: not an Eligo encoding: the file holds {held}, not a mapping of "
            "schema_version, trial_id, demographics, groups",
            E_ENCODING_INVALID,
        )
    try:
        return Protocol.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        problems = "; ".join(_problem(err) for err in errors[:SHOWN_ERRORS])
        more = "" if len(errors) <= SHOWN_ERRORS else f" (+{len(errors) - SHOWN_ERRORS} more)"
        raise EncodingFileError(
            f"{origin}: not a valid Eligo encoding: {problems}{more}", E_ENCODING_INVALID
        ) from None


def _json_type(data: Any) -> str:
    if isinstance(data, list):
        return "list"
    if isinstance(data, str):
        return "text"
    return "number" if isinstance(data, int | float) else type(data).__name__


def _problem(err: ErrorDetails) -> str:
    path = ".".join(str(p) for p in err["loc"]) or "(top)"
    if err["type"] != "extra_forbidden":
        return f"{path}: {err['msg']}"
    known = _fields_at(err["loc"][:-1])
    near = difflib.get_close_matches(str(err["loc"][-1]), known, n=1, cutoff=0.6)
    hint = f" (did you mean {near[0]!r}?)" if near else f" (known here: {', '.join(known)})"
    return f"{path}: unknown key{hint}"


def _fields_at(loc: tuple[int | str, ...]) -> list[str]:
    """The field names a mapping at ``loc`` (a validation path into a Protocol) may hold."""
    model: type[BaseModel] = Protocol
    for step in loc:
        if isinstance(step, int):
            continue
        field = model.model_fields.get(step)
        inner = _model_in(field.annotation) if field is not None else None
        if inner is None:
            return []
        model = inner
    return list(model.model_fields)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside ``list[X]``, ``X | None``, ``X``; None when there is none."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def load_protocol(path: str | Path) -> Protocol:
    """Load a rule file written by Eligo or by hand."""
    path = Path(path)
    return protocol_from_data(load_data(path), str(path))
