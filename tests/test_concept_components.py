"""What a criterion is about: the mention model with the lexicon, drug names, biomarkers, codes.

Each test reads one real criterion (or a sentence of one) and checks the mentions the whole
pipeline gives it.
"""

import pytest

from nlp.pipeline import annotate


def mentions(text: str) -> list[tuple]:
    (doc,) = annotate([text])
    return [(m.text, m.category, m.assertion, m.result, m.gene) for m in doc._.mentions]


def codes(text: str) -> dict[str, list[str]]:
    (doc,) = annotate([text])
    return {m.text: [c.code for c in m.codes] for m in doc._.mentions}


def test_a_unit_after_a_number_is_no_condition():
    found = mentions("QTc > 470 ms (males) or > 480 ms (females)")  # "ms" is no multiple sclerosis
    assert [t for t, *_ in found] == ["QTc"]


def test_anti_pd_1_is_a_drug_class_not_parkinsons_disease():
    found = mentions("Prior treatment with an anti-PD-1, anti-PD-L1 or anti-CTLA-4 antibody")
    assert not [m for m in found if m[0] == "PD"]
    assert ("anti-PD-1", "drug", "historical", None, None) in found


def test_the_pd_of_a_bracketed_pd_1_or_pd_l1_is_no_condition():
    found = mentions(
        "Prior therapy with an anti-Programmed Cell Death Receptor 1 (PD-1), Programmed Cell "
        "Death Receptor Ligand 1 (anti-PD-L1), or anti- Programmed Cell Death Receptor Ligand 2 "
        "(PD-L2) agent"
    )
    assert found and not [m for m in found if m[0] == "PD"]


def test_the_virus_of_hiv_1_stays_a_condition():
    found = mentions("Positive for HIV-1 antibodies")
    assert "PD" not in [t for t, *_ in found]
    assert any(t.startswith("HIV") and c == "condition" for t, c, *_ in found)


def test_a_mention_leaves_no_bracket_open():
    # NKX019-102 inc2.2: the model's span stopped inside "(ISN/RPS)"
    found = mentions(
        "Active biopsy proven lupus nephritis Class III or Class IV with or without Class V "
        "using the 2018 International Society of Nephrology and Renal Pathology Society "
        "(ISN/RPS) criteria (Bajema 2018) as evidenced on kidney biopsy during screening"
    )
    assert found
    assert all(t.count("(") == t.count(")") for t, *_ in found)


def test_a_bracket_glued_to_a_word_is_closed_within_the_mention():
    found = mentions(
        "Translocation t(9;22) [BCR/ABL+] (Philadelphia chromosome-positive) or t(4;11) [MLL/AF4+]."
    )
    assert "Translocation t(9;22)" in [t for t, *_ in found]


def test_eligible_is_no_negated_concept():
    found = mentions("Patients not eligible for autologous stem cell transplantation")
    assert [(t, a) for t, _, a, *_ in found] == [
        ("autologous stem cell transplantation", "negated")
    ]


def test_the_model_reads_drugs_the_lexicon_lacks():
    found = mentions("Treatment with sacubitril/valsartan or GLP-1 receptor agonists")
    drugs = [t for t, c, *_ in found if c == "drug"]
    assert drugs == ["sacubitril", "valsartan", "GLP-1 receptor agonists"]


def test_a_brand_name_from_the_drug_vocabulary_is_a_drug_with_its_drugbank_id():
    assert codes("Prior treatment with Humira or ezetimibe")["Humira"] == ["DB00051"]


def test_a_drug_name_does_not_take_the_comma_after_it():
    found = mentions("Current use of digoxin, amiodarone or warfarin")
    assert ("digoxin", "drug", "present", None, None) in found


def test_a_brand_name_that_is_a_word_at_the_start_of_a_sentence_is_not_a_drug():
    found = mentions("Luminal A breast cancer")  # Luminal is a brand of phenobarbital
    assert [(t, c) for t, c, *_ in found] == [("breast cancer", "condition")]


