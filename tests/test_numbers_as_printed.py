"""Numbers as registry text prints them: spaced comparators, European formats, written-out
relative limits, composite units, second limits with their measure and condition, stages,
ages. Each string is a real criterion of the shared ClinicalTrials.gov records, or the form
the project's issue names, and each behaviour is one assertion.
"""

from __future__ import annotations

import pytest

from models import Quantity
from nlp import parse_text
from nlp.quantities import find_number_readings, find_quantities


def limits(text: str) -> list[tuple]:
    return [
        (q.comparator, q.low if q.comparator == "range" else q.value, q.high, q.unit, q.relative_to)
        for q in find_quantities(text)
    ]


def only(text: str) -> Quantity:
    (q,) = find_quantities(text)
    return q


@pytest.mark.parametrize(
    ("text", "comparator", "value"),
    [
        ("Age \\> / = 18 years", ">=", 18.0),
        ("Hemoglobin < / = 9 g/dL", "<=", 9.0),
        ("platelets > or = 100,000/mm3", ">=", 100000.0),
        ("ANC => 1500/mm3", ">=", 1500.0),
        ("creatinine =< 1.5 mg/dL", "<=", 1.5),
        ("bilirubin 1.5 mg/dL or less", "<=", 1.5),
        ("BMI 30 or more", ">=", 30.0),
        ("no more than 2 prior regimens", "<=", 2.0),
        ("AST not exceeding 3 x ULN", "<=", 3.0),
    ],
)
def test_spaced_and_verbal_comparators(text: str, comparator: str, value: float) -> None:
    q = find_quantities(text.replace("\\", ""))[0]
    assert (q.comparator, q.value) == (comparator, value)


def test_a_thousands_point_in_a_count_per_volume() -> None:
    assert limits("platelets 100.000/µl") == [("=", 100000.0, None, "/uL", None)]


def test_a_decimal_comma() -> None:
    assert limits("ST elevation of 0,1 mV") == [("=", 0.1, None, "mV", None)]


def test_european_readings_are_warned_about() -> None:
    text = "platelets 100.000/µl and ST elevation of 0,1 mV"
    readings = [m for _, _, _, m in find_number_readings(text, find_quantities(text))]
    assert readings == [
        "'100.000' read as 100000 (a thousands point, in a count per volume)",
        "'0,1' read as 0.1 (a decimal comma)",
    ]


def test_a_lost_superscript_is_read_as_a_power_and_warned() -> None:
    protocol = parse_text(  # NCT02028676 (shared records)
        "Exclusion Criteria:\n1. Laboratory abnormalities (neutrophils <0.50x109/L)"
    )
    (q,) = protocol.groups[0].criteria[0].quantities
    assert (q.comparator, q.value, q.unit) == ("<", 0.5, "10*9/L")
    assert [w.code for w in protocol.warnings] == ["W114"]


@pytest.mark.parametrize(
    "text",
    [
        "2.5 X institutional norm or less",
        "AST > 2x upper normal value",
        "ALT ≤ 2 times the upper limit of the normal range",
        "Creatinine < 1.5 X institution ULN",  # NCT06096870
    ],
)
def test_relative_limits_written_out(text: str) -> None:
    assert only(text).relative_to == "ULN"


def test_a_reference_limit_without_a_number_is_one_times_the_reference() -> None:
    q = only("corrected serum calcium > ULN")  # NCT05482516
    assert (q.measure, q.comparator, q.value, q.relative_to) == (
        "corrected serum calcium",
        ">",
        1.0,
        "ULN",
    )


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("platelets 150,000 per cu mm", "/mm3"),
        ("insulin 0.5 U/kg/day", "U/kg/d"),
        ("protein 3 mg/day/1.73 m2", "mg/d/{1.73_m2}"),
        ("iron 4 g/m2/year", "g/m2/a"),
        ("CrCl \\> 45 mL/min/1.73 m\\^2", "mL/min/{1.73_m2}"),  # NCT06096870
        ("PHA response < 5,000 cpm", "{counts}/min"),  # NCT01220531
        ("failure rate of < 1% per year", "%/a"),  # NCT05482516
    ],
)
def test_units_as_ucum(text: str, unit: str) -> None:
    from nlp.units import is_valid_ucum

    q = only(text.replace("\\", ""))
    assert q.unit == unit and is_valid_ucum(unit)


