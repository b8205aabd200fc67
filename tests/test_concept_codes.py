"""Coding concepts: one behaviour per test, on the words of real criteria."""

from __future__ import annotations

import pytest

from nlp.concepts import code_measure, code_mention
from nlp.concepts.codes import ATC, DRUGBANK, HPO, ICD10CM, LOINC
from nlp.pipeline import annotate


def _codes(codes) -> list[tuple[str, str]]:
    return [(c.system, c.code) for c in codes]


@pytest.mark.parametrize(
    ("measure", "code"),
    [
        ("Platelet count", "777-3"),
        ("platelets", "777-3"),
        ("haemoglobin", "718-7"),
        ("Hb", "718-7"),
        ("absolute neutrophil count", "751-8"),
        ("ANC", "751-8"),
        ("serum creatinine", "2160-0"),
        ("Total bilirubin", "1975-2"),
        ("SGPT", "1742-6"),
        ("Serum albumin", "1751-7"),
        ("systolic blood pressure", "8480-6"),
        ("diastolic", "8462-4"),
        ("fasting triglycerides", "2571-8"),
        ("total cholesterol", "2093-3"),
        ("HDL-C", "2085-9"),
        ("mean arterial pressure", "8478-0"),
        ("PaO2", "2703-7"),
        ("FiO2", "3150-0"),
    ],
)
def test_a_measure_as_the_quantity_reader_writes_it_gets_its_loinc_code(measure, code) -> None:
    assert _codes(code_measure(measure)) == [(LOINC, code)]


def test_the_loinc_display_is_the_long_common_name() -> None:
    (code,) = code_measure("ALT")
    assert code.display == "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma"


def test_an_abbreviation_matches_as_written_only() -> None:
    assert code_measure("ALT")
    assert code_measure("alt") == []


def test_a_measure_and_its_abbreviation_in_brackets_agree() -> None:
    assert _codes(code_measure("aspartate aminotransferase (AST)")) == [(LOINC, "1920-8")]
    assert _codes(code_measure("ANC (absolute neutrophil count)")) == [(LOINC, "751-8")]


def test_a_known_measure_without_a_verified_code_gets_no_code() -> None:
    # measured (24-hour urine) or calculated (Cockcroft-Gault): the bare name does not say
    assert code_measure("creatinine clearance") == []
    assert code_measure("measured GFR") == []  # no eGFR: 69405-9 is a predicted rate
    # LDL cholesterol: calculated (13457-7) or by assay (18262-6)
    assert code_measure("LDL cholesterol") == []


def test_an_egfr_with_no_formula_named_is_the_generic_egfr() -> None:
    assert _codes(code_measure("eGFR")) == [(LOINC, "69405-9")]
    assert _codes(code_measure("estimated glomerular filtration rate")) == [(LOINC, "69405-9")]


def test_a_named_formula_is_coded() -> None:
    assert _codes(code_measure("eGFR (CKD-EPI)")) == [(LOINC, "62238-1")]


def test_an_unknown_measure_gets_no_code() -> None:
    assert code_measure("ankle brachial index (ABI)") == []


def test_measurement_mentions_are_coded_through_the_measure_lexicon() -> None:
    assert _codes(code_mention("platelet count", "measurement")) == [(LOINC, "777-3")]


def test_a_drug_gets_its_drugbank_id() -> None:
    (code,) = code_mention("pembrolizumab", "drug")
    assert (code.system, code.code, code.display) == (DRUGBANK, "DB09037", "Pembrolizumab")


def test_a_brand_name_gets_the_drug_it_names() -> None:
    assert _codes(code_mention("Keytruda", "drug")) == [(DRUGBANK, "DB09037")]


def test_no_mesh_class_is_given_for_a_drug() -> None:
    # the package's mesh_id for trastuzumab is a class (Antineoplastic Agents, Immunological)
    assert [c.system for c in code_mention("trastuzumab", "drug")] == [DRUGBANK]