def test_a_wider_lexicon_concept_wins_over_the_model_span_inside_it():
    found = mentions("Hepatitis B or C positive at screening")  # NCT06557265 exclusion 13
    assert found == [("Hepatitis B or C", "condition", "present", "positive", None)]


def test_a_subtype_letter_after_a_condition_is_part_of_it_and_of_its_code():
    assert codes("Diagnosis of severe hemophilia A")["hemophilia A"] == ["D66"]
    assert codes("Patients with hemophilia B and inhibitors")["hemophilia B"] == ["D67"]


def test_two_coordinated_subtypes_are_one_mention_that_no_single_code_means():
    # "hemophilia" alone is D66 (factor VIII deficiency), which haemophilia B is not
    assert codes("Patients with hemophilia A or B")["hemophilia A or B"] == []


def test_a_subtype_letter_before_the_final_full_stop_is_read_with_its_condition():
    assert codes("History of hepatitis B.")["hepatitis B"] == ["B19.1"]
    assert "hemophilia A or B" in codes("Patients with hemophilia A or B.")


def test_a_letter_that_starts_another_word_is_no_subtype():
    found = mentions("Hemophilia A or B-cell lymphoma")
    assert [t for t, *_ in found] == ["Hemophilia A", "B-cell lymphoma"]


def test_a_letter_that_starts_another_concept_is_no_subtype():
    assert codes("Hemophilia A or B cell lymphoma")["B cell lymphoma"] == ["HP:0012191"]


def test_a_capital_letter_that_names_no_subtype_stays_out_of_the_condition():
    found = mentions("Hypertension A common criterion")
    assert ("Hypertension", "condition") in [(t, c) for t, c, *_ in found]


def test_a_test_from_the_lexicon_keeps_its_result():
    found = mentions("Negative serum pregnancy test within 7 days")
    assert found == [("serum pregnancy test", "test", "present", "negative", None)]


def test_a_biomarker_names_its_gene_and_result():
    found = mentions("KRAS G12C mutation and PD-L1 TPS >= 50%")
    assert found[0] == ("KRAS G12C mutation", "biomarker", "present", "mutated", "KRAS")
    assert ("PD-L1", "biomarker", "present", None, "CD274") in found


def test_a_biomarker_of_two_genes_is_two_mentions():
    found = mentions("BRCA1/2 mutation carriers")
    assert [(g, r) for *_, r, g in found] == [("BRCA1", "mutated"), ("BRCA2", "mutated")]


def test_a_biomarker_result_is_not_the_next_concept_s():
    found = mentions("HER2-negative breast cancer")
    assert found == [
        ("HER2-negative", "biomarker", "present", "negative", "ERBB2"),
        ("breast cancer", "condition", "present", None, None),
    ]


def test_mentions_are_coded_from_their_text_and_category():
    found = codes("History of type 2 diabetes mellitus treated with pembrolizumab")
    assert found["type 2 diabetes mellitus"][0] == "E11"
    assert found["pembrolizumab"] == ["DB09037"]


def test_a_quantity_is_coded_from_its_measure():
    (doc,) = annotate(["Platelets >= 100 x 10^9/L"])
    assert [(q.measure, [c.code for c in q.codes]) for q in doc._.quantities] == [
        ("Platelets", ["777-3"])
    ]


def quantity_codes(text: str) -> list[tuple[str | None, list[str]]]:
    (doc,) = annotate([text])
    return [(q.measure, [c.code for c in q.codes]) for q in doc._.quantities]


def test_qtc_with_fridericia_is_the_qtcf_code():
    text = "Corrected QT interval (QTc) (Fridericia) interval of > 480 msec"  # NCT06557265
    assert [codes for _, codes in quantity_codes(text)] == [["76634-5"]]


def test_a_qtcf_named_in_full_before_its_abbreviation_is_the_qtcf():
    text = "QT interval corrected by Fridericia (QTcF) > 470 ms"
    assert quantity_codes(text) == [("QTcF", ["76634-5"])]


