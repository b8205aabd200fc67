"""Time windows as registry text prints them: alternatives with a shared anchor, "until" and
"for N after", anchors as printed (kept in ``anchor_text``), washouts with no anchor, anchors
carried down from a parent item. Strings are real criteria of the shared ClinicalTrials.gov
records, or the forms the project's issue names.
"""

from __future__ import annotations

import pytest

from nlp import parse_text
from nlp.temporal import find_time_windows


def windows(text: str) -> list[tuple]:
    return [
        (w.comparator, w.value, w.unit, w.relation, w.anchor, w.whichever)
        for w in find_time_windows(text)
    ]


def test_alternatives_before_a_choice_rule_share_the_anchor_printed_after_it() -> None:
    assert windows(
        "within 28 days or 5 half-lives, whichever is shorter, prior to the first dose"
    ) == [
        ("<=", 28.0, "d", "before", "first_dose", "shorter"),
        ("<=", 5.0, "{half-lives}", "before", "first_dose", "shorter"),
    ]


def test_alternatives_with_no_anchor_both_wash_out_before() -> None:
    assert windows("within 3 months or 5 half-lives, whichever is longer") == [  # NCT04047628
        ("<=", 3.0, "mo", "before", None, "longer"),
        ("<=", 5.0, "{half-lives}", "before", None, "longer"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "must use contraception until 30 days after the last dose",
        "for 120 days after the last dose of study drug",
        "until five months after the second and final vaccination",  # NCT03101111
    ],
)
def test_a_period_ending_n_after_the_last_dose(text: str) -> None:
    ((comparator, _, _, relation, anchor, _),) = windows(text)
    assert (comparator, relation, anchor) == ("<=", "after", "last_dose")


def test_a_printed_at_least_wins_over_the_for_rule() -> None:
    first, second = windows(  # NCT05482516
        "for at least 5 months after the last dose of atezolizumab and for 6 months after the "
        "last dose of bevacizumab"
    )
    assert (first[0], second[0]) == (">=", "<=")


def test_after_the_study_is_finished_is_its_end() -> None:
    assert windows("agree not to donate sperm after the study is finished") == [
        (None, None, None, "after", "study_end", None)
    ]
    assert windows("in the 4 weeks following the study")[0][4] == "study_end"


@pytest.mark.parametrize(
    ("text", "anchor", "printed"),
    [
        ("within 4 weeks prior to Visit 1", "screening", "Visit 1"),
        ("on Day 1", "first_dose", "Day 1"),
        ("at baseline", "baseline", "baseline"),
        ("within 6 months of accrual", "enrollment", "accrual"),
        ("since the final injection", "last_dose", "the final injection"),
        ("prior to consenting", "consent", "consenting"),  # NCT06388018
        (
            "within 5 half-lives prior to the study treatment initiation",
            "first_dose",
            "the study treatment initiation",
        ),  # NCT06096870
    ],
)
def test_anchors_as_printed_map_to_the_vocabulary(text: str, anchor: str, printed: str) -> None:
    (w,) = find_time_windows(text)
    assert (w.anchor, w.anchor_text) == (anchor, printed)


def test_a_washout_with_no_anchor_is_still_before() -> None:
    assert windows("radiotherapy within 14 days") == [("<=", 14.0, "d", "before", None, None)]


def test_a_planned_event_within_n_looks_ahead() -> None:
    assert windows("planned surgery within 3 months")[0][3] == "after"


def test_a_look_back_phrase_has_no_anchor() -> None:
    assert windows("in the past 6 months") == [("<=", 6.0, "mo", "before", None, None)]


def test_n_previously_counts_back() -> None:
    assert windows("at least 96 weeks previously") == [  # NCT02028676
        (">=", 96.0, "wk", "before", None, None)
    ]


def test_w_in_is_within() -> None:
    assert windows("w/in 3 months after proposed transplantation") == [  # NCT01220531
        ("<=", 3.0, "mo", "after", "transplant", None)
    ]


def test_a_period_named_with_its_length_is_during_that_period() -> None:
    assert windows("during the 16 week treatment period of the study") == [  # NCT02210780
        (None, None, None, "during", "study_treatment_period", None)
    ]


def test_during_study_treatment_is_the_treatment_period() -> None:
    assert windows("during study treatment")[0][4] == "study_treatment_period"


def test_two_visits_after_one_relation_word() -> None:
    assert [w[4] for w in windows("at the screening and baseline visits")] == [
        "screening",
        "baseline",
    ]  # NCT02210780


@pytest.mark.parametrize(
    ("text", "anchor"),
    [
        ("greater than 12 months prior to dementia diagnosis", "diagnosis"),  # NCT05381090
        ("within 10 weeks of hysterectomy/bilateral salpingo-oophorectomy", "surgery"),
        ("for 3 months after completion of enzalutamide or PDS01ADC therapy", "study_end"),
        ("through the course of the trial", "study_period"),  # NCT06388018
    ],
)
def test_events_printed_with_a_modifier_or_by_name(text: str, anchor: str) -> None:
    assert windows(text)[0][4] == anchor


def test_on_a_time_point_is_at_it_but_on_a_drug_is_not_a_window() -> None:
    assert windows("on screening chest computed tomography (CT) scan")[0][3:5] == (
        "at",
        "screening",
    )
    assert windows("patients on study drug") == []


def test_a_look_back_then_a_period_does_not_fail() -> None:
    text = (  # LCT NCT03926767: a look-back window followed by a bare one
        "submitted to previous physical therapy in the past year or to any health/pain "
        "education strategy, during the intervention period of this trial"
    )
    assert [w[3] for w in windows(text)] == ["before", "during"]


def test_an_anchor_printed_on_the_parent_carries_to_childrens_durations() -> None:
    protocol = parse_text(
        "Exclusion Criteria:\n"
        "1. Prior therapy within the following periods prior to Visit 1:\n"
        "   a. chemotherapy: 21 days\n"
        "   b. radiotherapy within 14 days\n"
        "   c. methylprednisolone 1000 mg/day for 3 days\n"
    )
    (parent,) = protocol.groups[0].criteria
    got = [[(w.comparator, w.value, w.relation, w.anchor) for w in c.time_windows]
           for c in parent.children]  # fmt: skip
    assert got == [
        [("<=", 21.0, "before", "screening")],
        [("<=", 14.0, "before", "screening")],
        [("=", 3.0, None, None)],  # a dosing duration, not a washout
    ]
