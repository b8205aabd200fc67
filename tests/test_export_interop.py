"""The split of a criterion into checkable parts that the fhir and omop-sql exports share
(nlp/export/interop.py), on criteria of NKX019-102 (NCT06557265)."""

from __future__ import annotations

from nlp import parse_text
from nlp.export.interop import criterion_losses, criterion_parts


def criterion(text: str, kind: str = "Exclusion"):
    protocol = parse_text(f"{kind} Criteria:\n1. {text}\n")
    return protocol.groups[0].criteria[0]


def test_each_window_binds_to_the_parts_printed_before_it():
    exc_17 = criterion(
        "Central nervous system (CNS) comorbidity or any autoimmune disease with CNS involvement "
        "within 90 days prior to the first dose of NKX019 as well as active CNS lupus within 1 "
        "year prior to screening"
    )
    windows = {p.label: (p.window.value, p.window.unit) for p in criterion_parts(exc_17)}
    assert windows["autoimmune disease"] == (90, "d")
    assert windows["CNS lupus"] == (1, "a")


def test_mentions_inside_an_exception_are_not_parts():
    exc_15 = criterion(
        "Malignancy within 5 years of screening, with the exception of basal and squamous cell "
        "carcinomas treated by complete excision"
    )
    labels = [p.label for p in criterion_parts(exc_15)]
    assert "Malignancy" in labels
    assert not any("carcinoma" in label for label in labels)
    assert any(loss.startswith("exception not expressed") for loss in criterion_losses(exc_15))


def test_a_measurement_named_beside_its_limit_is_not_a_part_of_its_own():
    """ "ejection fraction (EF ≤ 40%)": the limit is the part; the measurement named without a
    value states nothing by itself."""
    exc = criterion("significantly decreased ejection fraction (EF ≤ 40%)")
    parts = criterion_parts(exc)
    assert [p.quantity.measure for p in parts if p.quantity] == ["EF"]
    assert not [p for p in parts if p.mention and p.mention.category == "measurement"]


def test_a_test_with_a_required_result_is_a_part():
    inc_4 = criterion("Negative SARS-CoV-2 test", "Inclusion")
    (part,) = criterion_parts(inc_4)
    assert part.mention is not None and part.mention.result == "negative"


def test_a_criterion_for_a_subgroup_has_no_parts():
    inc_5 = criterion(
        "For subjects on immunosuppressives or immunomodulators (other than corticosteroids), all "
        "doses must be stable for ≥ 4 weeks prior to Screening",
        "Inclusion",
    )
    assert criterion_parts(inc_5) == []
    assert "conditional criterion" in criterion_losses(inc_5)[0]


def test_a_hypothetical_mention_is_a_loss_not_a_part():
    exc_2 = criterion(
        "Currently requiring renal dialysis or expected to require dialysis during the study period"
    )
    assert "dialysis" not in [p.label for p in criterion_parts(exc_2)]
    assert any("hypothetical" in loss for loss in criterion_losses(exc_2))


def test_a_drug_named_as_what_an_allergy_is_to_is_not_a_part():
    """NCT00130923 exc.6: the drug is not an exposure; the allergy is the part."""
    exc_6 = criterion(
        "History of intolerance of or allergy to risperidone or risperidone long-acting."
    )
    labels = [p.label for p in criterion_parts(exc_6)]
    assert "risperidone" not in labels
    assert any(
        "'risperidone' is named after 'intolerance'" in loss for loss in criterion_losses(exc_6)
    )


def test_a_drug_named_as_a_planned_treatment_is_not_a_part():
    """NCT00130923 inc.5."""
    inc_5 = criterion(
        "Patient is medically stable to start either form of risperidone.", "Inclusion"
    )
    assert criterion_parts(inc_5) == []


def test_a_lower_and_an_upper_bound_of_one_measure_are_one_range():
    from models import Quantity
    from nlp.export.interop import bounded

    # NCT06557265 inc2.3: "UPCR ≥ 1.5 g/g ... and ≤ 7 g/day by either measure"
    low = Quantity(measure="UPCR", comparator=">=", value=1.5, unit="g/g")
    high = Quantity(measure="UPCR", comparator="<=", value=7, unit="g/g")
    other = Quantity(measure="proteinuria", comparator=">=", value=1.5, unit="g/d")
    (joined, rest) = bounded([low, other, high])
    assert (joined.comparator, joined.low, joined.high, rest) == ("range", 1.5, 7, other)
    (joined,) = bounded([high, low])  # printed upper bound first
    assert (joined.comparator, joined.low, joined.high) == ("range", 1.5, 7)
