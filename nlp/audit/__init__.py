"""Audit: compare two encodings of one trial, field family by field family.

``audit(expected, actual)`` aligns the criteria of the two sides (by id, falling back to text
and span: see :mod:`nlp.audit.align`) and counts *facts*. A fact stated alike on both sides is
a TP; on the expected side only an FN (``missing``); on the actual side only an FP
(``extra``); a paired fact that differs is one FN and one FP (``differs``), and each
differing field is listed with both values. A criterion that is not aligned contributes all
its facts as missing (or extra) in every family. Values are compared semantically: numbers
after unit conversion and units by UCUM code (:mod:`nlp.scoring.values`, shared with the
evaluation), measure names leniently (:mod:`nlp.audit.compare`). Facts are paired, and counts
turned into scores, by :mod:`nlp.scoring` too. Text, notes and span offsets are
presentation: they serve alignment and evidence only, except a criterion's own text, whose
difference means the item boundaries differ.

The families:

structure
    One fact per criterion: it exists on both sides in the same group (the aligned group, of
    the same kind), under the same (aligned) parent, with the same label, depth and text.
    One fact per group: same kind, label and cohort. Disagreement fields: ``criterion``,
    ``group``, ``parent``, ``label``, ``depth``, ``text``, ``group.kind``, ``group.label``,
    ``group.cohort``.
quantities
    One fact per quantity. Quantities of aligned criteria are paired best first by span
    overlap, measure-name and text overlap (>= 0.5) or an equal amount. A pair agreeing on
    kind, measure, comparator, value / low / high (after unit conversion, relative tolerance
    1e-6), unit (same UCUM code or convertible), relative_to and scale_max is a TP.
time_windows
    One fact per time window, paired like quantities (plus anchor); agreeing on comparator,
    value / low / high (converted, relative tolerance 2%: 6 mo = 26 wk), unit, relation,
    anchor (``First dose`` = ``first_dose``) and whichever.
assertions
    One fact per aligned criterion: its ``assertion``. One fact per mention that is not
    plainly present or carries a ``result``, paired with any mention of the other side by
    span overlap or text; a pair agreeing on assertion and result is a TP. Plainly present
    mentions without a result on the actual side are ignored unless paired.
logic
    One fact per criterion whose ``logic`` is set on either side; one per ``optional`` and
    per ``exceptions`` part, paired by span overlap or text containment.
demographics
    min_age, max_age (value and unit, converted), sex, healthy_volunteers: one fact each
    when set on either side.

A field left null on both sides is no fact; null on one side only is a missing or extra fact.

Example::

    >>> report = audit(load_side("gold.yaml"), load_side("manual.yaml"))  # doctest: +SKIP
    >>> print(render_text(report))  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

from models.audit import AuditReport
from models.encoding import Protocol
from models.io import EncodingFileError, load_data, load_protocol, protocol_from_data
from nlp.audit.align import align
from nlp.audit.families import (
    Tally,
    score_assertions,
    score_demographics,
    score_logic,
    score_quantities,
    score_structure,
    score_time_windows,
)
from nlp.audit.report import combine, overall_of, render_table, render_text
from nlp.errors import E_NO_SUCH_FILE, E_NOT_AN_ENCODING, EligoError, InputError

__all__ = [
    "AuditReport",
    "InvalidEncodingError",
    "audit",
    "combine",
    "load_encoding",
    "load_side",
    "overall_of",
    "render_table",
    "render_text",
]

ENCODING_SUFFIXES = (".yaml", ".yml", ".json")


class InvalidEncodingError(InputError):
    """A rule file that does not read or does not fit the schema (wraps EncodingFileError)."""


def audit(
    expected: Protocol,
    actual: Protocol,
    *,
    expected_source: str | None = None,
    actual_source: str | None = None,
) -> AuditReport:
    """Compare ``actual`` against ``expected``: scores per family and every disagreement."""
    alignment = align(expected, actual)
    tally = Tally()
    score_structure(alignment, tally, expected.groups, actual.groups)
    score_quantities(alignment, tally)
    score_time_windows(alignment, tally)
    score_assertions(alignment, tally)
    score_logic(alignment, tally)
    score_demographics(expected.demographics, actual.demographics, tally)
    families = tally.scores()
    return AuditReport(
        expected_source=expected_source,
        actual_source=actual_source,
        trial_id=expected.trial_id or actual.trial_id,
        families=families,
        overall=overall_of(families),
        disagreements=tally.disagreements,
        alignment=[
            {
                "expected_id": alignment.expected[i].criterion.id,
                "actual_id": alignment.actual[j].criterion.id,
                "method": alignment.methods[i],
            }
            for i, j in sorted(alignment.pairs.items())
        ],
    )


def _looks_like_encoding(data: object) -> bool:
    return isinstance(data, dict) and ("groups" in data or "schema_version" in data)


def load_side(path: str | Path) -> Protocol:
    """One side of an audit: a rule file (YAML/JSON encoding) or a source record, parsed.

    A ``.yaml``/``.yml``/``.json`` file whose content is a mapping with ``groups`` or
    ``schema_version`` is an encoding and must validate; anything else (a registry page as
    text, a ClinicalTrials.gov JSON or XML record) goes through :func:`nlp.parse_file`.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file", E_NO_SUCH_FILE)
    if path.is_dir():
        raise InputError(
            f"{path}: is a directory, expected a rule file or a record", E_NO_SUCH_FILE
        )
    if path.suffix.lower() in ENCODING_SUFFIXES:
        try:
            data = load_data(path)
            if _looks_like_encoding(data):
                return protocol_from_data(data, str(path))
        except EncodingFileError as err:
            raise InvalidEncodingError(str(err), err.code) from None
    return _parse_record(path)


def load_encoding(path: str | Path) -> Protocol:
    """A rule file that must be an encoding; errors name the file (and the bad field)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file", E_NO_SUCH_FILE)
    try:
        return load_protocol(path)
    except EncodingFileError as err:
        raise InvalidEncodingError(str(err), err.code) from None


def _parse_record(path: Path) -> Protocol:
    try:
        from nlp import parse_file
    except ImportError:
        raise EligoError(
            f"{path}: not an Eligo encoding, and the parser (nlp.parse_file) is not available",
            E_NOT_AN_ENCODING,
        ) from None
    return parse_file(path)
