"""Outline: sections, lists and nested items of real eligibility text, with exact spans.

Texts are the seed (gold/NCT06557265) and criteria from the LCT and Chia corpora, each named
by its NCT id.
"""

from __future__ import annotations

import glob
import re
from pathlib import Path

import pytest

from nlp import errors
from nlp.evaluate.corpora import corpus_dir
from nlp.ingest import read_records
from nlp.outline import Outline, OutlineItem, build_outline, heading_rules
from nlp.textutil import unescape_markdown

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "gold" / "NCT06557265" / "source.txt"
FIX = ROOT / "tests" / "fixtures" / "ingest"
# the documents quoted here, copied whole (tests/fixtures/README.md)
TEXTS = Path(__file__).parent / "fixtures" / "texts"
LCT, CHIA = TEXTS / "lct", TEXTS / "chia"
# whole-corpus sweeps: the corpora folder named by ELIGO_CORPORA (CI sets it)
LCT_CORPUS = corpus_dir("lct")
needs_lct_corpus = pytest.mark.skipif(
    LCT_CORPUS is None, reason="set ELIGO_CORPORA to the folder holding the corpora (lct/)"
)


def lct(nct: str) -> str:
    return (LCT / f"{nct}.txt").read_bytes().decode("utf-8")


def shape(outline: Outline) -> list[tuple[str, str, str | None, list[str]]]:
    return [(g.id, g.kind, g.label, [n.id for n in g.walk()]) for g in outline.groups]


def codes(outline: Outline) -> list[str]:
    return [w.code for w in outline.warnings]


def texts(items: list[OutlineItem], source: str) -> list[str]:
    return [item.clean(source).text for item in items]


_LABEL_ONLY = re.compile(r"^\s*(?:[-*+•●○◦▪■·‣⁃►➢]|\(?[0-9A-Za-z]{1,6}(?:\\?[.)]|\)))\s*$")


def uncovered(text: str, outline: Outline) -> list[str]:
    """Non-blank text that is in no item segment, no heading, and is not an item's label."""
    mask = bytearray(len(text))
    for a, b in outline.headings:
        mask[a:b] = b"\x01" * (b - a)
    for group in outline.groups:
        remarks = [r for r in group.remarks] + [r for n in group.walk() for r in n.remarks]
        for node in [*group.walk(), *remarks]:
            for a, b in node.segments:
                mask[a:b] = b"\x01" * (b - a)
    lost = []
    pos = 0
    for line in text.split("\n"):
        rest = "".join(
            ch if not mask[pos + i] else "\0" for i, ch in enumerate(line)
        )  # the parts of the line nobody claimed
        for piece in rest.split("\0"):
            if piece.strip() and not _LABEL_ONLY.match(piece):
                lost.append(piece)
        pos += len(line) + 1
    return lost


# --- the seed ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> tuple[str, Outline]:
    (record,) = read_records(SEED)
    return record.eligibility_text, build_outline(record.eligibility_text)


def test_seed_groups_kinds_ids_and_labels(seed: tuple[str, Outline]) -> None:
    _, outline = seed
    assert [(g.id, g.kind, g.label) for g in outline.groups] == [
        ("inc", "inclusion", "Inclusion Criteria"),
        ("inc2", "inclusion", None),
        ("inc3", "inclusion", None),
        ("exc", "exclusion", "Exclusion Criteria"),
        ("exc2", "exclusion", None),
    ]


def test_seed_item_labels_per_group(seed: tuple[str, Outline]) -> None:
    _, outline = seed
    labels = {g.id: [i.label for i in g.items] for g in outline.groups}
    assert labels == {
        "inc": ["2", "3", "4", "5"],
        "inc2": ["1", "2", "3", "4", "5"],
        "inc3": ["1", "2", "3", "4"],
        "exc": [str(n) for n in range(2, 22)],
        "exc2": ["1"],
    }


def test_seed_nesting_under_colon_and_lettered_item(seed: tuple[str, Outline]) -> None:
    text, outline = seed
    exc = {i.id: i for i in outline.groups[3].items}
    assert [c.id for c in exc["exc.8"].children] == [f"exc.8.{n}" for n in range(1, 8)]
    assert [c.id for c in exc["exc.19"].children] == ["exc.19.a"]
    assert all(c.depth == 1 and not c.children for c in exc["exc.8"].children)
    assert {k: len(v.children) for k, v in exc.items() if v.children} == {
        "exc.8": 7,
        "exc.19": 1,
    }
    assert exc["exc.8"].clean(text).text.endswith("as defined by, but not limited to:")
    assert exc["exc.19"].children[0].clean(text).text.startswith("For those subjects on B-cell")


