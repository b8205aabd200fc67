"""Audit: compare two encodings of one trial, field family by field family.

``audit(reference, candidate)`` aligns the criteria of the two sides (by id, falling back to
text and span: see :mod:`nlp.audit.align`) and counts *facts*. The reference is what is trusted
(the text as parsed, or a gold encoding), the candidate what is checked; in the report the
reference's values are ``expected`` and the candidate's ``actual``. A fact stated alike on both
sides is a TP; in the reference only an FN (``missing``); in the candidate only an FP
(``extra``); in the reference but on a field or list the candidate's file leaves out,
``not_stated`` (not counted unless ``strict``); a paired fact that differs is one FN and one FP
(``differs``), and each differing field is listed with both values. A criterion that is not
aligned contributes all its facts as missing (or extra) in every family. Values are compared
semantically: numbers after unit conversion and units by UCUM code (:mod:`nlp.scoring.values`,
shared with the evaluation), measure names leniently (:mod:`nlp.audit.compare`). Facts are
paired, and counts turned into scores, by :mod:`nlp.scoring` too. Text, notes and span offsets
are presentation: they serve alignment and evidence only, except a criterion's own text, whose
difference means the item boundaries differ.

The families:

structure
    One fact per criterion: it exists on both sides in the same group (the aligned group, of
    the same kind), under the same (aligned) parent, with the same depth and text (labels, ids
    and spans are presentation). One fact per group: same kind and cohort. Disagreement
    fields: ``criterion``, ``group``, ``parent``, ``depth``, ``text``, ``group.kind``,
    ``group.cohort``.
quantities
    One fact per quantity. Quantities of aligned criteria are paired best first by span
    overlap, measure-name and text overlap (>= 0.5) or an equal amount. A pair agreeing on
    kind, measure (by meaning: :func:`nlp.audit.compare.same_measure`), comparator, value /
    low / high (after unit conversion, relative tolerance 1e-6), unit (same UCUM code or
    convertible), relative_to and scale_max is a TP. Limits on one integer scale that allow the
    same points are one fact (ECOG ``<= 1`` and ``= 0``, ``= 1``).
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

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.audit import AuditReport, ReferenceKind
from models.encoding import ParseWarning, Protocol
from models.io import EncodingFileError, load_data, protocol_from_data
from nlp.audit.align import CriterionAlignment, align
from nlp.audit.compare import tokens
from nlp.audit.families import (
    Tally,
    score_assertions,
    score_concepts,
    score_demographics,
    score_logic,
    score_quantities,
    score_structure,
    score_time_windows,
)
from nlp.audit.report import combine, overall_of, render_table, render_text
from nlp.errors import (
    E_NO_SUCH_FILE,
    E_NOT_AN_ENCODING,
    W_INVENTED_CRITERION,
    W_OTHER_TRIAL,
    EligoError,
    InputError,
)

__all__ = [
    "AuditReport",
    "InvalidEncodingError",
    "Side",
    "audit",
    "combine",
    "load_encoding",
    "load_side",
    "overall_of",
    "read_side",
    "render_table",
    "render_text",
]

ENCODING_SUFFIXES = (".yaml", ".yml", ".json")
FOUND_IN_TEXT = 0.5
"""Least share of a candidate criterion's words found in the reference text for it not to be
warned W302 (invented)."""


class InvalidEncodingError(InputError):
    """A rule file that does not read or does not fit the schema (wraps EncodingFileError)."""


@dataclass
class Side:
    """One side of an audit: the encoding, and whether it is the parser's reading of a record."""

    protocol: Protocol
    parsed: bool = False


def _has_codes(protocol: Protocol) -> bool:
    """Whether any mention or quantity of the encoding carries a code."""
    return any(
        any(m.codes for m in criterion.mentions) or any(q.codes for q in criterion.quantities)
        for _group, criterion, _depth in protocol.iter_criteria()
    )


