"""Error codes: every failure a user sees carries one, and every code is documented."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from nlp import errors
from nlp.batch import run_batch
from nlp.batch.writers import errors_path
from nlp.cli import main
from nlp.errors import EligoError, InputError
from nlp.ingest import records_from_string

ROOT = Path(__file__).resolve().parents[1]
ERRORS_MD = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
CODES = {
    value
    for name, value in vars(errors).items()
    if name.startswith("E_") and isinstance(value, str)
}
# classes whose instances take their code from the class (one code per class)
CLASSES_WITH_THEIR_OWN_CODE = {"RecordError", "GateError", "RuleFileError", "OutputInUse"}


def test_every_error_code_is_documented_and_every_documented_code_exists():
    documented = set(re.findall(r"^\| (E\d{3}) \|", ERRORS_MD, re.MULTILINE))
    assert CODES - documented == set()
    assert documented - CODES == set()


def test_error_codes_are_unique():
    names = [n for n, v in vars(errors).items() if n.startswith("E_") and isinstance(v, str)]
    assert len({getattr(errors, n) for n in names}) == len(names)


def _error_calls(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"EligoError", "InputError", "InvalidEncodingError"}
        ):
            yield node


def test_every_eligo_error_raised_in_the_code_names_its_code():
    uncoded = [
        f"{path.relative_to(ROOT)}:{call.lineno}"
        for path in sorted((ROOT / "nlp").rglob("*.py"))
        for call in _error_calls(path)
        if len(call.args) < 2 and not any(k.arg == "code" for k in call.keywords)
    ]
    assert uncoded == []


def test_the_command_line_prints_the_code_with_the_message(tmp_path, capsys):
    missing = tmp_path / "NCT00000000.json"
    assert main(["parse", str(missing)]) == 2
    assert capsys.readouterr().err.strip() == f"eligo parse: error E101: {missing}: no such file"


def test_a_study_without_a_protocol_section_is_not_a_record():
    with pytest.raises(InputError) as caught:
        list(records_from_string('{"derivedSection": {}}', "x.json"))
    assert caught.value.code == "E103"


def test_an_over_long_record_is_e105():
    text = "Inclusion Criteria:\n  -  " + "x " * 60
    with pytest.raises(InputError) as caught:
        list(records_from_string(text, "long.txt", max_chars=100))
    assert caught.value.code == "E105"


def test_the_batch_error_log_records_each_failed_record_with_its_code(tmp_path):
    good = json.dumps({"nct_id": "NCT00000001", "criteria": "Inclusion Criteria:\n - Age 18"})
    source = tmp_path / "in.jsonl"
    source.write_text(f"{good}\n{{not json\n" + json.dumps({"nct_id": "NCT00000003"}) + "\n")
    out = tmp_path / "out.jsonl"
    run_batch([source], out, log=None)
    logged = [json.loads(line) for line in errors_path(out).read_text().splitlines()]
    assert [(e["source"].rsplit(":", 1)[1], e["stage"], e["code"]) for e in logged] == [
        ("2", "read", "E102"),
        ("3", "read", "E104"),
    ]


def test_a_subclass_keeps_its_own_code_unless_given_another():
    from nlp.parser import RecordError

    assert RecordError("x.txt: cannot encode").code == "E404"
    assert EligoError("x", errors.E_BAD_OPTION).code == "E501"
