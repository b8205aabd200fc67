"""Numeric limits: one behaviour per row, real criterion text as input.

Rows marked with an NCT id come from the LCT / Chia corpora (ClinicalTrials.gov text);
unmarked rows are from the reference trial NCT06557265.
"""

from __future__ import annotations

import re

import pytest

from nlp.quantities import find_quantities as _find_quantities
from nlp.quantities import find_run_together


def find_quantities(text):
    """Corpus rows are written "NCTxxxxxxxx: criterion text"; the id is not part of the input."""
    return _find_quantities(re.sub(r"^NCT\d{8}: ", "", text))


def _fields(q):
    value = (q.low, q.high) if q.comparator == "range" else q.value
    return (q.kind, q.measure, q.comparator, value, q.unit, q.relative_to)


def _one(text):
    qs = find_quantities(text)
    assert len(qs) == 1, [q.text for q in qs]
    return qs[0]


# (criterion text, (kind, measure, comparator, value, unit, relative_to))
SINGLE = [
    (
        "the prednisone (or equivalent) dose must be ≤40 mg/day at 6 weeks prior to Screening",
        ("value", "dose", "<=", 40.0, "mg/d", None),
    ),
    (
        "Score of 10 or more points on the American College of Rheumatology (ACR) 2019 "
        "classification criteria for SLE",
        (
            "score",
            "American College of Rheumatology (ACR) 2019 classification criteria",
            ">=",
            10.0,
            None,
            None,
        ),
    ),
    (
        "Positive antinuclear antibodies (ANA) ≥ 1:80 OR anti-dsDNA OR anti-Smith (anti-Sm)",
        ("titre", "ANA", ">=", 80.0, None, None),
    ),
    (
        "Refractory LN defined as having received ≥ 2 prior therapies for LN",
        ("count", "prior therapies", ">=", 2.0, None, None),
    ),
    (
        "Refractory or intolerant to at least one induction therapy for pMN",
        ("count", "induction therapy", ">=", 1.0, None, None),
    ),
    (
        "resting hypoxemia (<92% oxygen saturation via pulse oximetry) on room air",
        ("value", "oxygen saturation", "<", 92.0, "%", None),
    ),
    (
        "significant smoking history (i.e. >10 pack/year) with active pulmonary disease",
        ("value", "smoking history", ">", 10.0, "{pack-years}", None),
    ),
    (
        "≥ Class III New York Heart Association (NYHA) congestive heart failure (CHF)",
        ("class", "New York Heart Association", ">=", 3.0, None, None),
    ),
    (
        "Prolongation of the QT interval corrected for heart rate (QTc) (Fridericia) interval of "
        "> 480 msec",
        ("value", "QTc", ">", 480.0, "ms", None),
    ),
    (
        "pulmonary embolism, or other ≥ Grade 2 thrombotic or embolic events",
        ("grade", "thrombotic or embolic events", ">=", 2.0, None, None),
    ),
    # corpus patterns
    ("NCT03864744: HbA1c <6 mmol/L", ("value", "HbA1c", "<", 6.0, "mmol/L", None)),
    (
        "NCT03863639: serum creatinine >1.1 mg/dL",
        ("value", "serum creatinine", ">", 1.1, "mg/dL", None),
    ),
    (
        "NCT03862807: eGFR ≤30 mL/min/1.73 m^2",
        ("value", "eGFR", "<=", 30.0, "mL/min/{1.73_m2}", None),
    ),
    ("NCT03928158: BMI > 30 kg/m²", ("value", "BMI", ">", 30.0, "kg/m2", None)),
    (
        "NCT03867071: hemoglobin between 9 and 13 g / dl",
        ("value", "hemoglobin", "range", (9.0, 13.0), "g/dL", None),
    ),
    (
        "NCT03925610: ejection fraction lower than 35%",
        ("value", "ejection fraction", "<", 35.0, "%", None),
    ),
    (
        "NCT03866421: Fasting blood glucose ≥ 6,1 mmol/ l",
        ("value", "Fasting blood glucose", ">=", 6.1, "mmol/L", None),
    ),
    ("NCT03921502: MoCA score > = 4", ("value", "MoCA score", ">=", 4.0, None, None)),
    ("NCT02652572: platelets < 100,000", ("value", "platelets", "<", 100000.0, None, None)),
    (
        "NCT01850147: neutrophils ≥ 1.5 x 10^9/L",
        ("value", "neutrophils", ">=", 1.5, "10*9/L", None),
    ),
    (
        "NCT03338296: platelet count > 100 × 10^9/L",
        ("value", "platelet count", ">", 100.0, "10*9/L", None),
    ),
    ("NCT02609048: ALT ≥ 1.67 × ULN", ("value", "ALT", ">=", 1.67, None, "ULN")),
    ("NCT02691793: bilirubin <= 1.5 X UNL", ("value", "bilirubin", "<=", 1.5, None, "ULN")),
    ("NCT03922906: AST ≥ 2 times upper limits of normal", ("value", "AST", ">=", 2.0, None, "ULN")),
    ("NCT03867214: INR >1.4 times normal", ("value", "INR", ">", 1.4, None, "ULN")),
    ("ALT > 3xULN", ("value", "ALT", ">", 3.0, None, "ULN")),
    (
        "creatinine ≤ 1.5 times the institutional upper limit of normal",
        ("value", "creatinine", "<=", 1.5, None, "ULN"),
    ),
    (
        "NCT03929549: Inability to protrude the mandible beyond 5 mm",
        ("value", "protrude the mandible", ">", 5.0, "mm", None),
    ),
    ("NCT03928899: EFW < 10th percentile", ("value", "EFW", "<", 10.0, None, None)),
    (
        "NCT03869515: at least two prior regimens",
        ("count", "prior regimens", ">=", 2.0, None, None),
    ),
    (
        "NCT03860025: one or more prior surgeries",
        ("count", "prior surgeries", ">=", 1.0, None, None),
    ),
    ("NCT03923465: 4 or fewer missing teeth", ("count", "missing teeth", "<=", 4.0, None, None)),
    ("NCT01728194: pain score higher than 2", ("value", "pain score", ">", 2.0, None, None)),
    ("NCT03927885: fatigue of >= 4/10 on ESAS", ("score", "fatigue", ">=", 4.0, None, None)),
    ("NCT03004261: HBV DNA ≥ 1000 cp/ml", ("value", "HBV DNA", ">=", 1000.0, "{copies}/mL", None)),
    (
        "NCT03387059: NT-proBNP <= 3000 picogram/milliliter (pg/mL)",
        ("value", "NT-proBNP", "<=", 3000.0, "pg/mL", None),
    ),
    (
        "NCT02624908: creatinine clearance at least 60 ml/mn",
        ("value", "creatinine clearance", ">=", 60.0, "mL/min", None),
    ),
    (
        "NCT03026088: heart rate <60 beat per minute",
        ("value", "heart rate", "<", 60.0, "/min", None),
    ),
    ("NCT01743755: temperature >38,0 °C", ("value", "temperature", ">", 38.0, "Cel", None)),
    ("NCT03927924: Gleason score 7", ("score", "Gleason score", "=", 7.0, None, None)),
    ("NCT03927924: PSA 20 ng/ml", ("value", "PSA", "=", 20.0, "ng/mL", None)),
    ("NCT03867981: BMI: 25-45 kg/m2", ("value", "BMI", "range", (25.0, 45.0), "kg/m2", None)),
    ("NCT00749112: Weight: more than 40 Kg", ("value", "Weight", ">", 40.0, "kg", None)),
    (
        "NCT03619707: Frozen embryo transfer cycles: at least 2 embryos",
        ("count", "embryos", ">=", 2.0, None, None),
    ),
    (
        "NCT03867201: History of at least 5 attacks of migraine",
        ("count", "attacks", ">=", 5.0, None, None),
    ),
    (
        "NCT02668978: Planned removal of more than 10 lung lesions",
        ("count", "lung lesions", ">", 10.0, None, None),
    ),
    (
        "NCT02944292: Spontaneous breathing activity of at least 6 breaths/minute",
        ("value", "Spontaneous breathing activity", ">=", 6.0, "/min", None),
    ),
    (
        "NCT03097068: central subfield thickness of at least 250 microns",
        ("value", "central subfield thickness", ">=", 250.0, "um", None),
    ),
    (
        "NCT03026088: Severe hypotension [resting SBP less than (<) 90mmHg",
        ("value", "resting SBP", "<", 90.0, "mm[Hg]", None),
    ),
    (
        "NCT03387059: Anti-mullerian hormone (AMH) greater than (>) 1.1 nanogram per milliliter",
        ("value", "AMH", ">", 1.1, "ng/mL", None),
    ),
]


