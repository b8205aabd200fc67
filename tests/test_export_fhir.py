"""``fhir``: every export is a valid FHIR R5 resource (``fhir.resources`` R5 models), holds
every criterion, and says in standard fields what the criteria say."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from interop_fixtures import reference_trial, without_codes

from models import Code, Criterion, Group, Mention, Protocol
from nlp.export import EXPORTERS
from nlp.export.fhir import ANCHOR_SYSTEM, COVERAGE_URL, fhir_id

fhir_resources = pytest.importorskip("fhir.resources")
from fhir.resources.bundle import Bundle  # noqa: E402
from fhir.resources.evidencevariable import EvidenceVariable  # noqa: E402

DEFINITIONS = (
    "definitionReference",
    "definitionCanonical",
    "definitionCodeableConcept",
    "definitionExpression",
    "definitionId",
    "definitionByTypeAndValue",
    "definitionByCombination",
)


def test_the_installed_models_are_fhir_r5() -> None:
    assert fhir_resources.__fhir_version__.startswith("5.")


@pytest.fixture(scope="module")
def reference() -> Protocol:
    return reference_trial()


def export(protocols: list[Protocol]) -> dict[str, Any]:
    return json.loads(EXPORTERS["fhir"].dumps(protocols))


def characteristics(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every characteristic, nested ones included."""
    for item in items:
        yield item
        yield from characteristics(
            item.get("definitionByCombination", {}).get("characteristic", [])
        )


def by_link(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["linkId"]: c for c in characteristics(resource["characteristic"]) if "linkId" in c}


def check_invariants(resource: dict[str, Any]) -> None:
    """What the models do not check: at most one definition per characteristic (evv-1), and
    a combination of at least one characteristic with a known code."""
    for c in characteristics(resource.get("characteristic", [])):
        assert sum(key in c for key in DEFINITIONS) <= 1, c
        if "definitionByCombination" in c:
            assert c["definitionByCombination"]["code"] in ("all-of", "any-of")


@pytest.mark.parametrize("codes", [True, False], ids=["as parsed", "without codes"])
def test_the_reference_export_validates_and_holds_every_criterion(reference, codes) -> None:
    protocol = reference if codes else without_codes(reference)
    data = export([protocol])
    EvidenceVariable.model_validate(data)
    check_invariants(data)
    ids = {fhir_id(criterion.id) for _g, criterion, _d in protocol.iter_criteria()}
    assert ids <= set(by_link(data))


def test_a_criterion_without_codes_keeps_its_text_flagged(reference) -> None:
    exc_14 = by_link(export([without_codes(reference)]))["exc.14"]
    assert exc_14["description"] == "Major surgery within 28 days prior to the first dose of NKX019"
    assert exc_14["exclude"] is True
    assert exc_14["extension"] == [{"url": COVERAGE_URL, "valueCode": "text"}]
    assert not any(key in exc_14 for key in DEFINITIONS)
    assert exc_14["note"]


def test_lab_limits_joined_by_or_are_an_any_of_in_ucum(reference) -> None:
    """exc.7 "... platelet count < 100,000/mm^3" (NKX019-102)."""
    exc_7 = by_link(export([reference]))["exc.7"]
    combination = exc_7["definitionByCombination"]
    assert combination["code"] == "any-of"
    platelets = next(
        c["definitionByTypeAndValue"]
        for c in combination["characteristic"]
        if c["definitionByTypeAndValue"]["type"]["coding"][0]["code"] == "777-3"
    )
    assert platelets["valueQuantity"] == {
        "value": 100000,
        "comparator": "<",
        "unit": "/mm3",
        "system": "http://unitsofmeasure.org",
        "code": "/mm3",
    }


def test_a_window_before_the_first_dose_is_a_time_from_that_event(reference) -> None:
    """exc.8.2 "History of myocardial infarction within 12 weeks prior to the first dose"."""
    exc_8_2 = by_link(export([reference]))["exc.8.2"]
    # HPO's term: ICD-10-CM's I21 is an MI within 4 weeks, the window is 12 (gold/README.md)
    assert exc_8_2["definitionCodeableConcept"]["coding"][0]["code"] == "HP:0001658"
    (event,) = exc_8_2["timeFromEvent"]
    assert event["eventCodeableConcept"]["coding"][0] == {
        "system": ANCHOR_SYSTEM,
        "code": "first_dose",
        "display": "first administration of the study intervention (Day 1)",
    }
    assert (event["range"]["low"]["value"], event["range"]["high"]["value"]) == (-12, 0)
    assert event["range"]["low"]["code"] == "wk"