def test_seed_top_level_items_have_depth_zero(seed: tuple[str, Outline]) -> None:
    _, outline = seed
    assert all(item.depth == 0 for g in outline.groups for item in g.items)


def test_seed_span_text_matches_clean_text(seed: tuple[str, Outline]) -> None:
    text, outline = seed
    for group in outline.groups:
        for node in group.walk():
            start, end = node.span
            assert len(node.segments) == 1
            assert node.clean(text).text == unescape_markdown(text[start:end])
            assert text[start:end] == text[start:end].strip()


def test_seed_escaped_label_is_a_number(seed: tuple[str, Outline]) -> None:
    text, outline = seed
    (item,) = outline.groups[4].items
    assert (item.id, item.label) == ("exc2.1", "1")
    assert text[item.span[0] - 5 : item.span[0]] == "\n1\\. "
    assert item.clean(text).text.startswith("Known clinically active antiphospholipid")


def test_seed_warnings(seed: tuple[str, Outline]) -> None:
    _, outline = seed
    assert [(w.code, w.criterion_id) for w in outline.warnings] == [
        (errors.W_LIST_STARTS_LATE, "inc.2"),
        (errors.W_LOST_HEADING, "inc2.1"),
        (errors.W_LOST_HEADING, "inc3.1"),
        (errors.W_LIST_STARTS_LATE, "exc.2"),
        (errors.W_LOST_HEADING, "exc2.1"),
    ]


def test_seed_cohorts_come_from_content_of_restarted_lists(seed: tuple[str, Outline]) -> None:
    _, outline = seed
    assert [g.cohort for g in outline.groups] == [
        None,
        "lupus nephritis (LN)",
        "pMN",
        None,
        None,
    ]


def test_seed_group_spans_cover_their_items(seed: tuple[str, Outline]) -> None:
    text, outline = seed
    inc, *_ = outline.groups
    assert inc.span is not None
    assert text[inc.span[0] : inc.span[1]].startswith("Inclusion Criteria\n2. Progression")
    for group in outline.groups:
        assert group.span is not None
        for node in group.walk():
            assert group.span[0] <= node.span[0] <= node.span[1] <= group.span[1]


def test_seed_keeps_every_character(seed: tuple[str, Outline]) -> None:
    text, outline = seed
    assert uncovered(text, outline) == []


# --- headings ---------------------------------------------------------------------------------

_RULES = [
    (rule.kind or "sub", example)
    for section in ("kind_headings", "intro_sentences", "subheadings")
    for rule in getattr(heading_rules(), section)
    for example in rule.examples
]


@pytest.mark.parametrize(("kind", "example"), _RULES)
def test_heading_examples_in_rules_file_open_a_group(kind: str, example: str) -> None:
    # each example heading, followed by one item, opens a group with the example as label
    outline = build_outline(f"{example}\n  -  Age 18 years or older")
    group = outline.groups[-1]
    if kind != "sub":
        assert group.kind == kind
    assert group.label == example
    assert [i.label for i in group.items] == ["-"]


@pytest.mark.parametrize(
    "line",
    [
        # criteria that mention inclusion/exclusion criteria but are not headings
        "Exclusion criteria include patients following resuscitation from cardiac arrest",  # Chia
        "Lack of compliance with any inclusion criteria",  # LCT NCT03861442
        "Meets all inclusion criteria:",
    ],
)
def test_sentences_about_criteria_are_not_headings(line: str) -> None:
    outline = build_outline(f"Exclusion Criteria:\n{line}")
    assert [g.id for g in outline.groups] == ["exc"]
    assert texts(outline.groups[0].items, f"Exclusion Criteria:\n{line}") == [line]


def test_heading_variants_upper_case_key_and_bare() -> None:
    text = "KEY INCLUSION CRITERIA:\n* Age 18\nExclusion:\n* Pregnancy"
    outline = build_outline(text)
    assert [(g.id, g.kind, g.label) for g in outline.groups] == [
        ("inc", "inclusion", "KEY INCLUSION CRITERIA:"),
        ("exc", "exclusion", "Exclusion:"),
    ]


