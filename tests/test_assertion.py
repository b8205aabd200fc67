"""Criterion-level assertion and negation cues."""

import pytest

from nlp.assertion import criterion_assertion, negation_cues
from nlp.pipeline import annotate


def one(text):
    return annotate([text])[0]


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