def test_qtc_with_qtcf_in_brackets_is_the_qtcf_code():
    assert quantity_codes("QTc (QTcF) > 470 ms") == [("QTc", ["76634-5"])]


def test_an_abbreviation_naming_no_measure_stands_for_the_name_before_it():
    text = "systolic blood pressure (BP) < 90 mmHg"
    assert quantity_codes(text) == [("systolic blood pressure", ["8480-6"])]


def test_blood_pressure_named_before_systolic_is_the_systolic_pressure():
    # NCT03867344
    text = "Blood pressure systolic ≥140 or <100 mmHg; Blood pressure diastolic >90 mmHg"
    assert [codes for _, codes in quantity_codes(text)] == [["8480-6"], ["8480-6"], ["8462-4"]]


def test_a_result_after_the_measure_names_nothing_of_it():
    text = "A1c result ≥8.0% and ≤12.0%"  # NCT03865381
    assert [codes for _, codes in quantity_codes(text)] == [["4548-4"], ["4548-4"]]


def test_an_egfr_per_1_73_m2_with_no_formula_is_the_generic_egfr():
    text = "Impaired renal function defined as eGFR < 60 mL/min/1.73 m2"  # NCT04047628
    assert quantity_codes(text) == [("eGFR", ["69405-9"])]


def test_a_filtration_rate_in_ml_per_minute_is_not_coded_as_per_1_73_m2():
    text = "Severe renal failure (Glomerular filtration rate < 30 ml/min)"  # NCT07013331
    assert [codes for _, codes in quantity_codes(text)] == [[]]


def test_a_change_of_fev1_in_percent_is_not_the_percent_of_predicted():
    assert [codes for _, codes in quantity_codes("decline in FEV1 of ≥ 10%")] == [[]]


def test_an_egfr_formula_in_plain_ml_per_minute_is_not_coded_per_1_73_m2():
    assert [codes for _, codes in quantity_codes("eGFR (CKD-EPI) ≥ 30 mL/min")] == [[]]


def test_cockcroft_gault_in_ml_per_minute_keeps_its_code():
    text = "estimated glomerular filtration rate (Cockcroft-Gault) ≥ 50 mL/min"  # NCT02576665
    assert [codes for _, codes in quantity_codes(text)] == [["35591-7"]]


def test_a_measured_gfr_is_not_the_predicted_egfr():
    text = "glomerular filtration rate ≥ 60 mL/min/1.73 m2 measured by iohexol clearance"
    assert [codes for _, codes in quantity_codes(text)] == [[]]


@pytest.mark.parametrize("text", ["Testosterone < 1.7 nmol/L", "NT-proBNP > 50 pmol/L"])
def test_a_molar_unit_does_not_take_a_mass_per_volume_code(text):
    assert [codes for _, codes in quantity_codes(text)] == [[]]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # a molar unit takes the molar code
        ("serum creatinine >152μmol/l", "14682-9"),  # LCT NCT03864497
        ("Haemoglobin <6 mmol/L", "59260-0"),  # LCT NCT03864744
        ("fasting glucose concentration < 7,0 mmol/ l", "14771-0"),  # LCT NCT03866421
        ("HbA1c > 75 mmol/mol", "59261-8"),  # Chia NCT02473809
        # common labs
        ("Known active infection, CRP>20 mg/L", "1988-5"),  # Chia NCT01978028
        ("serum ferritin level < 100 µg/L", "2276-4"),  # Chia NCT01978028
        ("Follicle stimulating hormone > 20 IU/L", "15067-2"),  # Chia NCT02137538
    ],
)
def test_a_lab_limit_takes_the_loinc_code_of_its_measure_in_its_unit(text, code):
    assert [codes for _, codes in quantity_codes(text)] == [[code]]


def test_hba1c_in_mmol_per_mol_is_the_ifcc_code_and_in_percent_the_ngsp_one():
    found = quantity_codes("HbA1c above 48mmol/mol (or 6.5%)")  # LCT NCT03923205
    assert found[0][1] == ["59261-8"]
    assert [codes for _, codes in quantity_codes("HbA1c ≥ 6.5%")] == [["4548-4"]]


