"""One reader of JSON Lines for `eligo parse` (nlp.ingest) and `eligo batch` (nlp.batch)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.batch.sources import iter_items
from nlp.errors import InputError
from nlp.ingest import read_records
from nlp.jsonlines import JSON_TOO_DEEP, read_json_lines


def _study(nct: str) -> str:
    return json.dumps(
        {
            "protocolSection": {
                "identificationModule": {"nctId": nct},
                "eligibilityModule": {"eligibilityCriteria": "Inclusion Criteria:\n- Age >= 18"},
            }
        }
    )


def test_blank_lines_are_skipped_but_counted():
    lines = list(read_json_lines([b'{"a": 1}\n', b"\n", b"  \r\n", b'{"a": 2}\n']))
    assert [(line.number, line.value) for line in lines] == [(1, {"a": 1}), (4, {"a": 2})]


@pytest.mark.parametrize(
    "raw,problem",
    [
        (b'{"a": "\xff"}\n', "not UTF-8 text (byte 0xff at byte offset 7 in the line)"),
        (b'{"a" 1}\n', "malformed JSON (Expecting ':' delimiter at column 6)"),
        (b"[" * 100_000 + b"\n", JSON_TOO_DEEP),
    ],
)
def test_a_line_that_cannot_be_read_says_why(raw, problem):
    (line,) = read_json_lines([raw])
    assert (line.value, line.problem) == (None, problem)


def test_a_json_string_may_hold_u2028_and_u0085():
    (line,) = read_json_lines(['{"text": "a\u2028b\u0085c"}'])
    assert line.value == {"text": "a\u2028b\u0085c"}


def test_parse_and_batch_give_the_same_reason_for_a_bad_line(tmp_path: Path):
    path = tmp_path / "studies.jsonl"
    path.write_text(_study("NCT00000001") + '\n{"protocolSection" {}}\n', encoding="utf-8")
    reason = "malformed JSON (Expecting ':' delimiter at column 20)"
    with pytest.raises(InputError) as parsed:
        list(read_records(path))
    assert str(parsed.value) == f"{path}: line 2: {reason}"
    batched = [(item.location, item.error) for item in iter_items([path])]
    assert batched == [(f"{path}:1", None), (f"{path}:2", reason)]
