"""Hostile and odd input (issue 10): no hang, no traceback, no silent merge, nothing lost.

Each test is one row of the issue's table (or one of its minor points), with the smallest input
that shows it. Hangs are checked in a subprocess with a time bound, never by timing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nlp import parse_text
from nlp.batch import run_batch
from nlp.batch.sources import iter_items
from nlp.cli import main
from nlp.errors import InputError
from nlp.ingest import detect_format, read_records, records_from_string

ROOT = Path(__file__).resolve().parents[1]
CRITERIA = "Inclusion Criteria:\n  -  Age >= 18 years\nExclusion Criteria:\n  -  Pregnancy\n"


def study(nct_id: object = "NCT03860012", criteria: str = CRITERIA, **elig: object) -> dict:
    return {
        "protocolSection": {
            "identificationModule": {"nctId": nct_id},
            "eligibilityModule": {"eligibilityCriteria": criteria, **elig},
        }
    }


def jsonl(path: Path, *lines: str) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def batch_line(nct_id: object, criteria: str = CRITERIA) -> str:
    return json.dumps({"nct_id": nct_id, "criteria": criteria})


def error_lines(out: Path) -> list[dict]:
    path = out.with_name(out.name + ".errors.jsonl")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err, err
    return err


def finishes_in_a_subprocess(code: str, timeout: float = 20.0) -> str:
    """Run ``code`` in a fresh interpreter; a hang fails the test at ``timeout`` seconds."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


# --- row 10: plain text that starts like XML or JSON ------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["<18 years old", "<= 65 years", "[1] Age >= 18", "{Age} 18-65", "<37 weeks gestation"],
)
def test_plain_text_starting_with_a_bracket_or_comparator_is_read_as_text(text: str) -> None:
    content = f"{text}\n- No prior chemotherapy\n"
    assert detect_format(content) == "text"
    (record,) = records_from_string(content, "criteria.txt")
    assert record.eligibility_text == content


@pytest.mark.parametrize(
    ("content", "fmt"),
    [
        ('{"protocolSection": {}}', "ctgov_json"),
        ('[\n  {"protocolSection": {}}\n]', "ctgov_json"),
        ("<?xml version='1.0'?><clinical_study/>", "ctgov_xml"),
        ("<clinical_study>\n</clinical_study>", "ctgov_xml"),
    ],
)
def test_json_and_xml_are_still_recognised_by_their_content(content: str, fmt: str) -> None:
    assert detect_format(content) == fmt


def test_truncated_json_is_still_malformed_json_not_text() -> None:
    with pytest.raises(InputError, match=r"x\.json: line 2: malformed JSON"):
        records_from_string('{"protocolSection":\n  {"identificationModule": ', "x.json")


# --- rows 3 and 5: JSON nested too deeply -----------------------------------------------------


def test_json_nested_100000_deep_is_one_line_from_eligo_parse(tmp_path, capsys) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert main(["parse", str(path)]) == 2
    assert "deep.json: JSON nested too deeply" in one_line_error(capsys)


def test_a_deeply_nested_jsonl_line_is_one_read_error_and_the_batch_goes_on(tmp_path) -> None:
    deep = '{"a":' * 5_000 + "1" + "}" * 5_000
    lines = batch_line("NCT00000001"), deep, batch_line("NCT00000002")
    source = jsonl(tmp_path / "in.jsonl", *lines)
    out = tmp_path / "out.jsonl"
    summary = run_batch([source], out, log=None)
    assert (summary.parsed, summary.failed) == (2, 1)
    (error,) = error_lines(out)
    assert error["source"] == f"{source}:2" and error["stage"] == "read"
    assert error["reason"].startswith("JSON nested too deeply")
    resumed = run_batch([source], out, resume=True, log=None)  # resume does not hit it again
    assert (resumed.already_done, resumed.parsed, resumed.failed) == (3, 0, 0)


# --- row 4: lone surrogates -------------------------------------------------------------------


def test_a_lone_surrogate_in_text_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"<text>: lone surrogate U\+D800 at character 25"):
        parse_text("Inclusion Criteria:\n- Age\ud800 >= 18")


