"""Time windows: one behaviour per test, tables of real criterion strings.

Seed strings come from NCT06557265 (gold/NCT06557265/source.txt); corpus strings name their
source trial. Each row: text → (comparator, value, unit, relation, anchor) of the windows found.
"""

from __future__ import annotations

import pytest

from nlp.temporal import anchor_ids, find_abbreviations, find_time_windows


def shape(text: str, aliases: dict[str, str] | None = None) -> list[tuple]:
    return [
        (w.comparator, w.value, w.unit, w.relation, w.anchor)
        for w in find_time_windows(text, aliases)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # NCT06557265 exc 8.2
            "History of myocardial infarction within 12 weeks prior to the first dose of NKX019",
            [("<=", 12, "wk", "before", "first_dose")],
        ),
        (  # NCT06557265 exc 14
            "Major surgery within 28 days prior to the first dose of NKX019",
            [("<=", 28, "d", "before", "first_dose")],
        ),
        (  # NCT06557265 exc 15
            "Malignancy within 5 years of screening, with the exception of basal cell carcinomas",
            [("<=", 5, "a", "before", "screening")],
        ),
        (  # NCT06557265 exc 19a
            "the subject must have received first dose ≥ 6 months prior to LD",
            [(">=", 6, "mo", "before", "lymphodepletion")],
        ),
        (  # NCT06557265 inc 5
            "all doses must be stable for ≥ 4 weeks prior to Screening",
            [(">=", 4, "wk", "before", "screening")],
        ),
    ],
)
def test_window_before_an_anchor(text: str, expected: list[tuple]) -> None:
    assert shape(text) == expected


def test_at_a_point_before_an_anchor_is_equal_and_stable_for_is_at_least() -> None:
    text = (  # NCT06557265 inc 3
        "the prednisone (or equivalent) dose must be ≤40 mg/day at 6 weeks prior to Screening "
        "and stable for ≥ 14 days before start of Screening"
    )
    windows = find_time_windows(text)
    assert shape(text) == [
        ("=", 6, "wk", "before", "screening"),
        (">=", 14, "d", "before", "screening"),
    ]
    assert windows[1].text == "for ≥ 14 days before start of Screening"


def test_spans_index_the_given_text() -> None:
    text = "Major surgery within 28 days prior to the first dose of NKX019"
    for w in find_time_windows(text):
        assert text[w.span[0] : w.span[1]] == w.text


@pytest.mark.parametrize(
    ("text", "aliases", "anchor"),
    [
        (
            "recent acute infection requiring systemic therapy within 30 days of planned LD",
            {},
            "lymphodepletion",
        ),
        ("within 30 days of planned LD", {"LD": "lymphodepletion"}, "lymphodepletion"),
        ("within 7 days of C1D1", {}, "first_dose"),
        ("within 14 days of Visit 1", {}, "screening"),
        ("within 4 weeks of XYZ", {"XYZ": "enrollment"}, "enrollment"),
    ],
)
def test_of_an_anchor_reads_before_and_abbreviations_resolve(
    text: str, aliases: dict[str, str], anchor: str
) -> None:
    (window,) = find_time_windows(text, aliases)
    assert (window.relation, window.anchor) == ("before", anchor)


def test_abbreviations_are_case_sensitive() -> None:
    assert [w.anchor for w in find_time_windows("within 30 days of ld")] == [None]


def test_alternatives_share_relation_comparator_and_whichever() -> None:
    text = (  # NCT06557265 exc 19
        "investigational agents within 14 days or 5 half-lives of the drug (whichever is "
        "shorter), prior to LD."
    )
    windows = find_time_windows(text)
    assert shape(text) == [
        ("<=", 14, "d", "before", "lymphodepletion"),
        ("<=", 5, "{half-lives}", "before", "lymphodepletion"),
    ]
    assert [w.whichever for w in windows] == ["shorter", "shorter"]


