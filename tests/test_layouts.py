"""Layouts of real registry and protocol text: where each list begins and ends, and its kind.

The inclusion/exclusion split is the one thing a rule file must never get silently wrong, so
every doubtful split is tested with its warning. Texts are the protocol-style fixtures written
for the tests (tests/fixtures/protocols/README.md) and criteria of the shared ClinicalTrials.gov
records, each named by its NCT id.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp import errors
from nlp.outline import Outline, OutlineItem, build_outline

PROTOCOLS = Path(__file__).parent / "fixtures" / "protocols"


def protocol(name: str) -> tuple[str, Outline]:
    text = (PROTOCOLS / name).read_text(encoding="utf-8")
    return text, build_outline(text)


def groups(outline: Outline) -> list[tuple[str, str, int]]:
    return [(g.id, g.kind, len(g.items)) for g in outline.groups]


def codes(outline: Outline) -> list[str]:
    return [w.code for w in outline.warnings]


def texts(text: str, items: list[OutlineItem]) -> list[str]:
    return [i.clean(text).text for i in items]


# --- numbered protocol sections ----------------------------------------------------------------


def test_numbered_section_headings_open_inclusion_and_exclusion_lists() -> None:
    _, outline = protocol("numbered_sections.txt")  # "5.1 Inclusion Criteria" / "5.2 Exclusion"
    assert groups(outline) == [("inc", "inclusion", 5), ("exc", "exclusion", 4)]
    assert [g.label for g in outline.groups] == ["Inclusion Criteria", "Exclusion Criteria"]


def test_dotted_labels_are_kept_as_printed_and_nest_by_their_prefix() -> None:
    text, outline = protocol("numbered_sections.txt")
    inc = outline.groups[0]
    assert [i.label for i in inc.items] == ["5.1.1", "5.1.2", "5.1.3", "5.1.4", "5.1.5"]
    assert [c.id for c in inc.items[3].children] == ["inc.5.1.4.1", "inc.5.1.4.2", "inc.5.1.4.3"]
    first = "Age ≥ 18 years at the time of signing the informed consent."
    assert texts(text, inc.items)[0] == first


def test_intro_sentence_under_a_numbered_heading_is_a_preamble_remark() -> None:
    text, outline = protocol("numbered_sections.txt")
    exc = outline.groups[1]
    assert [(r.kind, r.clean(text).text) for r in exc.remarks] == [
        (
            "preamble",
            "Participants are excluded from the study if any of the following criteria apply:",
        )
    ]
    assert outline.warnings == []


def test_a_wrapped_line_starting_with_a_decimal_is_not_a_dotted_label() -> None:
    text = "Inclusion Criteria:\n  -  Total bilirubin no more than\n     1.5 x ULN\n"
    (inc,) = build_outline(text).groups
    assert texts(text, inc.items) == ["Total bilirubin no more than 1.5 x ULN"]


# --- headings on one line, inside an item, or only as an intro sentence ----------------------


def test_headings_printed_inline_split_the_line() -> None:
    text, outline = protocol("inline_headings.txt")
    assert groups(outline) == [("inc", "inclusion", 1), ("exc", "exclusion", 1)]
    assert texts(text, outline.groups[1].items) == [
        "Pregnancy or breastfeeding; use of a systemic biologic within 12 weeks before the first "
        "dose."
    ]
    assert errors.W_INLINE_HEADING in codes(outline)


def test_heading_typed_inside_an_item_does_not_flip_the_items_after_it() -> None:
    text, outline = protocol("stray_heading.txt")
    assert groups(outline) == [("inc", "inclusion", 8), ("exc", "exclusion", 2)]
    item5 = outline.groups[0].items[4]
    assert [(r.kind, r.clean(text).text) for r in item5.remarks] == [
        ("heading", "Exclusion Criteria:")
    ]
    assert texts(text, [item5])[0].endswith("without transfusion in the 7 days before screening.")
    (stray,) = [w for w in outline.warnings if w.code == errors.W_STRAY_HEADING]
    assert stray.criterion_id == "inc.5"


def test_a_heading_after_which_the_numbering_goes_on_is_kept_and_warned() -> None:
    text = (  # NCT02028676 (shared records): "Exclusion criteria" indented, then "5."
        "Inclusion criteria\n\n"
        "  1. Participating in ARROW\n\n"
        "  2. On ART for at least 36 weeks\n\n"
        "     Exclusion criteria\n\n"
        "  3. Likely to switch to second-line therapy in the next 12 weeks\n"
    )
    outline = build_outline(text)
    assert groups(outline) == [("inc", "inclusion", 2), ("exc", "exclusion", 1)]
    assert codes(outline) == [errors.W_NUMBERING_ACROSS_HEADING]


def test_lists_announced_only_by_intro_sentences_take_their_kind_and_warn() -> None:
    _, outline = protocol("intro_sentences_only.txt")
    assert groups(outline) == [("inc", "inclusion", 2), ("exc", "exclusion", 2)]
    assert codes(outline) == [errors.W_KIND_FROM_INTRO, errors.W_KIND_FROM_INTRO]


def test_heading_naming_both_kinds_reads_as_inclusion_and_warns() -> None:
    text = (  # NCT01220531 (shared records)
        "Transplant Exclusion:\n\n  -  HIV infection\n\n"
        "Biological Mother Inclusion/Exclusion:\n\n"
        "• Must be biological mother of thymus recipient\n"
    )
    outline = build_outline(text)
    assert [(g.kind, g.label, g.cohort) for g in outline.groups] == [
        ("exclusion", "Transplant Exclusion:", "Transplant"),
        ("inclusion", "Biological Mother Inclusion/Exclusion:", "Biological Mother"),
    ]
    assert codes(outline) == [errors.W_MIXED_HEADING]


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("Criteria of inclusion:", "inclusion"),  # NCT05715957
        ("Criteria of exclusion from MRI:", "exclusion"),  # NCT05715957
        ("Controls exclusion criteria", "exclusion"),  # NCT05381090
        ("-  Parkinson's Disease exclusion criteria", "exclusion"),  # NCT05381090, as a bullet
        ("* INCLUSION CRITERIA:", "inclusion"),  # NCT06096870
    ],
)
def test_non_standard_headings_open_a_list_of_their_kind(heading: str, kind: str) -> None:
    text = f"{heading}\n\n  -  Evidence of dementia or mild cognitive impairment\n"
    (group,) = build_outline(text).groups
    assert (group.kind, len(group.items)) == (kind, 1)


# --- blocks: populations, parts, randomisations ---------------------------------------------


def test_population_blocks_name_the_cohort_of_their_own_lists() -> None:
    _, outline = protocol("population_blocks.txt")
    assert [(g.id, g.kind, g.cohort) for g in outline.groups] == [
        ("inc", "inclusion", "Patients with early Alzheimer's disease"),
        ("exc", "exclusion", "Patients with early Alzheimer's disease"),
        ("inc2", "inclusion", "Healthy volunteers"),
        ("exc2", "exclusion", "Healthy volunteers"),
    ]
    assert [len(g.items) for g in outline.groups] == [2, 2, 2, 1]


def test_part_blocks_with_their_own_headings() -> None:
    text = (  # NCT05715957 (shared records)
        "Part 1:\n\nCriteria of inclusion:\n\n* Female gender\n* Age of 18 years or more\n\n"
        "Criteria of exclusion from MRI:\n\n* Claustrophobia.\n\n"
        "Part 2:\n\nCriteria of inclusion:\n\n* Female gender\n\n"
        "Criteria of exclusion:\n\n• Anticoagulating medicine that cannot be paused\n"
    )
    outline = build_outline(text)
    assert [(g.id, g.kind, g.cohort, len(g.items)) for g in outline.groups] == [
        ("inc", "inclusion", "Part 1", 2),
        ("exc", "exclusion", "Part 1", 1),
        ("inc2", "inclusion", "Part 2", 1),
        ("exc2", "exclusion", "Part 2", 1),
    ]


def test_a_block_heading_wrapped_into_its_kind_heading_is_split() -> None:
    text = (  # NCT02028676 (shared records)
        "        Eligibility criteria for the secondary randomisation to once vs twice daily\n"
        "        lamivudine+abacavir Inclusion criteria\n\n"
        "          1. Participating in ARROW\n"
    )
    (inc,) = build_outline(text).groups
    assert (inc.kind, inc.label) == ("inclusion", "Inclusion criteria")
    assert inc.cohort == (
        "Eligibility criteria for the secondary randomisation to once vs twice daily "
        "lamivudine+abacavir"
    )


def test_the_only_line_under_a_heading_is_its_item_not_a_block() -> None:
    text = (  # LCT NCT03927118
        "Inclusion Criteria\nPatients who underwent first time intravitreal injection\n"
        "Exclusion Criteria\nGlaucoma or glaucoma suspicion\n"
    )
    assert groups(build_outline(text)) == [("inc", "inclusion", 1), ("exc", "exclusion", 1)]


def test_title_lines_without_colon_over_bullets_are_sub_lists_of_their_population() -> None:
    text = (  # NCT05381090 (shared records)
        "        Inclusion Criteria:\n\n          -  Age > 60 years\n\n"
        "        Specific criteria for each group;\n\n"
        "        Parkinson's Disease\n\n          -  MoCA > 26/30\n\n"
        "        Dementia with Lewy Bodies\n\n          -  Meets criteria for probable DLB\n"
    )
    outline = build_outline(text)
    assert [(g.id, g.cohort, len(g.items)) for g in outline.groups] == [
        ("inc", None, 1),
        ("inc2", "Parkinson's Disease", 1),
        ("inc3", "Dementia with Lewy Bodies", 1),
    ]
    assert [r.kind for r in outline.groups[1].remarks] == ["preamble"]


# --- lines kept but not criteria -------------------------------------------------------------


def test_connector_lines_are_remarks() -> None:
    text = (  # NCT00132080 (shared records), no headings
        "* Fever persisting at least 4 days\n\nOR\n\n"
        "* Patients with at least four days of fever and coronary artery disease\n"
    )
    (inc,) = build_outline(text).groups
    assert len(inc.items) == 2
    assert [(r.kind, r.clean(text).text) for r in inc.remarks] == [("connector", "OR")]


def test_a_definition_printed_as_a_paragraph_is_a_remark() -> None:
    text = (
        "Inclusion Criteria:\n\n* Stage IB, grade 3, pN0, with substantial LVI\n\n"
        "Substantial LVI is defined as >= 3 foci per College of American Pathologists' "
        "reporting guideline\n"
    )
    (inc,) = build_outline(text).groups
    assert len(inc.items) == 1
    assert [r.kind for r in inc.remarks] == ["definition"]


# --- sub-items -------------------------------------------------------------------------------


def test_an_unlabelled_paragraph_ending_with_a_colon_owns_the_bullets_under_it() -> None:
    text = (  # NCT00001177 (shared records)
        "        -  INCLUSION CRITERIA:\n\n"
        "          -  regular menses.\n\n"
        "        Subjects who do not meet the criteria listed above but who do meet diagnostic\n"
        "        criteria for recurrent brief depression include the following:\n\n"
        "          -  dysphoric mood or loss of interest or pleasure;\n\n"
        "          -  duration less than two weeks;\n\n"
        "        Age-matched women without mood and behavioral disorders will be recruited.\n"
    )
    (inc,) = build_outline(text).groups
    assert [len(i.children) for i in inc.items] == [0, 2, 0]


def test_numbering_that_goes_on_beats_a_deeper_indent() -> None:
    text = (  # NCT04047628 (shared records): "   7\\." indented under "3." of item 6
        "Inclusion Criteria:\n\n"
        "6\\. Candidacy for treatment with at least one of the following DMTs:\n\n"
        "1. No prior disease activity episode, and\n"
        "2. No treatment with the candidate DMT in the 12 months prior to screening.\n\n"
        "   7\\. Completion of COVID-19 vaccination series.\n"
    )
    (inc,) = build_outline(text).groups
    assert [i.label for i in inc.items] == ["6", "7"]
    assert [c.label for c in inc.items[0].children] == ["1", "2"]


def test_an_inline_lettered_list_after_a_colon_is_sub_items() -> None:
    text = (  # NCT04047628 (shared records), exclusion 20
        "Exclusion Criteria:\n\n"
        "20. Presence or history of clinically significant cardiac disease including: a. "
        "Arrhythmia requiring treatment, b. Coronary artery disease with a documented diagnosis "
        "of either: i. Chronic exertional angina, or ii. Signs or symptoms of congestive heart "
        "failure. c. Evidence of heart valve disease.\n"
    )
    (exc,) = build_outline(text).groups
    (item,) = exc.items
    assert texts(text, [item]) == [
        "Presence or history of clinically significant cardiac disease including:"
    ]
    assert [c.id for c in item.children] == ["exc.20.a", "exc.20.b", "exc.20.c"]
    assert texts(text, item.children[1].children) == [
        "Chronic exertional angina, or",
        "Signs or symptoms of congestive heart failure.",
    ]


def test_run_in_word_processor_bullets_are_sub_items() -> None:
    text = (  # NCT05482516 (shared records), exclusion 3
        "Exclusion Criteria:\n\n"
        "3. Active or history of autoimmune disease, with the following exceptions: o Patients "
        "with autoimmune-related hypothyroidism are eligible. o Patients with eczema are "
        "eligible provided all of following conditions are met: - Rash must cover < 10% of "
        "body surface area; - Disease is well controlled at baseline\n"
    )
    (exc,) = build_outline(text).groups
    item = exc.items[0]
    assert [c.label for c in item.children] == ["o", "o"]
    assert texts(text, item.children[1].children) == [
        "Rash must cover < 10% of body surface area;",
        "Disease is well controlled at baseline",
    ]


def test_a_lone_letter_in_a_sentence_is_not_a_list() -> None:
    text = "Exclusion Criteria:\n\n1. Infection with hepatitis: A. fumigatus is not a virus.\n"
    (exc,) = build_outline(text).groups
    assert exc.items[0].children == []


def test_a_numbered_list_run_on_after_its_heading_is_read_as_items() -> None:
    text = (  # NCT02958956 (shared records)
        "        Exclusion Criteria: 1. Age less than (<) 40 years during study period. 2. No\n"
        "        KPNC medication benefits at the time of entry into the cohort.\n\n"
        "        3. Gap in KPNC membership >= 4 months.\n"
    )
    outline = build_outline(text)
    (exc,) = outline.groups
    assert [i.label for i in exc.items] == ["1", "2", "3"]
    assert outline.warnings == []  # no gap: "2." was printed inside the line before "3."


def test_every_anchor_id_is_documented_in_the_schema() -> None:
    from nlp.temporal import anchor_ids

    schema = (Path(__file__).parents[1] / "docs" / "schema.md").read_text(encoding="utf-8")
    assert [a for a in anchor_ids() if f"| `{a}` |" not in schema] == []


def test_every_warning_code_is_documented() -> None:
    import re as _re

    warnings_md = (Path(__file__).parents[1] / "docs" / "warnings.md").read_text(encoding="utf-8")
    codes_defined = set(_re.findall(r'= "(W\d{3})"', Path(errors.__file__).read_text()))
    assert {c for c in codes_defined if f"| {c} |" not in warnings_md} == set()
