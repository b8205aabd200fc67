"""Drug classes and generic drug heads (``eligo_drug_classes``, nlp/concepts/drug_classes.py).

Each test reads one real criterion (or a sentence of one, from ClinicalTrials.gov records of
the LCT and Chia corpora) and checks the drug mentions the whole pipeline gives it.
"""

import json
import shutil
from importlib import resources
from pathlib import Path

import pytest

from nlp.concepts.drug_classes import drug_class_finder
from nlp.concepts.vocab import drug_class_index
from nlp.pipeline import annotate, get_nlp
from nlp.rulefiles import RuleFileError, validate_rule_file


def mentions(text: str) -> list[tuple[str, str]]:
    (doc,) = annotate([text])
    return [(m.text, m.category) for m in doc._.mentions]


def found(text: str) -> list[str]:
    doc = get_nlp().make_doc(text)
    return [doc[s:e].text for s, e, label in drug_class_finder().find(doc) if label == "drug"]


def test_a_head_noun_with_its_modifier_is_one_drug():
    assert ("PARP inhibitors", "drug") in mentions("Prior therapy with PARP inhibitors")


INC_2 = (
    "Progression despite maximal tolerated doses of renin-angiotensin system (RAS) blockade agents"
)


def test_a_short_form_in_brackets_between_modifiers_stays_in_the_class():
    # NKX019-102 inc.2: "renin" (a DrugBank name) was a drug, "RAS" a procedure
    text = INC_2
    assert mentions(text) == [("renin-angiotensin system (RAS) blockade agents", "drug")]


def test_a_class_with_a_bracketed_short_form_is_coded_as_without_it():
    (doc,) = annotate([INC_2])
    assert [(m.text, [c.code for c in m.codes]) for m in doc._.mentions] == [
        ("renin-angiotensin system (RAS) blockade agents", ["C09"])
    ]


def test_a_class_never_starts_with_a_bracketed_short_form():
    text = "including prescription drugs, over-the-counter (OTC) drugs, and herbal preparations"
    assert "over-the-counter (OTC) drugs" in [t for t, _ in mentions(text)]
    assert not [t for t, _ in mentions(text) if t.startswith("(")]


def test_a_capitalised_stop_word_inside_a_sentence_is_a_modifier():
    # "ca" is an English stop word; "Ca" here is calcium
    assert mentions("Use of Ca channel blockers") == [("Ca channel blockers", "drug")]


def test_class_abbreviations_are_drugs():
    found = mentions(
        "Failure to achieve remission with at least 1 adequate prior antidepressant trial "
        "(e.g. SSRI, SNRI, or TCA)"
    )
    assert [t for t, c in found if c == "drug"] == ["antidepressant", "SSRI", "SNRI", "TCA"]


def test_a_short_class_abbreviation_counts_only_in_capitals():
    assert found("prior TCA use") == ["TCA"]
    assert found("the tca cycle") == []


def test_a_mesh_pharmacologic_action_is_a_drug():
    assert mentions("Treatment with antimalarials or sympathomimetics")[1:] == [
        ("antimalarials", "drug"),
        ("sympathomimetics", "drug"),
    ]


def test_mesh_classes_come_from_the_drug_vocabulary_package():
    assert drug_class_index()["antidepressants"][0] == "Antidepressive Agents"
    assert "insulin" not in drug_class_index()  # a drug with a DrugBank id, not a class


def test_a_wider_concept_ending_in_a_class_becomes_a_drug():
    assert mentions("Current use of factor X inhibitors") == [("factor X inhibitors", "drug")]


def test_a_concept_that_goes_on_after_a_class_head_keeps_its_label():
    found = mentions("History of alcohol or drug abuse or dependence within 1 month")
    assert ("drug abuse", "condition") in found


def test_a_generic_head_is_a_drug_only_with_a_modifier_when_the_rules_say_so():
    assert found("Use of a study drug") == ["study drug"]
    assert found("Allergy to any drug") == []


def test_words_that_are_no_modifiers_end_the_class():
    assert found("Patients taking SSRI medications") == ["SSRI medications"]


def _broken_copy(tmp_path: Path, change) -> Path:
    path = tmp_path / "drug_classes.json"
    shutil.copy(Path(str(resources.files("nlp") / "rules" / "drug_classes.json")), path)
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_duplicate_head_in_the_rule_file_is_refused(tmp_path):
    path = _broken_copy(tmp_path, lambda d: d["heads"].append(dict(d["heads"][0])))
    with pytest.raises(RuleFileError, match=r"drug_classes\.json: .*duplicate head"):
        validate_rule_file(path)


def test_a_head_in_capitals_is_refused(tmp_path):
    path = _broken_copy(tmp_path, lambda d: d["heads"][0].update(word="Inhibitor"))
    with pytest.raises(RuleFileError, match=r"drug_classes\.json: heads\.0\.word"):
        validate_rule_file(path)


def test_a_class_at_the_start_of_a_sentence_takes_no_modifier_from_the_one_before():
    found = mentions(  # NCT04047628 (gold/), exclusion
        "Prior treatment with an investigational agent within 3 months or 5 half-lives, "
        "whichever is longer. Agents authorized by the FDA for prevention or treatment of "
        "COVID-19 are not considered investigational"
    )
    assert ("Agents", "drug") in found


def test_what_is_done_with_a_class_is_not_relabelled_a_drug():
    assert ("Use of tobacco products", "observation") in mentions(
        "Use of tobacco products within 3 months prior to screening"
    )


def test_agent_alone_is_no_drug():
    assert found("Exposure to Agent Orange during military service") == []


# Haemophilia trials write the patient's antibodies against the factor given as "inhibitors";
# none of the corpora's trials is one, so these criteria are written in their usual form.


def test_inhibitors_of_a_clotting_factor_are_antibodies_not_a_drug_class():
    assert mentions("History of FVIII inhibitors (≥ 0.6 BU/mL)") == [
        ("FVIII inhibitors", "condition")
    ]


def test_an_inhibitor_to_a_clotting_factor_written_after_it_is_a_condition():
    assert ("inhibitor to factor IX", "condition") in mentions("Known inhibitor to factor IX")


def test_haemophilia_with_inhibitors_keeps_the_disease_and_the_antibodies():
    assert mentions("Severe haemophilia A with inhibitors")[-1] == ("inhibitors", "condition")


def test_haemophilia_with_or_without_inhibitors_is_no_drug_class():
    assert mentions("Hemophilia B with or without inhibitors")[-1] == ("inhibitors", "condition")


def test_the_words_before_antibodies_stay_with_them():
    found = mentions("Severe hemophilia A with high-titer inhibitors (>5 BU)")
    assert ("high-titer inhibitors", "condition") in found


def test_inhibitors_of_an_activated_factor_stay_a_drug_class():
    assert found("Use of factor Xa inhibitors within 3 days") == ["factor Xa inhibitors"]


ANC_WITHOUT_GCSF = (
    "Absolute neutrophil count (ANC) >=1,500/microliter, without granulocyte "
    "colony-stimulating factor (G-CSF) support"
)


def test_a_growth_factor_kept_from_drugbank_is_still_a_drug():
    # the stop list keeps "G-CSF" from DrugBank's Filgrastim; the kind is still a drug
    found_here = mentions(ANC_WITHOUT_GCSF)
    assert ("granulocyte colony-stimulating factor", "drug") in found_here
    assert ("G-CSF", "drug") in found_here
