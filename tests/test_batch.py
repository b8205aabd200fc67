"""``eligo batch``: every record ends in exactly one place, whatever the engine or interruption.

The fixtures (tests/fixtures/batch/README.md) are real LCT and Chia criteria arranged with every
kind of bad record; the real parser runs on them.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from models import Protocol
from nlp.batch import run_batch
from nlp.batch import runner as runner_module
from nlp.batch.sources import iter_items
from nlp.batch.writers import repair_tail
from nlp.cli import main
from nlp.export.parquet import SCHEMA

FIXTURES = Path(__file__).parent / "fixtures" / "batch"
INPUTS = [FIXTURES / "studies.jsonl", FIXTURES / "ctgov_bulk.json", FIXTURES / "corpus"]


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def errors_by_source(out: Path) -> dict[str, dict]:
    return {e["source"]: e for e in lines(out.with_name(out.name + ".errors.jsonl"))}


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """One uninterrupted in-process run over all fixture inputs, the reference for the others."""
    out = tmp_path_factory.mktemp("baseline") / "out.jsonl"
    return out, run_batch(INPUTS, out, log=None)


def test_corrupt_jsonl_line_goes_to_errors_and_the_rest_parse(baseline):
    out, _ = baseline
    bad = errors_by_source(out)[f"{FIXTURES / 'studies.jsonl'}:2"]
    assert bad["stage"] == "read" and "malformed JSON" in bad["reason"]
    parsed = {r["source"] for r in lines(out)}
    assert {f"{FIXTURES / 'studies.jsonl'}:{n}" for n in (1, 3, 4)} <= parsed


def test_empty_file_is_an_error_line(baseline):
    out, _ = baseline
    entry = errors_by_source(out)[str(FIXTURES / "corpus" / "bad" / "NCT03860103.txt")]
    assert entry == {**entry, "trial_id": "NCT03860103", "reason": "empty file"}


def test_non_utf8_file_is_an_error_line(baseline):
    out, _ = baseline
    entry = errors_by_source(out)[str(FIXTURES / "corpus" / "bad" / "NCT03868449.txt")]
    assert "not UTF-8" in entry["reason"] and "0xf3" in entry["reason"]


def test_study_without_eligibility_text_is_an_error_line(baseline):
    out, _ = baseline
    entry = errors_by_source(out)[f"{FIXTURES / 'ctgov_bulk.json'}#2"]
    assert entry["trial_id"] == "NCT03924544" and "no eligibilityCriteria" in entry["reason"]


def test_duplicate_id_keeps_the_first_and_logs_the_second(baseline):
    out, _ = baseline
    first, second = (f"{FIXTURES / 'studies.jsonl'}:{n}" for n in (1, 5))
    assert [r["source"] for r in lines(out) if r["trial_id"] == "NCT03860012"] == [first]
    entry = errors_by_source(out)[second]
    assert entry["stage"] == "duplicate" and entry["reason"].endswith(f"first seen at {first}")


def test_chia_pair_is_one_record_with_both_headings(baseline):
    out, _ = baseline
    (rec,) = [r for r in lines(out) if r["trial_id"] == "NCT02983214"]
    assert [g["kind"] for g in rec["protocol"]["groups"]] == ["inclusion", "exclusion"]
    assert "eligibility_text" not in rec["protocol"]  # left out unless --include-text


def test_every_record_is_accounted_for_exactly_once(baseline):
    out, summary = baseline
    keys = [r["key"] for r in lines(out)] + [e["key"] for e in errors_by_source(out).values()]
    expected = [item.key for item in iter_items(INPUTS)]
    assert sorted(keys) == sorted(expected) and len(set(keys)) == len(keys)
    assert summary.records_read == len(expected) == summary.parsed + summary.failed
    assert (summary.parsed, summary.failed) == (7, 6)


def test_parser_exception_is_a_parse_error(tmp_path, monkeypatch):
    from nlp.batch import engine
    from nlp.parser import RecordError

    real = engine.get_parser()

    class Flaky:
        def parse_records(self, records, errors="raise"):
            for record, result in zip(
                records, real.parse_records(records, errors=errors), strict=True
            ):
                boom = "ages 2-21 years" in record.eligibility_text
                yield RecordError(f"{record.source}: cannot encode: boom") if boom else result

    monkeypatch.setattr(engine, "get_parser", Flaky)
    summary = run_batch([FIXTURES / "studies.jsonl"], tmp_path / "o.jsonl", log=None)
    entry = errors_by_source(tmp_path / "o.jsonl")[f"{FIXTURES / 'studies.jsonl'}:1"]
    assert (entry["stage"], entry["reason"]) == ("parse", "cannot encode: boom")
    assert summary.failed_by_stage["parse"] == 1 and summary.parsed == 2


def test_a_chunk_that_raises_loses_only_the_bad_record(tmp_path, monkeypatch):
    from nlp.batch import engine

    real = engine.get_parser()

    class Raising:
        def parse_records(self, records, errors="raise"):
            if any("ages 2-21 years" in r.eligibility_text for r in records):
                raise MemoryError("boom")
            return real.parse_records(records, errors=errors)

        def parse_record(self, record):
            return next(iter(self.parse_records([record])))

    monkeypatch.setattr(engine, "get_parser", Raising)
    summary = run_batch([FIXTURES / "studies.jsonl"], tmp_path / "o.jsonl", log=None)
    entry = errors_by_source(tmp_path / "o.jsonl")[f"{FIXTURES / 'studies.jsonl'}:1"]
    assert (entry["stage"], entry["reason"]) == ("parse", "boom")
    assert summary.parsed == 2


def test_two_workers_give_the_same_output(baseline, tmp_path):
    out, _ = baseline
    run_batch(INPUTS, tmp_path / "w2.jsonl", workers=2, chunk_items=2, log=None)
    assert (tmp_path / "w2.jsonl").read_bytes() == out.read_bytes()
    assert (tmp_path / "w2.jsonl.errors.jsonl").read_bytes() == (
        out.with_name("out.jsonl.errors.jsonl").read_bytes()
    )


def test_dask_local_cluster_gives_the_same_output(baseline, tmp_path):
    distributed = pytest.importorskip("distributed")
    out, _ = baseline
    with (
        distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        run_batch(INPUTS, tmp_path / "d.jsonl", engine="dask", client=client, log=None)
    assert (tmp_path / "d.jsonl").read_bytes() == out.read_bytes()


def test_resume_after_interrupt_and_torn_line_gives_the_same_output(
    baseline, tmp_path, monkeypatch
):
    out, _ = baseline
    target = tmp_path / "r.jsonl"
    real_write, calls = runner_module._write, []

    def interrupted(*args):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        real_write(*args)

    monkeypatch.setattr(runner_module, "_write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_batch(INPUTS, target, chunk_items=2, log=None)
    monkeypatch.undo()
    written = target.read_bytes()
    assert written and written.endswith(b"\n")  # only whole lines, even on Ctrl-C
    target.write_bytes(written + b'{"key": "NCT0386')  # and a kill mid-write
    summary = run_batch(INPUTS, target, resume=True, log=None)
    assert target.read_bytes() == out.read_bytes()
    assert (tmp_path / "r.jsonl.errors.jsonl").read_bytes() == (
        out.with_name("out.jsonl.errors.jsonl").read_bytes()
    )
    assert summary.already_done > 0
    assert summary.records_read == summary.already_done + summary.parsed + summary.failed


def test_repair_tail_cuts_only_the_torn_line(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'{"a": 1}\n{"b": 2}\n{"c": ')
    assert repair_tail(path) == 6 and path.read_bytes() == b'{"a": 1}\n{"b": 2}\n'
    assert repair_tail(path) == 0


def test_zip_members_are_streamed_with_their_member_name(tmp_path):
    bulk = json.loads((FIXTURES / "ctgov_bulk.json").read_text(encoding="utf-8"))
    archive = tmp_path / "ctgov.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for study in bulk["studies"]:
            nct = study["protocolSection"]["identificationModule"]["nctId"]
            zf.writestr(f"ctg-studies/{nct}.json", json.dumps(study))
    summary = run_batch([archive], tmp_path / "z.jsonl", log=None)
    assert [r["source"] for r in lines(tmp_path / "z.jsonl")] == [
        f"{archive}!ctg-studies/NCT03864705.json",
        f"{archive}!ctg-studies/NCT03862547.json",
    ]
    assert (summary.parsed, summary.failed) == (2, 1)


def qtc_limits(table: pa.Table) -> list[dict]:
    """docs/batch.md's query: all trials whose exclusion criteria limit QTc, with the limit."""
    exc = table.filter(pc.field("group_kind") == "exclusion")
    owner = pc.list_parent_indices(exc["quantities"])
    q = pc.list_flatten(exc["quantities"]).combine_chunks()
    flat = pa.table(
        {
            "trial_id": exc["trial_id"].take(owner),
            "criterion_id": exc["criterion_id"].take(owner),
            **{name: q.field(name) for name in ("measure", "comparator", "value", "unit")},
        }
    )
    return flat.filter(pc.match_substring(flat["measure"], "qtc", ignore_case=True)).to_pylist()