def test_whichever_is_longer_in_a_parenthesis() -> None:
    text = "any investigational agent within 12 weeks (or 5 half-lives, whichever is longer)"
    assert [w.whichever for w in find_time_windows(text)] == ["longer", "longer"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # NCT06557265 inc 2
            "as evidenced on kidney biopsy during screening or within 6 months before screening",
            [(None, None, None, "during", "screening"), ("<=", 6, "mo", "before", "screening")],
        ),
        ("Active renal disease at screening", [(None, None, None, "at", "screening")]),
        (  # NCT06557265 exc 2
            "expected to require dialysis during the study period",
            [(None, None, None, "during", "study_period")],
        ),
        (  # NCT06557265 exc 3
            "planned transplant within study treatment period",
            [(None, None, None, "during", "study_treatment_period")],
        ),
        (
            "must be on stable doses prior to randomization",
            [(None, None, None, "before", "randomization")],
        ),
    ],
)
def test_relation_and_anchor_without_a_value(text: str, expected: list[tuple]) -> None:
    assert shape(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("corticosteroid at therapeutic range for at least 90 days", (">=", 90, "d")),
        ("despite being on a therapeutic dose for ≥ 90 days", (">=", 90, "d")),
        ("not achieving a complete remission after 180 days", (">=", 180, "d")),
        ("Lumbar pain for more than 6 months", (">", 6, "mo")),  # LCT
        ("Diagnosis of ulcerative colitis for > 6 months", (">", 6, "mo")),
        ("Type 1 diabetes of at least 5 years duration", (">=", 5, "a")),  # LCT
        ("Diabetes duration >12 years", (">", 12, "a")),  # Chia
        ("patients with symptoms lasting 12 months or longer", (">=", 12, "mo")),
        ("8 wks or longer", (">=", 8, "wk")),  # Chia
        ("Life expectancy < 24 hours", ("<", 24, "h")),  # LCT
        ("no longer than 6 weeks", ("<=", 6, "wk")),
        ("treated for up to 5 years", ("<=", 5, "a")),  # LCT
    ],
)
def test_durations_have_no_anchor(text: str, expected: tuple) -> None:
    assert shape(text) == [(*expected, None, None)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Severe hypoglycemic event in past 3 months", ("<=", 3, "mo")),  # LCT
        ("blood donation in the last three months", ("<=", 3, "mo")),  # LCT
        ("History of malignancy within the last 5 years", ("<=", 5, "a")),  # LCT
        ("infection in the previous 12 months", ("<=", 12, "mo")),
        ("spinal manipulation within the past month", ("<=", 1, "mo")),  # LCT
        ("alcohol or drug abuse or dependence within past year.", ("<=", 1, "a")),  # LCT
        ("less than 3 months ago", ("<", 3, "mo")),  # LCT
        ("12 months ago or less", ("<=", 12, "mo")),  # LCT
    ],
)
def test_look_back_phrases_count_back_with_no_anchor(text: str, expected: tuple) -> None:
    # no event is printed: the window counts back from when eligibility is assessed
    assert shape(text) == [(*expected, "before", None)]


