"""Record readers: registry files → :class:`Record` (ids, demographics, raw eligibility text).

Four inputs are understood (see :func:`detect_format`):

- ``page``: a registry page scraped to text, like ``gold/NCT06557265/source.txt``;
- ``ctgov_json``: ClinicalTrials.gov API v2 JSON: one study, a list of studies, a
  ``{"studies": [...]}`` bulk file, or JSON Lines with one study per line;
- ``ctgov_xml``: the legacy ClinicalTrials.gov ``<clinical_study>`` XML record;
- ``text``: a plain eligibility text.

The eligibility text is kept exactly as in the source (``\\r\\n`` stays, markdown escapes stay),
because every span the parser reports points into it. Files are decoded as UTF-8 without
newline translation; a leading byte-order mark is dropped, so offsets count from after it.

A file with several studies yields one record per study, its ``source`` ending in ``#N``
(1-based). A study without eligibility text raises :class:`~nlp.errors.InputError` naming
``path#N`` when the reader reaches it, after the good records before it have been yielded;
pass ``on_error`` to have such studies reported and skipped instead (the batch job does this)::

    failures = []
    records = list(read_records("bulk.json", on_error=failures.append))
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from nlp.errors import (
    E_NO_ELIGIBILITY,
    E_NO_SUCH_FILE,
    E_NOT_A_RECORD,
    E_NOT_AN_ENCODING,
    E_TOO_LARGE,
    E_UNKNOWN_FORMAT,
    E_UNREADABLE,
    InputError,
)
from nlp.jsonlines import JSON_TOO_DEEP, json_problem, read_json_lines
from nlp.limits import MAX_RECORD_CHARS

FORMATS = ("page", "ctgov_json", "ctgov_xml", "text")

ErrorHandler = Callable[[InputError], None]
_S = TypeVar("_S")  # one study as its reader holds it: a JSON object or an XML element


@dataclass
class Record:
    """One registry record: what the outline and the encoder need, as written in the source."""

    eligibility_text: str
    source: str
    source_format: str
    trial_id: str | None = None
    org_study_id: str | None = None
    title: str | None = None
    min_age: str | None = None
    max_age: str | None = None
    sex: str | None = None
    healthy_volunteers: str | None = None
    eligibility_offset: int | None = None


# --- format detection -------------------------------------------------------------------------

_NCT_LINE = re.compile(r"^NCT ID:[ \t]*(NCT\d{8})[ \t]*\r?$", re.MULTILINE)
_ELIGIBILITY_SECTION = re.compile(r"^Eligibility Criteria[ \t]*\r?$", re.MULTILINE)


def detect_format(content: str) -> str:
    """Guess the format of a file's content: ``page``, ``ctgov_json``, ``ctgov_xml`` or ``text``.

    By content, not by the first character alone: JSON must open like an object (``{"`` or
    ``{}``) or a list of objects (``[{``, ``[[``, ``[]``); XML must open with a declaration, a
    doctype, a comment, or a start tag that is closed later. So plain text that starts with
    ``<18 years old``, ``<= 65 years``, ``[1] Age >= 18`` or ``{Age} 18-65`` is text. A scraped
    page is recognised by its ``NCT ID:`` line and ``Eligibility Criteria`` section heading;
    anything else is plain text.
    """
    head = content.lstrip("\ufeff \t\r\n")
    if _JSON_START.match(head):
        return "ctgov_json"
    if _looks_like_xml(head):
        return "ctgov_xml"
    if _NCT_LINE.search(content) and _ELIGIBILITY_SECTION.search(content):
        return "page"
    return "text"


_JSON_START = re.compile(r"(?:\{\s*[\"}]|\[\s*[\[{\]])")
_XML_PROLOGUE = re.compile(r"<(?:\?xml[\s?]|!DOCTYPE[\s>]|!--)", re.IGNORECASE)
_XML_START_TAG = re.compile(r"<(?P<name>[A-Za-z_][\w.:-]*)(?:\s[^<>]*)?>")


def _looks_like_xml(head: str) -> bool:
    if _XML_PROLOGUE.match(head):
        return True
    tag = _XML_START_TAG.match(head)
    if tag is None:
        return False
    return tag.group(0).endswith("/>") or f"</{tag['name']}" in head


# Text made only of these is no text: white space, controls, BOM, zero-width and bidi marks.
_VISIBLE = re.compile(
    "[^\\s\x00-\x1f\x7f-\x9f\u00ad\u034f\u061c\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\ufe00-\ufe0f\ufeff\ufff9-\ufffb]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_JSON_SCALAR = re.compile(
    r"(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|null|true|false|NaN|-?Infinity)"
)


def is_blank(text: str) -> bool:
    """True when ``text`` has nothing to read: only white space, NUL, BOM, zero-width marks."""
    return _VISIBLE.search(text) is None


def check_record(record: Record, max_chars: int | None = MAX_RECORD_CHARS) -> Record:
    """``record`` if the parser can take it; else an InputError naming its source and why.

    Refused: a lone surrogate in any text field (from a ``\\ud800`` JSON escape: not Unicode
    text, it cannot be written as UTF-8), and eligibility text over ``max_chars`` characters
    (None: no limit). See :mod:`nlp.limits`.
    """
    for name, value in vars(record).items():
        if name == "source":  # a label (a file name may hold surrogates): not the record's text
            continue
        if isinstance(value, str) and (bad := _SURROGATE.search(value)):
            field = "eligibility text" if name == "eligibility_text" else name
            raise InputError(
                f"{record.source}: lone surrogate U+{ord(bad.group()):04X} at character "
                f"{bad.start()} of the {field}: not Unicode text (a broken \\u escape in JSON?)",
                E_UNREADABLE,
            )
    size = len(record.eligibility_text)
    if max_chars is not None and size > max_chars:
        raise InputError(
            f"{record.source}: eligibility text of {size:,} characters is over the limit of "
            f"{max_chars:,} (--max-chars raises it)",
            E_TOO_LARGE,
        )
    return record


# --- public readers ---------------------------------------------------------------------------


def record_from_text(text: str, source: str = "<text>") -> Record:
    """Wrap a plain eligibility text: the whole text is the eligibility text."""
    return Record(eligibility_text=text, source=source, source_format="text", eligibility_offset=0)


def records_from_string(
    content: str,
    source: str = "<string>",
    input_format: str | None = None,
    *,
    on_error: ErrorHandler | None = None,
    max_chars: int | None = MAX_RECORD_CHARS,
) -> list[Record]:
    """All records in ``content``; ``input_format`` forces a format instead of detecting it.

    A record over ``max_chars`` characters of eligibility text, or with a lone surrogate, is an
    error like a study without text (see :func:`check_record`).
    """
    return list(_iter_records(content, source, input_format, on_error, max_chars))


def read_records(
    path: str | Path,
    input_format: str | None = None,
    *,
    on_error: ErrorHandler | None = None,
    max_chars: int | None = MAX_RECORD_CHARS,
) -> Iterator[Record]:
    """Read the records of one file, lazily; see the module docstring for errors and
    :func:`records_from_string` for ``max_chars``."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file", E_NO_SUCH_FILE) from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a file", E_NO_SUCH_FILE) from None
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror})", E_NO_SUCH_FILE) from None
    content = decode_text(data, str(path))
    yield from _iter_records(content, str(path), input_format, on_error, max_chars)


# --- decoding ---------------------------------------------------------------------------------


def decode_text(data: bytes, source: str) -> str:
    """A file's bytes as text: UTF-8 (else an InputError naming the line and byte), without
    its byte-order mark."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise InputError(
            f"{source}: line {line}: not UTF-8 text (byte 0x{data[err.start]:02x} at byte "
            f"offset {err.start})",
            E_UNREADABLE,
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


# An Eligo rule file, YAML or JSON: a top-level groups list whose groups have a kind.
# (Indentation is [ \t]*, not \s*: at every line start, \s* would run on over all the blank lines
# that follow, quadratic in a text of many blank lines.)
_ENCODING_KEYS = re.compile(r'^(?:groups:[ \t]*$|[ \t]*"groups":\s*\[)', re.MULTILINE)
_GROUP_KIND = re.compile(
    r'^[ \t]*-?[ \t]*"?kind"?:[ \t]*"?(?:inclusion|exclusion)"?,?[ \t]*$', re.MULTILINE
)


def _iter_records(
    content: str,
    source: str,
    input_format: str | None,
    on_error: ErrorHandler | None,
    max_chars: int | None = MAX_RECORD_CHARS,
) -> Iterator[Record]:
    for record in _records_of(content, source, input_format, on_error):
        try:
            yield check_record(record, max_chars)
        except InputError as err:
            _report(err, on_error)


def _records_of(
    content: str, source: str, input_format: str | None, on_error: ErrorHandler | None
) -> Iterator[Record]:
    if input_format is None and _ENCODING_KEYS.search(content) and _GROUP_KIND.search(content):
        raise InputError(
            f"{source}: is an Eligo encoding (a rule file), not a registry record; "
            "compare encodings with `eligo audit`",
            E_NOT_AN_ENCODING,
        )
    fmt = input_format or detect_format(content)
    if fmt == "page":
        yield _page_record(content, source)
    elif fmt == "ctgov_json":
        yield from _json_records(content, source, on_error)
    elif fmt == "ctgov_xml":
        yield from _xml_records(content, source, on_error)
    elif fmt == "text":
        if not content.strip():
            raise InputError(f"{source}: no eligibility text (the file is empty)", E_NO_ELIGIBILITY)
        if is_blank(content):
            raise InputError(
                f"{source}: no eligibility text (only invisible characters: controls such as "
                "NUL, byte-order marks, zero-width spaces)",
                E_NO_ELIGIBILITY,
            )
        if input_format is None and _JSON_SCALAR.fullmatch(content.strip()):
            raise InputError(
                f"{source}: a bare JSON value ({content.strip()}), not a record: expected a "
                "study object, a list of studies, or eligibility text",
                E_NOT_A_RECORD,
            )
        yield record_from_text(content, source)
    else:
        raise InputError(
            f"{source}: unknown input format {fmt!r} (expected one of {FORMATS})", E_UNKNOWN_FORMAT
        )


def _report(err: InputError, on_error: ErrorHandler | None) -> None:
    if on_error is None:
        raise err
    on_error(err)


def _each_study(
    studies: Iterable[_S],
    source: str,
    build: Callable[[_S, str], Record],
    on_error: ErrorHandler | None,
) -> Iterator[Record]:
    """The records of a bundle, sourced ``file#N``; a bad study is reported, the rest go on."""
    for n, study in enumerate(studies, 1):
        try:
            yield build(study, f"{source}#{n}")
        except InputError as err:
            _report(err, on_error)


# --- scraped registry page --------------------------------------------------------------------

_CRITERIA_HEADING = re.compile(
    r"^[ \t]*(?:key[ \t]+)?(?:inclusion|exclusion)[ \t]+criteria\b[^\n]{0,80}$",
    re.IGNORECASE | re.MULTILINE,
)
_AGE_LINE = re.compile(
    r"(?:\d+(?:\.\d+)?[ \t]+(?:Years?|Months?|Weeks?|Days?|Hours?|Minutes?)|N/?A)", re.IGNORECASE
)
_SEX_LINE = re.compile(r"(?:ALL|FEMALE|MALE|BOTH)", re.IGNORECASE)
_HV_LINE = re.compile(r"(?:Yes|No|Accepts Healthy Volunteers)", re.IGNORECASE)


def _lines(text: str, start: int = 0) -> Iterator[tuple[int, int, str]]:
    """(start, end, text) of each line from ``start``; ``end`` excludes the line break."""
    pos = start
    n = len(text)
    while pos < n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        body_end = end - 1 if end > pos and text[end - 1] == "\r" else end
        yield pos, body_end, text[pos:body_end]
        pos = end + 1


def _page_record(content: str, source: str) -> Record:
    section = _ELIGIBILITY_SECTION.search(content)
    if section is None:
        raise InputError(
            f"{source}: no 'Eligibility Criteria' section in the page", E_NO_ELIGIBILITY
        )
    heading = _CRITERIA_HEADING.search(content, section.end())
    if heading is None:
        line = content.count("\n", 0, section.start()) + 1
        raise InputError(
            f"{source}: line {line}: no Inclusion/Exclusion Criteria heading after "
            "'Eligibility Criteria'",
            E_NOT_A_RECORD,
        )
    start = heading.start()
    lines = list(_lines(content, start))
    # The structured fields: [min age] [max age] sex healthy-volunteers, one per line.
    end_index = None
    for i in range(1, len(lines) - 1):
        if _SEX_LINE.fullmatch(lines[i][2].strip()) and _HV_LINE.fullmatch(lines[i + 1][2].strip()):
            end_index = i
            break
    if end_index is None:
        line = content.count("\n", 0, start) + 1
        raise InputError(
            f"{source}: line {line}: the eligibility section has no sex / healthy volunteers "
            "lines after the criteria",
            E_NOT_A_RECORD,
        )
    ages: list[str] = []
    first = end_index
    while first - 1 > 0 and len(ages) < 2 and _AGE_LINE.fullmatch(lines[first - 1][2].strip()):
        first -= 1
        ages.insert(0, lines[first][2].strip())
    # Text ends before the line break that precedes the first structured line.
    end = lines[first - 1][1]
    text = content[start:end]
    if is_blank(text):
        raise InputError(
            f"{source}: no eligibility text under 'Eligibility Criteria'", E_NO_ELIGIBILITY
        )
    title_line = next(_lines(content), (0, 0, ""))[2].strip()
    nct = _NCT_LINE.search(content)
    return Record(
        eligibility_text=text,
        source=source,
        source_format="page",
        trial_id=nct.group(1) if nct else None,
        org_study_id=_page_org_study_id(content),
        title=title_line or None,
        min_age=ages[0] if ages else None,
        max_age=ages[1] if len(ages) > 1 else None,
        sex=lines[end_index][2].strip(),
        healthy_volunteers=lines[end_index + 1][2].strip(),
        eligibility_offset=start,
    )


def _page_org_study_id(content: str) -> str | None:
    lines = [line for _, _, line in _lines(content)]
    for i, line in enumerate(lines):
        if line.strip() == "Identifier Source: org_study_id":
            for j in range(i - 1, max(i - 3, 0), -1):
                if lines[j].startswith("Identifier Type:") and j > 0:
                    value = lines[j - 1].strip()
                    return value or None
    return None


# --- ClinicalTrials.gov API v2 JSON -----------------------------------------------------------


def loads_json(text: str, source: str, line: int | None = None) -> Any:
    """``json.loads`` with its failures as one-line InputErrors naming ``source``: a syntax
    error with its line (``line`` for a JSONL line, else the line in ``text``) and column, and
    nesting too deep for Python's reader (a RecursionError at about 1,000 levels; see
    :mod:`nlp.limits`)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        where = line if line is not None else err.lineno
        raise InputError(f"{source}: line {where}: {json_problem(err)}", E_UNREADABLE) from None
    except RecursionError:
        at = f": line {line}" if line is not None else ""
        raise InputError(f"{source}{at}: {JSON_TOO_DEEP}", E_UNREADABLE) from None


def _json_records(content: str, source: str, on_error: ErrorHandler | None) -> Iterator[Record]:
    try:
        data = loads_json(content, source)
    except InputError:
        if _jsonl_like(content):  # JSON Lines: one study per line
            yield from _jsonl_records(content, source, on_error)
            return
        raise
    if isinstance(data, dict) and "studies" in data and "protocolSection" not in data:
        data = data["studies"]
        if not isinstance(data, list):
            raise InputError(f"{source}: 'studies' is not a list", E_NOT_A_RECORD)
    if isinstance(data, dict):
        yield _study_record(data, source)
        return
    if not isinstance(data, list):
        raise InputError(f"{source}: expected a study object or a list of studies", E_NOT_A_RECORD)
    yield from _each_study(data, source, _study_record, on_error)


def _jsonl_like(content: str) -> bool:
    """More than one JSON value: the first line is a whole JSON object."""
    first = content.lstrip().split("\n", 1)[0]
    try:
        return isinstance(json.loads(first), dict) and bool(content.strip()[len(first) :])
    except (json.JSONDecodeError, RecursionError):
        return False


def _jsonl_records(content: str, source: str, on_error: ErrorHandler | None) -> Iterator[Record]:
    """One study a line, sourced ``file#N``; a line that is not JSON stops the reading."""
    for n, line in enumerate(read_json_lines(content.split("\n")), 1):
        if line.problem is not None:
            raise InputError(f"{source}: line {line.number}: {line.problem}", E_UNREADABLE)
        try:
            yield _study_record(line.value, f"{source}#{n}")
        except InputError as err:
            _report(err, on_error)


def _get(obj: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def json_type(value: Any) -> str:
    """``a number``, ``a list``...: how JSON would name the type of a decoded value."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    names: dict[type, str] = {dict: "an object", list: "a list", str: "a string"}
    return names.get(type(value), "null")


def trial_id_value(value: Any, field: str, source: str) -> str | None:
    """A trial id as given in JSON: a string, or None for null; any other type is an error
    rather than an id made up by ``str()`` (``123``, ``nan``)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"{source}: {field} is {json_type(value)}, not a string", E_NOT_A_RECORD)
    return value


def _as_written(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _study_record(study: Any, source: str) -> Record:
    if not isinstance(study, dict):
        raise InputError(f"{source}: not a study object", E_NOT_A_RECORD)
    protocol = study.get("protocolSection")
    if not isinstance(protocol, dict):
        raise InputError(
            f"{source}: no protocolSection: not a ClinicalTrials.gov API v2 study", E_NOT_A_RECORD
        )
    ident = protocol.get("identificationModule") or {}
    elig = protocol.get("eligibilityModule") or {}
    for name, module in (("identificationModule", ident), ("eligibilityModule", elig)):
        if not isinstance(module, dict):
            raise InputError(
                f"{source}: {name} is {json_type(module)}, not an object", E_NOT_A_RECORD
            )
    nct = trial_id_value(ident.get("nctId"), "nctId", source)
    text = elig.get("eligibilityCriteria")
    if not isinstance(text, str) or is_blank(text):
        raise _no_criteria(source, nct, "eligibilityCriteria")
    return Record(
        eligibility_text=text,
        source=source,
        source_format="ctgov_json",
        trial_id=nct,
        org_study_id=_as_written(_get(ident, "orgStudyIdInfo", "id")),
        title=_as_written(ident.get("briefTitle") or ident.get("officialTitle")),
        min_age=_as_written(elig.get("minimumAge")),
        max_age=_as_written(elig.get("maximumAge")),
        sex=_as_written(elig.get("sex")),
        healthy_volunteers=_as_written(elig.get("healthyVolunteers")),
    )


# --- legacy ClinicalTrials.gov XML ------------------------------------------------------------


def _xml_records(content: str, source: str, on_error: ErrorHandler | None) -> Iterator[Record]:
    try:
        root = ET.fromstring(content)
    except ET.ParseError as err:
        line, column = err.position
        reason = str(err).rsplit(": line ", 1)[0]  # expat's message, without its own position
        raise InputError(
            f"{source}: line {line}: malformed XML ({reason} at column {column + 1})", E_UNREADABLE
        ) from None
    if root.tag == "clinical_study":
        yield _xml_study(root, source)
        return
    studies = list(root.iter("clinical_study"))
    if not studies:
        raise InputError(f"{source}: no <clinical_study> element", E_NOT_A_RECORD)
    yield from _each_study(studies, source, _xml_study, on_error)


def _xml_text(elem: ET.Element, path: str) -> str | None:
    found = elem.find(path)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def _no_criteria(source: str, nct: str | None, field: str) -> InputError:
    name = f" ({nct})" if nct else ""
    return InputError(f"{source}{name}: study has no {field} text", E_NO_ELIGIBILITY)


def _xml_study(study: ET.Element, source: str) -> Record:
    nct = _xml_text(study, "id_info/nct_id")
    block = study.find("eligibility/criteria/textblock")
    text = block.text if block is not None else None
    if not text or is_blank(text):
        raise _no_criteria(source, nct, "eligibility/criteria/textblock")
    return Record(
        eligibility_text=text,
        source=source,
        source_format="ctgov_xml",
        trial_id=nct,
        org_study_id=_xml_text(study, "id_info/org_study_id"),
        title=_xml_text(study, "brief_title") or _xml_text(study, "official_title"),
        min_age=_xml_text(study, "eligibility/minimum_age"),
        max_age=_xml_text(study, "eligibility/maximum_age"),
        sex=_xml_text(study, "eligibility/gender"),
        healthy_volunteers=_xml_text(study, "eligibility/healthy_volunteers"),
    )
