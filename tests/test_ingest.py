"""Record readers: each supported input, and a one-line InputError for each way a file fails.

Fixtures in tests/fixtures/ingest/ carry real criteria text from the LCT corpus (the NCT id is
named in each file); the scraped page is the seed, gold/NCT06557265/source.txt.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.errors import InputError
from nlp.ingest import Record, detect_format, read_records, record_from_text, records_from_string

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "gold" / "NCT06557265" / "source.txt"
FIX = ROOT / "tests" / "fixtures" / "ingest"
CHIA = Path(__file__).parent / "fixtures" / "texts" / "chia"  # quoted documents, copied whole


def read_exact(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


# --- scraped page (the seed) ------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> Record:
    records = list(read_records(SEED))
    assert len(records) == 1
    return records[0]


def test_page_eligibility_text_is_the_exact_source_slice(seed: Record) -> None:
    src = read_exact(SEED)
    assert seed.eligibility_text == src[1938:8127]
    assert seed.eligibility_offset == 1938


def test_page_eligibility_starts_at_first_criteria_heading_and_stops_before_age_lines(
    seed: Record,
) -> None:
    assert seed.eligibility_text.startswith("Inclusion Criteria\n2. Progression")
    assert seed.eligibility_text.endswith("(APS); or high-risk profile")


def test_page_identifiers_and_title(seed: Record) -> None:
    assert seed.source_format == "page"
    assert seed.trial_id == "NCT06557265"
    assert seed.org_study_id == "NKX019-102"
    assert seed.title is not None and seed.title.startswith("A Phase 1/2 Study of NKX019")
    assert seed.source == str(SEED)


def test_page_demographics_as_written(seed: Record) -> None:
    assert (seed.min_age, seed.max_age, seed.sex, seed.healthy_volunteers) == (
        "18 Years",
        "70 Years",
        "ALL",
        "No",
    )


def test_page_without_eligibility_heading_is_an_input_error(tmp_path: Path) -> None:
    src = read_exact(SEED).replace("Inclusion Criteria\n", "").replace("Exclusion Criteria\n", "")
    path = tmp_path / "page.txt"
    path.write_text(src, encoding="utf-8")
    with pytest.raises(InputError, match=r"page\.txt: line \d+: no Inclusion/Exclusion"):
        list(read_records(path, input_format="page"))


# --- format detection -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (SEED, "page"),
        (FIX / "NCT03921515.json", "ctgov_json"),
        (FIX / "list.json", "ctgov_json"),
        (FIX / "bulk.json", "ctgov_json"),
        (FIX / "NCT03860012.xml", "ctgov_xml"),
        (FIX / "NCT03863392.txt", "text"),
    ],
)
def test_detect_format(path: Path, expected: str) -> None:
    assert detect_format(read_exact(path)) == expected


def test_input_format_forces_the_reader() -> None:
    (record,) = read_records(SEED, input_format="text")
    assert record.source_format == "text"
    assert record.eligibility_text == read_exact(SEED)


# --- API v2 JSON ------------------------------------------------------------------------------


def test_api_v2_single_study() -> None:
    (r,) = read_records(FIX / "NCT03921515.json")
    assert r.source == str(FIX / "NCT03921515.json")
    assert r.source_format == "ctgov_json"
    assert r.trial_id == "NCT03921515"
    assert r.org_study_id == "ILLUSTRATIVE-ORG-ID"
    assert r.title == "Illustrative title for NCT03921515"
    assert (r.min_age, r.max_age, r.sex, r.healthy_volunteers) == (
        "7 Years",
        "65 Years",
        "ALL",
        "true",
    )
    assert r.eligibility_offset is None


def test_api_v2_text_keeps_markdown_escapes_and_blank_lines() -> None:
    (r,) = read_records(FIX / "NCT03921515.json")
    assert "drugs \\[NSAIDs\\])" in r.eligibility_text
    assert (
        "Inclusion Criteria:\n\n1. Meets one of the following:\n\n   1. has" in r.eligibility_text
    )


def test_api_v2_list_names_each_record_by_position() -> None:
    records = list(read_records(FIX / "list.json"))
    assert [r.trial_id for r in records] == ["NCT03861442", "NCT03864874"]
    assert [r.source for r in records] == [f"{FIX / 'list.json'}#{n}" for n in (1, 2)]
    assert records[0].healthy_volunteers == "false"


def test_bulk_file_yields_good_records_then_raises_at_the_study_without_text() -> None:
    seen: list[Record] = []
    with pytest.raises(InputError, match=r"bulk\.json#2 \(NCT03862482\): .*no eligibilityCriteria"):
        for record in read_records(FIX / "bulk.json"):
            seen.append(record)
    assert [r.trial_id for r in seen] == ["NCT03929926"]


def test_bulk_file_with_on_error_reports_the_bad_study_and_keeps_going() -> None:
    errors: list[InputError] = []
    records = list(read_records(FIX / "bulk.json", on_error=errors.append))
    assert [r.trial_id for r in records] == ["NCT03929926", "NCT03862287"]
    assert [r.source.rsplit("#", 1)[1] for r in records] == ["1", "3"]
    assert len(errors) == 1 and "#2" in str(errors[0])


def test_json_lines_one_study_per_line() -> None:
    content = '{"protocolSection": {"eligibilityModule": {"eligibilityCriteria": "A"}}}\n' * 2
    records = records_from_string(content, "studies.jsonl")
    assert [r.source for r in records] == ["studies.jsonl#1", "studies.jsonl#2"]


def test_single_study_without_eligibility_text_is_an_input_error() -> None:
    content = '{"protocolSection": {"identificationModule": {"nctId": "NCT03862482"}}}'
    with pytest.raises(InputError, match=r"one\.json \(NCT03862482\): study has no"):
        records_from_string(content, "one.json")


def test_malformed_json_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "protocolSection": {\n    "x": ,\n  }\n}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.json: line 3: malformed JSON"):
        list(read_records(path))


# --- legacy XML -------------------------------------------------------------------------------


def test_legacy_xml_record() -> None:
    (r,) = read_records(FIX / "NCT03860012.xml")
    assert r.source_format == "ctgov_xml"
    assert (r.trial_id, r.org_study_id) == ("NCT03860012", "ILLUSTRATIVE-0012")
    assert r.title == "Illustrative title for NCT03860012"
    assert (r.min_age, r.max_age, r.sex, r.healthy_volunteers) == (
        "2 Years",
        "21 Years",
        "All",
        "No",
    )


def test_legacy_xml_textblock_is_kept_as_is_with_entities_decoded() -> None:
    (r,) = read_records(FIX / "NCT03860012.xml")
    assert r.eligibility_text.startswith("\n        Inclusion Criteria:\n          1. inflam")
    assert "2. age > 21 or less than 2" in r.eligibility_text


def test_malformed_xml_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.xml"
    path.write_text("<clinical_study>\n  <eligibility>\n</clinical_study>\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.xml: line 3: malformed XML"):
        list(read_records(path))


def test_xml_without_criteria_is_an_input_error() -> None:
    content = "<clinical_study><id_info><nct_id>NCT03860012</nct_id></id_info></clinical_study>"
    with pytest.raises(InputError, match=r"x\.xml \(NCT03860012\): .*textblock"):
        records_from_string(content, "x.xml")


# --- plain text -------------------------------------------------------------------------------


def test_plain_text_file_is_the_eligibility_text() -> None:
    (r,) = read_records(FIX / "NCT03863392.txt")
    assert r.source_format == "text"
    assert r.eligibility_text == read_exact(FIX / "NCT03863392.txt")
    assert r.eligibility_offset == 0


def test_record_from_text() -> None:
    r = record_from_text("Inclusion Criteria:\n  -  Age > 18 years.", source="NCT03864874")
    assert (r.source, r.source_format, r.trial_id) == ("NCT03864874", "text", None)


def test_crlf_line_endings_are_kept() -> None:
    path = CHIA / "NCT00182520_exc.txt"
    (r,) = read_records(path)
    assert "\r\n" in r.eligibility_text
    assert r.eligibility_text == path.read_bytes().decode("utf-8")


# --- file errors ------------------------------------------------------------------------------


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.json: no such file"):
        list(read_records(tmp_path / "nope.json"))


def test_undecodable_bytes_report_line_and_byte_offset(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(
        "Inclusion Criteria:\n  -  Age ≥ 18\n".encode().replace(b"\xe2\x89\xa5", b"\xb3")
    )
    with pytest.raises(InputError, match=r"latin1\.txt: line 2: not UTF-8 .*byte offset 29"):
        list(read_records(path))


def test_empty_text_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        list(read_records(path))


def test_error_messages_are_one_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("[\n{", encoding="utf-8")
    with pytest.raises(InputError) as info:
        list(read_records(path))
    assert "\n" not in str(info.value)
