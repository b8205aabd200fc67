"""Mentions: lexicon concepts with category, span, ConText assertion, cue and test result."""

import pytest

from nlp.mentions import mentions_from_doc
from nlp.pipeline import annotate


def mentions(text):
    (doc,) = annotate([text])
    return {m.text: m for m in mentions_from_doc(doc)}


def test_span_points_into_the_criterion_text():
    text = "History of myocardial infarction within 12 weeks prior to the first dose of NKX019"
    m = mentions(text)["myocardial infarction"]
    assert text[m.span[0] : m.span[1]] == "myocardial infarction"
    assert m.category == "condition"


def test_historical_mention_records_its_cue():
    m = mentions("History of myocardial infarction within 12 weeks prior to the first dose")
    mi = m["myocardial infarction"]
    assert mi.assertion == "historical"
    assert mi.cue.text == "History of"


def test_expected_to_require_is_hypothetical():
    # NCT06557265 exclusion 2
    m = mentions(
        "Currently requiring renal dialysis or expected to require dialysis during the study period"
    )
    assert m["renal dialysis"].assertion == "present"
    assert m["dialysis"].assertion == "hypothetical"
    assert m["dialysis"].cue.text == "expected to require"


def test_not_using_contraception_is_negated_pregnancy_present():
    # NCT06557265 exclusion 11
    m = mentions(
        "Pregnancy, breast feeding or, if of childbearing potential, "
        "not using adequate contraceptive precautions"
    )
    assert m["Pregnancy"].assertion == "present"
    assert m["breast feeding"].assertion == "present"
    assert m["contraceptive precautions"].assertion == "negated"


def test_contraception_is_a_method_not_a_drug():
    # both corpora annotate "contraception" a procedure; "hormonal contraceptives" are drugs
    m = mentions("Females of childbearing potential must use adequate contraception")
    assert m["contraception"].category == "procedure"
    m = mentions(
        "Pregnancy, breast feeding or, if of childbearing potential, "
        "not using adequate contraceptive precautions"
    )
    assert m["contraceptive precautions"].category == "procedure"


@pytest.mark.parametrize(
    ("text", "concept", "result"),
    [
        ("Negative SARS-CoV-2 test", "SARS-CoV-2 test", "negative"),  # NCT06557265 inc 4
        ("Positive anti-PLA2R antibodies", "anti-PLA2R antibodies", "positive"),
        ("HIV negative", "HIV", "negative"),
        ("Negative for HIV", "HIV", "negative"),
    ],
)
def test_required_test_result_is_a_present_mention_with_a_result(text, concept, result):
    m = mentions(text)[concept]
    assert m.assertion == "present"
    assert m.result == result


def test_no_history_of_is_negated():
    assert mentions("No history of stroke")["stroke"].assertion == "negated"


def test_planned_transplant_is_hypothetical_previous_transplant_historical():
    # NCT06557265 exclusion 3
    m = mentions(
        "Previous solid organ or hematopoietic cell transplant or planned transplant "
        "within study treatment period"
    )
    assert m["hematopoietic cell transplant"].assertion == "historical"
    assert m["transplant"].assertion == "hypothetical"


def test_with_or_without_does_not_negate():
    # NCT06557265 inclusion 2 (LN cohort)
    m = mentions(
        "Active biopsy proven lupus nephritis Class III or Class IV with or without Class V "
        "as evidenced on kidney biopsy during screening"
    )
    assert m["kidney biopsy"].assertion == "present"


def test_non_in_a_disease_name_is_not_a_negation():
    # NCT00639795 (Chia): "non-small cell" names the cancer
    m = mentions("Non-small cell lung cancer")
    assert all(x.assertion == "present" for x in m.values())


def test_a_result_word_carries_over_coordinated_alternatives():
    # NCT06557265 inclusion 2.4
    found = mentions("Positive antinuclear antibodies (ANA) ≥ 1:80 OR anti-dsDNA")
    assert [(m.text, m.result) for m in found.values()] == [
        ("antinuclear antibodies", "positive"),
        ("anti-dsDNA", "positive"),
    ]


def test_not_achieving_a_remission_negates_it():
    # NCT06557265 inclusion 3.4
    found = mentions("defined as not achieving a complete remission after 180 days")
    assert [(m.text, m.assertion) for m in found.values()] == [("remission", "negated")]


@pytest.mark.parametrize(
    ("text", "words", "cue"),
    [
        ("Not fluent in English", "fluent in English", "Not"),
        ("Patients who are not cooperative, or agitated", "cooperative", "are not"),
    ],
)
def test_a_negation_cue_without_a_lexicon_concept_gives_a_fallback_mention(text, words, cue):
    m = mentions(text)[words]
    assert (m.category, m.assertion, m.cue.text) == ("other", "negated", cue)
    assert text[m.span[0] : m.span[1]] == words
    assert text[m.cue.span[0] : m.cue.span[1]] == cue


def test_the_mention_model_finds_a_condition_the_lexicon_lacks_and_context_negates_it():
    m = mentions("No evidence of frobnicosis")["frobnicosis"]  # a made-up disease
    assert (m.category, m.assertion, m.cue.text) == ("condition", "negated", "No evidence of")


def test_no_fallback_mention_when_the_cue_has_a_target_or_only_stop_words_follow():
    assert [(m.text, m.assertion) for m in mentions("No history of stroke").values()] == [
        ("stroke", "negated")
    ]
    assert mentions("It is not.") == {}


@pytest.mark.parametrize(
    ("text", "words", "cue"),
    [
        ("Conditions that preclude frobnication", "frobnication", "preclude"),
        ("Patients having frobnicosis will be excluded", "frobnicosis", "be excluded"),
    ],
)
def test_preclude_and_excluded_are_negation_cues(text, words, cue):
    m = mentions(text)[words]
    assert (m.assertion, m.cue.text) == ("negated", cue)


@pytest.mark.parametrize(
    "text",
    [
        "Age no older than 75 years",
        "Duration does not exceed 10 months",
        "Do Not Resuscitate order",
        "Pervasive developmental disorder not otherwise specified",
        "Non-compliance with study procedures",
    ],
)
def test_comparators_names_and_non_words_give_no_negated_mention(text):
    assert all(m.assertion != "negated" for m in mentions(text).values())


def test_an_excepted_finding_is_not_negated():
    # the exception is recorded by nlp.logic; see the nlp.assertion docstring
    m = mentions("No malignancy except basal cell carcinoma")
    assert m["malignancy"].assertion == "negated"
    assert m["basal cell carcinoma"].assertion == "present"