def test_sub_items_of_an_exclusion_are_any_of_and_excluded_once(reference) -> None:
    """exc.8 "Major cardiac disease ... as defined by: 1. ... 7." (NKX019-102)."""
    exc_8 = by_link(export([reference]))["exc.8"]
    assert exc_8["exclude"] is True
    nested = exc_8["definitionByCombination"]
    assert nested["code"] == "any-of"
    children = [c["linkId"] for c in nested["characteristic"] if "linkId" in c]
    assert children == [f"exc.8.{n}" for n in range(1, 8)]
    assert not any(c.get("exclude") for c in nested["characteristic"])


def test_a_limit_relative_to_the_uln_has_the_offset(reference) -> None:
    """exc.5 "... bilirubin ≥ 3 times the upper limit of normal"."""
    exc_5 = by_link(export([reference]))["exc.5"]
    offsets = [
        c["definitionByTypeAndValue"]
        for c in exc_5["definitionByCombination"]["characteristic"]
        if "offset" in c.get("definitionByTypeAndValue", {})
    ]
    assert offsets and all(o["offset"]["coding"][0]["code"] == "UNL" for o in offsets)
    assert {o["valueQuantity"]["value"] for o in offsets} == {3}


def test_the_record_age_and_sex_are_characteristics() -> None:
    protocol = Protocol.model_validate(
        {"trial_id": "NCT1", "demographics": {"min_age": {"value": 18}, "sex": "female"}}
    )
    data = export([protocol])
    EvidenceVariable.model_validate(data)
    age, sex = data["characteristic"]
    assert age["definitionByTypeAndValue"]["valueQuantity"]["comparator"] == ">="
    assert age["definitionByTypeAndValue"]["type"]["coding"][0]["code"] == "30525-0"
    assert sex["definitionByTypeAndValue"]["valueCodeableConcept"]["coding"][0]["code"] == "female"


def _one(criterion: Criterion) -> Protocol:
    return Protocol(
        trial_id="NCT1", groups=[Group(id="inc", kind="inclusion", criteria=[criterion])]
    )


def test_a_negated_mention_is_excluded_and_a_test_result_coded() -> None:
    no_hiv = Criterion(
        id="inc.1",
        text="No HIV infection; negative pregnancy test",
        logic="all",
        mentions=[
            Mention(
                text="HIV infection",
                category="condition",
                assertion="negated",
                codes=[Code(system="http://hl7.org/fhir/sid/icd-10-cm", code="B20")],
            ),
            Mention(
                text="pregnancy test",
                category="test",
                result="negative",
                codes=[Code(system="http://loinc.org", code="2106-3")],
            ),
        ],
    )
    data = export([_one(no_hiv)])
    EvidenceVariable.model_validate(data)
    hiv, test = data["characteristic"][0]["definitionByCombination"]["characteristic"]
    assert hiv["exclude"] is True
    value = test["definitionByTypeAndValue"]["valueCodeableConcept"]["coding"][0]
    assert value["code"] == "260385009"


def test_a_criterion_for_a_subgroup_is_text_only(reference) -> None:
    """inc.5 "For subjects on immunosuppressives ..., all doses must be stable for ≥ 4 weeks"."""
    rendered = EXPORTERS["fhir"].render([reference])  # type: ignore[attr-defined]
    inc_5 = next(c for c in rendered.coverage.criteria if c.criterion_id == "inc.5")
    assert inc_5.level == "text"
    assert "conditional" in inc_5.lost[0]


def test_coverage_counts_every_criterion_once(reference) -> None:
    coverage = EXPORTERS["fhir"].render([reference]).coverage  # type: ignore[attr-defined]
    total = sum(1 for _ in reference.iter_criteria())
    assert len(coverage.criteria) == total
    assert coverage.count("full") + coverage.count("partial") + coverage.count("text") == total


def test_several_trials_are_a_bundle() -> None:
    protocols = [Protocol(trial_id="NCT1"), Protocol(trial_id="NCT2")]
    data = export(protocols)
    Bundle.model_validate(data)
    assert [e["resource"]["id"] for e in data["entry"]] == ["NCT1", "NCT2"]


def _records() -> list[Path]:
    folder = Path(os.environ.get("ELIGO_RECORDS", Path(__file__).parents[2] / "shared" / "records"))
    return sorted(folder.glob("NCT*")) if folder.is_dir() else []


@pytest.mark.slow
@pytest.mark.skipif(not _records(), reason="set ELIGO_RECORDS to the folder of shared records")
def test_every_shared_record_exports_valid_fhir() -> None:
    from nlp import parse_file

    for path in _records():
        protocol = parse_file(path)
        for variant in (protocol, without_codes(protocol)):
            data = export([variant])
            EvidenceVariable.model_validate(data)
            check_invariants(data)
            ids = {fhir_id(criterion.id) for _g, criterion, _d in variant.iter_criteria()}
            assert ids <= set(by_link(data)), path.name
