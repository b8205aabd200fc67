"""Rule files: every file under nlp/rules has a schema, and a broken edit is a clear error."""

import json
import shutil
from importlib import resources
from pathlib import Path

import pytest

from nlp import rulefiles
from nlp.rulefiles import RuleFileError, validate_rule_file

RULES = Path(str(resources.files("nlp") / "rules"))


def test_every_file_under_rules_has_a_schema():
    assert sorted(p.name for p in RULES.iterdir() if p.is_file()) == sorted(rulefiles.RULE_FILES)


@pytest.mark.parametrize("name", rulefiles.RULE_FILES)
def test_every_packaged_rule_file_passes_its_schema(name):
    validate_rule_file(RULES / name)


def _broken_copy(tmp_path, name, change):
    path = tmp_path / name
    shutil.copy(RULES / name, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_an_unknown_comparator_names_the_file_and_the_field(tmp_path):
    path = _broken_copy(
        tmp_path, "comparators.json", lambda d: d["before"][0].update(comparator="≥")
    )
    with pytest.raises(RuleFileError, match=r"comparators\.json: before\.0\.comparator"):
        validate_rule_file(path)


def test_a_misspelt_key_is_refused_rather_than_ignored(tmp_path):
    path = _broken_copy(tmp_path, "temporal.json", lambda d: d.update(lookbak=["past"]))
    with pytest.raises(RuleFileError, match=r"temporal\.json: lookbak: Extra inputs"):
        validate_rule_file(path)


def test_a_heading_pattern_that_is_no_regular_expression_is_refused(tmp_path):
    def bad(d):
        d["kind_headings"][0]["pattern"] = "inclusion (criteria"

    path = _broken_copy(tmp_path, "headings.json", bad)
    with pytest.raises(RuleFileError, match=r"kind_headings\.0\.pattern.*not a regular expression"):
        validate_rule_file(path)


def test_a_unit_without_its_ucum_code_is_refused(tmp_path):
    path = _broken_copy(tmp_path, "units.json", lambda d: d[3].pop("ucum"))
    with pytest.raises(RuleFileError, match=r"units\.json: 3\.ucum: Field required"):
        validate_rule_file(path)


def test_time_windows_and_quantities_share_the_comparator_forms_both_use():
    rules = rulefiles.comparator_rules()
    quantity = dict(rules.table("before", "quantity"))
    time = dict(rules.table("before", "time"))
    assert quantity["at least"] == time["at least"] == ">="
    assert "within the" in time and "within the" not in quantity
    assert "higher than" in quantity and "higher than" not in time


def test_exception_triggers_that_end_a_cue_scope_become_context_terminate_rules():
    made = {(r.literal, r.category) for r in rulefiles.logic_rules().context_rules()}
    assert ("except", "TERMINATE") in made
    assert ("with or without", "PSEUDO") in made
    assert ("apart from", "TERMINATE") not in made  # an exception, but no ConText rule


def test_number_words_are_read_the_same_by_quantities_time_windows_and_the_evaluation():
    from nlp.evaluate.numbers import parse_number
    from nlp.quantities import find_quantities
    from nlp.temporal import find_time_windows

    assert parse_number("twelve") == 12.0
    assert [q.value for q in find_quantities("at least twelve prior cycles")] == [12.0]
    assert [w.value for w in find_time_windows("within twelve weeks of enrolment")] == [12.0]


def test_a_measure_method_file_without_methods_is_refused(tmp_path):
    path = _broken_copy(tmp_path, "measure_methods.json", lambda d: d.update(methods=[]))
    with pytest.raises(RuleFileError, match=r"measure_methods\.json: methods"):
        validate_rule_file(path)


def test_a_drug_class_code_that_is_no_atc_code_is_refused(tmp_path):
    path = _broken_copy(tmp_path, "drug_class_codes.json", lambda d: d[0].update(atc="N6A"))
    with pytest.raises(RuleFileError, match=r"drug_class_codes\.json: 0.*not an ATC code"):
        validate_rule_file(path)


def test_an_atc_code_outside_the_anatomical_main_groups_is_refused(tmp_path):
    path = _broken_copy(tmp_path, "drug_class_codes.json", lambda d: d[0].update(atc="E01"))
    with pytest.raises(RuleFileError, match=r"not an ATC code"):
        validate_rule_file(path)


def test_mention_edges_without_their_last_tokens_are_refused(tmp_path):
    path = _broken_copy(tmp_path, "mention_edges.json", lambda d: d.pop("not_last"))
    with pytest.raises(RuleFileError, match=r"mention_edges\.json: not_last: Field required"):
        validate_rule_file(path)


def test_antibody_targets_need_at_least_one_target(tmp_path):
    path = _broken_copy(
        tmp_path, "drug_classes.json", lambda d: d["antibody_targets"].update(targets=[])
    )
    with pytest.raises(RuleFileError, match=r"antibody_targets\.targets"):
        validate_rule_file(path)