def test_look_ahead_phrases_count_forward_with_no_anchor() -> None:
    assert shape("intention to quit smoking in the next 30 days") == [
        ("<=", 30, "d", "after", None)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("more than 4 weeks before randomization", (">", 4, "wk", "before", "randomization")),
        ("at least 3 months prior to study entry", (">=", 3, "mo", "before", "study_entry")),
        ("within 7 days of enrollment", ("<=", 7, "d", "before", "enrollment")),
        ("within 6 weeks of date of study inclusion", ("<=", 6, "wk", "before", "enrollment")),
        ("within 48 hours of admission", ("<=", 48, "h", "before", "admission")),  # LCT
        ("≥ 4 weeks since last dose of chemotherapy", (">=", 4, "wk", "after", "last_dose")),
        ("2 weeks after surgery", ("=", 2, "wk", "after", "surgery")),
        ("within 4.5 hours of symptom onset", ("<=", 4.5, "h", "before", "symptom_onset")),
        (
            "within 30 days prior to the date of randomization",
            ("<=", 30, "d", "before", "randomization"),
        ),
        ("within 12 hours pre-procedure", ("<=", 12, "h", "before", "surgery")),  # Chia
        ("within the first 48 hours of admission", ("<=", 48, "h", "after", "admission")),
    ],
)
def test_corpus_anchored_windows(text: str, expected: tuple) -> None:
    assert shape(text) == [expected]


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("between 3 and 6 months", 3, 6, "mo"),
        ("21-35 days", 21, 35, "d"),  # LCT
        ("1-6 hours", 1, 6, "h"),  # LCT
        ("from 6 to 12 weeks", 6, 12, "wk"),
    ],
)
def test_ranges(text: str, low: float, high: float, unit: str) -> None:
    (w,) = find_time_windows(text)
    assert (w.comparator, w.low, w.high, w.unit, w.value) == ("range", low, high, unit, None)


@pytest.mark.parametrize(
    "text",
    [
        "18 years of age",
        "aged 18-65 years",
        "Age ≥ 18 years",
        "18 years or older",
        "Patients 18 years old and older at the time of consent.",
        "Adults ≥ 18 years old",
        "over 18 years",
        "Patient older than six months",  # LCT
        "gestational age < 36 weeks",  # LCT
        "< 27 weeks gestation at birth",  # LCT
    ],
)
def test_ages_are_not_time_windows(text: str) -> None:
    assert [w for w in find_time_windows(text) if w.value or w.low] == []


@pytest.mark.parametrize(
    "text",
    [
        "proteinuria ≥1.5 g/day on a 24-hour collection",  # NCT06557265 inc 3
        "6-minute walk test distance < 300 m",
        "a 2-hour glucose load < 7,8 mmol/ l",  # LCT
        "anisometropia >1.5 D",  # LCT: diopters, not days
        "≥ 2 prior therapies for LN",
    ],
)
def test_measures_named_after_a_duration_are_not_windows(text: str) -> None:
    assert find_time_windows(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("within 24h", ("<=", 24, "h")),
        ("recent (<48h) ICU entry", ("<", 48, "h")),  # LCT
        ("for >3days", (">", 3, "d")),
        ("within two weeks", ("<=", 2, "wk")),
        ("at least twenty-four hours", (">=", 24, "h")),
        ("six (6) months or more", (">=", 6, "mo")),  # Chia
        ("within 6-mo", ("<=", 6, "mo")),  # LCT
        ("at least two successive years", (">=", 2, "a")),  # LCT
        ("> 8 consecutive weeks of seizure freedom", (">", 8, "wk")),  # LCT
        ("Experimental interventions for COPD last half year", ("<=", 0.5, "a")),  # LCT
    ],
)
def test_written_forms_of_numbers_and_units(text: str, expected: tuple) -> None:
    assert shape(text)[0][:3] == expected


def test_abbreviation_defined_in_the_text() -> None:
    text = (
        "Subjects will receive lymphodepleting chemotherapy (LD) followed by NKX019. "
        "Prior therapy within 14 days of the first dose of study drug (Day 1)."
    )
    assert find_abbreviations(text) == {"LD": "lymphodepletion", "Day 1": "first_dose"}


def test_abbreviations_found_feed_the_window_finder() -> None:
    aliases = find_abbreviations("after the start of conditioning chemotherapy (CC)")
    assert aliases == {}
    aliases = find_abbreviations("randomisation (R) will occur")
    assert shape("within 7 days before R", aliases) == [("<=", 7, "d", "before", "randomization")]


def test_anchor_ids_are_documented_in_the_rules() -> None:
    ids = anchor_ids()
    for required in ("screening", "first_dose", "lymphodepletion", "randomization", "last_dose"):
        assert required in ids
    assert "now" not in ids  # a look-back phrase prints no event: its anchor is null


