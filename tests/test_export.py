"""Output formats: one registry of exporters, one module per format (nlp/export)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence

import pytest
import yaml

from models import Criterion, Protocol, Quantity
from nlp.export import EXPORTERS, Exporter, dump_protocol, get_exporter, register


def _protocol(trial_id: str = "NCT06557265") -> Protocol:
    qtc = Quantity(measure="QTc", comparator=">", value=480, unit="ms", span=(10, 24))
    criterion = Criterion(id="exc.1", label="1", text="QTc > 480 msec", quantities=[qtc])
    return Protocol.model_validate(
        {
            "trial_id": trial_id,
            "groups": [{"id": "exc", "kind": "exclusion", "criteria": [criterion]}],
            "eligibility_text": "Exclusion:\n1. QTc > 480 msec",
        }
    )


class _Ids(Exporter):
    name = "ids"
    suffix = ".txt"
    description = "the trial ids, one a line"

    def dumps(self, protocols: Sequence[Protocol], **options: object) -> str:
        return "".join(f"{p.trial_id}\n" for p in protocols)


@pytest.fixture
def ids_exporter() -> Iterator[Exporter]:
    exporter = register(_Ids())
    yield exporter
    del EXPORTERS[exporter.name]


def test_the_built_in_formats_are_registered_by_name():
    assert {"yaml", "json", "jsonl", "parquet"} <= set(EXPORTERS)
    for name, exporter in EXPORTERS.items():
        assert exporter.name == name and exporter.suffix.startswith(".") and exporter.description


def test_a_new_exporter_registers_and_is_listed(ids_exporter):
    assert EXPORTERS["ids"] is ids_exporter
    assert get_exporter("ids").dumps([_protocol("NCT1"), _protocol("NCT2")]) == "NCT1\nNCT2\n"


def test_a_taken_name_is_refused(ids_exporter):
    with pytest.raises(ValueError, match="'ids' is already registered"):
        register(_Ids())


def test_an_unknown_format_names_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown format 'xml'; use one of .*yaml"):
        get_exporter("xml")


@pytest.mark.parametrize("fmt,load", [("yaml", yaml.safe_load), ("json", json.loads)])
def test_a_rule_file_leaves_out_empty_fields_and_loads_back(fmt, load):
    written = dump_protocol(_protocol(), fmt)
    assert "children" not in written and "mentions" not in written
    assert Protocol.model_validate(load(written)) == _protocol()


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_a_rule_file_holds_one_protocol(fmt):
    with pytest.raises(ValueError, match="holds one protocol, not 2"):
        EXPORTERS[fmt].dumps([_protocol(), _protocol()])


def test_without_text_the_rule_file_has_no_eligibility_text():
    assert "eligibility_text" not in dump_protocol(_protocol(), "json", include_text=False)


def test_the_json_schema_is_the_rule_files():
    schema = json.loads(EXPORTERS["json"].schema())
    assert schema["title"] == "Eligo eligibility encoding"
    assert "groups" in schema["properties"]


def test_a_jsonl_line_puts_the_record_first_and_reads_back():
    from nlp.export import jsonl

    written = EXPORTERS["jsonl"].dumps([_protocol()], sources=["studies.jsonl:3"])
    assert written.startswith(
        '{"key":"NCT06557265@studies.jsonl:3","trial_id":"NCT06557265",'
        '"source":"studies.jsonl:3","protocol":{'
    )
    assert jsonl.read_head(written.encode()) == {
        "key": "NCT06557265@studies.jsonl:3",
        "trial_id": "NCT06557265",
        "source": "studies.jsonl:3",
    }
    assert Protocol.model_validate(json.loads(written)["protocol"]) == _protocol().model_copy(
        update={"eligibility_text": None}
    )


def test_jsonl_writes_one_line_per_protocol():
    written = EXPORTERS["jsonl"].dumps([_protocol("NCT1"), _protocol("NCT2")])
    assert [json.loads(line)["key"] for line in written.splitlines()] == ["NCT1", "NCT2"]


def test_parquet_has_one_row_per_criterion_in_the_schema(tmp_path):
    import pyarrow.parquet as pq

    from nlp.export.parquet import SCHEMA

    path = tmp_path / "rules.parquet"
    path.write_bytes(EXPORTERS["parquet"].dumps([_protocol("NCT1"), _protocol("NCT2")]))
    table = pq.read_table(path)
    assert table.schema.remove_metadata().equals(SCHEMA)
    assert table.column("trial_id").to_pylist() == ["NCT1", "NCT2"]
    assert table.column("quantities").to_pylist()[0][0]["value"] == 480


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_a_stream_writer_writes_what_dumps_holds(tmp_path, fmt):
    import pyarrow.parquet as pq

    exporter = EXPORTERS[fmt]
    path = tmp_path / f"out{exporter.suffix}"
    with exporter.open(path) as writer:
        for n in (1, 2):
            writer.write(exporter.entry(_protocol(f"NCT{n}"), f"k{n}", f"s{n}"))
    if fmt == "jsonl":
        keys = [json.loads(line)["key"] for line in path.read_text().splitlines()]
    else:
        keys = pq.read_table(path).column("key").to_pylist()
    assert keys == ["k1", "k2"]


def test_the_cli_offers_a_registered_exporter(ids_exporter, capsys):
    from nlp.cli import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args(["parse", "--help"])
    assert re.search(r"\n\s+ids +the trial ids, one a line\n", capsys.readouterr().out)


def test_every_streaming_format_is_one_eligo_batch_can_resume():
    from nlp.batch.writers import WRITERS
    from nlp.cli.batch_cmd import batch_formats

    assert set(batch_formats()) == set(WRITERS)


def test_parse_writes_a_binary_format_only_to_a_file(tmp_path, capsys):
    import pyarrow.parquet as pq

    from nlp.cli import main

    record = tmp_path / "NCT00000001.txt"
    record.write_text("Inclusion Criteria:\n- Age >= 18 years\n- ECOG 0-1\n", encoding="utf-8")
    assert main(["parse", str(record), "--format", "parquet"]) == 2
    assert "parquet output is binary: write it to a file with -o" in capsys.readouterr().err
    out = tmp_path / "rules.parquet"
    assert main(["parse", str(record), "--format", "parquet", "-o", str(out)]) == 0
    assert pq.read_table(out).column("source").to_pylist() == [str(record)] * 2


def test_parse_writes_jsonl_keyed_by_the_file(tmp_path, capsys):
    from nlp.cli import main

    record = tmp_path / "criteria.txt"
    record.write_text("Inclusion Criteria:\n- Age >= 18 years\n", encoding="utf-8")
    assert main(["parse", str(record), "--format", "jsonl", "--no-text"]) == 0
    line = json.loads(capsys.readouterr().out)
    assert (line["key"], line["source"]) == (str(record), str(record))
    assert "eligibility_text" not in line["protocol"]


def test_the_worked_example_of_a_new_format_works():
    import textwrap

    import nlp.export

    doc = nlp.export.__doc__ or ""
    start = doc.index("quantity::") + len("quantity::")
    source = textwrap.dedent(doc[start : doc.index("after which")])
    namespace: dict[str, object] = {}
    exec(compile(source, "nlp/export/csv.py", "exec"), namespace)
    exporter = register(namespace["EXPORTER"])  # type: ignore[arg-type]
    try:
        rows = EXPORTERS["csv"].dumps([_protocol()]).splitlines()
    finally:
        del EXPORTERS[exporter.name]
    assert rows[1] == "NCT06557265,exc.1,QTc,>,480.0,ms"
