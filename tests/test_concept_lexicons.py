"""The data files of nlp/concepts: well-formed; every code carries the name it was checked by."""

from __future__ import annotations

import pytest

from nlp.concepts import vocab
from nlp.concepts.normalize import key
from nlp.rulefiles import (
    MeasureCodeRow,
    biomarker_rules,
    condition_code_rules,
    loinc_check_digit,
    measure_code_rules,
)


def test_every_measure_row_with_a_loinc_code_records_its_verified_name_and_source() -> None:
    coded = [r for r in measure_code_rules() if r.loinc]
    assert len(coded) >= 25
    for row in coded:
        number, check = row.loinc.split("-")
        assert loinc_check_digit(number) == int(check), row.id
        assert row.loinc_name and row.verified_at, row.id


def test_every_measure_row_has_a_unit_and_plausible_bounds_or_none_of_them() -> None:
    for row in measure_code_rules():
        if row.low is not None or row.high is not None:
            assert row.unit and row.low is not None and row.high is not None, row.id


def test_a_measure_name_names_one_measure_only() -> None:
    seen: dict[str, str] = {}
    for row in measure_code_rules():
        for name in [key(a) for a in row.aliases]:
            assert seen.setdefault(name, row.id) == row.id, name


def test_a_loinc_code_without_its_name_is_refused() -> None:
    with pytest.raises(ValueError, match="verified name"):
        MeasureCodeRow(id="platelets", aliases=["platelets"], loinc="777-3")


def test_a_loinc_code_with_a_wrong_check_digit_is_refused() -> None:
    with pytest.raises(ValueError, match="check digit"):
        MeasureCodeRow(id="x", aliases=["x"], loinc="777-4", loinc_name="n", verified_at="s")


def test_every_curated_icd10cm_code_exists_with_the_recorded_description() -> None:
    import simple_icd_10_cm as cm

    for row in condition_code_rules():
        if row.icd10cm:
            assert cm.is_valid_item(row.icd10cm), row.icd10cm
            assert cm.get_description(row.icd10cm) == row.icd10cm_name, row.icd10cm


def test_every_curated_hpo_term_exists_with_the_recorded_name() -> None:
    names = vocab.hpo_index()
    for row in condition_code_rules():
        if row.hpo:
            assert names[key(row.hpo_name)] == [row.hpo, row.hpo_name], row.hpo


def test_biomarker_genes_name_hgnc_style_symbols_and_unique_markers() -> None:
    rows = biomarker_rules()
    assert {"ERBB2", "EGFR", "ALK", "KRAS", "BRAF", "CD274", "TP53", "POLE"} <= {
        s for r in rows for s in r.symbols
    }
    assert len({r.marker for r in rows}) == len(rows)
