"""End to end: a registry record in, a Protocol out, through the library and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from models import Protocol
from nlp import default_source, parse_file, parse_text
from nlp.cli import main
from nlp.textutil import unescape_markdown

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "gold" / "NCT06557265" / "source.txt"
FIXTURES = ROOT / "tests" / "fixtures" / "ingest"


@pytest.fixture(scope="module")
def seed() -> Protocol:
    return parse_file(SEED)


def test_the_embedded_default_is_the_gold_source_page():
    assert default_source()[1] == SEED.read_text(encoding="utf-8")


def test_every_criterion_span_unescapes_to_its_text(seed):
    text = seed.eligibility_text
    for _, criterion, _ in seed.iter_criteria():
        start, end = criterion.span
        assert unescape_markdown(text[start:end]) == criterion.text, criterion.id


def test_every_quantity_and_window_span_points_at_its_words(seed):
    text = seed.eligibility_text
    for _, criterion, _ in seed.iter_criteria():
        for fact in [*criterion.quantities, *criterion.time_windows]:
            start, end = fact.span
            assert unescape_markdown(text[start:end]) == fact.text, criterion.id


def test_every_mention_part_and_cue_span_points_at_its_words(seed):
    text = seed.eligibility_text
    checked = 0
    for _, criterion, _ in seed.iter_criteria():
        parts = [*criterion.mentions, *criterion.optional, *criterion.exceptions]
        cues = [p.cue for p in parts if p.cue is not None]
        for piece in [*parts, *cues]:
            start, end = piece.span
            assert unescape_markdown(text[start:end]) == piece.text, criterion.id
        checked += len([p for p in criterion.exceptions if p.cue is not None])
    assert checked >= 3  # exclusion 15 "with the exception of", inclusion 5 "other than", ...


def test_seed_identifiers_and_demographics(seed):
    assert (seed.trial_id, seed.org_study_id, seed.source_format) == (
        "NCT06557265",
        "NKX019-102",
        "page",
    )
    demographics = seed.demographics
    assert (demographics.min_age.value, demographics.max_age.value) == (18, 70)
    assert (demographics.sex, demographics.healthy_volunteers) == ("all", False)


def test_a_relative_limit_from_the_seed(seed):
    # exclusion 5: "aspartate aminotransferase, alanine aminotransferase, or bilirubin ≥ 3 times
    # the upper limit of normal": three quantities sharing one limit
    (exc5,) = [c for _, c, _ in seed.iter_criteria() if c.id == "exc.5"]
    assert [(q.comparator, q.value, q.relative_to) for q in exc5.quantities] == [
        (">=", 3, "ULN")
    ] * 3


def test_an_abbreviated_anchor_resolves_to_its_event(seed):
    # exclusion 12: "within 30 days of planned LD"
    (exc12,) = [c for _, c, _ in seed.iter_criteria() if c.id == "exc.12"]
    assert [(w.comparator, w.value, w.unit, w.anchor) for w in exc12.time_windows] == [
        ("<=", 30, "d", "lymphodepletion")
    ]


def test_the_missing_separator_is_flagged(seed):
    assert any(w.code == "W103" and w.criterion_id == "exc.7" for w in seed.warnings)


def test_plain_text_with_legacy_bullets():
    # NCT03860012 (LCT), as the classic registry serves it
    protocol = parse_text(
        "Inclusion Criteria:\n  1. inflammatory bowel disease\n  5. ages 2-21 years\n"
        "Exclusion Criteria:\n  1. abnormal folate levels\n  2. age > 21 or less than 2"
    )
    assert [g.kind for g in protocol.groups] == ["inclusion", "exclusion"]
    assert protocol.demographics.min_age.value == 2
    assert protocol.demographics.max_age.value == 21


def test_a_ctgov_api_v2_study_parses_with_its_structured_fields():
    protocol = parse_file(FIXTURES / "NCT03921515.json")
    assert protocol.trial_id == "NCT03921515"
    assert protocol.source_format == "ctgov_json"
    assert protocol.groups


def test_a_file_with_several_records_points_to_batch():
    with pytest.raises(Exception, match="eligo batch"):
        parse_file(FIXTURES / "list.json")


def test_cli_parse_writes_json_that_validates(tmp_path, capsys):
    out = tmp_path / "rules.json"
    assert main(["parse", str(SEED), "--format", "json", "-o", str(out)]) == 0
    protocol = Protocol.model_validate(json.loads(out.read_text(encoding="utf-8")))
    assert protocol.trial_id == "NCT06557265"


def test_cli_parse_without_a_file_prints_the_reference_trial_as_yaml(capsys):
    assert main(["parse", "--no-text"]) == 0
    data = yaml.safe_load(capsys.readouterr().out)
    assert data["org_study_id"] == "NKX019-102" and "eligibility_text" not in data


def test_cli_missing_file_is_one_line_with_exit_2(capsys):
    assert main(["parse", "no/such/record.json"]) == 2
    err = capsys.readouterr().err.strip()
    assert "no/such/record.json" in err and "\n" not in err and "Traceback" not in err


def test_cli_malformed_json_names_file_and_line(tmp_path, capsys):
    bad = tmp_path / "study.json"
    bad.write_text('{"protocolSection": {\n  "eligibilityModule": [\n}', encoding="utf-8")
    assert main(["parse", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "study.json" in err and "line" in err.lower()


def test_cli_schema_is_a_json_schema_of_the_protocol(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "Eligo eligibility encoding" and "groups" in schema["properties"]


@pytest.mark.parametrize("command", ["parse", "schema", "audit", "check", "eval", "batch"])
def test_every_command_has_help_with_examples(command):
    result = subprocess.run(
        [sys.executable, "-m", "nlp", command, "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert "example" in result.stdout.lower()


def test_building_a_parser_leaves_the_callers_garbage_collector_alone():
    import gc

    from nlp.parser import Parser

    before = gc.get_freeze_count()
    Parser()
    assert gc.get_freeze_count() == before and gc.isenabled()


def test_a_parsed_record_leaves_its_docs_and_analyses_to_reference_counting():
    """No cycle keeps a doc or an item's analysis alive until the cyclic collector runs."""
    import gc

    from nlp.ingest import record_from_text
    from nlp.parser import Parser

    parser = Parser()
    text = (ROOT / "gold" / "NCT06557265" / "source.txt").read_text(encoding="utf-8")
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        parser.parse_record(record_from_text(text, "NCT06557265"))
        gc.collect()
        kinds = {f"{type(o).__module__}.{type(o).__qualname__}" for o in gc.garbage}
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert {k for k in kinds if k.startswith(("spacy.tokens.", "nlp."))} == set()


def test_parsing_a_rule_file_is_refused_with_a_pointer_to_audit(capsys):
    gold = ROOT / "gold" / "NCT06557265" / "encoding.yaml"
    assert main(["parse", str(gold)]) == 2
    assert "eligo audit" in capsys.readouterr().err


def test_cli_parse_prints_a_doubtful_split_on_stderr(tmp_path, capsys):
    text = tmp_path / "no_headings.txt"  # NCT00132080 (shared records) prints no heading at all
    text.write_text(
        "* Fever persisting at least 4 days\n\nOR\n\n* Coronary artery disease\n", encoding="utf-8"
    )
    assert main(["parse", str(text), "-o", str(tmp_path / "out.yaml")]) == 0
    err = capsys.readouterr().err
    assert "W105 no inclusion/exclusion heading: all items taken as inclusion" in err


def test_cli_parse_is_quiet_about_a_clean_split(tmp_path, capsys):
    assert main(["parse", "--no-text", "-o", str(tmp_path / "seed.yaml")]) == 0
    assert "warning:" not in capsys.readouterr().err