def test_a_generic_word_is_not_coded_as_one_specific_drug() -> None:
    assert code_mention("alcohol", "drug") == []  # Benzyl Alcohol in the package
    assert code_mention("corticosteroids", "drug") == []


def test_a_drug_class_gets_its_atc_group() -> None:
    (code,) = code_mention("tricyclic antidepressants", "drug")
    assert (code.system, code.code, code.display) == (
        ATC,
        "N06AA",
        "Non-selective monoamine reuptake inhibitors",
    )


def test_a_class_word_kept_from_one_drugbank_drug_still_gets_its_group() -> None:
    assert _codes(code_mention("insulin", "drug")) == [(ATC, "A10A")]  # no one insulin


def test_a_class_that_atc_splits_by_route_is_coded_only_with_the_route() -> None:
    assert _codes(code_mention("systemic corticosteroids", "drug")) == [(ATC, "H02")]
    assert code_mention("topical corticosteroids", "drug") == []


def test_a_mention_of_a_class_in_a_criterion_carries_its_atc_group() -> None:
    (doc,) = annotate(["Concomitant use of strong CYP3A4 inhibitors or proton pump inhibitors"])
    coded = {m.text: _codes(m.codes) for m in doc._.mentions}
    assert coded["proton pump inhibitors"] == [(ATC, "A02BC")]
    assert coded["strong CYP3A4 inhibitors"] == []  # a pharmacokinetic class: no ATC group


def test_a_class_abbreviation_carries_the_group_of_its_full_name() -> None:
    (doc,) = annotate(["Chronic use of PPIs within 4 weeks prior to screening"])
    coded = {m.text: _codes(m.codes) for m in doc._.mentions}
    assert coded["PPIs"] == [(ATC, "A02BC")]


def test_a_measure_written_before_its_bracketed_abbreviation_is_coded() -> None:
    (doc,) = annotate(["Body Mass Index (BMI) between 18 and 35 kg/m2"])  # the model stops at "("
    coded = {m.text: _codes(m.codes) for m in doc._.mentions}
    assert coded["Body Mass Index"] == [(LOINC, "39156-5")]


def test_a_condition_gets_its_icd10cm_category() -> None:
    assert _codes(code_mention("type 2 diabetes mellitus", "condition")) == [(ICD10CM, "E11")]


def test_a_qualifier_before_a_condition_does_not_change_its_code() -> None:
    assert (ICD10CM, "I10") in _codes(code_mention("Uncontrolled hypertension", "condition"))
    assert _codes(code_mention("active hepatitis B", "condition")) == [(ICD10CM, "B19.1")]


def test_a_sign_gets_its_hpo_term_in_the_plural_too() -> None:
    assert _codes(code_mention("seizures", "condition")) == [(HPO, "HP:0001250")]


def test_a_condition_named_in_both_vocabularies_gets_both_codes() -> None:
    assert _codes(code_mention("asthma", "condition")) == [(ICD10CM, "J45"), (HPO, "HP:0002099")]


def test_an_icd10cm_description_is_matched_exactly_without_its_brackets() -> None:
    codes = code_mention("human immunodeficiency virus disease", "condition")
    assert _codes(codes) == [(ICD10CM, "B20")]


def test_a_condition_whose_category_is_its_plural_gets_the_category() -> None:
    # "History of schizoaffective disorder": any of F25 "Schizoaffective disorders"
    assert _codes(code_mention("schizoaffective disorder", "condition")) == [(ICD10CM, "F25")]
    assert _codes(code_mention("myelodysplastic syndrome", "condition")) == [(ICD10CM, "D46")]


def test_a_class_is_not_given_the_code_of_its_unspecified_member() -> None:
    # "Heart disease, unspecified" I51.9 is one code among the heart diseases the text names
    assert code_mention("heart disease", "condition") == []
    assert code_mention("cerebrovascular disease", "condition") == []


