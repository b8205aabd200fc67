"""The encoding contract: strict on hand-written files, round-trips, exports a JSON Schema."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from models import Criterion, Demographics, Protocol, Quantity, TimeWindow
from models.io import EncodingFileError, load_protocol
from nlp.export import dump_protocol


def test_a_typo_in_a_hand_written_field_is_an_error_not_ignored():
    with pytest.raises(ValidationError, match="comparater"):
        Quantity.model_validate({"measure": "QTc", "comparater": ">", "value": 480, "unit": "ms"})


def test_a_range_needs_both_ends():
    with pytest.raises(ValidationError, match="low and high"):
        Quantity(measure="age", comparator="range", low=18)


def test_a_bounded_quantity_needs_a_value():
    with pytest.raises(ValidationError, match="needs a value"):
        Quantity(measure="platelet count", comparator="<")


def test_an_unknown_comparator_is_rejected():
    with pytest.raises(ValidationError):
        Quantity(measure="QTc", comparator="≈", value=480)


@pytest.mark.parametrize(("typed", "read"), [("≥", ">="), ("=>", ">="), ("≤", "<="), ("=<", "<=")])
def test_comparators_typed_by_hand_read_as_the_canonical_ones(typed: str, read: str):
    assert Quantity(measure="QTc", comparator=typed, value=480).comparator == read


def test_logic_or_and_read_as_any_all():
    assert Criterion(id="c", text="A or B", logic="or").logic == "any"
    assert Criterion(id="c", text="A and B", logic="AND").logic == "all"


@pytest.mark.parametrize(
    ("typed", "value", "unit"),
    [
        ("40 years", 40, "a"),
        ("18", 18, "a"),
        (18, 18, "a"),
        ("6 months", 6, "mo"),
        ("2 wk", 2, "wk"),
    ],
)
def test_ages_typed_by_hand(typed: object, value: float, unit: str):
    age = Demographics.model_validate({"min_age": typed}).min_age
    assert age is not None and (age.value, age.unit) == (value, unit)


def test_an_age_in_words_is_refused_with_the_way_to_write_it():
    with pytest.raises(
        ValidationError, match=r"'forty years' is not an age: write e\.g\. '18 years'"
    ):
        Demographics.model_validate({"min_age": "forty years"})


def _sample() -> Protocol:
    qtc = Quantity(measure="QTc", comparator=">", value=480, unit="ms", span=(10, 20))
    window = TimeWindow(
        comparator="<=", value=12, unit="wk", relation="before", anchor="first_dose"
    )
    criterion = Criterion(id="exc.8.5", label="5", text="QTc > 480 msec", quantities=[qtc])
    child = Criterion(id="exc.8.2", label="2", text="MI within 12 weeks", time_windows=[window])
    return Protocol.model_validate(
        {
            "trial_id": "NCT06557265",
            "groups": [{"id": "exc", "kind": "exclusion", "criteria": [criterion, child]}],
        }
    )


@pytest.mark.parametrize("fmt,suffix", [("yaml", ".yaml"), ("json", ".json")])
def test_a_rule_file_round_trips_through_yaml_and_json(tmp_path, fmt, suffix):
    path = tmp_path / f"rules{suffix}"
    path.write_text(dump_protocol(_sample(), fmt), encoding="utf-8")
    assert load_protocol(path) == _sample()


def test_a_yaml_syntax_error_names_the_file_and_line(tmp_path):
    path = tmp_path / "manual.yaml"
    path.write_text("trial_id: NCT1\ngroups:\n  - id: inc\n    kind: [unclosed\n", encoding="utf-8")
    with pytest.raises(EncodingFileError, match=r"manual\.yaml:\d+: invalid YAML"):
        load_protocol(path)


def test_a_schema_violation_names_the_file_and_the_field_path(tmp_path):
    path = tmp_path / "manual.json"
    path.write_text(json.dumps({"groups": [{"id": "inc", "kind": "inclusions"}]}), encoding="utf-8")
    with pytest.raises(EncodingFileError, match=r"manual\.json: .*groups\.0\.kind"):
        load_protocol(path)


def test_a_missing_rule_file_is_named():
    with pytest.raises(EncodingFileError, match=r"nowhere\.yaml: no such file"):
        load_protocol("nowhere.yaml")


def test_iter_criteria_walks_depth_first_with_depth():
    protocol = _sample()
    protocol.groups[0].criteria[0].children.append(Criterion(id="exc.8.5.a", text="child"))
    assert [(c.id, d) for _, c, d in protocol.iter_criteria()] == [
        ("exc.8.5", 0),
        ("exc.8.5.a", 1),
        ("exc.8.2", 0),
    ]


def test_the_json_schema_names_every_comparator():
    schema = json.dumps(Protocol.model_json_schema())
    for comparator in ["<", "<=", ">", ">=", "=", "range"]:
        assert f'"{comparator}"' in schema