@pytest.mark.parametrize(("text", "expected"), SINGLE)
def test_single_quantity(text, expected):
    assert _fields(_one(text)) == expected


# ages: kind age, unit a, measure age
AGES = [
    ("Age ≥ 18 years of age", ">=", 18.0),
    ("aged 18 to 75 years", "range", (18.0, 75.0)),
    ("NCT03860012: ages 2-21 years", "range", (2.0, 21.0)),
    ("NCT03924232: 18 or older", ">=", 18.0),
    ("NCT03862209: those who are under the age of 18 at the start", "<", 18.0),
    ("NCT03860857: Between the ages of 60 and 85", "range", (60.0, 85.0)),
    ("NCT03868475: Women over age 18 with a core biopsy", ">", 18.0),
    ("NCT02634541: patients <18 years", "<", 18.0),
    ("NCT03096613: 18 years or older", ">=", 18.0),
    ("NCT03861494: 18 years of age or older", ">=", 18.0),
    ("NCT03865316: Patients 18 years old and older at the time of consent.", ">=", 18.0),
    ("NCT03865784: - Over 18 years", ">", 18.0),
    ("NCT03926156: Men and women ≥ 18 year-old", ">=", 18.0),
    ("NCT03929367: Male or female > 18 and < 60 years of age", ">", 18.0),
]


@pytest.mark.parametrize(("text", "comparator", "value"), AGES)
def test_age(text, comparator, value):
    q = find_quantities(text)[0]
    got = (q.low, q.high) if q.comparator == "range" else q.value
    assert (q.kind, q.unit, q.comparator, got) == ("age", "a", comparator, value)
    assert "age" in (q.measure or "").lower()