def test_heading_printed_as_a_bullet() -> None:
    text = lct("NCT03921515")  # "-  INCLUSION CRITERIA:"
    outline = build_outline(text)
    assert outline.groups[0].label == "INCLUSION CRITERIA:"
    assert [i.id for i in outline.groups[0].items] == ["inc.1", "inc.2", "inc.3", "inc.4"]


def test_heading_with_text_after_the_colon_keeps_the_text_as_an_item() -> None:
    text = lct("NCT03922932")  # Eye-Related Exclusion Criteria: (Applies to study eye only...)
    outline = build_outline(text)
    group = next(g for g in outline.groups if g.label == "Eye-Related Exclusion Criteria:")
    assert group.items[0].label is None
    assert group.items[0].clean(text).text.startswith("(Applies to study eye only.")
    assert errors.W_ORPHAN_TEXT in codes(outline)


def test_sub_headed_lists_become_groups_with_their_label_and_cohort() -> None:
    outline = build_outline(lct("NCT03861429"))  # Resident / Family / Staff criteria
    assert [(g.id, g.label, g.cohort) for g in outline.groups] == [
        ("inc", "Resident Inclusion Criteria:", "Resident"),
        ("inc2", "Family Inclusion Criteria:", "Family"),
        ("inc3", "Staff Inclusion Criteria:", "Staff"),
        ("exc", "Resident Exclusion Criteria:", "Resident"),
    ]


def test_additional_criteria_headings_are_further_groups_of_their_kind() -> None:
    outline = build_outline(lct("NCT03866057"))
    assert [(g.id, g.kind) for g in outline.groups] == [
        ("inc", "inclusion"),
        ("inc2", "inclusion"),
        ("inc3", "inclusion"),
        ("exc", "exclusion"),
        ("exc2", "exclusion"),
    ]
    assert outline.groups[1].label == (
        "Additional inclusion criteria for Sub-project Neurophysiological Markers:"
    )


def test_sub_heading_lines_part_and_for_patients_with() -> None:
    # shape of API v2 records with per-cohort lists (criteria text from the seed)
    text = (
        "Inclusion Criteria:\n\n"
        "For patients with lupus nephritis:\n\n"
        "* Score of 10 or more points on the ACR 2019 classification criteria for SLE\n\n"
        "Part B:\n\n"
        "* Positive anti-PLA2R antibodies\n"
    )
    outline = build_outline(text)
    assert [(g.id, g.label, g.cohort) for g in outline.groups] == [
        ("inc", "For patients with lupus nephritis:", "patients with lupus nephritis"),
        ("inc2", "Part B:", "Part B"),
    ]
    assert errors.W_EMPTY_SECTION not in codes(outline)


def test_empty_section_warns() -> None:
    text = "Inclusion Criteria:\n  -  Age > 18 years.\nExclusion Criteria:\n"  # LCT NCT03864874
    outline = build_outline(text)
    assert [g.id for g in outline.groups] == ["inc", "exc"]
    assert outline.groups[1].items == []
    assert codes(outline) == [errors.W_EMPTY_SECTION]


# --- item labels and nesting ------------------------------------------------------------------


def test_legacy_dash_bullets_are_numbered_by_position() -> None:
    text = lct("NCT03861442")
    outline = build_outline(text)
    inc, exc = outline.groups
    assert [i.id for i in inc.items] == [f"inc.{n}" for n in range(1, 10)]
    assert {i.label for i in inc.items} == {"-"}
    assert len(exc.items) == 8
    assert texts(inc.items, text)[0] == "A minimum of 18 years old"


def test_numbered_items_nested_by_indentation() -> None:
    text = lct("NCT03921515")
    inc = build_outline(text).groups[0]
    assert [len(i.children) for i in inc.items] == [2, 3, 0, 0]
    assert inc.items[1].children[2].id == "inc.2.3"
    assert inc.items[1].children[2].clean(text).text == (
        "18 and 65 years old for patients with HIES."
    )


def test_preamble_line_in_a_section_is_a_remark_of_its_group_not_a_criterion() -> None:
    text = lct("NCT03921515")  # "The following exclusion criteria apply to all subjects:"
    outline = build_outline(text)
    exc = outline.groups[1]
    assert [i.id for i in exc.items] == [f"exc.{n}" for n in range(1, 6)]
    assert [(r.kind, r.clean(text).text) for r in exc.remarks] == [
        ("preamble", "The following exclusion criteria apply to all subjects:")
    ]
    assert outline.warnings == []