def test_parquet_one_row_per_criterion_and_the_qtc_query(baseline, tmp_path):
    out, _ = baseline
    run_batch(INPUTS, tmp_path / "p", fmt="parquet", log=None)
    table = pq.read_table(sorted((tmp_path / "p").glob("part-*.parquet")))
    protocols = [Protocol.model_validate(r["protocol"]) for r in lines(out)]
    assert table.num_rows == sum(len(p.iter_criteria()) for p in protocols)
    assert qtc_limits(table) == [
        {
            "trial_id": "NCT02137369",
            "criterion_id": "exc.18",
            "measure": "QTc",
            "comparator": ">",
            "value": 500.0,
            "unit": "ms",
        }
    ]


def test_parquet_rows_carry_exceptions_and_the_record_demographics(tmp_path):
    seed = Path(__file__).resolve().parents[1] / "gold" / "NCT06557265" / "source.txt"
    run_batch([seed], tmp_path / "p", fmt="parquet", log=None)
    rows = pq.read_table(sorted((tmp_path / "p").glob("part-*.parquet"))).to_pylist()
    assert {(r["min_age"], r["max_age"], r["sex"], r["healthy_volunteers"]) for r in rows} == {
        (18.0, 70.0, "all", False)
    }
    exclusion_15 = next(r for r in rows if r["text"].startswith("Malignancy within 5 years"))
    assert [(e["cue"], e["text"][:25]) for e in exclusion_15["exceptions"]] == [
        ("with the exception of", "basal and squamous cell c"),
        (None, "cervical dysplasia that i"),
    ]