def test_age_with_two_limits():
    """NCT03860012: 'age > 21 or less than 2': two age limits, the second without a word."""
    qs = find_quantities("age > 21 or less than 2")
    assert [(q.kind, q.comparator, q.value, q.unit) for q in qs] == [
        ("age", ">", 21.0, "a"),
        ("age", "<", 2.0, "a"),
    ]


# durations and names are not quantities
NOT_QUANTITIES = [
    "stable for ≥ 14 days before start of Screening",
    "all doses must be stable for ≥ 4 weeks prior to Screening",
    "as evidenced on kidney biopsy during screening or within 6 months before screening",
    "Negative SARS-CoV-2 test",
    "Positive anti-PLA2R antibodies",
    "History of myocardial infarction within 12 weeks prior to the first dose of NKX019",
    "Disease-modifying therapies within 14 days or 5 half-lives of the drug",
    "proteinuria on a 24-hour collection",
    "using the 2018 International Society of Nephrology (ISN/RPS) criteria (Bajema 2018)",
    "COVID-19 vaccination; CD19-directed therapy",
    "Hepatitis B or C positive at screening",
    "NCT03860038: within 4 weeks or 5 PK half-lives of the treatment",
    "NCT03862417: degenerative scoliosis (n=20)",
    "NCT03928093: Pain intensity on a 0-10 VAS scale",
    "NCT03926078: 3D optical surface images",
]


@pytest.mark.parametrize("text", NOT_QUANTITIES)
def test_not_a_quantity(text):
    assert find_quantities(text) == []


def test_classes_listed_are_one_equality_each():
    text = (
        "Active biopsy proven lupus nephritis Class III or Class IV with or without Class V "
        "using the 2018 International Society of Nephrology criteria"
    )
    qs = find_quantities(text)
    assert [(q.kind, q.comparator, q.value) for q in qs] == [
        ("class", "=", 3.0),
        ("class", "=", 4.0),
    ]
    assert [q.text for q in qs] == ["Class III", "Class IV"]


CLASS_ROWS = [
    ("NCT03860350: Heart failure NYHA class III or IV", "class", [("=", 3.0), ("=", 4.0)]),
    (
        "NCT03928158: New York Heart Association (NYHA) class II-III heart failure",
        "class",
        [("range", (2.0, 3.0))],
    ),
    ("NCT03865316: ASA status I, II, or III.", "class", [("=", 1.0), ("=", 2.0), ("=", 3.0)]),
    (
        "NCT03867955: American Society of Anesthesiologists (ASA) 1 or 2",
        "class",
        [("=", 1.0), ("=", 2.0)],
    ),
    ("ECOG performance status 0 or 1", "score", [("=", 0.0), ("=", 1.0)]),
    ("NCT03927274: WHO Grade III or IV Glioma", "grade", [("=", 3.0), ("=", 4.0)]),
    ("grade 3 or higher neuropathy", "grade", [(">=", 3.0)]),
    ("NCT03922503: Stage III periodontitis", "stage", [("=", 3.0)]),
    ("NCT03863080: (MGFA) Class II-IVa", "class", [("range", (2.0, 4.0))]),
]


@pytest.mark.parametrize(("text", "kind", "expected"), CLASS_ROWS)
def test_classes_grades_and_scales(text, kind, expected):
    qs = find_quantities(text)
    got = [(q.comparator, (q.low, q.high) if q.comparator == "range" else q.value) for q in qs]
    assert got == expected
    assert {q.kind for q in qs} == {kind}


def test_scores_carry_their_scale():
    text = (
        "the biopsy must have at least mild to moderate activity score (≥4/24) and no more than "
        "moderate chronicity index (≤ 6/12) per NIH indices"
    )
    qs = find_quantities(text)
    assert [(q.kind, q.comparator, q.value, q.scale_max) for q in qs] == [
        ("score", ">=", 4.0, 24.0),
        ("score", "<=", 6.0, 12.0),
    ]
    assert qs[0].measure.endswith("activity score")
    assert qs[1].measure.endswith("chronicity index")


def test_a_limit_shared_by_either_measure_is_read_in_each_measures_own_unit():
    # NCT06557265 inclusion 2.3: a ratio cannot be limited in g/day
    text = (
        "Active renal disease as defined by urinary protein:creatinine ratio (UPCR) ≥ 1.5 g/g or "
        "proteinuria ≥1.5 g/day on a 24-hour collection and ≤ 7 g/day by either measure"
    )
    qs = find_quantities(text)
    assert [(q.measure, q.comparator, q.value, q.unit) for q in qs] == [
        ("UPCR", ">=", 1.5, "g/g"),
        ("proteinuria", ">=", 1.5, "g/d"),
        ("UPCR", "<=", 7.0, "g/g"),
        ("proteinuria", "<=", 7.0, "g/d"),
    ]