def test_a_lone_surrogate_escape_in_json_is_one_line_from_eligo_parse(tmp_path, capsys) -> None:
    path = tmp_path / "study.json"
    path.write_text(json.dumps(study(criteria="Inclusion Criteria:\n- Age \ud800")), "utf-8")
    assert main(["parse", str(path)]) == 2
    assert "study.json: lone surrogate U+D800" in one_line_error(capsys)


def test_a_lone_surrogate_in_a_jsonl_line_is_a_read_error(tmp_path) -> None:
    source = jsonl(tmp_path / "in.jsonl", '{"nct_id": "NCT1", "criteria": "Age \\ud800"}')
    (item,) = iter_items([source])
    assert item.record is None and item.error.startswith("lone surrogate U+D800 at character 4")


# --- minor: text with nothing to read, bare JSON values, ids of the wrong type ----------------


@pytest.mark.parametrize("content", ["\x00", "\ufeff\u200b", "\x00\u200b\u2060\n \t"])
def test_text_of_only_nul_bom_or_zero_width_characters_is_refused(content: str) -> None:
    with pytest.raises(InputError, match="only invisible characters"):
        records_from_string(content, "blank.txt")


@pytest.mark.parametrize("content", ["5", "null", "true", "-1.5e3\n"])
def test_a_bare_json_value_is_refused_not_read_as_the_text(content: str) -> None:
    with pytest.raises(InputError, match=r"five\.json: a bare JSON value"):
        records_from_string(content, "five.json")


@pytest.mark.parametrize(("value", "kind"), [(123, "a number"), ({"id": 1}, "an object")])
def test_an_nct_id_that_is_not_a_string_is_an_error(value: object, kind: str) -> None:
    with pytest.raises(InputError, match=f"one.json: nctId is {kind}"):
        records_from_string(json.dumps(study(value)), "one.json")


def test_a_jsonl_nct_id_nan_is_a_read_error_not_the_id_nan(tmp_path) -> None:
    source = jsonl(tmp_path / "in.jsonl", '{"nct_id": NaN, "criteria": "Age >= 18"}')
    (item,) = iter_items([source])
    assert item.trial_id is None and item.error == "nct_id is a number (nan), not a string"


