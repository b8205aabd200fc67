"""Hostile and odd eligibility text: no hang, no wrong number, no silent merge (issue 10 rows
1, 6, 8, 9, 11, 14 and 15; the ingest and batch rows are in test_hostile.py). Inputs are small
so the suite stays fast; a row that was exponential is checked on a size that took seconds."""

from __future__ import annotations

import json
import math

import pytest

from models.encoding import Protocol
from models.io import EncodingFileError, load_protocol
from nlp import parse_text
from nlp.export import dump_protocol


def test_a_run_of_spaces_before_a_limit_is_linear() -> None:  # row 1
    protocol = parse_text("Inclusion Criteria:\n1. Serum" + " " * 5000 + "level >= 5 mg/dL")
    (q,) = protocol.groups[0].criteria[0].quantities
    assert (q.comparator, q.value, q.unit) == (">=", 5.0, "mg/dL")


def test_deep_nesting_is_bounded_and_the_output_reads_back() -> None:  # row 6
    text = "Inclusion Criteria:\n" + "".join(
        "  " * i + f"- item at depth {i}:\n" for i in range(150)
    )
    protocol = parse_text(text)
    assert max(depth for _, _, depth in protocol.iter_criteria()) == 19
    assert len(protocol.iter_criteria()) == 150  # nothing lost, the deepest kept at level 20
    assert "W115" in [w.code for w in protocol.warnings]
    Protocol.model_validate_json(dump_protocol(protocol, "json"))
    dump_protocol(protocol, "yaml")


def test_a_hand_written_encoding_nested_too_deeply_is_one_error(tmp_path) -> None:  # row 6
    path = tmp_path / "deep.yaml"
    path.write_text("groups: " + "[" * 50_000 + "]" * 50_000, encoding="utf-8")
    with pytest.raises(EncodingFileError, match="nested too deeply"):
        load_protocol(path)


def test_a_list_of_1200_items_keeps_every_item() -> None:  # row 8
    text = "Inclusion Criteria:\n" + "".join(f"{n}. item number {n}\n" for n in range(1, 1201))
    (inc,) = parse_text(text).groups
    assert [c.label for c in inc.criteria] == [str(n) for n in range(1, 1201)]


def test_a_number_of_400_digits_is_no_limit_and_is_warned() -> None:  # row 9
    protocol = parse_text("Inclusion Criteria:\n1. Platelets >= " + "9" * 400 + " /mm3")
    assert protocol.groups[0].criteria[0].quantities == []
    assert [w.code for w in protocol.warnings] == ["W116"]
    json.loads(dump_protocol(protocol, "json"), parse_constant=lambda c: pytest.fail(c))


def test_every_number_in_the_output_is_finite() -> None:  # row 9
    protocol = parse_text("Inclusion Criteria:\n1. neutrophils 10^999/L and ANC 1e400/mm3")
    for _, criterion, _ in protocol.iter_criteria():
        for q in criterion.quantities:
            assert all(math.isfinite(v) for v in (q.value, q.low, q.high) if v is not None)


@pytest.mark.parametrize("newline", ["\r", "\n\r"])
def test_old_mac_line_endings_are_read_as_lines(newline: str) -> None:  # row 11
    text = newline.join(
        ["Inclusion Criteria:", "1. Age 18", "2. Adult", "Exclusion Criteria:", "1. Pregnant"]
    )
    protocol = parse_text(text)
    assert [(g.kind, [c.text for c in g.criteria]) for g in protocol.groups] == [
        ("inclusion", ["Age 18", "Adult"]),
        ("exclusion", ["Pregnant"]),
    ]


def test_age_alternatives_do_not_make_a_minimum_above_the_maximum() -> None:  # row 14
    protocol = parse_text("Inclusion Criteria:\n1. Age less than 10 years or greater than 55 years")
    assert (protocol.demographics.min_age, protocol.demographics.max_age) == (None, None)
    assert [w.code for w in protocol.warnings] == ["W117"]
    first, second = protocol.groups[0].criteria[0].quantities
    assert (first.text, second.text) == ("Age less than 10 years", "greater than 55 years")


def test_a_window_printed_high_to_low_is_in_order() -> None:  # row 15
    (w,) = (
        parse_text("Inclusion Criteria:\n1. surgery within 14-7 days")
        .groups[0]
        .criteria[0]
        .time_windows
    )
    assert (w.low, w.high) == (7.0, 14.0)