def test_upcr_and_proteinuria_nephrotic():
    text = (
        "Active renal disease at screening defined by spot UPCR ≥ 3.5 g/g or proteinuria "
        "≥ 3.5 g/day"
    )
    assert [(q.comparator, q.value, q.unit) for q in find_quantities(text)] == [
        (">=", 3.5, "g/g"),
        (">=", 3.5, "g/d"),
    ]


def test_shared_limit_gives_one_quantity_per_measure():
    text = (
        "Liver disease or dysfunction, including cirrhosis and/or aspartate aminotransferase, "
        "alanine aminotransferase, or bilirubin ≥ 3 times the upper limit of normal"
    )
    qs = find_quantities(text)
    assert [q.measure for q in qs] == [
        "aspartate aminotransferase",
        "alanine aminotransferase",
        "bilirubin",
    ]
    assert {(q.comparator, q.value, q.relative_to, q.unit) for q in qs} == {
        (">=", 3.0, "ULN", None)
    }


def test_cytopenias_each_with_its_unit():
    text = (
        "White blood cell count < 3,000/mm^3; hemoglobin levels < 9 gm/dL absolute neutrophil "
        "count < 2,000/mm^3; platelet count < 100,000/mm^3"
    )
    qs = find_quantities(text)
    assert [(q.measure, q.comparator, q.value, q.unit) for q in qs] == [
        ("White blood cell count", "<", 3000.0, "/mm3"),
        ("hemoglobin levels", "<", 9.0, "g/dL"),
        ("absolute neutrophil count", "<", 2000.0, "/mm3"),
        ("platelet count", "<", 100000.0, "/mm3"),
    ]
    for q in qs:
        assert text[q.span[0] : q.span[1]] == q.text


def test_ejection_fraction_prefers_the_abbreviation():
    q = _one(
        "significantly decreased ejection fraction (EF ≤ 40%), or severe cardiac insufficiency"
    )
    assert (q.measure, q.comparator, q.value, q.unit, q.text) == ("EF", "<=", 40.0, "%", "EF ≤ 40%")


def test_blood_pressure_two_measures():
    text = "Uncontrolled hypertension (systolic blood pressure > 160mmHg and diastolic > 90mmHg)"
    qs = find_quantities(text)
    assert [(q.measure, q.comparator, q.value, q.unit) for q in qs] == [
        ("systolic blood pressure", ">", 160.0, "mm[Hg]"),
        ("diastolic", ">", 90.0, "mm[Hg]"),
    ]


def test_blood_pressure_pair_is_two_values():
    """NCT03860584: '>130/85 mmHg' is a systolic and a diastolic limit."""
    qs = find_quantities("blood pressure >130/85 mmHg")
    assert [(q.comparator, q.value, q.unit, q.notes) for q in qs] == [
        (">", 130.0, "mm[Hg]", "systolic"),
        (">", 85.0, "mm[Hg]", "diastolic"),
    ]


@pytest.mark.parametrize(
    ("text", "comparator"),
    [
        ("hemoglobin no more than 9 g/dL", "<="),
        ("hemoglobin not more than 9 g/dL", "<="),
        ("hemoglobin more than 9 g/dL", ">"),
        ("hemoglobin greater than or equal to 9 g/dL", ">="),
        ("hemoglobin equal to or greater than 9 g/dL", ">="),
        ("hemoglobin exceeding 9 g/dL", ">"),
        ("hemoglobin above 9 g/dL", ">"),
        ("hemoglobin below 9 g/dL", "<"),
        ("hemoglobin under 9 g/dL", "<"),
        ("hemoglobin up to 9 g/dL", "<="),
        ("hemoglobin maximum of 9 g/dL", "<="),
        ("hemoglobin minimum of 9 g/dL", ">="),
        ("hemoglobin 9 g/dL or more", ">="),
        ("hemoglobin 9 g/dL or less", "<="),
        ("hemoglobin =< 9 g/dL", "<="),
        ("hemoglobin => 9 g/dL", ">="),
        ("hemoglobin ≧ 9 g/dL", ">="),
        ("hemoglobin ≦ 9 g/dL", "<="),
        ("hemoglobin = 9 g/dL", "="),
    ],
)
def test_comparator_words_and_symbols(text, comparator):
    q = _one(text)
    assert (q.comparator, q.value, q.unit) == (comparator, 9.0, "g/dL")


@pytest.mark.parametrize(
    "text",
    ["hemoglobin from 9 to 13 g/dL", "hemoglobin 9-13 g/dL", "hemoglobin 9 to 13 g/dL"],
)
def test_range_forms(text):
    q = _one(text)
    assert (q.comparator, q.low, q.high, q.unit) == ("range", 9.0, 13.0, "g/dL")


def test_count_of_criteria():
    """NCT03860246: '≥2 of the following' is a count of the criteria that follow."""
    q = _one("NCT03860246: Nursing home residents with ≥2 of the following:")
    assert (q.kind, q.comparator, q.value, q.measure) == ("count", ">=", 2.0, None)


def test_negative_values():
    q = _one("NCT03922594: microcephaly, (defined as head circumference ≤-3SD according to")
    assert (q.comparator, q.value, q.unit) == ("<=", -3.0, "{SD}")


def test_number_words():
    q = _one("NCT03929315: Previous experience with at most two OLV in children")
    assert (q.kind, q.comparator, q.value, q.measure) == ("count", "<=", 2.0, "OLV")