def test_a_malformed_json_reason_is_whole_with_its_line_and_column(tmp_path) -> None:
    path = tmp_path / "ctrl.json"
    path.write_text('{"protocolSection":\n {"x": "a\x01b"}}', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        list(read_records(path))
    assert str(caught.value) == (
        f"{path}: line 2: malformed JSON (Invalid control character at column 10)"
    )


def test_a_malformed_jsonl_line_reason_is_whole_with_its_column(tmp_path) -> None:
    source = jsonl(tmp_path / "in.jsonl", '{"nct_id": "NCT1", "criteria": "a\x01b"}')
    (item,) = iter_items([source])
    assert item.error == "malformed JSON (Invalid control character at column 34)"


def test_a_jsonl_line_holding_u2028_in_a_string_is_one_record() -> None:
    content = json.dumps(study(criteria="Age >= 18\u2028years"), ensure_ascii=False)
    content += "\n" + json.dumps(study("NCT03860013"))
    records = records_from_string(content, "two.json")
    assert [r.eligibility_text for r in records] == ["Age >= 18\u2028years", CRITERIA]


def test_many_blank_lines_are_not_quadratic_in_format_detection() -> None:
    out = finishes_in_a_subprocess(
        "from nlp.ingest import records_from_string as r\n"
        "print(r('\\n' * 300_000 + 'Age >= 18', 'x.txt')[0].source_format)"
    )
    assert out.strip() == "text"


# --- rows 7 and 13: record and item size limits -----------------------------------------------


def test_a_record_over_a_million_characters_is_one_line_naming_the_limit(tmp_path, capsys):
    path = tmp_path / "huge.txt"
    path.write_text("Inclusion Criteria:\n- " + "x" * 1_000_000, encoding="utf-8")
    assert main(["parse", str(path)]) == 2
    err = one_line_error(capsys)
    assert "huge.txt: eligibility text of 1,000,022 characters" in err
    assert "over the limit of 1,000,000" in err


def test_the_record_size_limit_is_set_with_max_chars(tmp_path, capsys):
    path = tmp_path / "criteria.txt"
    path.write_text(CRITERIA, encoding="utf-8")
    assert main(["parse", str(path), "--max-chars", "40"]) == 2
    assert "over the limit of 40 (--max-chars raises it)" in one_line_error(capsys)
    assert main(["parse", str(path), "--max-chars", "0", "--no-text"]) == 0  # 0: no limit


def test_a_record_over_the_size_limit_is_a_read_error_in_batch(tmp_path) -> None:
    long_one = batch_line("NCT00000002", CRITERIA + "  -  " + "x" * 200 + "\n")
    source = jsonl(tmp_path / "in.jsonl", batch_line("NCT00000001"), long_one)
    out = tmp_path / "out.jsonl"
    summary = run_batch([source], out, max_chars=100, log=None)
    assert (summary.parsed, summary.failed) == (1, 1)
    (error,) = error_lines(out)
    assert error["stage"] == "read" and error["trial_id"] == "NCT00000002"
    assert error["reason"] == (
        "eligibility text of 282 characters is over the limit of 100 (--max-chars raises it)"
    )


def test_an_item_over_the_pipeline_limit_is_kept_with_a_w106_naming_the_limit(monkeypatch):
    from nlp import get_parser

    parser = get_parser()
    monkeypatch.setattr(parser.nlp, "max_length", 30)
    text = "Inclusion Criteria:\n  -  Age >= 18\n  -  " + "No prior chemotherapy " * 3
    protocol = parse_text(text)
    (warning,) = [w for w in protocol.warnings if w.code == "W106"]
    assert warning.criterion_id == "inc.2" and "over the pipeline's limit of 30" in warning.message
    assert protocol.groups[0].criteria[0].quantities  # the other items are analysed


# --- row 2: long runs of punctuation in one item ----------------------------------------------


@pytest.fixture(scope="module")
def tokenizer():
    from nlp.pipeline import get_nlp

    return get_nlp().tokenizer


@pytest.mark.parametrize("char", ["(", ")", "%", '"', "'"])
def test_a_long_run_of_punctuation_reaches_spacy_in_pieces_of_at_most_long_run(tokenizer, char):
    from nlp.limits import LONG_RUN

    seen: list[str] = []
    inner = tokenizer.tokenizer

    def spy(text: str):
        seen.append(text)
        return inner(text)

    tokenizer.tokenizer = spy
    try:
        text = f"Age {char * 8000} >= 18"
        doc = tokenizer(text)
    finally:
        tokenizer.tokenizer = inner
    assert doc.text == text and sum(len(t) for t in doc if set(t.text) == {char}) == 8000
    assert max(len(run) for piece in seen for run in piece.split()) == LONG_RUN


def test_text_without_a_long_run_is_tokenized_exactly_as_by_spacy(tokenizer) -> None:
    text = "Platelets >= 100,000/mm3 (within 14 days) and QTc <= 470 ms; 'ECOG' 0-1.\r\n  - ok"
    assert [(t.text, t.whitespace_) for t in tokenizer(text)] == [
        (t.text, t.whitespace_) for t in tokenizer.tokenizer(text)
    ]


def test_an_item_of_8000_parentheses_is_parsed_with_its_quantity() -> None:
    protocol = parse_text("Inclusion Criteria:\n  -  Age >= 18 years " + "(" * 8000)
    (criterion,) = protocol.groups[0].criteria
    assert criterion.quantities[0].value == 18 and not protocol.warnings


# --- row 12: two runs on the same output ------------------------------------------------------


def test_a_second_batch_on_an_output_in_use_is_refused_naming_the_first(tmp_path, capsys):
    from nlp.batch.lock import OutputLock

    source = jsonl(tmp_path / "in.jsonl", batch_line("NCT00000001"))
    out = tmp_path / "out.jsonl"
    out.write_text('{"key": "the first run\'s line"}\n', encoding="utf-8")
    with OutputLock(out):  # the first run, still going
        assert main(["batch", str(source), "-o", str(out), "--overwrite", "-q"]) == 2
        err = one_line_error(capsys)
    assert f"out.jsonl: another eligo batch (process {os.getpid()}) is writing it" in err
    assert "the first run's line" in out.read_text(encoding="utf-8")  # not wiped by --overwrite


def test_a_lock_left_by_a_dead_run_is_taken_over(tmp_path) -> None:
    source = jsonl(tmp_path / "in.jsonl", batch_line("NCT00000001"))
    out = tmp_path / "out.jsonl"
    (tmp_path / "out.jsonl.lock").write_text("999999999\n")  # a SIGKILLed run's lock file
    assert run_batch([source], out, log=None).parsed == 1
    assert not (tmp_path / "out.jsonl.lock").exists()


# --- row 18: --engine dask without Dask -------------------------------------------------------


def test_engine_dask_without_dask_installed_says_how_to_install_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed now fails
    source = jsonl(tmp_path / "in.jsonl", batch_line("NCT00000001"))
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(source), "-o", str(out), "--engine", "dask", "-q"]) == 2
    assert "--engine dask needs Dask" in one_line_error(capsys)
    assert not out.exists()