@pytest.mark.parametrize(
    "text",
    [
        "Bilirubin level at/above 100 umol per liter",  # Chia NCT01774019: no verified molar code
        "Increase in creatinine of 15% or greater within one month",  # Chia NCT02902120
    ],
)
def test_a_unit_of_another_property_takes_no_concentration_code(text):
    assert [codes for _, codes in quantity_codes(text)] == [[]]


def mention_codes(text: str) -> list[tuple[str, str, list[str]]]:
    (doc,) = annotate([text])
    return [(m.text, m.category, [c.code for c in m.codes]) for m in doc._.mentions]


def test_a_measure_mention_takes_the_codes_its_limit_was_given():
    # NCT06557265: the QTc of this criterion is the QTcF; serum creatinine in µmol/L is molar
    text = "Corrected QT interval (QTc) (Fridericia) interval of > 480 msec"
    assert ("QTc", "measurement", ["76634-5"]) in mention_codes(text)
    assert mention_codes("serum creatinine >152μmol/l") == [
        ("serum creatinine", "measurement", ["14682-9"])
    ]


def test_the_long_form_before_a_bracketed_abbreviation_takes_the_limit_codes_too():
    assert mention_codes("serum creatinine (SCr) ≤ 133 µmol/L") == [
        ("serum creatinine", "measurement", ["14682-9"])
    ]
    found = mention_codes("Haemoglobin (Hb) ≥ 6 mmol/L")
    assert [codes for _, _, codes in found] == [["59260-0"], ["59260-0"]]


def test_a_word_inside_the_long_form_does_not_take_the_abbreviation_limit_codes():
    # NCT06557265: "heart rate" is no QTcF
    text = (
        "Prolongation of the QT interval corrected for heart rate (QTc) (Fridericia) interval "
        "of > 480 msec"
    )
    assert ("heart rate", "measurement", ["8867-4"]) in mention_codes(text)


def test_a_measure_mention_with_no_coded_limit_keeps_its_own_code():
    found = mention_codes("Increase in creatinine of 15% or greater within one month")
    assert ("creatinine", "measurement", ["2160-0"]) in found


@pytest.mark.parametrize(
    "text",
    [
        "Follicle stimulating hormone > 20 IU/L",  # Chia NCT02137538
        "basal insulin ≥ 20 uU/ml",  # LCT NCT03920787
    ],
)
def test_a_drug_name_measured_in_a_concentration_is_a_measurement(text):
    found = mention_codes(text)
    assert [category for _, category, _ in found] == ["measurement"]


def test_a_measure_mention_loses_its_own_code_of_another_property_than_its_limit():
    # the molar direct bilirubin has no verified code; the mass one 1968-7 is not it
    found = mention_codes("direct bilirubin ≤ 35 µmol/L")
    assert found == [("direct bilirubin", "measurement", [])]


@pytest.mark.parametrize("text", ["Prednisone > 10 mg/day", "Heparin 5000 IU/mL flush"])
def test_a_dose_or_a_strength_leaves_a_drug_a_drug(text):
    assert mention_codes(text)[0][1] == "drug"


def test_a_high_sensitivity_crp_is_not_the_crp():
    assert [codes for _, codes in quantity_codes("hs-CRP > 2 mg/L")] == [[]]
    assert not [c for _, _, codes in mention_codes("hs-CRP > 2 mg/L") for c in codes]


def test_an_fsh_dose_is_no_fsh_level():
    assert [codes for _, codes in quantity_codes("FSH 150 IU/day")] == [[]]


def test_tsh_in_milliunits_per_litre_keeps_its_code():
    # LCT NCT03926585 prints mU/L, which UCUM keeps apart from mIU/L
    assert [codes for _, codes in quantity_codes("TSH < 4 mU/L")] == [["3016-3"]]


def test_a_limit_holding_its_measure_reads_no_words_before_it():
    found = quantity_codes("QTcF (Fridericia) > 450 ms; QTc > 470 ms")
    assert found[-1] == ("QTc", ["8636-3"])


