"""Input discovery and streaming readers for ``eligo batch``: paths in, :class:`Item` s out.

Every record found in the inputs becomes exactly one :class:`Item`: either a readable
:class:`~nlp.ingest.Record` or the reason it could not be read (a corrupt JSONL line, a
non-UTF-8 or empty file, a study without eligibility text). Items come out lazily and in a
canonical order, so memory stays flat and every run over the same inputs sees the same
sequence:

- inputs in the order given; a directory is walked recursively, directory names and file names
  sorted (byte order), so the order does not depend on the file system;
- inside a file, records in file order (JSONL lines, bulk ``studies`` entries, zip members as
  stored in the archive).

Understood inputs (by file name; content sniffing is left to :mod:`nlp.ingest`):

- ``*.jsonl`` / ``*.ndjson``: one JSON object a line, either a batch line
  ``{"nct_id": ..., "criteria": ...}`` (``eligibility_criteria`` / ``eligibilityCriteria`` are
  accepted for ``criteria``; ``min_age``, ``max_age``, ``sex`` are optional) or a full
  ClinicalTrials.gov API v2 study;
- ``*.zip``: one study JSON (or XML, or text) per member, streamed member by member;
- ``*.json``, ``*.xml``, ``*.txt``: anything ``eligo parse`` reads, through
  :func:`nlp.ingest.read_records` (a bulk ``{"studies": [...]}`` file gives one record per study);
  a ``.txt`` named like ``NCT01234567.txt`` (the LCT corpus) takes its trial id from the name;
- Chia pairs ``NCTxxxxxxxx_inc.txt`` + ``NCTxxxxxxxx_exc.txt`` in one directory become ONE record
  whose text is ``"Inclusion Criteria:\\n" + inc + "\\nExclusion Criteria:\\n" + exc`` (both files
  as written, ``\\r\\n`` kept, so a Chia offset ``o`` in the inc file is ``o + 20`` in the record,
  and in the exc file ``o + 20 + len(inc) + 21``). A lone half makes a record of that half;
- ``.ann``, ``.conf``, hidden files and anything else are skipped.

Location (``Item.location``): the file as found (the input path joined with the path below it),
then ``:N`` for line N of a JSONL file, ``!member`` for a zip member, ``#N`` for the N-th study
of a multi-study file. The record key is ``trial_id@location`` (``location`` alone when the
record has no trial id): stable across runs over the same inputs, which is what ``--resume``
relies on.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from nlp.errors import E_NO_ELIGIBILITY, E_NO_SUCH_FILE, E_NOT_A_RECORD, E_UNREADABLE, InputError
from nlp.export import record_key
from nlp.ingest import (
    Record,
    check_record,
    decode_text,
    is_blank,
    json_type,
    read_records,
    record_from_text,
    records_from_string,
    trial_id_value,
)
from nlp.jsonlines import JsonLine, read_json_lines
from nlp.limits import MAX_RECORD_CHARS

RECORD_SUFFIXES = (".txt", ".json", ".xml")
STREAM_SUFFIXES = (".jsonl", ".ndjson", ".zip")
CRITERIA_KEYS = ("criteria", "eligibility_criteria", "eligibilityCriteria")
ID_KEYS = ("nct_id", "nctId", "trial_id", "id")
CHIA_INC_HEADING = "Inclusion Criteria:\n"
CHIA_EXC_HEADING = "\nExclusion Criteria:\n"

_NCT_NAME = re.compile(r"(NCT\d{8})")
_CHIA_NAME = re.compile(r"^(?P<stem>.+)_(?P<part>inc|exc)\.txt$")


@dataclass
class Item:
    """One input record on its way through the batch: a Record, or why there is none."""

    location: str
    trial_id: str | None = None
    record: Record | None = None
    error: str | None = None
    stage: str = "read"  # where a failed item failed: read, or duplicate (set by the runner)
    code: str | None = None  # the error code of a failed item (nlp.errors, docs/errors.md)

    def __post_init__(self) -> None:
        self.location = printable(self.location)
        if self.error is not None:
            self.error = printable(self.error)

    @property
    def key(self) -> str:
        return record_key(self.trial_id, self.location) or self.location


def printable(text: str) -> str:
    """``text`` as valid Unicode: a file name that is not UTF-8 reaches Python with its bytes as
    lone surrogates (``\\udcff``), which cannot be written to the UTF-8 output; such bytes are
    spelled ``\\xff`` instead (the same every run, so keys stay stable)."""
    if not _SURROGATES.search(text):
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that stands for no byte: spelled \udxxx
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


_SURROGATES = re.compile("[\ud800-\udfff]")


def check_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Fail fast on a mistyped input path rather than report it as a failed record."""
    out = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError(f"{path}: no such file or directory", E_NO_SUCH_FILE)
        out.append(path)
    return out