def test_disclaimer_after_the_last_item_is_a_note_remark() -> None:
    text = (  # NCT06655896 (shared records), closing line
        "Exclusion Criteria:\n\n1. Significant renal pathology at Screening.\n"
        "2. Vaccination with live attenuated vaccines within 6 weeks prior to randomization.\n\n"
        "Other protocol-defined inclusion/exclusion criteria may apply."
    )
    (exc,) = build_outline(text).groups
    assert [i.id for i in exc.items] == ["exc.1", "exc.2"]
    assert [(r.kind, r.clean(text).text) for r in exc.remarks] == [
        ("note", "Other protocol-defined inclusion/exclusion criteria may apply.")
    ]


def test_a_note_that_states_a_limit_stays_a_criterion() -> None:
    text = "Inclusion Criteria:\n\n* Platelets >= 100,000/uL\n\nNote: for HCC, INR <= 2 x ULN\n"
    (inc,) = build_outline(text).groups
    assert [i.clean(text).text for i in inc.items][-1] == "Note: for HCC, INR <= 2 x ULN"
    assert inc.remarks == []


def test_hard_wrapped_line_joins_its_item() -> None:
    text = lct("NCT03927417")  # "• Couples ... IVF / ICSI\ntreatment in one of the above ..."
    (item,) = build_outline(text).groups[0].items
    assert item.label == "•"
    assert len(item.segments) == 2
    assert item.clean(text).text == (
        "Couples with primary / secondary infertility who are planned to undergo IVF / ICSI "
        "treatment in one of the above mentioned centers and who agree to take part in this study."
    )


def test_same_bullets_after_a_colon_are_its_children_until_the_next_colon() -> None:
    # NCT03927417: "... the female partner has a history of:" then bullets at the same indent,
    # then "... the male partner has a history of:" and its own bullets
    exc = build_outline(lct("NCT03927417")).groups[1]
    assert [len(i.children) for i in exc.items] == [0, 5, 4]


def test_flat_children_of_a_colon_end_with_the_period_of_a_semicolon_list() -> None:
    text = (  # NCT00001177 (shared records), legacy layout
        "INCLUSION CRITERIA:\n\n"
        "  -  The criteria for recurrent brief depression include the following:\n\n"
        "  -  dysphoric mood or loss of interest or pleasure;\n\n"
        "  -  duration less than two weeks;\n\n"
        "  -  recurrence at least monthly over one year.\n\n"
        "  -  age 18 to 50;\n"
    )
    (inc,) = build_outline(text).groups
    assert [len(i.children) for i in inc.items] == [3, 0]


def test_lettered_item_at_the_margin_after_a_colon_is_a_sub_item() -> None:
    text = lct("NCT03868852")  # "...criteria:" then "A. BIL < ...; B. ALT ...; C. ..." inline
    inc = build_outline(text).groups[0]
    item7 = inc.items[6]
    assert [c.id for c in item7.children] == ["inc.7.1", "inc.7.2"]
    assert [c.id for c in item7.children[1].children] == ["inc.7.2.A", "inc.7.2.B", "inc.7.2.C"]
    assert [i.id for i in inc.items[7:]] == ["inc.8", "inc.9"]


def test_nested_bullets_under_indentation() -> None:
    text = lct("NCT03867708")  # "Patients with suitable indication ... guidelines :" then 1.-4.
    first = build_outline(text).groups[0].items[0]
    assert [c.id for c in first.children] == [f"inc.1.{n}" for n in range(1, 5)]


def test_commonmark_nested_items_after_blank_line() -> None:
    (record,) = read_records(FIX / "NCT03921515.json")
    text = record.eligibility_text
    outline = build_outline(text)
    inc, exc = outline.groups
    assert [len(i.children) for i in inc.items] == [2, 3, 0, 0]
    assert [i.id for i in exc.items] == [f"exc.{n}" for n in range(1, 6)]
    assert [r.kind for r in exc.remarks] == ["preamble"]
    assert exc.items[1].clean(text).text.endswith("anti-inflammatory drugs [NSAIDs]).")