def test_the_long_form_takes_the_codes_of_the_limit_right_after_its_abbreviation_only():
    text = "Forced expiratory volume in 1 second (FEV1) ≥ 1.0 L and FEV1 ≥ 50% of predicted"
    assert ("Forced expiratory volume in 1 second", "measurement", ["20150-9"]) in mention_codes(
        text
    )


def test_a_drug_name_limited_relative_to_the_normal_range_is_a_measurement():
    text = "alkaline phosphatase = 10 times upper limit of normal(ULN)"  # Chia NCT02858180
    assert ("alkaline phosphatase", "measurement", ["6768-6"]) in mention_codes(text)


def test_the_esr_of_a_das28_score_is_no_sedimentation_rate():
    text = "Baseline DAS28/Erythrocyte Sedimentation Rate (ESR) >=3.2"  # Chia NCT02541955
    assert not [c for _, codes in quantity_codes(text) for c in codes]


def test_fev1_in_percent_is_the_percent_of_predicted():
    text = "Forced expiratory volume in one second (FEV1) < 70% predicted (no bronchodilator)."
    assert [codes for _, codes in quantity_codes(text)] == [["20152-5"]]


def test_fev1_in_a_volume_is_the_fev1_volume():
    assert [codes for _, codes in quantity_codes("FEV1 > 0.8 L")] == [["20150-9"]]
    assert [codes for _, codes in quantity_codes("FEV1 ≥ 1500 mL")] == [["20150-9"]]


def test_qtc_by_fridericia_or_bazett_keeps_the_generic_qtc_code():
    text = "QTc (Fridericia or Bazett) > 470 ms"
    assert [codes for _, codes in quantity_codes(text)] == [["8636-3"]]


def test_a_method_named_first_in_brackets_does_not_refine_qtc_when_another_follows():
    text = "QTc (Bazett or Fridericia) > 470 ms"
    assert [codes for _, codes in quantity_codes(text)] == [["8636-3"]]


def test_a_biomarker_keeps_its_variant():
    (doc,) = annotate(["Documented KRAS G12C mutation by an FDA-approved test"])
    (marker,) = [m for m in doc._.mentions if m.category == "biomarker"]
    assert (marker.gene, marker.variant, marker.result) == ("KRAS", "G12C", "mutated")


def test_proteinuria_in_grams_per_day_is_a_24_hour_urine_protein():
    assert quantity_codes("proteinuria ≥1.5 g/day on a 24-hour collection") == [
        ("proteinuria", ["2889-4"])
    ]


def test_proteinuria_without_a_mass_per_time_unit_is_not_coded():
    assert quantity_codes("proteinuria > 1.0 g/g") == [("proteinuria", [])]


def test_a_word_of_another_clause_does_not_refine_a_code():
    found = quantity_codes("SpO2 >= 92% and resting heart rate < 100 bpm")
    assert found[0] == ("SpO2", ["59408-5"])  # not the resting code


def test_oxygen_saturation_is_coded_only_with_its_method():
    assert [c for _, c in quantity_codes("oxygen saturation < 92%")] == [[]]
    text = "resting hypoxemia (<92% oxygen saturation via pulse oximetry) on room air"
    assert [c for _, c in quantity_codes(text)] == [["59417-6"]]
    text = "oxygen saturation < 92% by pulse oximetry"
    assert [c for _, c in quantity_codes(text)] == [["59408-5"]]


def test_a_biomarker_glued_to_a_disease_keeps_the_disease():
    found = mentions("EGFR-mutant NSCLC")
    assert [(t, c) for t, c, *_ in found] == [("EGFR-mutant", "biomarker"), ("NSCLC", "condition")]