@pytest.mark.parametrize(
    ("text", "anchor"),
    [
        ("Signed informed consent prior to any study specific procedures", "screening"),
        ("a negative pregnancy test prior to start of dosing", "first_dose"),
        ("within 4 weeks of entry into the study", "study_entry"),
    ],
)
def test_anchor_phrases_with_fillers(text: str, anchor: str) -> None:
    assert [w.anchor for w in find_time_windows(text)] == [anchor]


def test_a_study_noun_modifier_is_not_an_anchor() -> None:
    assert find_time_windows("not allowed since this study drug contains lactose") == []


def test_response_window_without_anchor_counts_from_the_treatment_named_earlier() -> None:
    text = (  # NCT06557265 inc 3.4
        "Refractory or intolerant to at least one induction therapy for pMN (immunosuppressant "
        "and corticosteroid or immunomodulatory agent and/corticosteroid) and defined as not "
        "achieving a complete remission after 180 days, or partial remission after 90 days"
    )
    assert shape(text) == [
        (">=", 180, "d", "after", "induction_therapy_start"),
        (">=", 90, "d", "after", "induction_therapy_start"),
    ]


def test_response_window_followed_by_of_a_treatment_counts_from_that_treatment() -> None:
    text = "No clinical response after 12 weeks of methotrexate therapy"
    assert shape(text) == [(">=", 12, "wk", "after", "methotrexate_therapy_start")]


@pytest.mark.parametrize(
    "text",
    [
        "Recovered from the procedure after 4 weeks",
        # an event of its own is printed after the window
        "On antihypertensive treatment; blood pressure measured after 5 minutes of rest",
        "Prior chemotherapy; relapse after 6 months of complete remission",
        # the treatment is in another clause or sentence
        "Physical therapy required; discharge after 3 days",
        "No prior therapy. Patients may be rescreened after 2 weeks",
        # the treatment is absent, or the clock runs from its end
        "not receiving therapy, or worsening after 2 weeks",
        "progression after 3 days of no treatment",
        "Patients who stopped treatment and relapsed after 3 months",
        "Completed a 6-week therapy with relapse after 4 weeks",
    ],
)
def test_after_a_duration_borrows_no_treatment_it_cannot_count_from(text: str) -> None:
    assert [
        (w.relation, w.anchor) for w in find_time_windows(text) if w.text.startswith("after")
    ] == [(None, None)]


@pytest.mark.parametrize(
    ("text", "anchor"),
    [
        (
            "Subjects who received chemotherapy with progression after 6 months",
            "chemotherapy_start",
        ),
        ("Failed therapy with no response after 12 weeks", "therapy_start"),
        ("No response after 12 weeks of the immunotherapies", "immunotherapy_start"),
        ("Progression on targeted therapy after 3 months", "targeted_therapy_start"),
        ("after 12 weeks of conditioning regimen", "conditioning_regimen_start"),
    ],
)
def test_a_verb_before_the_treatment_is_not_part_of_its_name(text: str, anchor: str) -> None:
    assert [w.anchor for w in find_time_windows(text)] == [anchor]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # LCT
            "Planned non-cardiac surgery at least after 12 months of implantation of drug "
            "eluting stent",
            (">=", 12, "mo", "after", "surgery"),
        ),
        (  # LCT
            "their treatment is the same as randomized even after 30 days of End Of the Study.",
            (">=", 30, "d", "after", "study_end"),
        ),
    ],
)
def test_after_a_duration_of_an_event_is_after_the_event(text: str, expected: tuple) -> None:
    assert shape(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "No response to induction therapy after 90 days",  # the response is negated
        "No CR to induction therapy after 90 days",
        "Induction therapy (e.g. chemo), relapse after 90 days",  # "e.g." ends no sentence
    ],
)
def test_a_negated_outcome_or_an_abbreviation_does_not_block_the_treatment(text: str) -> None:
    assert [w.anchor for w in find_time_windows(text)] == ["induction_therapy_start"]