def iter_items(
    paths: Iterable[str | Path],
    skip: Iterable[Path] = (),
    max_chars: int | None = MAX_RECORD_CHARS,
) -> Iterator[Item]:
    """All records of all inputs, lazily, in the canonical order (see the module docstring).

    ``skip`` names paths never read as input (the batch's own output and error log, when they
    sit inside an input directory). A record over ``max_chars`` characters of eligibility text
    is an error item (see :func:`nlp.ingest.check_record`).
    """
    skipped = frozenset(p.resolve() for p in skip)
    for path in map(Path, paths):
        if path.is_dir():
            yield from _iter_dir(path, skipped, max_chars)
        else:
            yield from _iter_file(path, max_chars)


def estimate_total(paths: Iterable[str | Path], skip: Iterable[Path] = ()) -> int:
    """A cheap record count for the progress bar's ETA (files, JSONL lines, zip members)."""
    total = 0
    skipped = frozenset(p.resolve() for p in skip)
    for path in map(Path, paths):
        files = [path] if path.is_file() else _walk(path, skipped)
        chia: set[str] = set()
        for file in files:
            name = file.name
            suffix = file.suffix.lower()
            if (m := _CHIA_NAME.match(name)) is not None:
                stem = str(file.parent / m["stem"])
                total += stem not in chia
                chia.add(stem)
            elif suffix in (".jsonl", ".ndjson"):
                total += _count_lines(file)
            elif suffix == ".zip":
                try:
                    with zipfile.ZipFile(file) as zf:
                        total += sum(not i.is_dir() for i in zf.infolist())
                except (OSError, zipfile.BadZipFile):
                    total += 1
            elif suffix in RECORD_SUFFIXES:
                total += 1
    return total


# --- discovery --------------------------------------------------------------------------------