def test_the_drug_name_scan_finds_what_trying_every_run_of_tokens_finds():
    # the scan stops a run once no name starts with its key; trying every run up to
    # MAX_WORDS (longest first) must find the same names
    from nlp.pipeline import get_nlp
    from nlp.pipeline.concept_components import DrugNamesComponent
    from nlp.pipeline.docs import doc_text, item_doc

    names = DrugNamesComponent()
    texts = [
        "Prior sacubitril/valsartan, 5-FU, insulin glargine or Insulin Human [rDNA origin]",
        "Current use of digoxin, amiodarone, warfarin or vitamin K antagonists",
        "Treatment with Humira, ezetimibe and chlorambucil within 28 days",
    ]
    for text in texts:
        doc = item_doc(get_nlp(), text)
        exhaustive, i = [], 0
        while i < len(doc):
            if doc[i].is_punct:  # a name starts at a word
                i += 1
                continue
            for j in range(min(len(doc), i + names.MAX_WORDS), i, -1):
                written = doc_text(doc)[doc[i].idx : doc[j - 1].idx + len(doc[j - 1])]
                k = names.key(written)
                last = doc[j - 1].text
                bracketed = last in ")]" and {")": "(", "]": "["}[last] in written
                punct = j - 1 > i and doc[j - 1].is_punct and not bracketed
                if (
                    k in names.names
                    and not punct
                    and names._as_written(k, written, bool(doc[i].is_sent_start))
                ):
                    exhaustive.append((i, j))
                    i = j
                    break
            else:
                i += 1
        assert [(s.start, s.end) for s in names._find(doc)] == exhaustive, text


def test_a_drug_name_with_a_greek_letter_is_found_and_coded():
    # LCT NCT03928964: DrugBank spells the letter ("interferon alpha-2a")
    found = codes(
        "Patient previously treated with only one cytokine (Interferon α2a, high-dose "
        "interleukin-2)"
    )
    assert found["Interferon α2a"] == ["DB00034"]
    assert codes("Prior treatment with interferon β-1a")["interferon β-1a"] == ["DB00060"]


def test_a_drug_class_with_its_short_form_in_brackets_is_one_coded_mention():
    # LCT NCT03929744
    found = codes("Have known allergies to LY3502970, glucagon-like peptide-1 (GLP-1) analogs")
    assert found["glucagon-like peptide-1 (GLP-1) analogs"] == ["A10BJ"]


def test_a_drug_mention_only_the_condition_vocabularies_name_is_a_condition():
    # Chia NCT02406495: the model labels "keratoconus" a drug
    found = mentions("Has aphakia, keratoconus or a highly irregular cornea.")
    assert ("keratoconus", "condition", "present", None, None) in found
    assert codes("Has aphakia, keratoconus or a highly irregular cornea.")["keratoconus"][0] == (
        "H18.6"
    )


def test_a_code_name_a_dose_follows_is_a_drug():
    # LCT NCT03923738: the model labels "TCZ" (tocilizumab) an observation
    found = mentions(
        "Participants entering Period 1 must be receiving treatment with TCZ 8 mg/kg IV Q4W."
    )
    assert ("TCZ", "drug") in [(text, category) for text, category, *_ in found]


def test_a_code_name_the_record_doses_elsewhere_is_a_drug_where_it_stands_bare():
    from nlp import parse_text

    text = (  # LCT NCT03923738; the model labels the second "TCZ" a procedure
        "Inclusion Criteria:\n"
        "  -  Participants entering Period 1 must be receiving treatment with TCZ 8 mg/kg IV Q4W.\n"
        "Exclusion Criteria:\n"
        "  -  Treatment with any other investigational agent besides TCZ within 12 weeks (or 5 "
        "half-lives of the investigational drug, whichever is longer) prior to screening;"
    )
    protocol = parse_text(text)
    tcz = [
        m.category
        for g in protocol.groups
        for c in g.criteria
        for m in c.mentions
        if m.text == "TCZ"
    ]
    assert tcz == ["drug", "drug"]


def test_only_code_names_a_dose_follows_are_dosed_names():
    from nlp.concepts.abbreviations import find_dosed_names

    text = (
        "ASA 81 mg daily; HGB 9 g/dL; HGB 9 g / dL; IgG 500 mg per dL; loading dose 600 mg; "
        "COVID-19 within 14 days; LY3502970 5 mg; TCZ 8 mg/kg/day; IV 8 mg; HBV DNA 2000 IU"
    )
    assert find_dosed_names(text) == {"ASA", "LY3502970", "TCZ"}