def test_a_short_form_in_brackets_changes_no_code() -> None:
    assert _codes(code_mention("atazanavir (ATV)", "drug")) == [(DRUGBANK, "DB01072")]
    codes = code_mention("diffuse large B cell lymphomas (DLBCL)", "condition")
    assert _codes(codes) == [(ICD10CM, "C83.3")]


def test_a_bracketed_word_that_is_no_short_form_still_counts() -> None:
    # "hypertension (pulmonary)" is no essential hypertension, "stroke (hemorrhagic)" no infarct
    assert code_mention("hypertension (pulmonary)", "condition") == []
    assert code_mention("stroke (hemorrhagic)", "condition") == []


def test_a_head_noun_alone_is_not_coded() -> None:
    assert code_mention("disease", "condition") == []


def test_an_hpo_modifier_on_its_own_is_not_coded_as_a_condition() -> None:
    # "Refractory or intolerant to at least one induction therapy" (NKX019-102 inc3.4): HPO's
    # Refractory (HP:0031375) is a clinical modifier, no phenotype
    assert code_mention("Refractory", "condition") == []
    assert code_mention("peripheral", "condition") == []


def test_an_abbreviation_is_not_coded_with_the_root_of_hpo() -> None:
    # "ALL" (acute lymphoblastic leukaemia) is the key of HPO's root term "All"
    assert code_mention("ALL", "condition") == []


def test_a_near_miss_is_not_coded() -> None:
    assert code_mention("diabetes mellitus type 3", "condition") == []
    assert code_mention("pembrolizumabb", "drug") == []


def test_categories_without_a_vocabulary_get_no_code() -> None:
    assert code_mention("pembrolizumab", "procedure") == []


def test_each_call_returns_fresh_codes() -> None:
    first = code_mention("asthma", "condition")
    first.clear()
    assert code_mention("asthma", "condition")


def test_the_vocabularies_are_read_once_per_process() -> None:
    from nlp.concepts import vocab

    assert vocab.drug_index() is vocab.drug_index()
    assert vocab.icd_index() is vocab.icd_index()
    assert vocab.hpo_index() is vocab.hpo_index()


def test_a_performance_status_named_by_its_scale_gets_the_scales_loinc_code() -> None:
    (doc,) = annotate(["ECOG performance status 0-1"])
    (quantity,) = doc._.quantities
    assert _codes(quantity.codes) == [(LOINC, "89247-1")]
    (doc,) = annotate(["Karnofsky performance status >= 70%"])
    (quantity,) = doc._.quantities
    assert _codes(quantity.codes) == [(LOINC, "89243-0")]


def test_performance_status_without_its_scale_gets_no_code() -> None:
    # ECOG 0-5 or Karnofsky 0-100: the bare name does not say which
    assert code_measure("performance status") == []
    (doc,) = annotate(["Performance status 0-2"])
    assert [q.codes for q in doc._.quantities] == [[]]


def test_an_age_limit_gets_the_loinc_code_of_age() -> None:
    (doc,) = annotate(["Age ≥ 18 years old"])
    assert [(q.kind, _codes(q.codes)) for q in doc._.quantities] == [("age", [(LOINC, "30525-0")])]
    (doc,) = annotate(["Gestational age less than 37 completed weeks"])  # not the age limit
    assert [q.codes for q in doc._.quantities] == [[]]


@pytest.mark.parametrize(
    "text",
    [
        "Infants/fetuses with microcephaly whose mothers are under the age of 18 years,",
        "Bone age reading more than 14.0 years",
        "Older than 50 years of age at migraine onset",
    ],
)
def test_the_age_of_another_person_or_of_a_bone_or_an_onset_gets_no_code(text: str) -> None:
    (doc,) = annotate([text])
    assert [q.codes for q in doc._.quantities if q.measure == "age"] == [[]]


def test_a_diagnosis_named_after_the_age_limit_keeps_its_code() -> None:
    (doc,) = annotate(
        ["Adult (18 years of age or older) with the diagnosis of essential thrombocytosis"]
    )
    assert [_codes(q.codes) for q in doc._.quantities] == [[(LOINC, "30525-0")]]