def test_commonmark_star_bullets_nested_two_spaces_after_blank_line() -> None:
    # LCT NCT03867708 as API v2 CommonMark
    text = (
        "Inclusion Criteria:\n\n"
        "* Patients with suitable indication for ASD closure according to recent guidelines :\n\n"
        "  * Impaired functional capacity.\n"
        "  * Right atrial and/or RV enlargement.\n\n"
        "* Patients with isolated secundum ASD with sufficient rims suitable for device closure.\n"
    )
    (inc,) = build_outline(text).groups
    assert [i.id for i in inc.items] == ["inc.1", "inc.2"]
    assert [c.id for c in inc.items[0].children] == ["inc.1.1", "inc.1.2"]


def test_commonmark_paragraph_indented_under_item_after_blank_line_joins_it() -> None:
    # LCT NCT03868852 item 1, with its lab limits as an indented paragraph
    text = (
        "Inclusion Criteria:\n\n"
        "1. Blood routine examination standards should be met:\n\n"
        "   (no blood transfusion within 14 days) HB \\> 90 g/L\n"
        "2. Doctors believe that treatment can benefit patients.\n"
    )
    (inc,) = build_outline(text).groups
    assert [i.id for i in inc.items] == ["inc.1", "inc.2"]
    assert inc.items[0].clean(text).text == (
        "Blood routine examination standards should be met: "
        "(no blood transfusion within 14 days) HB > 90 g/L"
    )


@pytest.mark.parametrize(
    ("lines", "labels"),
    [
        (["1) Age 18", "2) Pregnancy"], ["1", "2"]),
        (["(1) Age 18", "(2) Pregnancy"], ["1", "2"]),
        (["a. Age 18", "b. Pregnancy"], ["a", "b"]),
        (["(a) Age 18", "(b) Pregnancy"], ["a", "b"]),
        (["i. Age 18", "ii. Pregnancy", "iii. HIV"], ["i", "ii", "iii"]),
        (["(i) Age 18", "(ii) Pregnancy"], ["i", "ii"]),
        (["A. Age 18", "B. Pregnancy"], ["A", "B"]),
        (["• Age 18", "• Pregnancy"], ["•", "•"]),
        (["- Age 18", "- Pregnancy"], ["-", "-"]),
        (["* Age 18", "* Pregnancy"], ["*", "*"]),
        (["1\\. Age 18", "2\\. Pregnancy"], ["1", "2"]),
    ],
)
def test_label_styles(lines: list[str], labels: list[str]) -> None:
    outline = build_outline("Exclusion Criteria:\n" + "\n".join(lines))
    assert [i.label for i in outline.groups[0].items] == labels
    assert codes(outline) == []


def test_letters_h_i_j_are_letters_not_roman() -> None:
    text = "Exclusion Criteria:\n" + "\n".join(f"{c}. item {c}" for c in "ghij")
    assert [i.id for i in build_outline(text).groups[0].items] == [f"exc.{c}" for c in "ghij"]


def test_numbers_in_text_are_not_labels() -> None:
    text = "Inclusion Criteria:\n- Weight\n1.5 g/day or more\n18 years or older"  # wrapped lines
    (inc,) = build_outline(text).groups
    assert len(inc.items) == 1 and len(inc.items[0].segments) == 3


# --- numbering warnings -----------------------------------------------------------------------


def test_numbering_gap_warns() -> None:
    text = lct("NCT03860012").replace("  3. normal folate levels at onset of study\n", "")
    outline = build_outline(text)
    assert [i.label for i in outline.groups[0].items] == ["1", "2", "4", "5"]
    assert [(w.code, w.criterion_id) for w in outline.warnings] == [
        (errors.W_NUMBERING_GAP, "inc.4")
    ]


def test_list_starting_above_one_warns() -> None:
    text = lct("NCT03860012").replace("  1. inflammatory bowel disease\n", "")
    outline = build_outline(text)
    assert [(w.code, w.criterion_id) for w in outline.warnings] == [
        (errors.W_LIST_STARTS_LATE, "inc.2")
    ]


def test_restart_after_sub_list_parent_is_nesting_not_a_new_group() -> None:
    outline = build_outline(lct("NCT03865836"))  # "1. ... one of the following:" then 1., 2.
    assert [g.id for g in outline.groups] == ["inc", "exc"]
    assert [c.id for c in outline.groups[0].items[0].children] == ["inc.1.1", "inc.1.2"]
    assert errors.W_LOST_HEADING not in codes(outline)


# --- texts without headings -------------------------------------------------------------------