def test_a_name_the_record_doses_elsewhere_stays_a_measurement_where_it_is_one():
    from nlp import parse_text

    text = (
        "Inclusion Criteria:\n"
        "  -  Taking ASA 81 mg daily\n"
        "  -  American Society of Anesthesiologists (ASA) class I-III\n"
    )
    protocol = parse_text(text)
    found = [(m.text, m.category) for g in protocol.groups for c in g.criteria for m in c.mentions]
    assert found[0] == ("ASA", "drug")
    assert not [m for m in found[1:] if m[0].startswith("ASA") and m[1] == "drug"]


@pytest.mark.parametrize("text", ["HGB 9 g/dL", "HGB 9 g / dL"])  # a value per volume, spaced too
def test_a_code_name_with_an_amount_per_volume_after_it_is_no_drug(text):
    assert [category for _, category, _ in mention_codes(text)] == ["measurement"]


def test_a_dose_phrase_or_a_lab_value_after_a_name_makes_no_drug():
    found = mentions("Hemoglobin 9 g/dL or higher; loading dose 600 mg of clopidogrel")
    categories = {text: category for text, category, *_ in found}
    assert categories.get("Hemoglobin") != "drug"
    assert categories.get("loading dose") != "drug"


def test_a_condition_name_inside_a_drug_name_is_not_made_a_condition():
    found = mentions("Current use of HIV protease inhibitors")
    assert [(text, category) for text, category, *_ in found] == [
        ("HIV protease inhibitors", "drug")
    ]


def test_a_conjunct_sharing_a_drug_head_is_not_made_a_condition():
    # "influenza" is the first of three vaccines, not influenza (J11.1)
    found = codes("Received influenza, hepatitis A or hepatitis B vaccines within 30 days")
    assert "J11.1" not in found.get("influenza", [])
    found = codes("Received influenza- or COVID-19 vaccines")
    assert all("J11.1" not in c for c in found.values())


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # Chia (the 1st and 4th), LCT (the 5th), a shared record (the 2nd), shortened or adapted;
        # the 3rd and 6th are written for this test
        ("Calculated creatinine clearance < 30 mL/min by Cockcroft-Gault formula", "35591-7"),
        ("Creatinine clearance ≥ 50 mL/min (calculated by Cockcroft-Gault)", "35591-7"),
        ("creatinine clearance ≥ 60 mL/min by 24-hour urine collection", "2164-2"),
        ("eGFR < 25 ml/min/1.73 m² calculated according to MDRD formula", "33914-3"),
        ("Estimated glomerular filtration rate 20-60mL/min/1.73m2 based on CKD-EPI", "62238-1"),
        ("eGFR ≥ 45 mL/min/1.73 m2 (CKD-EPI 2021)", "98979-8"),
    ],
)
def test_renal_function_takes_the_code_of_the_formula_or_collection_the_text_names(text, code):
    assert [codes for _, codes in quantity_codes(text)] == [[code]]


@pytest.mark.parametrize(
    "text",
    [
        "creatinine clearance ≥ 60 mL/min",  # calculated or measured: the text does not say
        "creatinine clearance ≥ 60 mL/min (Cockcroft-Gault or 24-hour urine collection)",
    ],
)
def test_renal_function_without_one_named_method_is_not_coded(text):
    assert [codes for _, codes in quantity_codes(text)] == [[]]


def test_an_egfr_by_either_of_two_formulas_is_the_generic_egfr():
    text = "eGFR ≥ 60 mL/min/1.73 m2 (MDRD or Schwartz)"
    assert [codes for _, codes in quantity_codes(text)] == [["69405-9"]]