def _walk(root: Path, skipped: frozenset[Path] = frozenset()) -> Iterator[Path]:
    """Files under ``root``, sorted per directory, hidden entries and ``skipped`` paths left out."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith(".") and (Path(dirpath) / d).resolve() not in skipped
        )
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if not name.startswith(".") and path.resolve() not in skipped:
                yield path


def _iter_dir(
    root: Path, skipped: frozenset[Path] = frozenset(), max_chars: int | None = MAX_RECORD_CHARS
) -> Iterator[Item]:
    pending_chia: dict[str, dict[str, Path]] = {}
    current_dir: Path | None = None
    for file in _walk(root, skipped):
        if file.parent != current_dir:
            yield from _flush_chia(pending_chia, max_chars)
            current_dir = file.parent
        m = _CHIA_NAME.match(file.name)
        if m is not None:
            # The halves of a pair need not sort next to each other, so pairs are collected
            # over their directory and emitted, sorted by stem, after its other files.
            pending_chia.setdefault(m["stem"], {})[m["part"]] = file
            continue
        suffix = file.suffix.lower()
        if suffix in RECORD_SUFFIXES or suffix in STREAM_SUFFIXES:
            yield from _iter_file(file, max_chars)
    yield from _flush_chia(pending_chia, max_chars)


def _iter_file(path: Path, max_chars: int | None = MAX_RECORD_CHARS) -> Iterator[Item]:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        yield from _iter_jsonl(path, max_chars)
    elif suffix == ".zip":
        yield from _iter_zip(path, max_chars)
    else:
        yield from _iter_record_file(path, max_chars)


# --- readers ----------------------------------------------------------------------------------


def _error(
    location: str, reason: str, trial_id: str | None = None, code: str = E_UNREADABLE
) -> Item:
    return Item(location=location, trial_id=trial_id, error=reason, code=code)


def _checked(record: Record, location: str, max_chars: int | None = MAX_RECORD_CHARS) -> Item:
    """A record becomes an Item, or an error when it has nothing to parse or cannot be parsed
    (too long, a lone surrogate: :func:`nlp.ingest.check_record`)."""
    trial_id = record.trial_id
    if trial_id is None and (m := _NCT_NAME.search(Path(location.split("!")[-1]).name)):
        trial_id = m.group(1)
        record = replace(record, trial_id=trial_id)
    if is_blank(record.eligibility_text):
        return _error(location, "no eligibility text", trial_id, E_NO_ELIGIBILITY)
    try:
        check_record(record, max_chars)
    except InputError as err:
        return _error(location, _strip_source(str(err), record.source), trial_id, err.code)
    return Item(location=location, trial_id=trial_id, record=record)


def _strip_source(message: str, source: str) -> str:
    """InputError messages start with the file; the location already says it."""
    return message[len(source) + 2 :] if message.startswith(source + ": ") else message


def _iter_record_file(path: Path, max_chars: int | None = MAX_RECORD_CHARS) -> Iterator[Item]:
    """A .txt/.json/.xml file: one record, or one per study of a multi-study file."""
    source = str(path)
    failures: list[InputError] = []
    produced = 0
    try:
        if path.stat().st_size == 0:
            yield _error(source, "empty file", _name_id(path), E_NO_ELIGIBILITY)
            return
        for record in read_records(path, on_error=failures.append, max_chars=max_chars):
            produced += 1
            yield from _failed_studies(failures, source)  # studies before this one, in order
            yield _checked(record, record.source, max_chars)
    except InputError as err:
        yield from _failed_studies(failures, source)
        yield _error(
            source,
            _strip_source(str(err), source),
            None if produced else _name_id(path),
            err.code,
        )
        return
    except Exception as err:  # a reader bug must not stop the batch
        yield _error(source, f"cannot read: {err!r}", _name_id(path))
        return
    yield from _failed_studies(failures, source)


def _failed_studies(failures: list[InputError], source: str) -> Iterator[Item]:
    """Studies the reader skipped (no eligibility text) become error items in their place."""
    while failures:
        failure = failures.pop(0)
        message = str(failure)
        location, _, reason = message.partition(": ")
        location = location.split(" (")[0] or source
        m = _NCT_NAME.search(message.split(": ")[0])
        yield _error(location, reason or message, m.group(1) if m else None, failure.code)


def _name_id(path: Path) -> str | None:
    m = _NCT_NAME.search(path.name)
    return m.group(1) if m else None


def _iter_jsonl(path: Path, max_chars: int | None = MAX_RECORD_CHARS) -> Iterator[Item]:
    """One record per non-blank line; a bad line is an error item, the next line goes on."""
    try:
        handle = path.open("rb")
    except OSError as err:
        yield _error(str(path), f"cannot read ({err.strerror})", code=E_NO_SUCH_FILE)
        return
    with handle:
        any_line = False
        for line in read_json_lines(handle):
            any_line = True
            yield _jsonl_item(line, f"{path}:{line.number}", max_chars)
        if not any_line:
            yield _error(str(path), "empty file", code=E_NO_ELIGIBILITY)


def _jsonl_item(line: JsonLine, location: str, max_chars: int | None = MAX_RECORD_CHARS) -> Item:
    if line.problem is not None:
        return _error(location, line.problem)
    assert line.text is not None
    text, data = line.text, line.value
    if not isinstance(data, dict):
        return _error(location, f"not a JSON object ({json_type(data)})", code=E_NOT_A_RECORD)
    if "protocolSection" in data:  # a full CT.gov API v2 study on the line
        try:
            (record,) = records_from_string(text, location, "ctgov_json", max_chars=None)
        except InputError as err:
            return _error(location, _strip_source(str(err), location), _study_id(data), err.code)
        return _checked(record, location, max_chars)
    try:
        key = next((k for k in ID_KEYS if data.get(k) not in (None, "")), None)
        trial_id = trial_id_value(data[key], key, location) if key else None
    except InputError as err:
        return _error(location, _strip_source(str(err), location), code=err.code)
    criteria = next((data[k] for k in CRITERIA_KEYS if k in data), None)
    if criteria is None:
        return _error(
            location,
            f"no criteria (expected one of {', '.join(CRITERIA_KEYS)})",
            trial_id,
            E_NO_ELIGIBILITY,
        )
    if not isinstance(criteria, str):
        return _error(
            location, f"criteria is {json_type(criteria)}, not a string", trial_id, E_NOT_A_RECORD
        )
    record = replace(
        record_from_text(criteria, location),
        trial_id=trial_id,
        min_age=_opt_str(data.get("min_age")),
        max_age=_opt_str(data.get("max_age")),
        sex=_opt_str(data.get("sex")),
    )
    return _checked(record, location, max_chars)


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


def _study_id(study: dict) -> str | None:
    protocol = study.get("protocolSection")
    ident = protocol.get("identificationModule") if isinstance(protocol, dict) else None
    nct = ident.get("nctId") if isinstance(ident, dict) else None
    return nct if isinstance(nct, str) else None


def _iter_zip(path: Path, max_chars: int | None = MAX_RECORD_CHARS) -> Iterator[Item]:
    """A zip of one study per member (the CT.gov bulk download), read member by member."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as err:
        yield _error(str(path), f"not a readable zip archive ({err})")
        return
    with archive:
        for info in archive.infolist():
            if info.is_dir() or Path(info.filename).name.startswith("."):
                continue
            location = f"{path}!{info.filename}"
            try:
                data = archive.read(info)
                content = decode_text(data, location)
                if not content.strip():
                    yield _error(
                        location, "empty file", _name_id(Path(info.filename)), E_NO_ELIGIBILITY
                    )
                    continue
                failures: list[InputError] = []
                records = records_from_string(
                    content, location, on_error=failures.append, max_chars=max_chars
                )
                items = [_checked(r, r.source, max_chars) for r in records]
                items += _failed_studies(failures, location)
                yield from sorted(items, key=_study_number)  # a member is read whole anyway
            except InputError as err:
                yield _error(
                    location,
                    _strip_source(str(err), location),
                    _name_id(Path(info.filename)),
                    err.code,
                )
            except Exception as err:  # a damaged member must not stop the batch
                yield _error(location, f"cannot read: {err!r}", _name_id(Path(info.filename)))