# --- row 17: workers exit with the main process -----------------------------------------------


def gone(pid: int) -> bool:
    """The process has exited (a zombie nobody has reaped yet counts as gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status


WORKER_OF_A_MAIN = """
import multiprocessing, os, sys, time
from concurrent.futures import ProcessPoolExecutor
from nlp.batch.watchdog import exit_with

pool = ProcessPoolExecutor(
    1, mp_context=multiprocessing.get_context("forkserver"), initializer=exit_with,
    initargs=(os.getpid(),),
)
print(pool.submit(os.getpid).result(), flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
def test_a_worker_exits_when_its_main_process_is_killed() -> None:
    import signal
    import time

    main_process = subprocess.Popen(
        [sys.executable, "-c", WORKER_OF_A_MAIN], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    worker = int(main_process.stdout.readline())
    main_process.send_signal(signal.SIGKILL)
    main_process.wait()
    for _ in range(200):  # a bound, not a timing: 20 s at most, well under 1 s in practice
        if gone(worker):
            break
        time.sleep(0.1)
    else:
        os.kill(worker, signal.SIGKILL)
        pytest.fail(f"worker {worker} outlived its main process")


def test_batch_workers_watch_the_main_process_and_leave_ctrl_c_to_it(monkeypatch) -> None:
    from nlp.batch import engine

    calls: list[object] = []
    monkeypatch.setattr(engine, "exit_with", lambda pid: calls.append(("exit_with", pid)))
    monkeypatch.setattr(engine, "ignore_interrupts", lambda: calls.append("ignore_interrupts"))
    monkeypatch.setattr(engine, "get_parser", lambda: calls.append("get_parser"))
    engine._init_worker(4242)
    assert calls == [("exit_with", 4242), "ignore_interrupts", "get_parser"]


# --- row 19: Ctrl-C ---------------------------------------------------------------------------


def test_ctrl_c_prints_the_counts_so_far_and_the_resume_command(tmp_path, capsys, monkeypatch):
    import shlex

    from nlp.batch import engine

    lines = [batch_line(f"NCT{n:08d}", f"Inclusion Criteria:\n  -  Age >= {n}") for n in range(40)]
    source = jsonl(tmp_path / "in.jsonl", *lines)
    out = tmp_path / "out.jsonl"
    real, calls = engine.process_chunk, []

    def interrupted_at_the_second_chunk(*args):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(engine, "process_chunk", interrupted_at_the_second_chunk)
    assert main(["batch", str(source), "-o", str(out), "--timeout", "30"]) == 130
    err = capsys.readouterr().err
    assert "records read: 32" in err and "parsed:       32" in err
    command = f"eligo batch {source} -o {out} --timeout 30 --resume"
    assert err.rstrip().endswith(f"eligo batch: interrupted; continue with: {command}")
    assert len(out.read_text().splitlines()) == 32
    monkeypatch.setattr(engine, "process_chunk", real)
    assert main(shlex.split(command)[1:]) == 0
    assert len(out.read_text().splitlines()) == 40


def stall(*args: object) -> None:
    """A worker task that never ends on its own (the test below stops it)."""
    import time

    time.sleep(20)


def test_ctrl_c_terminates_the_workers_rather_than_wait_for_their_chunks() -> None:
    import signal
    import threading

    from nlp.batch.engine import LocalEngine
    from nlp.batch.sources import Item
    from nlp.batch.watchdog import exit_with

    local = LocalEngine(2, task=stall, initializer=exit_with)  # no parser is built
    chunks = [[Item(f"x:{n}", error="unused")] for n in range(3)]
    processes = []

    def interrupt_once_running() -> None:
        while not (local._pool and len(local._pool._processes) == 2):
            threading.Event().wait(0.05)
        processes.extend(local._pool._processes.values())
        threading.Event().wait(0.5)
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C (interrupt_main would not wake a wait)

    threading.Thread(target=interrupt_once_running, daemon=True).start()
    with pytest.raises(KeyboardInterrupt):
        list(local.run(chunks, "jsonl", False))
    # killed (SIGTERM, or 255 when still starting), not shut down (0) once their chunks ended
    assert len(processes) == 2 and all(p.exitcode not in (0, None) for p in processes)


# --- row 20: a time limit per record ----------------------------------------------------------


@pytest.fixture
def stalling_parser(monkeypatch):
    """The parser never ends on a record whose text holds STALL (until its time is up)."""
    from nlp.parser import Parser

    real = Parser._parse_chunk

    def parse_chunk(self, records):
        while any("STALL" in r.eligibility_text for r in records):
            pass
        return real(self, records)

    monkeypatch.setattr(Parser, "_parse_chunk", parse_chunk)


def test_a_record_over_the_time_limit_is_a_timeout_error_and_the_run_goes_on(
    tmp_path, stalling_parser
) -> None:
    lines = batch_line("NCT00000001"), batch_line("NCT00000002", "STALL"), batch_line("NCT00000003")
    source = jsonl(tmp_path / "in.jsonl", *lines)
    out = tmp_path / "out.jsonl"
    summary = run_batch([source], out, timeout=0.2, log=None)
    assert (summary.parsed, summary.failed_by_stage) == (2, {"timeout": 1})
    assert [json.loads(line)["trial_id"] for line in out.read_text().splitlines()] == [
        "NCT00000001",
        "NCT00000003",
    ]
    (error,) = error_lines(out)
    assert error == {
        "key": f"NCT00000002@{source}:2",
        "trial_id": "NCT00000002",
        "source": f"{source}:2",
        "stage": "timeout",
        "code": "E405",
        "reason": "parsing took longer than 0.2 s (--timeout)",
    }


def test_a_timed_out_record_keeps_its_trial_id_on_resume(tmp_path, stalling_parser) -> None:
    source = jsonl(tmp_path / "in.jsonl", batch_line("NCT00000002", "STALL"))
    out = tmp_path / "out.jsonl"
    run_batch([source], out, timeout=0.2, log=None)
    jsonl(source, batch_line("NCT00000002", "STALL"), batch_line("NCT00000002"))
    summary = run_batch([source], out, resume=True, timeout=0.2, log=None)
    assert summary.failed_by_stage == {"duplicate": 1}  # as in a run never interrupted


# --- row 16: the YAML round trip --------------------------------------------------------------


@pytest.mark.parametrize("char", ["\u0085", "\u2028", "\u2029", "\r", "\x00", "\ufeff"])
def test_a_rule_file_with_a_yaml_line_break_character_loads_back_exactly(tmp_path, char):
    from models.io import load_protocol
    from nlp.export import dump_protocol

    protocol = parse_text(f"Inclusion Criteria:\n  -  Age >= 18 years{char}old\n  -  No HIV")
    path = tmp_path / "rules.yaml"
    path.write_text(dump_protocol(protocol, "yaml"), encoding="utf-8")
    assert load_protocol(path) == protocol


# --- minor: the first parse pays for a lazy load ----------------------------------------------


def test_building_a_parser_loads_the_unit_registry_the_first_parse_would_load(monkeypatch):
    from nlp import units
    from nlp.parser import Parser
    from nlp.pipeline import get_nlp

    loaded = []
    real = units._registry
    monkeypatch.setattr(units, "_registry", lambda: loaded.append(1) or real())
    Parser(get_nlp())
    assert loaded


# --- minor: structured fields not understood ---------------------------------------------------


def test_a_sex_field_not_understood_is_a_w201_warning_not_ignored_silently() -> None:
    (record,) = records_from_string(json.dumps(study(sex="ROBOT")), "one.json")
    from nlp import get_parser

    protocol = get_parser().parse_record(record)
    (warning,) = [w for w in protocol.warnings if w.code == "W201"]
    assert warning.message == "sex 'ROBOT' not understood (expected All, Female or Male): ignored"
    assert protocol.demographics.sex is None


@pytest.mark.parametrize(("field", "value"), [("sex", "ALL"), ("minimumAge", "N/A")])
def test_understood_or_absent_fields_are_not_warned(field: str, value: str) -> None:
    (record,) = records_from_string(json.dumps(study(**{field: value})), "one.json")
    from nlp import get_parser

    assert not [w for w in get_parser().parse_record(record).warnings if w.code == "W201"]


# --- minor: error texts -----------------------------------------------------------------------


def test_a_rule_file_that_is_not_utf8_names_the_byte_offset(tmp_path) -> None:
    from models.io import EncodingFileError, load_protocol

    path = tmp_path / "rules.yaml"
    path.write_bytes(b"groups:\n  - kind: incl\xffusion\n")
    with pytest.raises(EncodingFileError) as caught:
        load_protocol(path)
    assert str(caught.value) == f"{path}:2: not UTF-8 text (byte 0xff at byte offset 22)"


def test_a_rule_file_json_error_is_whole_with_its_column(tmp_path) -> None:
    from models.io import EncodingFileError, load_protocol

    path = tmp_path / "rules.json"
    path.write_text('{"groups": [{"kind": "a\x01"}]}', encoding="utf-8")
    with pytest.raises(EncodingFileError, match="invalid JSON: Invalid control character at col"):
        load_protocol(path)


def test_a_rule_file_nested_too_deeply_is_one_line_from_eligo_audit(tmp_path, capsys) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert main(["audit", "--reference", str(path), "--candidate", str(path)]) == 2
    assert "deep.json: nested too deeply" in one_line_error(capsys)


def test_a_malformed_xml_reason_keeps_its_column(tmp_path) -> None:
    with pytest.raises(InputError) as caught:
        records_from_string("<clinical_study>\n <a>\n</clinical_study>", "x.xml")
    assert str(caught.value) == "x.xml: line 3: malformed XML (mismatched tag at column 3)"


def test_a_jsonl_line_not_utf8_names_the_byte_and_its_offset(tmp_path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(b'{"nct_id": "NCT1", "criteria": "Age \xb3 18"}\n')
    (item,) = iter_items([source])
    assert item.error == "not UTF-8 text (byte 0xb3 at byte offset 36 in the line)"


def test_a_file_name_that_is_not_utf8_is_a_record_with_its_bytes_escaped(tmp_path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    name = os.fsdecode(b"criteria-\xff.txt")
    (folder / name).write_text(CRITERIA, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert run_batch([folder], out, log=None).parsed == 1
    (line,) = out.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["source"] == f"{folder}/criteria-\\xff.txt"


def test_a_chunk_of_long_records_is_cut_at_a_million_characters() -> None:
    from nlp.batch.runner import _chunks
    from nlp.batch.sources import Item
    from nlp.ingest import record_from_text

    def item(n: int, chars: int) -> Item:
        return Item(f"x:{n}", record=record_from_text("x" * chars))

    long_ones = [item(n, 400_000) for n in range(7)]
    assert [len(c) for c in _chunks(iter(long_ones), 32)] == [3, 3, 1]
    short_ones = [item(n, 1_000) for n in range(70)]
    assert [len(c) for c in _chunks(iter(short_ones), 32)] == [32, 32, 6]