def test_spans_point_into_the_text():
    text = "diastolic blood pressure > 110mmHg"  # NCT03864276
    q = _one(text)
    assert text[q.span[0] : q.span[1]] == q.text == "diastolic blood pressure > 110mmHg"


def test_run_together_seed():
    text = "hemoglobin levels < 9 gm/dL absolute neutrophil count < 2,000/mm^3"
    gaps = find_run_together(text)
    assert len(gaps) == 1
    start, end = gaps[0]
    assert text[:start].endswith("gm/dL") and text[end:].startswith("absolute")


@pytest.mark.parametrize(
    "text",
    [
        "White blood cell count < 3,000/mm^3; hemoglobin levels < 9 gm/dL",
        "systolic blood pressure > 160mmHg and diastolic > 90mmHg",
        "NCT03867214: hemoglobin value of <11 g/dL in females and <12 g/dL in males",
    ],
)
def test_separated_values_are_not_run_together(text):
    assert find_run_together(text) == []


# ---- measures named around the limit (instrument, parenthesis, graded thing)
def test_score_on_an_instrument_takes_the_instrument():
    q = _one("a score of at least 20 on the Mini-Mental State Examination")
    assert (q.kind, q.measure, q.comparator, q.value) == (
        "score",
        "Mini-Mental State Examination",
        ">=",
        20.0,
    )


def test_grade_first_takes_the_graded_thing_after_it():
    q = _one("Grade 3 or higher neutropenia")
    assert (q.kind, q.measure, q.comparator, q.value) == ("grade", "neutropenia", ">=", 3.0)
    q = _one("other ≥ Grade 2 thrombotic or embolic events within 12 weeks")
    assert q.measure == "thrombotic or embolic events"


def test_scale_named_before_keeps_its_name():
    qs = find_quantities("NCT03860350: Heart failure NYHA class III or IV")
    assert {q.measure for q in qs} == {"NYHA class"}


def test_parenthesis_with_ie_takes_the_noun_phrase_before():
    q = _one("significant smoking history (i.e. >10 pack/year)")
    assert (q.measure, q.comparator, q.value, q.unit) == (
        "smoking history",
        ">",
        10.0,
        "{pack-years}",
    )


def test_repeated_limits_in_a_scope_clause_are_not_new():
    text = (
        "Active biopsy proven lupus nephritis Class III or Class IV with or without Class V using "
        "the 2018 International Society of Nephrology (ISN/RPS) criteria. For subjects with "
        "primarily Class III or Class IV LN, the biopsy must have at least mild to moderate "
        "activity score (≥4/24)"
    )
    qs = find_quantities(text)
    assert [(q.kind, q.value) for q in qs] == [("class", 3.0), ("class", 4.0), ("score", 4.0)]
    assert qs[0].span[1] < text.index("For subjects")


def test_scope_clause_keeps_a_limit_not_stated_before():
    qs = find_quantities("Lupus nephritis. For subjects with Class V LN, the UPCR must be ≥ 3 g/g")
    assert [(q.kind, q.value) for q in qs] == [("class", 5.0), ("value", 3.0)]


# ---- LCT patterns without a comparator word, and comparator forms
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "NCT03860857: Normal cognition defined as a Clinical Dementia Rating of 0 and",
            ("score", "=", 0.0, None),
        ),
        ("NCT03921437: The MMSE of the educators was 26 points", ("score", "=", 26.0, None)),
        ("NCT03861858: Meets two additional criteria for BPD", ("count", "=", 2.0, None)),
        ("NCT03865732: 12 seizures over a 12-week period", ("count", "=", 12.0, None)),
        (
            "NCT03861442: contralateral hearing equal to or better than 60 dB",
            ("value", ">=", 60.0, "dB"),
        ),
        (
            "NCT03925454: Haemoglobin equal to or greater than100 g/L at enrolment",
            ("value", ">=", 100.0, "g/L"),
        ),
        ("fasting glucose < 7,0 mmol/l", ("value", "<", 7.0, "mmol/L")),
        ("NCT03860350: HbA1C level variation range within 0.5%", ("value", "<=", 0.5, "%")),
        ("NCT03929887: First diagnostic kidney biopsy since 2010", ("value", ">=", 2010.0, None)),
        ("NCT03923517: contact with the person at least twice a week", ("value", ">=", 2.0, None)),
    ],
)
def test_limits_without_or_with_unusual_comparators(text, expected):
    q = _one(text)
    assert (q.kind, q.comparator, q.value, q.unit) == expected


def test_ranges_with_units_on_both_ends_and_calendar_years():
    q = _one("NCT03862417: curves 15°-45°.")
    assert (q.comparator, q.low, q.high, q.unit) == ("range", 15.0, 45.0, "deg")
    q = _one("NCT03920683: hospitalization between January 2014 and May 2017, in the department")
    assert (q.comparator, q.low, q.high) == ("range", 2014.0, 2017.0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Child-Pugh B or C cirrhosis", [("=", 2.0), ("=", 3.0)]),
        ("NCT03869073: severe liver disease (Child-Pugh Class C)", [("=", 3.0)]),
        ("NCT03863236: Liver dysfunction, child pugh B or worse", [(">=", 2.0)]),
    ],
)
def test_letter_grades(text, expected):
    qs = find_quantities(text)
    assert [(q.comparator, q.value) for q in qs] == expected
    assert {q.kind for q in qs} == {"class"}