def test_parquet_resume_gives_the_same_rows(tmp_path):
    inputs = [FIXTURES / "studies.jsonl", FIXTURES / "corpus"]
    full, part = tmp_path / "full", tmp_path / "part"
    run_batch(inputs, full, fmt="parquet", log=None)
    # An interrupted run: one complete part, then a torn part and a stray keys file.
    run_batch(inputs[:1], part, fmt="parquet", log=None)
    (part / "_part-00002.parquet.tmp").write_bytes(b"PAR1 torn")
    (part / "_part-00003.keys.jsonl").write_bytes(b'{"key": "x"}\n')
    shutil.copy(full.with_name("full.errors.jsonl"), tmp_path / "part.errors.jsonl")
    run_batch(inputs, part, fmt="parquet", resume=True, log=None)
    assert sorted(p.name for p in part.iterdir()) == [
        "_part-00001.keys.jsonl",
        "_part-00002.keys.jsonl",
        "part-00001.parquet",
        "part-00002.parquet",
    ]
    read = lambda d: pq.read_table(sorted(d.glob("part-*.parquet")))  # noqa: E731
    assert read(part).to_pylist() == read(full).to_pylist()


def test_parquet_resume_refuses_parts_with_other_columns(tmp_path, capsys):
    # a part as an older Eligo wrote it: no optional/exceptions/demographics columns
    out = tmp_path / "out.parquet"
    out.mkdir()
    older = pa.schema([f for f in SCHEMA if f.name not in ("optional", "min_age")])
    pq.write_table(older.empty_table(), out / "part-00001.parquet")
    (out / "_part-00001.keys.jsonl").write_bytes(b"")
    args = ["batch", str(FIXTURES / "corpus"), "-o", str(out), "--format", "parquet"]
    assert main([*args, "--resume"]) == 2
    assert "part-00001.parquet: written with other columns" in capsys.readouterr().err


