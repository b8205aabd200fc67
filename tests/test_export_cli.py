"""``eligo export``: rule files or records in, FHIR or OMOP SQL out, coverage on stderr."""

from __future__ import annotations

import json

import pytest

from nlp.cli import main

RULES = """\
schema_version: '1.3'
trial_id: NCT00000001
demographics: {min_age: {value: 18, unit: a}, sex: all}
groups:
- id: exc
  kind: exclusion
  criteria:
  - id: exc.1
    text: QTc > 480 msec
    quantities:
    - {measure: QTc, comparator: '>', value: 480, unit: ms,
       codes: [{system: 'http://loinc.org', code: 8636-3}]}
  - id: exc.2
    text: Any condition that, in the investigator's opinion, makes participation unsafe
"""


@pytest.fixture
def rule_file(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(RULES, encoding="utf-8")
    return path


def test_a_rule_file_exports_to_fhir_with_its_coverage_on_stderr(rule_file, tmp_path, capsys):
    out = tmp_path / "trial.json"
    assert main(["export", "--to", "fhir", str(rule_file), "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["resourceType"] == "EvidenceVariable" and data["id"] == "NCT00000001"
    assert [c["linkId"] for c in data["characteristic"]] == ["demographics.age", "exc.1", "exc.2"]
    assert (
        "fhir: 2 criteria: 1 expressed fully, 0 partly, 1 as text only" in capsys.readouterr().err
    )


def test_the_index_date_is_written_into_the_query(rule_file, capsys):
    assert main(["export", "--to", "omop-sql", str(rule_file), "--index-date", "2026-06-01"]) == 0
    sql = capsys.readouterr().out
    assert "CAST('2026-06-01' AS DATE) AS index_date" in sql
    assert "-- exc.2 [text only]: Any condition that" in sql


def test_a_date_that_does_not_exist_is_refused_with_its_code(rule_file, capsys):
    assert main(["export", "--to", "omop-sql", str(rule_file), "--index-date", "2026-02-30"]) == 2
    assert capsys.readouterr().err.startswith("eligo export: error E502: --index-date '2026-02-30'")


def test_an_index_date_for_fhir_is_refused(rule_file, capsys):
    assert main(["export", "--to", "fhir", str(rule_file), "--index-date", "2026-06-01"]) == 2
    assert "error E501" in capsys.readouterr().err


def test_two_inputs_to_a_one_file_format_are_refused(rule_file, capsys):
    assert main(["export", "--to", "yaml", str(rule_file), str(rule_file)]) == 2
    assert "error E501" in capsys.readouterr().err


def test_a_broken_rule_file_names_the_field(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text(RULES.replace("kind: exclusion", "kind: maybe"), encoding="utf-8")
    assert main(["export", "--to", "fhir", str(path)]) == 2
    err = capsys.readouterr().err
    assert "error E202" in err and "groups.0.kind" in err


def test_a_record_is_parsed_first(tmp_path, capsys):
    record = tmp_path / "criteria.txt"
    record.write_text("Exclusion Criteria:\n1. QTc > 480 msec\n", encoding="utf-8")
    assert main(["export", "--to", "fhir", str(record)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["characteristic"][0]["description"] == "QTc > 480 msec"
    assert data["characteristic"][0]["exclude"] is True


def test_the_help_teaches_with_examples(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    out = capsys.readouterr().out
    assert "eligo export --to fhir rules.yaml" in out and "docs/interop.md" in out


def test_without_input_the_reference_trial_is_exported(capsys):
    assert main(["export", "--to", "omop-sql", "--index-date", "2026-06-01"]) == 0
    captured = capsys.readouterr()
    assert "-- Eligo cohort query (OMOP CDM v5.4): NCT06557265" in captured.out
    assert "omop-sql: 42 criteria:" in captured.err