def test_a_frequency_is_not_a_composite_unit() -> None:
    assert all(q.unit != "d/wk" for q in find_quantities("exercise at least 5 days per week"))


def test_cells_named_before_their_unit() -> None:
    q = find_quantities("Complete DiGeorge: <50 CD3+ T cells/cumm")[0]  # NCT01220531
    assert (q.measure, q.comparator, q.value, q.unit) == ("CD3+ T cells", "<", 50.0, "/mm3")


def test_a_second_limit_keeps_its_measure() -> None:
    low, high = find_quantities("HbA1c ≥ 7.0% and ≤ 10.5%")
    assert (low.measure, high.measure) == ("HbA1c", "HbA1c")


def test_a_second_limit_keeps_its_condition() -> None:
    males, females = find_quantities("QTc ≤ 450 ms (males) or ≤ 470 ms (females)")
    assert [(q.measure, q.value, q.condition) for q in (males, females)] == [
        ("QTc", 450.0, "males"),
        ("QTc", 470.0, "females"),
    ]


def test_an_alternative_limit_for_a_subgroup() -> None:
    usual, metastases = find_quantities("AST ≤ 2.5 x ULN or ≤ 5 x ULN for liver metastases")
    assert (metastases.measure, metastases.condition) == ("AST", "liver metastases")
    assert usual.condition is None


def test_a_scope_before_the_limits_is_their_condition() -> None:
    qs = find_quantities(  # NCT05482516
        "Note: for HCC, AST, ALT, and alkaline phosphatase (ALP) ≤ 5 x upper limit of normal (ULN)"
    )
    assert [(q.measure, q.condition) for q in qs] == [
        ("AST", "HCC"),
        ("ALT", "HCC"),
        ("ALP", "HCC"),
    ]


def test_sub_stages_are_kept() -> None:
    q = only("stage IIIB-IV")
    assert (q.kind, q.comparator, q.low, q.high) == ("stage", "range", 3.2, 4.0)


def test_a_grade_after_a_stage_is_its_own_limit() -> None:
    qs = find_quantities("Stage IB, grade 1 or 2, pNx/N0")  # NCT06388018
    assert [(q.kind, q.value) for q in qs] == [("stage", 1.2), ("grade", 1.0), ("grade", 2.0)]


def test_cohort_ages_keep_both_bounds() -> None:
    qs = find_quantities("Cohort 1: ≥ 12 years to < 18 years")
    assert [(q.kind, q.comparator, q.value, q.unit) for q in qs] == [
        ("age", ">=", 12.0, "a"),
        ("age", "<", 18.0, "a"),
    ]


def test_an_age_pair_printing_its_unit_once() -> None:
    qs = find_quantities("Adult patients (≥ 18 but < 60 years)")  # NCT07013331
    assert [(q.kind, q.value, q.unit) for q in qs] == [("age", 18.0, "a"), ("age", 60.0, "a")]


def test_ages_in_two_units_are_two_limits_not_a_range() -> None:
    qs = find_quantities("Age 3 months to 17 years")  # NCT02028676
    assert [(q.comparator, q.value, q.unit) for q in qs] == [(">=", 3.0, "mo"), ("<=", 17.0, "a")]


def test_ages_in_days_are_ages_not_time_windows() -> None:
    protocol = parse_text("Inclusion Criteria:\n* infants 3 to 5 days old")
    criterion = protocol.groups[0].criteria[0]
    assert [(q.kind, q.low, q.high, q.unit) for q in criterion.quantities] == [
        ("age", 3.0, 5.0, "d")
    ]
    assert criterion.time_windows == []


def test_gestational_age_is_not_the_participants_age() -> None:
    protocol = parse_text("Inclusion Criteria:\n* Infants born at < 37 weeks gestation")
    (q,) = protocol.groups[0].criteria[0].quantities
    assert (q.kind, q.measure, q.value, q.unit) == ("value", "gestational age", 37.0, "wk")
    assert protocol.demographics.min_age is None and protocol.demographics.max_age is None


def test_a_gestational_age_in_completed_weeks_is_no_age_limit() -> None:
    # a Chia trial's criterion: the unit comes after "completed"
    (q,) = find_quantities("Gestational age less than 37 completed weeks")
    assert (q.kind, q.measure, q.comparator, q.value, q.unit) == (
        "value",
        "gestational age",
        "<",
        37.0,
        "wk",
    )


