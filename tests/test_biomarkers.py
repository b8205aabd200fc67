"""Biomarkers with gene and result, on real criteria text (records in ../shared/records and
the issue's examples); one behaviour per row."""

from __future__ import annotations

import pytest

from nlp.concepts import find_biomarkers


def _found(text: str) -> list[tuple[str, str | None, str | None]]:
    return [(b.text, b.gene, b.result) for b in find_biomarkers(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("EGFR mutation", [("EGFR mutation", "EGFR", "mutated")]),
        ("EGFR-mutant NSCLC", [("EGFR-mutant", "EGFR", "mutated")]),
        ("HER2-positive breast cancer", [("HER2-positive", "ERBB2", "positive")]),
        ("HER2 negative", [("HER2 negative", "ERBB2", "negative")]),
        ("ALK rearrangement", [("ALK rearrangement", "ALK", "rearranged")]),
        ("ALK-positive", [("ALK-positive", "ALK", "positive")]),
        ("POLE mutation", [("POLE mutation", "POLE", "mutated")]),
        ("TP53", [("TP53", "TP53", None)]),
        ("HER2-low", [("HER2-low", "ERBB2", "low")]),
        ("KRAS G12C", [("KRAS G12C", "KRAS", "mutated")]),
        ("BRAF V600E", [("BRAF V600E", "BRAF", "mutated")]),
    ],
)
def test_the_issue_examples_name_gene_and_result(text, expected) -> None:
    assert _found(text) == expected


def test_a_variant_is_kept_with_its_gene() -> None:
    (b,) = find_biomarkers("KRAS G12C")
    assert b.variant == "G12C" and b.span == (0, 9)


def test_a_numeric_limit_leaves_the_biomarker_without_result() -> None:
    assert _found("PD-L1 TPS ≥ 50%") == [("PD-L1", "CD274", None)]


def test_a_gene_pair_gives_both_genes_with_one_span() -> None:
    found = find_biomarkers("Deleterious BRCA1/2 mutation")
    assert [(b.gene, b.result, b.span) for b in found] == [
        ("BRCA1", "mutated", (12, 28)),
        ("BRCA2", "mutated", (12, 28)),
    ]


def test_names_listed_together_share_the_result_after_them() -> None:
    assert _found("ER/PR positive") == [
        ("ER", "ESR1", "positive"),
        ("PR positive", "PGR", "positive"),
    ]


def test_a_sign_glued_to_the_name_is_its_result() -> None:
    assert _found("ER+/PR+/HER2-") == [
        ("ER+", "ESR1", "positive"),
        ("PR+", "PGR", "positive"),
        ("HER2-", "ERBB2", "negative"),
    ]


def test_signatures_carry_their_result_in_the_name() -> None:
    assert _found("MSI-H or dMMR") == [("MSI-H", None, "high"), ("dMMR", None, "deficient")]


def test_p53wt_is_wild_type_tp53() -> None:
    text = "SUB-STUDY B: Patients must have molecular classification of p53wt/NSMP"
    assert _found(text) == [("p53wt", "TP53", "wild_type")]


def test_variants_and_exon_events_mean_a_mutation() -> None:
    text = "Patients with EGFR L858R mutation, EGFR 19DEL mutation or EGFR T790M positive;"
    assert [(b.gene, b.result, b.variant) for b in find_biomarkers(text)] == [
        ("EGFR", "mutated", "L858R"),
        ("EGFR", "mutated", "19DEL"),
        ("EGFR", "mutated", "T790M"),
    ]


def test_a_result_before_the_name_counts() -> None:
    text = "NSCLC with wild-type EGFR and negative ALK fusion gene"
    assert _found(text) == [
        ("wild-type EGFR", "EGFR", "wild_type"),
        ("negative ALK fusion", "ALK", "negative"),
    ]


def test_a_spelled_out_name_and_its_abbreviation_are_one_biomarker() -> None:
    text = "microsatellite instability-high (MSI-Hi) tumors at the RP2D."
    assert _found(text) == [("microsatellite instability-high (MSI-Hi)", None, "high")]


def test_overexpression_by_ihc_is_positive() -> None:
    text = "Documented HER2 overexpression (immunohistochemistry (IHC) 3+ or gene-amplified tumor"
    assert _found(text)[0] == ("HER2 overexpression", "ERBB2", "positive")


def test_a_filtration_rate_is_not_the_egfr_gene() -> None:
    assert find_biomarkers("eGFR ≥ 60 mL/min/1.73 m²") == []
    assert find_biomarkers("EGFR ≥ 60 mL/min/1.73 m2") == []


def test_a_drug_target_is_not_a_biomarker() -> None:
    assert find_biomarkers("Prior anti-PD-L1 therapy") == []
    assert find_biomarkers("who have failed previous treatment with EGFR-TKIs.") == []
    assert find_biomarkers("Prior HER2-targeted therapy") == []


def test_an_ambiguous_name_needs_a_result() -> None:
    assert find_biomarkers("Visit to the ER within 30 days") == []
    assert find_biomarkers("MMR vaccine in the past year") == []


def test_spans_point_into_the_text() -> None:
    text = "Cohort 3: Patients with EGFR activating mutation and negative ALK fusion gene"
    for b in find_biomarkers(text):
        assert text[b.span[0] : b.span[1]] == b.text
