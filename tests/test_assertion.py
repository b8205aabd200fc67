"""Criterion-level assertion and negation cues."""

import pytest

from nlp.assertion import criterion_assertion, negation_cues
from nlp.mentions import mentions_from_doc
from nlp.pipeline import annotate


def one(text):
    return annotate([text])[0]


def assertion_of(text: str, concept: str) -> str:
    """The assertion of the mention ``concept`` found in ``text``."""
    found = [m for m in mentions_from_doc(one(text)) if m.text == concept]
    assert found, f"{concept!r} not found in {text!r}"
    return found[0].assertion


@pytest.mark.parametrize(
    ("text", "assertion"),
    [
        # NCT06557265
        ("History of myocardial infarction within 12 weeks prior to the first dose", "historical"),
        ("Prior cellular therapy", "historical"),
        (
            "Previous solid organ or hematopoietic cell transplant or planned transplant",
            "historical",
        ),
        ("Negative SARS-CoV-2 test", "present"),
        ("Currently requiring renal dialysis or expected to require dialysis", "present"),
        (
            "Pregnancy, breast feeding or, if of childbearing potential, not using contraception",
            "present",
        ),
        ("Malignancy within 5 years of screening", "present"),
        # criterion-initial cues
        ("No history of seizures", "negated"),
        ("Planned major surgery during the study", "hypothetical"),
    ],
)
def test_criterion_assertion_follows_initial_cue_else_principal_finding(text, assertion):
    assert criterion_assertion(one(text)) == assertion


def test_criterion_without_mentions_is_present():
    assert criterion_assertion(one("Able to comply with study visits")) == "present"


def test_negation_cues_are_char_spans_of_the_cue_words():
    text = "Patients without diabetes and no history of asthma"
    doc = one(text)
    assert [text[a:b] for a, b in negation_cues(doc)] == ["without", "no history of"]


@pytest.mark.parametrize(
    "text",
    [
        "Age between 18 and no more than 65 years",  # quantity, not negation
        "Any other malignancy within 5 years",  # 'any other' is not a negation here
        "Hemoglobin not less than 9 g/dL",
        "Lupus nephritis Class III or IV with or without Class V",
    ],
)
def test_no_negation_cue_in_limits_or_optional_parts(text):
    assert negation_cues(one(text)) == []


def test_a_negation_after_an_exception_negates_what_is_excepted_from_not_the_exception():
    # NCT00989261 (Chia) exclusion 7
    text = "The use of antileukemic agents other than hydroxyurea is not permitted"
    assert assertion_of(text, "antileukemic agents") == "negated"
    assert assertion_of(text, "hydroxyurea") == "present"


def test_what_follows_the_excepted_item_after_a_comma_is_negated_as_before():
    text = "Other than aspirin, anticoagulants are not allowed"
    assert assertion_of(text, "aspirin") == "present"
    assert assertion_of(text, "anticoagulants") == "negated"


def test_a_second_part_coordinated_after_the_exception_stays_negated():
    text = (
        "Subjects with a malignancy other than basal cell carcinoma, or with active hepatitis B, "
        "will be excluded"
    )
    assert assertion_of(text, "hepatitis B") == "negated"


def test_the_excepted_item_ends_where_its_clause_goes_on_with_a_verb():
    # NCT03926598 (LCT), shortened
    text = (
        "Individuals using a care coordination tool other than GTG to translate standards of "
        "care for children with T2D will be excluded"
    )
    assert assertion_of(text, "GTG") == "present"
    assert assertion_of(text, "T2D") == "negated"


def test_an_exception_opening_the_sentence_without_a_comma_shields_nothing():
    text = "Except for topical steroids systemic corticosteroids are not permitted"
    assert assertion_of(text, "systemic corticosteroids") == "negated"


def test_no_fallback_negated_mention_is_made_inside_an_excepted_item():
    (doc,) = annotate(
        ["Concomitant medications other than those listed in Appendix A are not permitted"]
    )
    assert "Appendix" not in [m.text for m in mentions_from_doc(doc)]


def test_a_negation_before_an_exception_still_negates_what_it_names():
    text = "No prior malignancy other than basal cell carcinoma"
    assert assertion_of(text, "malignancy") == "negated"


def test_a_present_time_marker_ends_the_scope_of_history_of():
    # NCT06557265 exclusion 13
    doc = one(
        "History of positive HIV antibody or test positive at screening, Hepatitis B or C "
        "positive at screening, active tuberculosis (TB)"
    )
    assertions = {m.text: m.assertion for m in mentions_from_doc(doc)}
    assert assertions["HIV antibody"] == "historical"
    assert assertions["Hepatitis B or C"] == "present"
    assert assertions["tuberculosis"] == "present"


def test_history_of_a_list_covers_the_whole_list():
    doc = one("History of myocardial infarction, stroke, or transient ischemic attack")
    assert {m.assertion for m in mentions_from_doc(doc)} == {"historical"}
    assert criterion_assertion(doc) == "historical"


