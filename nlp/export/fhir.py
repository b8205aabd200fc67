"""``fhir``: the criteria as a FHIR R5 ``EvidenceVariable`` per trial (a ``Bundle`` of them for
several), JSON.

One ``characteristic`` per criterion (``linkId`` = the criterion id, ``description`` = its
text, ``exclude: true`` for an exclusion), the record's age and sex limits as characteristics
of their own. A criterion's parts (see :mod:`nlp.export.interop`) are
``definitionCodeableConcept`` (a coded mention) or ``definitionByTypeAndValue`` (a coded
quantity in UCUM, a test result), combined by ``definitionByCombination`` (``all-of`` /
``any-of`` as the criterion's logic; sub-items as further characteristics of the kind's
combination); time windows are ``timeFromEvent`` (the anchor as a coded event of
:data:`ANCHOR_SYSTEM`, the range in days-before as negative numbers) or, for a plain duration,
``durationQuantity``. What is not expressed is named in the characteristic's ``note`` and its
coverage is flagged in the extension :data:`COVERAGE_URL` (``full`` / ``partial`` /
``text``): a criterion is never left out. Field by field in docs/interop.md.

Written as plain JSON data: building the pydantic models of ``fhir.resources`` would add a
heavy run-time dependency (and its start-up cost to every command that lists the formats) for
no gain in what is written; the tests validate every resource with ``fhir.resources`` (its R5
models), so the output is checked against the standard where it is made.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import cache
from typing import Any

from models import AgeLimit, Code, Criterion, Group, Mention, Protocol, Quantity, TimeWindow
from nlp.export.interop import (
    RESULT_CODES,
    Coverage,
    CriterionCoverage,
    InteropExporter,
    Part,
    Rendered,
    children_logic,
    criterion_losses,
    criterion_parts,
    note_unexpressed_windows,
    unexpressed_windows,
)

UCUM = "http://unitsofmeasure.org"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
ANCHOR_SYSTEM = "urn:eligo:anchor-event"
"""Eligo's anchor events (docs/schema.md, Anchor vocabulary) as a local code system."""
COVERAGE_URL = "urn:eligo:fhir:coverage"
"""Extension on a characteristic: ``valueCode`` full | partial | text."""
OFFSET_SYSTEM = "http://hl7.org/fhir/characteristic-offset"
CTGOV = "https://clinicaltrials.gov"

AGE_TYPE = {"coding": [{"system": LOINC, "code": "30525-0", "display": "Age"}], "text": "age"}
SEX_TYPE = {"coding": [{"system": LOINC, "code": "46098-0", "display": "Sex"}], "text": "sex"}
COMPARATORS = {"<": "<", "<=": "<=", ">": ">", ">=": ">="}
_ID_RE = re.compile(r"[^A-Za-z0-9\-.]")


class FhirExporter(InteropExporter):
    name = "fhir"
    suffix = ".json"
    description = "FHIR R5 EvidenceVariable per trial (a Bundle for several), JSON"

    def render(self, protocols: Sequence[Protocol], **options: Any) -> Rendered:
        """The resource(s) as JSON text and the coverage of every criterion."""
        coverage = Coverage(self.name)
        resources = [evidence_variable(p, coverage, n) for n, p in enumerate(protocols, 1)]
        if len(resources) == 1:
            data: dict[str, Any] = resources[0]
        else:
            data = {
                "resourceType": "Bundle",
                "type": "collection",
                "entry": [{"resource": r} for r in resources],
            }
        return Rendered(json.dumps(data, indent=2, ensure_ascii=False) + "\n", coverage)


def fhir_id(text: str) -> str:
    """``text`` as a FHIR id (letters, digits, ``-`` and ``.``, at most 64)."""
    return _ID_RE.sub("-", text)[:64] or "x"