def test_a_performance_status_after_its_scale_is_coded_with_the_scale() -> None:
    # the quantity reader's measure is "performance status"; the scale is named before it
    (doc,) = annotate(["Eastern Cooperative Oncology Group (ECOG) performance status of 0 or 1"])
    assert [_codes(q.codes) for q in doc._.quantities] == [[(LOINC, "89247-1")]] * 2
    (doc,) = annotate(["Karnofskcy performance status (KPS) >_70%"])  # as a Chia trial spells it
    assert [_codes(q.codes) for q in doc._.quantities] == [[(LOINC, "89243-0")]]


def test_pregnancy_in_a_criterion_is_coded_as_the_pregnant_state() -> None:
    (doc,) = annotate(["Pregnant or breastfeeding women"])
    coded = {m.text.lower(): _codes(m.codes) for m in doc._.mentions}
    assert coded["pregnant"] == [(ICD10CM, "Z33.1")]


def test_diabetes_unqualified_gets_the_hpo_term_not_icd_type_2() -> None:
    # ICD-10-CM's index files plain "diabetes" under E11.9 (type 2): narrower than the text
    assert _codes(code_mention("Uncontrolled diabetes", "condition")) == [(HPO, "HP:0000819")]


def test_a_generic_condition_stays_uncoded() -> None:
    # ICD-10-CM has only "unspecified" codes (K76.9, B99.9) for one disease of the class, not the
    # class the criterion names (gold/README.md: a generic concept stays uncoded)
    assert code_mention("known liver disease", "condition") == []
    assert code_mention("active infection", "condition") == []


def test_common_cardiac_abbreviations_get_the_codes_of_their_long_forms() -> None:
    assert _codes(code_mention("AF", "condition")) == [(ICD10CM, "I48.91"), (HPO, "HP:0005110")]
    assert _codes(code_mention("CAD", "condition")) == [(ICD10CM, "I25.1"), (HPO, "HP:0001677")]


def test_a_myocardial_infarction_of_no_stated_age_gets_only_the_hpo_term() -> None:
    # ICD-10-CM splits MI by age (I21 acute, within 4 weeks; I25.2 old): "History of MI" or
    # "MI within 6 months" is neither, so only HPO's Myocardial infarction means it
    assert _codes(code_mention("MI", "condition")) == [(HPO, "HP:0001658")]
    assert _codes(code_mention("myocardial infarction", "condition")) == [(HPO, "HP:0001658")]
    assert (ICD10CM, "I21") in _codes(code_mention("acute myocardial infarction", "condition"))


def test_the_name_of_the_virus_is_not_coded_as_its_disease() -> None:
    # B20 is HIV disease; "positive for human immunodeficiency virus" may be Z21 or R75
    assert code_mention("human immunodeficiency virus", "condition") == []


def test_a_receptor_named_without_its_sign_is_no_receptor_negative_status() -> None:
    # ICD-10-CM's inclusion terms "PR-", "HER2-", "HR-" lose their sign in the look-up key
    assert code_mention("PR", "condition") == []
    assert code_mention("HER2", "condition") == []
    assert [c.code for c in code_mention("PR+", "condition")] == ["Z17.21"]


def test_an_abbreviation_criteria_use_for_another_concept_is_not_coded() -> None:
    # "AMH levels age appropriate (≥2.3 ng/ml)": anti-Müllerian hormone, not ICD-10-CM's
    # asymptomatic microscopic hematuria (R31.21)
    assert code_mention("AMH", "condition") == []


def test_a_growth_factor_named_as_a_kind_is_not_coded_as_one_product() -> None:
    # "ANC >=1,500/microliter, without granulocyte colony-stimulating factor (G-CSF) support":
    # any G-CSF (filgrastim, pegfilgrastim, lenograstim), not DrugBank's Filgrastim alone
    assert code_mention("G-CSF", "drug") == []
    assert code_mention("granulocyte colony-stimulating factor", "drug") == []
    assert code_mention("GM-CSF", "drug") == []
    assert [c.code for c in code_mention("pegfilgrastim", "drug")] == ["DB00019"]