def test_second_value_restates_the_first_limit():
    qs = find_quantities("body weight less than 45 kilograms (100 pounds)")
    assert [(q.measure, q.comparator, q.value, q.unit) for q in qs] == [
        ("body weight", "<", 45.0, "kg"),
        ("body weight", "<", 100.0, "[lb_av]"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "NCT03860584: changes in birth control (within 6-mo)",
        "NCT03864224: persistent low back pain of at least 1 month's duration",
        "NCT03865732: > 8 consecutive weeks of seizure freedom",
        "disease duration > 5 years;",
        "no history of type 2 diabetes",
    ],
)
def test_more_non_quantities(text):
    assert find_quantities(text) == []


@pytest.mark.parametrize(
    ("text", "measure"),
    [
        ("Creatinine clearance (Cockcroft-Gault) ≥ 60 mL/min", "Creatinine clearance"),
        ("LVEF (by ECHO or MUGA) ≥ 50%", "LVEF"),
        ("QTc (Fridericia or Bazett) > 470 ms", "QTc"),
    ],
)
def test_a_bracketed_method_between_measure_and_limit_is_not_the_measure(text, measure):
    assert _one(text).measure == measure


def test_a_bracketed_abbreviation_before_the_limit_is_still_the_measure():
    assert _one("urine protein creatinine ratio (UPCR) ≥ 1.5 g/g").measure == "UPCR"


def test_a_bracket_of_method_words_that_names_no_method_is_not_dropped():
    # "(corrected)" makes it another measure: reading "serum calcium" would code uncorrected calcium
    assert _one("serum calcium (corrected) > 12 mg/dL").measure != "serum calcium"


@pytest.mark.parametrize(
    ("text", "measure"),
    [
        # Chia (2-hour C-peptide, 6-min walk) and LCT (24-h blood pressure by ABPM) lines; the
        # creatinine clearance line is written for this test
        ("2-hour C-peptide level < 1.8 ng/mL.", "2-hour C-peptide level"),
        ("mean 24-h systolic BP ≥ 130 mmHg", "mean 24-h systolic BP"),
        ("24-hour urine creatinine clearance ≥ 40 mL/min", "24-hour urine creatinine clearance"),
        ("6-min walk of > 50m", "6-min walk"),
    ],
)
def test_a_number_glued_by_a_hyphen_to_the_next_word_is_part_of_the_measure(text, measure):
    assert _one(text).measure == measure


def test_a_number_before_the_measure_still_ends_the_phrase_before_it():
    assert _one("Cohort 2 platelets ≥ 100 x 10^9/L").measure == "platelets"


def test_a_blood_pressure_pair_printed_without_its_unit_is_still_a_pair():
    # Chia: "Resistant hypertension, defined as BP > 140/90, despite ..."; not a score out of 90
    quantities = find_quantities("Resistant hypertension, defined as BP > 140/90, despite")
    assert [(q.measure, q.comparator, q.value, q.notes) for q in quantities] == [
        ("BP", ">", 140.0, "systolic"),
        ("BP", ">", 90.0, "diastolic"),
    ]


@pytest.mark.parametrize(
    ("text", "comparator"),
    [
        ("Female subjects aged =/> 18 years and of reproductive age.", ">="),  # Chia
        ("Lipids: an LDL =/>130 mg/dL", ">="),  # Chia
        ("HbA1c =/< 8%", "<="),
    ],
)
def test_an_equals_sign_written_before_the_slash_is_still_or_equal(text, comparator):
    assert _one(text).comparator == comparator


@pytest.mark.parametrize(
    ("text", "measures"),
    [
        ("AST/ALT ≤ 3.0 x upper limit of normal (ULN)", ["AST", "ALT"]),  # real record
        ("abnormal liver function tests (AST/ALT > 43 U/L)", ["AST", "ALT"]),  # Chia
        ("Bilirubin/ SGOT/SGPT < 5 × upper normal limits.", ["Bilirubin", "SGOT", "SGPT"]),
    ],
)
def test_a_limit_on_names_joined_by_slashes_is_a_limit_on_each(text, measures):
    assert [q.measure for q in find_quantities(text)] == measures


@pytest.mark.parametrize("text", ["PaO2/FiO2 < 300", "FEV1/FVC < 70%"])
def test_a_ratio_of_two_measures_stays_one_measure(text):
    assert [q.measure for q in find_quantities(text)] == [text.split(" <")[0]]


def test_the_reference_of_an_earlier_limit_is_not_a_measure_sharing_the_next():
    # NCT04047628: "(ULN)" closes the first limit; it is not listed with the second's measure
    text = (
        "Total bilirubin ≥ 1.5 times the upper limit of normal (ULN) or total bilirubin ≥ 3.0 "
        "times the ULN in the presence of Gilbert's syndrome"
    )
    assert [q.measure for q in find_quantities(text)] == ["Total bilirubin", "total bilirubin"]