def evidence_variable(protocol: Protocol, coverage: Coverage, number: int = 1) -> dict[str, Any]:
    """One trial's criteria as an EvidenceVariable; each criterion's coverage is added to
    ``coverage``."""
    trial = protocol.trial_id or protocol.org_study_id or f"trial-{number}"
    identifiers: list[dict[str, Any]] = []
    if protocol.trial_id:
        identifiers.append({"system": CTGOV, "value": protocol.trial_id})
    if protocol.org_study_id:
        identifiers.append(
            {"type": {"text": "organization study id"}, "value": protocol.org_study_id}
        )
    characteristics = demographic_characteristics(protocol)
    before = len(coverage.criteria)
    for group in protocol.groups:
        for criterion in group.criteria:
            characteristics.append(criterion_characteristic(criterion, group, coverage, top=True))
    mine = coverage.criteria[before:]
    resource: dict[str, Any] = {
        "resourceType": "EvidenceVariable",
        "id": fhir_id(trial),
        "status": "draft",
        "name": fhir_id(f"Eligibility{trial}").replace("-", "").replace(".", ""),
        "title": f"Eligibility criteria of {protocol.title or trial}",
        "description": (
            f"The eligibility criteria of {trial}, read from the registry text by Eligo "
            "(machine-made, not reviewed)."
        ),
        "actual": False,
        "note": [
            {
                "text": (
                    f"Eligo coverage: {len(mine)} criteria, "
                    f"{sum(c.level == 'full' for c in mine)} expressed fully, "
                    f"{sum(c.level == 'partial' for c in mine)} partly, "
                    f"{sum(c.level == 'text' for c in mine)} as text only"
                )
            }
        ],
    }
    if identifiers:
        resource["identifier"] = identifiers
    if characteristics:
        resource["characteristic"] = characteristics
    return resource


def demographic_characteristics(protocol: Protocol) -> list[dict[str, Any]]:
    """The record's age limits (one ``Age`` characteristic) and sex (unless all)."""
    demo = protocol.demographics
    out: list[dict[str, Any]] = []
    if demo.min_age or demo.max_age:
        out.append(
            {
                "linkId": "demographics.age",
                "description": _age_text(demo.min_age, demo.max_age),
                "definitionByTypeAndValue": {
                    "type": AGE_TYPE,
                    **_age_value(demo.min_age, demo.max_age),
                },
            }
        )
    if demo.sex in ("female", "male"):
        out.append(
            {
                "linkId": "demographics.sex",
                "description": f"sex: {demo.sex}",
                "definitionByTypeAndValue": {
                    "type": SEX_TYPE,
                    "valueCodeableConcept": {
                        "coding": [
                            {
                                "system": "http://hl7.org/fhir/administrative-gender",
                                "code": demo.sex,
                            }
                        ]
                    },
                },
            }
        )
    return out


def _age_text(low: AgeLimit | None, high: AgeLimit | None) -> str:
    parts = [f"at least {low.text or f'{low.value:g} {low.unit}'}" if low else ""]
    parts.append(f"at most {high.text or f'{high.value:g} {high.unit}'}" if high else "")
    return "age " + " and ".join(p for p in parts if p)


def _age_value(low: AgeLimit | None, high: AgeLimit | None) -> dict[str, Any]:
    if low and high:
        return {
            "valueRange": {
                "low": _quantity(low.value, low.unit),
                "high": _quantity(high.value, high.unit),
            }
        }
    limit = low or high
    assert limit is not None
    return {"valueQuantity": _quantity(limit.value, limit.unit, ">=" if low else "<=")}


def _quantity(value: float, unit: str | None, comparator: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"value": _number(value)}
    if comparator:
        out["comparator"] = comparator
    if unit:
        out.update({"unit": unit, "system": UCUM, "code": unit})
    return out


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _concept(codes: Sequence[Code], text: str) -> dict[str, Any]:
    coding = []
    for c in codes:
        entry = {"system": c.system, "code": c.code}
        if c.display:
            entry["display"] = c.display
        coding.append(entry)
    return {"coding": coding, "text": text}


