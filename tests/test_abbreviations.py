"""Abbreviations a record defines (Schwartz and Hearst's algorithm), and the codes they give.

The texts are criteria of NKX019-102 and of the annotated corpora's trials.
"""

from nlp.concepts.abbreviations import find_definitions
from nlp.pipeline import annotate


def test_a_short_form_in_brackets_after_its_long_form_is_defined():
    text = "Known clinically active antiphospholipid antibody syndrome (APS); or high-risk profile"
    assert find_definitions(text) == {"APS": "antiphospholipid antibody syndrome"}


def test_the_long_form_starts_at_the_word_that_gives_the_first_letter():
    text = "Progression despite maximal tolerated doses of renin-angiotensin system (RAS) blockade"
    assert find_definitions(text) == {"RAS": "renin-angiotensin system"}


def test_a_word_or_a_roman_numeral_in_brackets_is_no_short_form():
    text = (
        "Prolongation of the QT interval corrected for heart rate (QTc) (Fridericia) interval of "
        "> 480 msec. ≥ Class III New York Heart Association (NYHA) congestive heart failure (III)"
    )
    assert find_definitions(text) == {
        "QTc": "QT interval corrected for heart rate",
        "NYHA": "New York Heart Association",
    }


def test_a_long_form_does_not_reach_back_over_the_previous_short_form():
    text = "Aspartate aminotransferase (AST)/Alanine aminotransferase (ALT) > 2.5 x ULN"
    assert find_definitions(text) == {
        "AST": "Aspartate aminotransferase",
        "ALT": "Alanine aminotransferase",
    }


def test_a_long_form_in_brackets_after_its_short_form_is_not_read_as_a_short_form():
    text = "Subject must have an ECOG (Eastern Cooperative Oncology Group) performance status"
    assert find_definitions(text) == {}


def test_letters_that_are_not_in_the_words_before_define_nothing():
    assert find_definitions("Subject is in a state of progressive disease (PD);") == {
        "PD": "progressive disease"
    }
    assert find_definitions("one isolated intrabony defect (PD)") == {}


def test_a_long_form_whose_words_begin_with_the_letters_is_read_whole():
    # Schwartz and Hearst's rule alone stops at the nearest letters: "pump inhibitor"
    assert find_definitions("Current use of a proton pump inhibitor (PPI)") == {
        "PPI": "proton pump inhibitor"
    }
    assert find_definitions("History of multiple myeloma (MM)") == {"MM": "multiple myeloma"}


def test_a_word_that_starts_with_the_short_form_defines_nothing():
    assert find_definitions("Strong inhibitors of CYP3A4 (CYP)") == {}


def test_a_short_form_of_capitals_that_are_roman_numerals_only_in_part_is_defined():
    assert find_definitions("Left ventricular (LV) dysfunction") == {"LV": "Left ventricular"}


def test_a_short_form_defined_two_ways_is_left_out():
    text = (
        "American Society of Anesthesiologists (ASA) class I-III. "
        "Allergy to acetylsalicylic acid (ASA)"
    )
    assert find_definitions(text) == {}


def _coded(texts: list[str]) -> list[tuple[str, str, list[str]]]:
    docs = annotate(texts, definitions=find_definitions("\n".join(texts)))
    return [(m.text, m.category, [c.code for c in m.codes]) for d in docs for m in d._.mentions]


def test_a_short_form_is_coded_as_the_long_form_the_record_defines():
    found = _coded(
        [
            "Central sleep apnea (CSA) - 5 or more central apneas per hour",
            "Treatment of CSA within the last 3 months",
        ]
    )
    assert ("CSA", "condition", ["HP:0010536"]) in found


def test_a_short_form_takes_the_category_its_long_form_is_coded_in():
    # the model reads a bare "DNR" as an observation; Do Not Resuscitate is ICD-10-CM's Z66
    found = _coded(
        [
            'Do Not Resuscitate (DNR) or Do Not Intubate (DNI) status, or "no escalation of care"',
            "Patients with an active DNR order will be excluded.",
        ]
    )
    assert [(t, c, k) for t, c, k in found if t == "DNR"] == [
        ("DNR", "condition", ["Z66"]),
        ("DNR", "condition", ["Z66"]),
    ]


def test_a_short_form_the_record_defines_otherwise_loses_its_usual_code():
    # "MI" alone is coded as myocardial infarction; here the record says mitral insufficiency
    # (written for the test: none of the records at hand defines MI otherwise)
    usual = _coded(["History of MI within 6 months"])
    assert ("MI", "condition", ["HP:0001658"]) in usual
    found = _coded(
        ["Moderate or severe mitral insufficiency (MI) on echocardiography", "History of MI"]
    )
    assert [(t, k) for t, _, k in found if t == "MI"] == [("MI", []), ("MI", [])]


def test_a_short_form_keeps_no_usual_code_whose_name_lacks_the_long_forms_head():
    # written for the test: "myocardial" is shared, but an ischemia is no infarction
    found = _coded(
        ["Evidence of silent myocardial ischemia (MI) on stress testing", "History of MI"]
    )
    assert [(t, k) for t, _, k in found if t == "MI"] == [("MI", []), ("MI", [])]


def test_a_short_form_does_not_move_from_a_condition_to_a_measurement():
    # written for the test: platelets are a measure, "PLT transfusions" are not a count
    found = _coded(["Platelets (PLT) < 100,000/mm3", "Dependence on PLT or RBC transfusions"])
    assert ("PLT", "measurement", ["777-3"]) in found
    assert [c for t, c, _ in found if t == "PLT"].count("measurement") == 1


def test_a_short_form_keeps_its_usual_code_when_the_long_form_agrees():
    # the record spells it "amino transferase", which no vocabulary names; ALT is still ALT
    found = _coded(["Alanine amino transferase (ALT) > 3 x ULN", "ALT within normal limits"])
    assert [k for t, _, k in found if t == "ALT"] == [["1742-6"], ["1742-6"]]