def test_the_percent_reference_of_an_earlier_limit_is_not_a_measure_sharing_the_next():
    # Chia: "predicted value" is what the 40% is of, not a measure listed with FEV1/FVC
    text = "FEV1 < 40% of predicted value, FEV1/FVC < 70%"
    assert [q.measure for q in find_quantities(text)] == ["FEV1", "FEV1/FVC"]


def test_the_limit_for_another_subgroup_limits_the_same_measure():
    text = "Serum creatinine >2.5 mg/dL in men, or >2.0 mg/dL in women"  # Chia NCT01891513
    assert [(q.measure, q.value) for q in find_quantities(text)] == [
        ("Serum creatinine", 2.5),
        ("Serum creatinine", 2.0),
    ]


def test_a_subgroup_value_without_a_comparator_takes_the_first_limits():
    text = "QTc interval >450 ms for men or 470 ms for women"  # NCT03377387
    assert [(q.measure, q.comparator, q.value) for q in find_quantities(text)] == [
        ("QTc interval", ">", 450.0),
        ("QTc interval", ">", 470.0),
    ]


def test_a_unit_printed_after_the_second_limit_is_the_first_ones_too():
    text = "BMI <20 or >35 kg/m2"  # LCT NCT03861377
    assert [(q.value, q.unit) for q in find_quantities(text)] == [(20.0, "kg/m2"), (35.0, "kg/m2")]


def test_a_dipstick_grade_does_not_take_the_unit_of_the_next_limit():
    text = "Urine protein ≤2+ or < 1000mg/24h;"  # NCT06382129
    assert [q.unit for q in find_quantities(text)] == [None, "mg/d"]


def test_the_name_before_between_measures_two_limits_with_their_own_comparators():
    text = "Blood glucose levels between >140 mg and <400 mg/dL"  # Chia NCT02408120
    assert [q.measure for q in find_quantities(text)] == ["Blood glucose levels"] * 2


def test_a_count_of_the_following_names_what_it_counts_when_the_text_does():
    text = "the presence of at least 4 of the following 5 principal features:"  # NCT00132080
    q = _one(text)
    assert (q.kind, q.measure, q.comparator, q.value) == ("count", "principal features", ">=", 4.0)


def test_a_count_of_the_following_with_no_noun_counts_no_named_thing():
    assert _one("Meets one of the following:").measure is None


@pytest.mark.parametrize(
    ("text", "measure"),
    [
        ("CD4 count of > 200 cells", "CD4 count"),  # a known measure is not "the things"
        ("LVEF of ≥ 40% without valvular stenosis", "LVEF"),  # nor what a percent is of
        ("change in body weight (CBW) ≥ 5%", "CBW"),  # a change is not the body weight
    ],
)
def test_a_known_measure_or_a_change_keeps_its_reading(text, measure):
    assert _one(text).measure == measure


def test_a_second_limit_in_another_unit_naming_another_measure_is_not_the_first_measure():
    text = "Hemoglobin < 10 g/dL in women or 30% hematocrit in women"
    assert [q.measure for q in find_quantities(text)] == ["Hemoglobin", None]


def test_a_limit_restated_in_a_molar_unit_keeps_the_measure():
    text = "fasting plasma glucose (FPG) =126 mg/dL (7.0 mmol/L)"  # Chia NCT03338296
    assert [q.measure for q in find_quantities(text)] == ["FPG", "FPG"]


@pytest.mark.parametrize(
    ("text", "comparators"),
    [
        # Chia NCT03338855, NCT01774019, NCT00391690
        ("Anemia defined as Hemoglobin (Hb) < 115 g/L (7.1 mM) in women", ["<", "<"]),
        ("Bilirubin level at/above 100 umol per liter (5.8 mg/dL)", [">=", ">="]),
        (
            "serum calcium concentration < 8.0 mg/dl (2.00 mmol/L) or ≥ 12.0 mg/dl (3.00 mmol/L)",
            ["<", "<", ">=", ">="],
        ),
    ],
)
def test_a_limit_restated_in_brackets_in_another_unit_keeps_its_comparator(text, comparators):
    assert [q.comparator for q in find_quantities(text)] == comparators


def test_a_bracketed_value_of_another_measure_is_no_restatement():
    qs = find_quantities("Creatinine ≤ 1.5 mg/dL (or CrCl 50 mL/min)")
    assert [(q.measure, q.comparator) for q in qs] == [("Creatinine", "<="), ("CrCl", "=")]


def test_a_bracketed_or_restatement_keeps_the_measure_and_the_comparator():
    qs = find_quantities("HbA1c above 48mmol/mol (or 6.5%)")  # LCT NCT03923205
    assert [(q.measure, q.comparator, q.value, q.unit) for q in qs] == [
        ("HbA1c", ">", 48.0, "mmol/mol"),
        ("HbA1c", ">", 6.5, "%"),
    ]