def criterion_characteristic(
    criterion: Criterion, group: Group, coverage: Coverage, *, top: bool
) -> dict[str, Any]:
    """``criterion`` (and its sub-items, nested) as one characteristic; the coverage of each
    criterion met is appended to ``coverage``, parent first."""
    tally = CriterionCoverage(criterion.id)
    coverage.criteria.append(tally)
    parts = criterion_parts(criterion)
    elements: list[dict[str, Any]] = []
    expressed: list[Part] = []
    for part in parts:
        element = part_characteristic(part, tally)
        if element is not None:
            elements.append(element)
            expressed.append(part)
    tally.lost.extend(criterion_losses(criterion))
    note_unexpressed_windows(tally, unexpressed_windows(criterion, parts, expressed))
    tally.lost[:] = dict.fromkeys(tally.lost)  # one note per loss
    own = _combine(elements, criterion.logic or "all")
    children = [
        criterion_characteristic(child, group, coverage, top=False) for child in criterion.children
    ]
    out: dict[str, Any] = {"linkId": fhir_id(criterion.id), "description": criterion.text}
    if children:
        out["definitionByCombination"] = {
            "code": "all-of" if children_logic(group) == "all" else "any-of",
            "characteristic": ([own] if own else []) + children,
        }
    elif own:
        out.update({k: v for k, v in own.items() if k != "description"})
    if top and group.kind == "exclusion":
        out["exclude"] = not out.get("exclude", False)
    out["extension"] = [{"url": COVERAGE_URL, "valueCode": tally.level}]
    if tally.lost or not elements:
        notes = tally.lost or ["nothing in this criterion is expressed: kept as text"]
        out["note"] = [{"text": n} for n in notes]
    return out


def _combine(elements: list[dict[str, Any]], logic: str) -> dict[str, Any] | None:
    """One element as it is, several as a ``definitionByCombination``."""
    if not elements:
        return None
    if len(elements) == 1:
        return dict(elements[0])
    return {
        "definitionByCombination": {
            "code": "any-of" if logic == "any" else "all-of",
            "characteristic": elements,
        }
    }


def part_characteristic(part: Part, tally: CriterionCoverage) -> dict[str, Any] | None:
    """One part as a characteristic, or None (and a note in ``tally``) when not expressed."""
    if part.quantity is not None:
        element = quantity_characteristic(part.quantity, tally)
    else:
        assert part.mention is not None
        element = mention_characteristic(part.mention, tally)
    if element is None:
        return None
    tally.expressed += 1
    if part.window is not None:
        element.update(window_fields(part.window, tally))
    return element


def quantity_characteristic(q: Quantity, tally: CriterionCoverage) -> dict[str, Any] | None:
    label = q.text or q.measure or "quantity"
    if q.kind == "age":
        kind_type: dict[str, Any] = AGE_TYPE
    elif q.codes:
        kind_type = _concept(q.codes, q.measure or label)
    else:
        tally.lost.append(f"quantity {label!r} ({q.measure}): the measure has no code")
        return None
    if q.kind == "count":
        tally.lost.append(f"count {label!r}: a number of events has no type to count")
        return None
    if q.kind == "stage":
        tally.lost.append(f"stage {label!r}: Eligo's numeric stage (3.2 = IIIB) has no FHIR value")
        return None
    if q.relative_to and q.relative_to.upper() not in ("ULN",):
        tally.lost.append(f"limit {label!r} relative to {q.relative_to}: not expressed")
        return None
    definition: dict[str, Any] = {"type": kind_type}
    if q.comparator == "range":
        assert q.low is not None and q.high is not None
        definition["valueRange"] = {
            "low": _quantity(q.low, q.unit),
            "high": _quantity(q.high, q.unit),
        }
    else:
        assert q.value is not None
        definition["valueQuantity"] = _quantity(q.value, q.unit, COMPARATORS.get(q.comparator))
    if q.relative_to:
        definition["offset"] = {
            "coding": [{"system": OFFSET_SYSTEM, "code": "UNL", "display": "Upper Normal Limit"}],
            "text": f"× {q.relative_to}",
        }
    return {"description": label, "definitionByTypeAndValue": definition}