def test_chia_file_one_item_per_line_with_default_kind() -> None:
    path = CHIA / "NCT00182520_exc.txt"
    text = path.read_bytes().decode("utf-8")
    outline = build_outline(text, default_kind="exclusion")
    (group,) = outline.groups
    assert (group.id, group.kind, group.label) == ("exc", "exclusion", None)
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(group.items) == len(lines)
    assert codes(outline) == [errors.W_NO_SECTIONS]


def test_crlf_is_not_part_of_any_span() -> None:
    text = (CHIA / "NCT00182520_inc.txt").read_bytes().decode("utf-8")
    assert "\r\n" in text
    for node in build_outline(text).groups[0].walk():
        for a, b in node.segments:
            assert "\r" not in text[a:b] and "\n" not in text[a:b]


def test_chia_roman_sub_items_under_a_colon_line() -> None:
    text = (CHIA / "NCT01890759_exc.txt").read_bytes().decode("utf-8")
    group = build_outline(text, "exclusion", line_items=True).groups[0]
    assert group.items[1].clean(text).text.endswith("except for:")
    assert [c.id for c in group.items[1].children] == ["exc.2.i", "exc.2.ii", "exc.2.iii"]


def test_unlabelled_lines_under_headings_are_items_without_warnings() -> None:
    text = lct("NCT03927118")
    outline = build_outline(text)
    assert [len(g.items) for g in outline.groups] == [1, 7]
    assert outline.groups[1].items[0].id == "exc.1"
    assert codes(outline) == []


def test_text_before_the_first_heading_forms_a_preamble_group() -> None:
    outline = build_outline(lct("NCT03862105"))  # "Minimum Age: 18 Years ..." first
    assert [g.id for g in outline.groups][:1] == ["pre"]


def test_empty_text_has_no_groups() -> None:
    outline = build_outline("")
    assert outline.groups == [] and outline.warnings == []


# --- never drop text, speed -------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        FIX / "NCT03863392.txt",
        *[LCT / f"{n}.txt" for n in ("NCT03921515", "NCT03868852")],
        CHIA / "NCT01890759_exc.txt",
    ],
    ids=lambda p: p.name,
)
def test_every_character_is_kept_in_fixture_documents(path: Path) -> None:
    text = path.read_bytes().decode("utf-8")
    assert uncovered(text, build_outline(text)) == []


def test_every_character_is_kept_in_api_json_fixture() -> None:
    for path in (FIX / "NCT03921515.json", FIX / "list.json"):
        for record in read_records(path):
            text = record.eligibility_text
            assert uncovered(text, build_outline(text)) == []


@pytest.mark.slow
@needs_lct_corpus
def test_every_character_is_kept_in_all_lct_documents() -> None:
    lost = {}
    for name in sorted(glob.glob(str(LCT_CORPUS / "*.txt"))):
        text = Path(name).read_bytes().decode("utf-8")
        missing = uncovered(text, build_outline(text))
        if missing:
            lost[Path(name).name] = missing
    assert lost == {}


def test_for_all_participants_is_a_sub_heading_without_cohort() -> None:
    outline = build_outline(lct("NCT03923569"))  # For all participants: / For AD patients:
    assert [(g.label, g.cohort) for g in outline.groups[:2]] == [
        ("For all participants:", None),
        ("For AD patients:", "AD patients"),
    ]


@pytest.mark.parametrize(
    "inclusion, exclusion",
    [
        ("**Inclusion Criteria:**", "**Exclusion Criteria:**"),
        ("__Inclusion Criteria__", "__Exclusion Criteria__"),
        ("## Key Inclusion Criteria", "## Key Exclusion Criteria"),
        ("*Inclusion Criteria:*", "*Exclusion Criteria:*"),
    ],
)
def test_markdown_headings_are_headings_and_their_labels_lose_the_markup(inclusion, exclusion):
    # CommonMark as the ClinicalTrials.gov API v2 may serve it
    text = (
        f"{inclusion}\n\n1. Age \\>= 18 years\n2. ECOG 0-1\n\n"
        f"{exclusion}\n\n1. Received chemotherapy within 4 weeks\n"
    )
    outline = build_outline(text)
    assert [(g.kind, len(g.items)) for g in outline.groups] == [("inclusion", 2), ("exclusion", 1)]
    assert "*" not in (outline.groups[1].label or "") and "#" not in (outline.groups[1].label or "")
    assert not outline.warnings