def audit(
    reference: Protocol,
    candidate: Protocol,
    *,
    reference_source: str | None = None,
    candidate_source: str | None = None,
    reference_kind: ReferenceKind = "encoding",
    candidate_parsed: bool = False,
    strict: bool = False,
) -> AuditReport:
    """Check ``candidate`` against ``reference``: scores per family and every disagreement.

    ``candidate_parsed``: the candidate is the parser's output, which states every field (an
    empty one is a claim); otherwise only the fields its file holds are judged, the rest of
    the reference's facts being ``not_stated``. ``strict`` counts those too.
    ``reference_kind="parsed"`` marks every line as measured against the parser's reading.
    """
    alignment = align(reference, candidate)
    tally = Tally(everything_stated=candidate_parsed, strict=strict)
    score_structure(alignment, tally, reference.groups, candidate.groups)
    score_quantities(alignment, tally)
    score_time_windows(alignment, tally)
    score_assertions(alignment, tally)
    score_logic(alignment, tally)
    score_concepts(alignment, tally, coded_reference=_has_codes(reference))
    score_demographics(reference.demographics, candidate.demographics, tally, candidate)
    for d in tally.disagreements:
        d.reference = reference_kind
    families = tally.scores()
    return AuditReport(
        expected_source=reference_source,
        actual_source=candidate_source,
        reference_kind=reference_kind,
        strict=strict,
        trial_id=reference.trial_id or candidate.trial_id,
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
        warnings=audit_warnings(reference, candidate, alignment),
    )


def audit_warnings(
    reference: Protocol, candidate: Protocol, alignment: CriterionAlignment
) -> list[ParseWarning]:
    """W301: the two sides name different trials. W302: a candidate criterion paired with
    nothing whose words are mostly absent from the reference's whole text (invented, or
    from another trial): "missing" and "extra" lines alone do not say that."""
    out: list[ParseWarning] = []
    ref_id, cand_id = reference.trial_id, candidate.trial_id
    if ref_id and cand_id and ref_id.strip().casefold() != cand_id.strip().casefold():
        out.append(
            ParseWarning(
                code=W_OTHER_TRIAL,
                message=f"the reference is trial {ref_id}, the candidate {cand_id}: "
                "are these encodings of the same trial?",
            )
        )
    words = _reference_words(reference)
    for entry in alignment.unpaired_actual():
        own = [w for w in tokens(entry.criterion.text) if len(w) > 2]
        if not own:
            continue
        found = sum(w in words for w in own) / len(own)
        if found < FOUND_IN_TEXT:
            out.append(
                ParseWarning(
                    code=W_INVENTED_CRITERION,
                    message=f"candidate criterion {entry.criterion.id}: only {found:.0%} of "
                    "its words are in the reference's text: is it from this trial?",
                    criterion_id=entry.criterion.id,
                )
            )
    return out


def _reference_words(reference: Protocol) -> set[str]:
    if reference.eligibility_text:
        return set(tokens(reference.eligibility_text))
    return {w for _, c, _ in reference.iter_criteria() for w in tokens(c.text)}


def _is_registry_json(data: Any) -> bool:
    """A ClinicalTrials.gov API v2 study, a list of them, or ``{"studies": [...]}``."""
    if isinstance(data, dict):
        return "protocolSection" in data or "studies" in data
    return (
        isinstance(data, list)
        and bool(data)
        and all(isinstance(d, dict) and "protocolSection" in d for d in data)
    )


def read_side(path: str | Path) -> Side:
    """One side of an audit, detected by content: an encoding, or a record to parse.

    A ``.yaml``/``.yml`` file is an encoding; so is a ``.json`` file unless it is a
    ClinicalTrials.gov study (``protocolSection``, ``studies``). An encoding must validate:
    anything else in such a file (a misspelt top-level key, a list, plain text) is an error
    naming the file and the first bad fields (E202), never read as eligibility text. Other
    files (registry page text, plain criteria, XML) are records, parsed as ``eligo parse``
    would.
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
            if not (path.suffix.lower() == ".json" and _is_registry_json(data)):
                return Side(protocol_from_data(data, str(path)))
        except EncodingFileError as err:
            raise InvalidEncodingError(str(err), err.code) from None
    return Side(_parse_record(path), parsed=True)


def load_side(path: str | Path) -> Protocol:
    """The encoding of one side (see :func:`read_side`)."""
    return read_side(path).protocol


def load_encoding(path: str | Path) -> Protocol:
    """A rule file that must be an encoding; errors name the file (and the bad field)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file", E_NO_SUCH_FILE)
    try:
        return protocol_from_data(load_data(path), str(path))
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