def test_a_gene_a_criterion_tests_for_gets_no_drug_code() -> None:
    # "... with defects in one or more of the following genes: ..., PIK3CA, PIK3CB, ...":
    # DrugBank has an entry named PIK3CA, the criterion names the gene
    assert code_mention("PIK3CA", "drug") == []


def test_the_gas_of_a_diffusing_capacity_gets_no_drug_code() -> None:
    # "Diffusing capacity of the lungs for carbon monoxide (DLCO) (corrected for Hgb) < 70%"
    assert code_mention("carbon monoxide", "drug") == []


def test_the_source_of_a_protein_gets_no_drug_code() -> None:
    # "History of hypersensitivity to rabbit or Escherichia coli-derived proteins."
    assert code_mention("Escherichia coli", "drug") == []


def test_a_cytokine_written_with_a_greek_letter_is_not_coded_as_its_product() -> None:
    # the stop list holds "IL-1α"; the look-up with the letter spelled out must stop too
    assert code_mention("IL-1α", "drug") == []
    assert code_mention("interleukin-1 alpha", "drug") == []


def test_nitrates_are_coded_only_when_the_words_say_which() -> None:
    # "Use of supplements containing nitrates": the nitrate ion; "nitrates or PDE5
    # inhibitors": nitroglycerin, isosorbide. Only "organic nitrates" is certain.
    assert code_mention("nitrates", "drug") == []
    assert _codes(code_mention("organic nitrates", "drug")) == [(ATC, "C01DA")]


def test_cns_metastases_are_not_coded_as_brain_metastases() -> None:
    # C79.31 is the brain alone; the CNS also holds the spinal cord and meninges (C79.32, C79.49)
    assert code_mention("CNS metastases", "condition") == []
    assert [c.code for c in code_mention("brain metastases", "condition")] == ["C79.31"]


def test_a_hormone_named_for_its_analogues_is_not_coded_as_the_hormone() -> None:
    # "GnRH" / "LHRH" in criteria stand for the agonists and analogues, not gonadorelin
    assert code_mention("GnRH", "drug") == []
    assert code_mention("LHRH", "drug") == []
    assert [c.code for c in code_mention("gonadorelin", "drug")] == ["DB00644"]


def test_editing_the_stop_list_makes_a_new_vocabulary_cache(monkeypatch) -> None:
    # a cached index built before a word was stop-listed must not be read back
    from nlp.concepts import vocab

    vocab._build_fingerprint.cache_clear()
    before = vocab._build_fingerprint()
    edited = vocab.concept_stoplist().model_copy(update={"drug": ["aspirin"]})
    monkeypatch.setattr(vocab, "concept_stoplist", lambda: edited)
    vocab._build_fingerprint.cache_clear()
    try:
        assert vocab._build_fingerprint() != before
    finally:
        monkeypatch.undo()
        vocab._build_fingerprint.cache_clear()


def test_a_lipid_limit_in_a_criterion_carries_its_measure_code() -> None:
    (doc,) = annotate(["Fasting triglycerides > 400 mg/dL or total cholesterol > 300 mg/dL"])
    coded = {q.measure: _codes(q.codes) for q in doc._.quantities}
    assert coded == {
        "Fasting triglycerides": [(LOINC, "2571-8")],
        "total cholesterol": [(LOINC, "2093-3")],
    }


def test_every_concentration_row_is_in_a_unit_of_its_loinc_property() -> None:
    # "[Mass/volume]" rows in g/L-like units, "[Moles/volume]" rows in mol/L-like units
    from nlp.concepts.codes import fits_property
    from nlp.rulefiles import measure_code_rules

    misfits = [
        r.id
        for r in measure_code_rules()
        if r.loinc_name and r.unit and not fits_property(r.loinc_name, r.unit)
    ]
    assert misfits == []
