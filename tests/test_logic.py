"""How a criterion's parts combine: any / all, optional parts, exceptions."""

import pytest

from nlp.logic import find_logic
from nlp.pipeline import annotate


def parts(text):
    doc = annotate([text])[0]
    p = find_logic(doc)
    return (
        p,
        [text[a:b] for (a, b), _ in p.optional],
        [text[a:b] for (a, b), _ in p.exceptions],
    )


@pytest.mark.parametrize(
    ("text", "logic"),
    [
        # NCT06557265
        ("Currently requiring renal dialysis or expected to require dialysis", "any"),
        (
            "Pregnancy, breast feeding or, if of childbearing potential, not using contraception",
            "any",
        ),
        ("Negative SARS-CoV-2 test", None),
        ("Prior cellular therapy", None),
        ("Liver disease or dysfunction, including cirrhosis and/or bilirubin ≥ 3 times ULN", "any"),
        # LCT NCT03860012-style measures
        ("Systolic blood pressure > 160 mmHg and diastolic > 90 mmHg", "all"),
    ],
)
def test_logic_from_top_level_coordinators(text, logic):
    assert parts(text)[0].logic == logic


def test_between_x_and_y_is_a_range_not_an_and():
    assert parts("Age between 18 and 65 years")[0].logic is None


def test_coordinators_inside_brackets_decide_when_the_top_level_has_none():
    # NCT06557265 exclusion 8.7
    text = "Uncontrolled hypertension (systolic > 160 mmHg and diastolic > 90 mmHg) despite therapy"
    assert parts(text)[0].logic == "all"


def test_top_level_coordinators_win_over_bracketed_ones():
    text = "Pregnancy (or planned pregnancy) and breast feeding"
    assert parts(text)[0].logic == "all"


def test_two_required_sentences_combine_as_all_whatever_their_inner_or():
    # NCT06557265 inclusion 2.2, shortened
    text = (
        "Active biopsy proven lupus nephritis Class III or Class IV. For subjects with "
        "primarily Class III or Class IV LN, the biopsy must have at least mild activity."
    )
    assert parts(text)[0].logic == "all"


def test_a_sentence_that_readmits_a_subgroup_is_an_exception():
    # NCT06557265 exclusion 15, shortened
    p, _, exceptions = parts(
        "Malignancy within 5 years of screening. Subjects with cervical dysplasia treated with "
        "conization are allowed"
    )
    assert exceptions == ["cervical dysplasia treated with conization"]
    assert p.logic is None


def test_a_subgroup_that_may_be_considered_eligible_is_an_exception():
    # NCT00989261 (Chia), shortened
    _, _, exceptions = parts(
        "Clinically active CNS leukemia. Patients with CNS leukemia, which is controlled, "
        "may be considered eligible"
    )
    assert exceptions == ["CNS leukemia, which is controlled,"]


def test_a_subgroup_that_may_be_enrolled_is_an_exception():
    # NCT03377387, shortened
    _, _, exceptions = parts(
        "Active brain metastases. Patients with treated and stable brain lesions may be enrolled"
    )
    assert exceptions == ["treated and stable brain lesions"]


def test_a_subgroup_that_will_be_excluded_is_no_exception():
    # NCT03068897 (Chia), shortened
    _, _, exceptions = parts(
        "Musculoskeletal etiology of low back. Patients with non-musculoskeletal etiologies "
        "such as urinary tract infection will be excluded"
    )
    assert exceptions == []


def test_with_or_without_marks_an_optional_part_not_an_or():
    # NCT06557265 inclusion 2 (LN cohort)
    p, optional, _ = parts(
        "Active biopsy proven lupus nephritis Class III with or without Class V using the 2018 "
        "ISN/RPS criteria"
    )
    assert optional == ["Class V"]
    assert p.logic is None


def test_exception_runs_to_the_end_of_the_sentence():
    # NCT06557265 exclusion 15
    _, _, exceptions = parts(
        "Malignancy within 5 years of screening, with the exception of basal and squamous cell "
        "carcinomas treated by complete excision. Subjects with cervical dysplasia are allowed"
    )
    assert exceptions == [
        "basal and squamous cell carcinomas treated by complete excision",
        "cervical dysplasia",
    ]


def test_exception_inside_brackets_ends_at_the_bracket():
    # NCT06557265 inclusion 5
    p, _, exceptions = parts(
        "For subjects on immunosuppressives (other than corticosteroids), all doses must be stable"
    )
    assert exceptions == ["corticosteroids"]
    assert p.logic is None


@pytest.mark.parametrize("trigger", ["except", "except for", "excluding", "unless", "other than"])
def test_exception_triggers(trigger):
    _, _, exceptions = parts(f"Prior chemotherapy {trigger} hydroxyurea; any radiotherapy")
    assert exceptions == ["hydroxyurea"]


@pytest.mark.parametrize(
    "text",
    [
        # NCT06557265 inclusion 2.1
        "Score of 10 or more points on the American College of Rheumatology (ACR) 2019 "
        "classification criteria for SLE",
        "Adverse events of grade 3 or higher related to prior immunotherapy",
    ],
)
def test_the_or_of_a_comparator_is_not_an_alternative(text):
    assert parts(text)[0].logic is None


def test_a_leading_scope_clause_says_to_whom_not_how_parts_combine():
    # NCT06557265 exclusion 19.a
    p, _, _ = parts(
        "For those subjects on B-cell-depleting or -modulating drugs (ie, rituximab, belimumab), "
        "the subject must have received first dose ≥ 6 months prior to LD"
    )
    assert p.logic is None


def test_a_semicolon_list_without_coordinators_is_marked_separated():
    # NCT06557265 exclusion 7 (the encoder reads it as `any` in an exclusion)
    p, _, _ = parts("White blood cell count < 3,000/mm^3; platelet count < 100,000/mm^3")
    assert p.logic is None and p.separated


@pytest.mark.parametrize(
    "text, logic",
    [
        ("Histologically confirmed diagnosis of one of the following:", "any"),
        ("Any of the following within 3 months:", "any"),
        ("Patients must meet all of the following criteria and give consent:", "all"),
    ],
)
def test_the_words_introducing_sub_items_say_how_they_combine(text, logic):
    assert parts(text)[0].logic == logic


def test_an_exception_keeps_the_trigger_as_its_cue():
    # NCT06557265 exclusion 15
    text = (
        "Malignancy within 5 years of screening, with the exception of basal and squamous cell "
        "carcinomas treated by complete excision"
    )
    cues = [text[a:b] for _, (a, b) in find_logic(annotate([text])[0]).exceptions]
    assert cues == ["with the exception of"]


def test_an_allowance_sentence_has_no_single_trigger_cue():
    # NCT06557265 exclusion 15, shortened
    text = "Malignancy within 5 years. Subjects with cervical dysplasia are allowed"
    assert [cue for _, cue in find_logic(annotate([text])[0]).exceptions] == [None]


def test_an_optional_part_keeps_with_or_without_as_its_cue():
    # NCT06557265 inclusion 2 (LN cohort)
    text = "Active lupus nephritis Class III with or without Class V"
    cues = [text[a:b] for _, (a, b) in find_logic(annotate([text])[0]).optional]
    assert cues == ["with or without"]