def mention_characteristic(m: Mention, tally: CriterionCoverage) -> dict[str, Any] | None:
    if not m.codes:
        tally.lost.append(f"{m.text!r} ({m.category}) has no code")
        return None
    out: dict[str, Any] = {"description": m.text}
    if m.result is not None:
        code = RESULT_CODES.get(m.result)
        if code is None:
            tally.lost.append(f"result {m.result!r} of {m.text!r}: no code for it")
            return None
        out["definitionByTypeAndValue"] = {
            "type": _concept(m.codes, m.text),
            "valueCodeableConcept": {
                "coding": [{"system": SNOMED, "code": code[0], "display": code[1]}],
                "text": m.result,
            },
        }
    else:
        out["definitionCodeableConcept"] = _concept(m.codes, m.text)
    if m.assertion == "negated":
        out["exclude"] = True
    return out


@cache
def _anchor_descriptions() -> dict[str, str]:
    from nlp.rulefiles import anchor_rules

    return {a.id: a.description for a in anchor_rules().anchors}


def window_fields(w: TimeWindow, tally: CriterionCoverage) -> dict[str, Any]:
    """``timeFromEvent`` of a window with an anchor or a relation; ``durationQuantity`` of a
    plain duration ("for at least 90 days")."""
    if w.unit == "{half-lives}":
        tally.lost.append(f"window {w.text!r}: half-lives are not a unit of time")
    if w.relation is None and w.anchor is None:
        if w.value is None:
            tally.lost.append(f"duration {w.text!r}: no length")
            return {}
        return {"durationQuantity": _quantity(w.value, w.unit, COMPARATORS.get(w.comparator or ""))}
    event: dict[str, Any] = {"description": w.text or f"{w.relation} {w.anchor}"}
    if w.anchor:
        coding: dict[str, Any] = {"system": ANCHOR_SYSTEM, "code": w.anchor}
        if w.anchor in _anchor_descriptions():
            coding["display"] = _anchor_descriptions()[w.anchor]
        event["eventCodeableConcept"] = {"coding": [coding], "text": w.anchor_text or w.anchor}
    sign = -1 if w.relation == "before" else 1
    if w.relation in ("before", "after"):
        event.update(_offset(w, sign))
    elif w.relation is not None:
        tally.lost.append(
            f"window {w.text!r}: the relation {w.relation!r} is in its description only"
        )
    if w.whichever:
        event["note"] = [{"text": f"or the alternative window, whichever is {w.whichever}"}]
    return {"timeFromEvent": [event]}


def _offset(w: TimeWindow, sign: int) -> dict[str, Any]:
    """The window as signed time from the event: before is negative ("<= 12 wk before" is the
    range -12 wk to 0; ">= 6 mo before" is the quantity <= -6 mo)."""
    if w.comparator == "range" and w.low is not None and w.high is not None:
        ends = sorted((sign * w.low, sign * w.high))
        return {"range": {"low": _quantity(ends[0], w.unit), "high": _quantity(ends[1], w.unit)}}
    if w.value is None or w.comparator is None:
        return {}
    value = sign * w.value
    if w.comparator in ("<", "<="):
        ends = sorted((value, 0))
        return {"range": {"low": _quantity(ends[0], w.unit), "high": _quantity(ends[1], w.unit)}}
    if w.comparator == "=":
        return {"quantity": _quantity(value, w.unit)}
    # at least N before = at most -N; at least N after = at least N
    flipped = {">=": "<=", ">": "<"} if sign < 0 else {">=": ">=", ">": ">"}
    return {"quantity": _quantity(value, w.unit, flipped[w.comparator])}


EXPORTER = FhirExporter()