def _study_number(item: Item) -> int:
    """N of a ``location#N`` (the N-th study of a file); 0 for a single-study location."""
    _, _, n = item.location.rpartition("#")
    return int(n) if n.isdigit() else 0


def _flush_chia(
    pending: dict[str, dict[str, Path]], max_chars: int | None = MAX_RECORD_CHARS
) -> Iterator[Item]:
    for stem in sorted(pending):
        yield _chia_item(pending[stem], max_chars)
    pending.clear()


def _chia_item(parts: dict[str, Path], max_chars: int | None = MAX_RECORD_CHARS) -> Item:
    first = parts.get("inc") or parts["exc"]
    location = str(first.parent / first.name.rsplit("_", 1)[0])
    trial_id = _name_id(first)
    texts = {}
    for part, file in parts.items():
        try:
            texts[part] = decode_text(file.read_bytes(), str(file))
        except InputError as err:
            return _error(str(file), _strip_source(str(err), str(file)), trial_id, err.code)
        except OSError as err:
            return _error(str(file), f"cannot read ({err.strerror})", trial_id, E_NO_SUCH_FILE)
    if "inc" in texts:
        text = CHIA_INC_HEADING + texts["inc"]
        if "exc" in texts:
            text += CHIA_EXC_HEADING + texts["exc"]
    else:  # a lone exclusion half
        text = CHIA_EXC_HEADING.lstrip("\n") + texts["exc"]
    if all(is_blank(t) for t in texts.values()):
        return _error(location, "empty file", trial_id, E_NO_ELIGIBILITY)
    record = replace(record_from_text(text, location), trial_id=trial_id)
    return _checked(record, location, max_chars)


def _count_lines(path: Path) -> int:
    count = 0
    try:
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                count += block.count(b"\n")
    except OSError:
        return 1
    return max(count, 1)