def test_a_criterion_whose_history_cue_covers_only_some_alternatives_is_present():
    doc = one("History of positive HIV antibody, or Hepatitis B positive at screening")
    assert criterion_assertion(doc) == "present"


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        # LCT; the mention model reads the whole concept
        ("Functional disorders (fibromyalgia, non-epileptic seizures)", "non-epileptic seizures"),
        ("Patient undergoing non-emergent cardiac surgery", "cardiac surgery"),  # LCT
        (
            "Severe co-morbidities (severe epilepsy, non-correctable visual impairment)",
            "visual impairment",
        ),  # LCT
    ],
)
def test_non_negates_only_the_word_it_is_joined_to(text: str, concept: str) -> None:
    assert assertion_of(text, concept) == "present"


def test_non_joined_to_the_concept_negates_it() -> None:
    assert assertion_of("Non-smokers", "smokers") == "negated"  # LCT


def test_not_restricted_to_introduces_a_list_not_a_negation() -> None:
    text = "Common procedures include but are not restricted to tonsillectomy, adenoidectomy"
    assert assertion_of(text, "tonsillectomy") == "present"  # LCT NCT03865316


def test_refrain_from_negates_what_is_to_be_avoided() -> None:
    text = "Women must refrain from donating eggs during this same period."  # NCT05482516
    assert assertion_of(text, "eggs") == "negated"


def test_refrain_from_reaches_past_a_few_words() -> None:
    text = "Agree to abstain from the consumption of grapefruit juice"  # written for the test
    assert assertion_of(text, "grapefruit juice") == "negated"


def test_unable_to_refrain_from_is_a_double_negative() -> None:
    text = "Inability to refrain from NSAID use for 5 days prior to and 6 weeks after injection"
    assert assertion_of(text, "NSAID") == "present"  # Chia NCT02984228


def test_not_agreeing_to_refrain_from_is_a_double_negative() -> None:
    assert assertion_of("Does not agree to refrain from alcohol", "alcohol") == "present"


def test_but_not_confined_to_introduces_a_list_not_a_negation() -> None:
    text = "Other malignancies, including, but not confined to, breast cancer"  # written for it
    assert assertion_of(text, "breast cancer") == "present"


def test_not_permitted_at_the_end_negates_what_comes_before_it() -> None:
    text = "Prior neratinib treatment is not permitted."  # NCT03377387
    assert assertion_of(text, "neratinib") == "negated"


def test_not_allowed_to_negates_what_follows_not_who_is_prohibited() -> None:
    text = "Patients with a pacemaker are not allowed to undergo MRI"  # written for the test
    assert assertion_of(text, "MRI") == "negated"
    assert assertion_of(text, "pacemaker") == "present"


def test_the_prohibition_does_not_reach_across_a_semicolon() -> None:
    text = "Prior radiotherapy is allowed; prior chemotherapy is not allowed"  # written for it
    assert assertion_of(text, "radiotherapy") == "historical"


def test_a_decline_in_something_is_a_decrease_not_a_refusal() -> None:
    text = "decline in immune function such as pneumonia or systemic infection"  # LCT
    assert assertion_of(text, "pneumonia") == "present"
    assert assertion_of("Subject declined chemotherapy", "chemotherapy") == "negated"


def test_preclude_negates_its_object_not_the_examples_after_it() -> None:
    text = "Any condition that prevents participation in the study, including pregnancy"  # Chia
    assert assertion_of(text, "pregnancy") == "present"


def test_unlikely_is_not_a_negation() -> None:
    # LCT: "Known disease making 180 day survival unlikely"; a likelihood, not an absence
    text = "Known metastatic cancer making 180 day survival unlikely"
    assert assertion_of(text, "metastatic cancer") == "present"


@pytest.mark.parametrize(
    ("text", "method"),
    [
        (
            "No other form of chronic liver disease (as confirmed by serology and histology)",
            "serology",
        ),  # LCT
        ("No evidence of active infection as determined by chest X-ray", "chest X-ray"),
    ],
)
def test_how_a_finding_is_assessed_is_outside_its_negation(text: str, method: str) -> None:
    assert assertion_of(text, method) == "present"


def test_not_before_a_state_word_negates_the_state_not_the_conditions_after_it() -> None:
    text = (  # Chia
        "any gastrointestinal disease, any not cured malignancy, and any advanced psychiatric "
        "or neurological disease"
    )
    assert assertion_of(text, "malignancy") == "present"
    assert assertion_of(text, "neurological disease") == "present"


def test_not_treated_still_negates_the_treatment() -> None:
    text = "Helicobacter infected patients who have not been treated for eradication"  # Chia
    assert assertion_of(text, "treated for eradication") == "negated"


def test_a_reason_after_due_to_is_outside_the_negation() -> None:
    text = "Not able to participate due to cognitive impairment"  # LCT
    assert assertion_of(text, "cognitive impairment") == "present"


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Never diagnosed with epilepsy", "epilepsy"),
        ("Patients not diagnosed with diabetes", "diabetes"),
        ("Patients who have not been evaluated with MRI", "MRI"),
    ],
)
def test_diagnosed_with_is_not_a_method_of_assessment(text: str, concept: str) -> None:
    assert assertion_of(text, concept) == "negated"


def test_due_to_ends_a_negation_but_not_a_history() -> None:
    text = "History of hospitalization due to heart failure"
    assert assertion_of(text, "heart failure") == "historical"