def test_each_limit_of_a_blood_pressure_pair_takes_its_own_code():
    text = "uncontrolled hypertension (BP > 160/100 mmHg)"  # LCT
    assert quantity_codes(text) == [("BP", ["8480-6"]), ("BP", ["8462-4"])]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("A platelet count of < 50,000/mm3", "777-3"),  # LCT
        ("Patients with a hematocrit lower than 35%.", "4544-3"),  # LCT
        ("Have a body weight of <150 kilograms (kg)", "29463-7"),  # LCT
    ],
)
def test_an_article_or_verb_before_the_measure_does_not_hide_its_code(text, code):
    assert [codes for _, codes in quantity_codes(text)] == [[code]]


def test_cd4_in_cells_per_volume_is_the_cd4_count_and_in_percent_is_not():
    # NCT02028676: "CD4% <15% for children > 5 years ... CD4 should generally be <350 cells/mm3"
    assert quantity_codes("CD4 should generally be <350 cells/mm3") == [("CD4", ["24467-3"])]
    assert quantity_codes("CD4 < 14%") == [("CD4", [])]


def test_a_second_method_named_later_in_the_sentence_keeps_the_generic_code():
    text = (
        "creatinine clearance ≥ 60 mL/min as measured by 24-hour urine collection or "
        "estimated by Cockcroft-Gault"
    )
    assert [codes for _, codes in quantity_codes(text)] == [[]]


def test_two_methods_in_a_bracket_longer_than_the_reach_keep_the_generic_code():
    text = "creatinine clearance ≥ 60 mL/min (24-hour urine collection or Cockcroft-Gault)"
    assert [codes for _, codes in quantity_codes(text)] == [[]]


def test_a_limit_in_brackets_does_not_take_the_method_of_the_limit_before_it():
    text = "CrCl (Cockcroft-Gault) ≥ 30 mL/min (or eGFR ≥ 30 mL/min/1.73m²)"
    # the eGFR names no formula of its own: the generic eGFR, not Cockcroft-Gault
    assert quantity_codes(text) == [("CrCl", ["35591-7"]), ("eGFR", ["69405-9"])]


def test_each_renal_limit_takes_its_own_method():
    text = "Creatinine clearance ≥ 50 mL/min (Cockcroft-Gault) or eGFR ≥ 50 mL/min/1.73 m2 (MDRD)"
    assert quantity_codes(text) == [
        ("Creatinine clearance", ["35591-7"]),
        ("eGFR", ["33914-3"]),
    ]


def test_a_method_named_in_a_bracket_past_the_reach_still_refines():
    # LCT NCT03922958, as printed in plain mL/min: no per-1.73 m² code (stop 28); in the unit
    # of the formula, the CKD-EPI code named past the reach
    bracket = (
        " (as judged by the Chronic Kidney Disease Epidemiology Collaboration (CKD-EPI) equation"
    )
    assert [codes for _, codes in quantity_codes("Estimated GFR <45 mL/min" + bracket)] == [[]]
    text = "Estimated GFR <45 mL/min/1.73 m²" + bracket
    assert [codes for _, codes in quantity_codes(text)] == [["62238-1"]]


def test_a_change_in_blood_pressure_is_not_coded_as_the_pressure():
    text = "Orthostatic hypotension (drop in BP > 20/10 mmHg on standing)"
    assert [codes for _, codes in quantity_codes(text)] == [[], []]


def test_a_change_word_after_the_pair_does_not_take_its_codes_away():
    text = "blood pressure > 160/100 mmHg with no change in antihypertensive therapy"
    assert [codes for _, codes in quantity_codes(text)] == [["8480-6"], ["8462-4"]]


def test_a_method_named_in_the_next_sentence_does_not_veto_the_refinement():
    text = "QTc (Fridericia) > 470 ms; Bazett correction is not acceptable"
    assert [codes for _, codes in quantity_codes(text)] == [["76634-5"]]


def test_a_method_spelled_with_an_en_dash_still_refines():
    assert [codes for _, codes in quantity_codes("eGFR ≥ 60 mL/min/1.73 m2 (CKD–EPI)")] == [
        ["62238-1"]
    ]