@pytest.mark.parametrize(
    "text",
    [
        "Children scheduled for surgery under GA aged 2 to 12",  # GA: general anaesthesia
        "Women with a singleton gestation aged 18-45",
        "Infants born at term aged 6 to 12",
    ],
)
def test_an_age_after_words_of_gestation_is_still_an_age(text: str) -> None:
    # written for the test: gestation words before an age in years
    assert [q.kind for q in find_quantities(text)] == ["age"]


def test_cohort_numbers_are_names_not_a_range() -> None:
    assert find_quantities("Cohorts 2-4") == []


def test_a_count_of_the_listed_criteria_is_a_minimum() -> None:
    qs = find_quantities("at least 4 of the following 5 principal features")  # NCT00132080
    assert [(q.kind, q.comparator, q.value) for q in qs] == [("count", ">=", 4.0)]


def test_a_limit_shared_by_measures_named_with_abbreviations() -> None:
    qs = find_quantities(  # NCT05482516
        "AST, ALT, and alkaline phosphatase (ALP) ≤ 3 x upper limit of normal (ULN)"
    )
    assert [q.measure for q in qs] == ["AST", "ALT", "ALP"]


def test_a_performance_status_list_after_must_be() -> None:
    qs = find_quantities("Patients' ECOG performance status must be 0, 1, or 2")  # NCT06388018
    assert [(q.kind, q.value) for q in qs] == [("score", 0.0), ("score", 1.0), ("score", 2.0)]


def test_a_limit_shared_by_two_measures_joined_by_a_slash() -> None:
    qs = find_quantities(  # NCT06096870
        "Aspartate aminotransferase (AST) /Alanine aminotransferase (ALT) <=2.5 x institutional "
        "upper limit of normal (ULN)"
    )
    assert [(q.measure, q.value, q.relative_to) for q in qs] == [
        ("AST", 2.5, "ULN"),
        ("ALT", 2.5, "ULN"),
    ]


def test_an_aside_in_brackets_before_the_limit_is_not_its_measure() -> None:
    q = find_quantities(  # NCT06096870
        "Measured or calculated creatinine clearance (CrCl) (estimated glomerular filtration "
        "rate (eGFR) may also be used in place of CrCl) > 45 mL/min/1.73 m^2 for participant with "
        "creatinine levels > 1.5 x institutional ULN"
    )[0]
    assert (q.measure, q.value) == ("CrCl", 45.0)
    assert q.condition == "participant with creatinine levels > 1.5 x institutional ULN"


def test_childrens_age_bands_with_an_open_upper_bound() -> None:
    qs = find_quantities("CD4%<20% for children 1-<3 years")  # NCT02028676
    assert [(q.kind, q.comparator, q.value, q.unit) for q in qs] == [
        ("value", "<", 20.0, "%"),
        ("age", ">=", 1.0, "a"),
        ("age", "<", 3.0, "a"),
    ]


def test_an_infants_age_in_months() -> None:
    qs = find_quantities("CD4%<25% for infants <12 months")  # NCT02028676
    assert [(q.kind, q.value, q.unit) for q in qs][1:] == [("age", 12.0, "mo")]


def test_an_age_in_brackets_after_a_word_for_people() -> None:
    assert [(q.kind, q.value) for q in find_quantities("Adult patient (≥ 18 years)")] == [
        ("age", 18.0)
    ]  # NCT07013331


def test_a_long_run_of_spaces_before_a_limit_is_read_in_linear_time() -> None:
    # issue 10 row 1: the measure filler took exponential time (x2 per space) on this shape;
    # 20,000 spaces now take a fraction of a second
    text = "Serum" + " " * 20_000 + "level >= 5 mg/dL"
    (q,) = find_quantities(text)
    assert (q.measure, q.comparator, q.value, q.unit) == ("level", ">=", 5.0, "mg/dL")


def test_a_long_run_of_spaces_reads_as_one_space() -> None:
    protocol = parse_text("Inclusion Criteria:\n* Serum" + " " * 24 + "level >= 5 mg/dL")
    criterion = protocol.groups[0].criteria[0]
    assert criterion.text == "Serum level >= 5 mg/dL"
    (q,) = criterion.quantities
    assert protocol.eligibility_text[q.span[0] : q.span[1]].endswith("level >= 5 mg/dL")