@pytest.mark.parametrize(
    ("text", "measures"),
    [
        ("Known active infection, CRP>20 mg/L", ["CRP"]),  # Chia NCT01978028
        ("Minor burn, TBSA < 20 %", ["TBSA"]),  # LCT NCT03867565
        ("AST, ALT ≤ 2.5 × ULN", ["AST", "ALT"]),
        ("Serum AST, serum ALT ≤ 3 x ULN", ["Serum AST", "serum ALT"]),  # a qualifier
        (
            "indirect bilirubin, direct bilirubin > 2 x ULN",
            ["indirect bilirubin", "direct bilirubin"],
        ),
        ("serum creatinine, bilirubin ≤ 1.5 × ULN", ["serum creatinine", "bilirubin"]),
    ],
)
def test_a_criterion_listed_before_a_measure_with_a_comma_does_not_share_its_limit(text, measures):
    assert [q.measure for q in find_quantities(text)] == measures


def test_a_verb_after_of_the_following_is_not_what_is_counted():
    assert _one("one of the following applies:").measure is None


def test_a_percent_printed_before_a_stenosis_measures_the_stenosis():
    # NCT01174550: not the "(PAD)" of the condition the stenosis defines
    text = (
        "Peripheral Arterial Disease (PAD) defined as documented >50% peripheral arterial stenosis"
    )
    assert _one(text).measure == "peripheral arterial stenosis"


def test_a_known_name_ending_the_phrase_before_an_abbreviation_is_the_measure():
    # NCT01174550: "BP" names no measure; the systolic pressure before it does
    text = "clinically unstable condition systolic blood pressure (BP) < 90 mmHg"
    assert _one(text).measure == "systolic blood pressure"


def test_a_name_in_a_bracket_left_open_before_the_limit_wins_over_an_earlier_abbreviation():
    # LCT NCT03928158: the measure is LVMi, not the "(LV)" of "left ventricular (LV) hypertrophy"
    text = "left ventricular (LV) hypertrophy (LVMi ≥109 g/m² in women"
    assert _one(text).measure == "LVMi"


def test_a_phrase_that_starts_inside_the_bracket_before_the_limit_is_not_the_measure():
    # NCT04047628: the measure is DLCO, not "Hgb)" out of "(corrected for Hgb)"
    text = "Diffusing capacity of the lungs for carbon monoxide (DLCO) (corrected for Hgb) < 70%"
    assert _one(text).measure == "DLCO"


@pytest.mark.parametrize(
    ("text", "measure"),
    [
        ("Major trauma with other injuries and ISS (Injury Severity Score) >16", "ISS"),  # LCT
        ("Coagulopathy with INR (international normalized ratio) > 1.5", "INR"),  # LCT
        ("Cr(creatinine) >1.5×ULN.", "Cr"),  # Chia
        ("Predicted adult height (based on bone age) more than 10 cm", "Predicted adult height"),
    ],
)
def test_a_limit_right_after_a_bracket_restating_the_name_measures_that_name(text, measure):
    assert _one(text).measure == measure


def test_an_adverb_between_the_measure_and_its_limit_is_not_part_of_the_measure():
    # NCT02028676: "... CD4 should generally be <350 cells/mm3"
    assert _one("CD4 should generally be <350 cells/mm3").measure == "CD4"


def test_a_fraction_after_a_blood_pressure_word_is_not_a_pressure_pair():
    assert [q.notes for q in find_quantities("BP reduction of ≥ 1/3")] == [None]


def test_numbers_that_cannot_be_pressures_are_not_a_pressure_pair():
    assert [q.notes for q in find_quantities("BP > 9/40")] == [None]


def test_a_blood_pressure_pair_on_slashed_names_stays_two_limits():
    quantities = find_quantities("SBP/DBP ≥ 160/100 mmHg")
    assert [(q.value, q.notes) for q in quantities] == [(160.0, "systolic"), (100.0, "diastolic")]


def test_a_ratio_printed_with_a_unit_stays_one_measure():
    assert [q.measure for q in find_quantities("PaO2/FiO2 < 300 mmHg")] == ["PaO2/FiO2"]


def test_an_age_in_brackets_before_the_limit_is_still_an_age():
    assert _one("Subjects (age) ≥ 18 years").kind == "age"


def test_a_bracketed_qualifier_keeps_the_name_from_being_the_measure():
    # "direct" makes it another measure: reading "bilirubin" would code total bilirubin
    assert _one("bilirubin (direct) > 1 mg/dL").measure != "bilirubin"


def test_a_bracketed_abbreviation_followed_by_more_words_is_still_the_measure():
    assert _one("Fridericia corrected QT (QTcF) interval > 470 ms").measure == "QTcF"


def test_the_upper_limit_of_normal_written_out_is_not_a_measure_of_the_next_limit():
    text = "ALT > 3 x upper limit of normal or bilirubin > 2 x ULN"
    assert [q.measure for q in find_quantities(text)] == ["ALT", "bilirubin"]


@pytest.mark.parametrize(
    ("text", "measure"),
    [
        ("Anemia (hemoglobin) < 10 g/dL", "hemoglobin"),
        ("obesity - BMI (body mass index) >30 kg/m2", "body mass index"),  # Chia NCT03070847
    ],
)
def test_a_bracket_naming_the_measure_after_words_that_name_none_is_the_measure(text, measure):
    assert _one(text).measure == measure