def test_cli_writes_summary_json(tmp_path, capsys):
    code = main(
        [
            "batch",
            str(FIXTURES / "corpus"),
            "-o",
            str(tmp_path / "c.jsonl"),
            "--summary",
            str(tmp_path / "s.json"),
        ]
    )
    summary = json.loads((tmp_path / "s.json").read_text())
    assert code == 0 and (summary["records_read"], summary["parsed"], summary["failed"]) == (
        4,
        2,
        2,
    )
    assert "records read: 4" in capsys.readouterr().err


def test_failed_studies_keep_their_place_in_the_input_order():
    bulk = FIXTURES / "ctgov_bulk.json"
    items = list(iter_items([bulk]))
    assert [(i.location, i.error is None) for i in items] == [
        (f"{bulk}#1", True),
        (f"{bulk}#2", False),
        (f"{bulk}#3", True),
    ]


def test_an_existing_output_is_not_wiped_without_resume_or_overwrite(tmp_path):
    from nlp.cli import main

    record = tmp_path / "in" / "NCT03860012.txt"
    record.parent.mkdir()
    record.write_text("Inclusion Criteria:\n  1. ages 2-21 years\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(record.parent), "-o", str(out), "-q"]) == 0
    first = out.read_bytes()
    assert main(["batch", str(record.parent), "-o", str(out), "-q"]) == 2
    assert out.read_bytes() == first
    assert main(["batch", str(record.parent), "-o", str(out), "-q", "--overwrite"]) == 0


def test_the_output_inside_an_input_directory_is_not_read_back_as_input(tmp_path):
    from nlp.cli import main

    folder = tmp_path / "studies"
    folder.mkdir()
    (folder / "NCT03860012.txt").write_text(
        "Inclusion Criteria:\n  1. ages 2-21 years\n", encoding="utf-8"
    )
    out = folder / "out.jsonl"
    assert main(["batch", str(folder), "-o", str(out), "-q"]) == 0
    assert main(["batch", str(folder), "-o", str(out), "-q", "--resume"]) == 0
    errors = folder / "out.jsonl.errors.jsonl"
    assert not errors.exists() or errors.read_text(encoding="utf-8") == ""
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1


def test_doubtful_splits_are_counted_and_kept_in_parquet(tmp_path):
    record = tmp_path / "NCT00132080.txt"  # no inclusion/exclusion heading (shared records)
    record.write_text(
        "* Fever persisting at least 4 days\n\nOR\n\n* Coronary artery disease\n", encoding="utf-8"
    )
    summary = run_batch([record], tmp_path / "p", fmt="parquet", log=None)
    assert summary.doubtful_split == 1
    rows = pq.read_table(sorted((tmp_path / "p").glob("part-*.parquet"))).to_pylist()
    assert len(rows) == 2
    assert {w["code"] for row in rows for w in row["record_warnings"]} == {"W105"}
    assert rows[0]["group_remarks"] == [
        {"text": "OR", "cue": "connector", "span_start": 36, "span_end": 38}
    ]
