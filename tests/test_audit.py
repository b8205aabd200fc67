"""``eligo audit``: alignment, the six families, semantic equality, the report and the CLI.

The fixtures under tests/fixtures/audit/ encode a few criteria of NCT06557265 (NKX019-102) by
hand: ``expected.yaml``, and ``manual_with_mistakes.yaml``, the same typed again with other
ids and four known mistakes.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from models.audit import AuditReport
from models.encoding import Protocol
from nlp.audit import audit, load_encoding, load_side, render_text
from nlp.audit.compare import same_name
from nlp.cli import main
from nlp.errors import EligoError

FIXTURES = Path(__file__).parent / "fixtures" / "audit"
EXPECTED = FIXTURES / "expected.yaml"
MISTAKES = FIXTURES / "manual_with_mistakes.yaml"
ROLES = ["--reference", str(EXPECTED), "--candidate", str(MISTAKES)]


def facts(report: AuditReport) -> Counter[tuple[str, str | None, str, str]]:
    return Counter((d.family, d.criterion_id, d.field, d.kind) for d in report.disagreements)


def one_criterion(
    text: str = "Hemoglobin < 9 g/dL",
    cid: str = "exc.1",
    group: str = "exclusion",
    **fields: Any,
) -> Protocol:
    """A protocol with one criterion: the unit of most semantic-equality tests."""
    return Protocol.model_validate(
        {
            "groups": [
                {
                    "id": group[:3],
                    "kind": group,
                    "criteria": [{"id": cid, "label": "1", "text": text, **fields}],
                }
            ]
        }
    )


# the hand-made fixture ------------------------------------------------------------------------


def test_fixture_mistakes_are_reported_exactly() -> None:
    report = audit(load_side(EXPECTED), load_side(MISTAKES))
    assert facts(report) == Counter(
        {
            ("quantities", "exc.8.5", "comparator", "differs"): 1,
            ("time_windows", "exc.8.2", "time_window", "not_stated"): 1,
            ("time_windows", "exc.17", "anchor", "differs"): 2,
            ("structure", "exc.7", "group", "differs"): 1,
        }
    )
    by_field = {(d.criterion_id, d.field): d for d in report.disagreements}
    qtc = by_field[("exc.8.5", "comparator")]
    assert (qtc.expected, qtc.actual, qtc.actual_id) == (">", ">=", "E-8-5")
    assert qtc.span is not None and qtc.text and "QTc" in qtc.text
    wrong_group = by_field[("exc.7", "group")]
    assert (wrong_group.expected, wrong_group.actual) == ("exclusion (exc)", "inclusion (I)")
    anchors = sorted((d.expected, d.actual) for d in report.disagreements if d.field == "anchor")
    assert anchors == [("first_dose", "screening"), ("screening", "first_dose")]
    # the ids differ on every criterion: alignment fell back to the text
    assert {p.method for p in report.alignment} == {"text"}
    assert len(report.alignment) == 9


def test_fixture_mistakes_scores() -> None:
    report = audit(load_side(EXPECTED), load_side(MISTAKES))
    s = report.family("structure")
    assert (s.tp, s.fp, s.fn) == (11, 1, 1)  # 9 criteria + 3 groups, one criterion misplaced
    q = report.family("quantities")
    assert (q.tp, q.fp, q.fn) == (8, 1, 1)
    t = report.family("time_windows")
    assert (t.tp, t.fp, t.fn) == (3, 2, 2)  # two pairs with swapped anchors; one not stated
    assert t.f1 == pytest.approx(2 * 3 / (2 * 3 + 2 + 2))


def test_strict_counts_what_the_candidate_leaves_out() -> None:
    report = audit(load_side(EXPECTED), load_side(MISTAKES), strict=True)
    t = report.family("time_windows")
    assert (t.tp, t.fp, t.fn) == (3, 2, 3)  # the window left out of exc.8.2 is now an FN
    assert [d.kind for d in report.disagreements if d.criterion_id == "exc.8.2"] == ["not_stated"]
    for name in ("assertions", "logic", "demographics"):
        assert report.family(name).f1 == 1.0


def test_encoding_against_itself_agrees_everywhere() -> None:
    protocol = load_side(EXPECTED)
    report = audit(protocol, protocol)
    assert report.disagreements == []
    assert all(f.f1 == 1.0 for f in report.families if f.tp + f.fp + f.fn)
    assert {p.method for p in report.alignment} == {"id"}


def test_render_text_groups_disagreements_by_criterion() -> None:
    report = audit(
        load_side(EXPECTED),
        load_side(MISTAKES),
        reference_source="expected.yaml",
        candidate_source="manual.yaml",
    )
    text = render_text(report)
    assert text.startswith(
        "Audit of candidate manual.yaml against reference expected.yaml (NCT06557265)"
    )
    assert "exc.8.5 (candidate: E-8-5)" in text
    assert "comparator: reference '>', candidate '>='" in text
    assert "group: reference 'exclusion (exc)', candidate 'inclusion (I)'" in text
    errors, silences = text.split("Not stated in the candidate (1), not counted")
    assert "time_window not stated; the reference has 'within 12 weeks" in silences
    assert "exc.8.2" not in errors
    # text order: exc.7 comes before exc.8.5 and exc.17
    order = [errors.index(k) for k in ("exc.7 ", "exc.8.5 ", "exc.17 ")]
    assert order == sorted(order)


# semantic equality --------------------------------------------------------------------------


def q(comparator: str = "<", value: float | None = None, unit: str | None = None, **kw: Any):
    return {"comparator": comparator, "value": value, "unit": unit, **kw}


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        (q(">=", 1.5, "g/g", measure="UPCR"), q(">=", 1.50, "g/g", measure="UPCR")),
        (q("<=", 40, "mg/d", measure="prednisone"), q("<=", 40, "mg/day", measure="prednisone")),
        (q("<", 9, "g/dL", measure="hemoglobin"), q("<", 90, "g/L", measure="Hemoglobin")),
        (q("<", 3000, "/mm3", measure="WBC"), q("<", 3, "10*9/L", measure="WBC")),
        (
            q(">", 480, "ms", measure="QTc"),
            q(">", 480, "ms", measure="QT interval corrected for heart rate (QTc)"),
        ),
        (
            q(">=", 3, None, relative_to="ULN"),
            q(">=", 3, None, relative_to="upper limit of normal"),
        ),
        (
            q("range", None, "%", low=7.0, high=10.5, measure="HbA1c"),
            q("range", None, "%", low=7, high=10.50, measure="hba1c"),
        ),
    ],
    ids=["1.5=1.50", "mg/d=mg/day", "9g/dL=90g/L", "/mm3=10*9/L", "QTc", "ULN", "range"],
)
def test_quantities_equal_semantically(expected: dict, actual: dict) -> None:
    report = audit(one_criterion(quantities=[expected]), one_criterion(quantities=[actual]))
    assert report.disagreements == []
    assert report.family("quantities").tp == 1


@pytest.mark.parametrize(
    ("expected", "actual", "diff"),
    [
        (q("<", 9, "g/dL"), q("<", 9, "g/L"), ("unit", "g/dL", "g/L")),
        (q("<", 9, "g/dL"), q("<", 8, "g/dL"), ("value", "9 g/dL", "8 g/dL")),
        (q("<", 9, "g/dL"), q("<", 80, "g/L"), ("value", "9 g/dL", "80 g/L")),
        (q("<", 9, "g/dL"), q("<", 9, "%"), ("unit", "g/dL", "%")),
        (q("<", 9, "g/dL"), q("<", 9, None), ("unit", "g/dL", None)),
        (
            q("<", 9, "g/dL", measure="hemoglobin"),
            q("<", 9, "g/dL", measure="platelets"),
            ("measure", "hemoglobin", "platelets"),
        ),
        (
            q("<", 9, "g/dL", kind="value"),
            q("<", 9, "g/dL", kind="score"),
            ("kind", "value", "score"),
        ),
        (
            q(">=", 4, None, kind="score", scale_max=24),
            q(">=", 4, None, kind="score", scale_max=12),
            ("scale_max", 24.0, 12.0),
        ),
    ],
    ids=[
        "9g/dL!=9g/L",
        "8g/dL",
        "80g/L",
        "unit",
        "unit-none",
        "measure",
        "kind",
        "scale_max",
    ],
)
def test_quantities_differ(expected: dict, actual: dict, diff: tuple) -> None:
    report = audit(one_criterion(quantities=[expected]), one_criterion(quantities=[actual]))
    assert [(d.field, d.expected, d.actual, d.kind) for d in report.disagreements] == [
        (*diff, "differs")
    ]
    f = report.family("quantities")
    assert (f.tp, f.fp, f.fn) == (0, 1, 1)


def tw(value: float | None, unit: str | None, anchor: str | None = "first_dose", **kw: Any):
    return {
        "comparator": "<=",
        "value": value,
        "unit": unit,
        "relation": "before",
        "anchor": anchor,
        **kw,
    }


@pytest.mark.parametrize(
    ("expected", "actual", "equal"),
    [
        (tw(6, "mo"), tw(26, "wk"), True),
        (tw(1, "a"), tw(12, "mo"), True),
        (tw(28, "d"), tw(4, "wk"), True),
        (tw(90, "d"), tw(3, "mo"), True),  # 91.3 d: within the 2 % tolerance
        (tw(12, "wk"), tw(12, "wk", anchor="First dose"), True),
        (
            tw(5, "{half-lives}", whichever="shorter"),
            tw(5, "{half-lives}", whichever="shorter"),
            True,
        ),
        (tw(6, "mo"), tw(6, "wk"), False),
        (tw(12, "wk"), tw(12, "wk", anchor="screening"), False),
        (tw(12, "wk"), tw(12, "wk", relation="after"), False),
        (tw(14, "d", whichever="shorter"), tw(14, "d"), False),
    ],
)
def test_time_windows_semantic(expected: dict, actual: dict, equal: bool) -> None:
    report = audit(one_criterion(time_windows=[expected]), one_criterion(time_windows=[actual]))
    assert (report.disagreements == []) is equal


def test_time_window_pairs_follow_values_not_order() -> None:
    exp = [tw(90, "d"), tw(1, "a", anchor="screening")]
    act = [tw(1, "a", anchor="screening"), tw(12, "wk")]  # 84 d: not within 2 %
    report = audit(one_criterion(time_windows=exp), one_criterion(time_windows=act))
    assert [(d.field, d.expected, d.actual) for d in report.disagreements] == [
        ("value", "90 d", "12 wk")
    ]


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("QTc", "QT interval corrected for heart rate (QTc)", True),
        ("hemoglobin", "Hemoglobin levels", True),
        ("ULN", "upper limit of normal", True),
        ("anti-dsDNA", "dsDNA", True),
        ("platelet count", "absolute neutrophil count", False),
        ("ALT", "AST", False),
        (None, None, True),
        ("QTc", None, False),
    ],
)
def test_measure_names_compare_leniently(a: str | None, b: str | None, same: bool) -> None:
    assert same_name(a, b) is same


def test_missing_quantity_and_extra_quantity() -> None:
    exp = one_criterion(quantities=[q("<", 9, "g/dL", measure="hemoglobin")])
    act = one_criterion(quantities=[q("<", 100, "10*9/L", measure="platelet count")])
    report = audit(exp, act)
    assert facts(report) == Counter(
        {
            ("quantities", "exc.1", "quantity", "missing"): 1,
            ("quantities", "exc.1", "quantity", "extra"): 1,
        }
    )


# assertions, logic, demographics --------------------------------------------------------------


def test_assertion_family_ignores_plain_present_mentions() -> None:
    hiv = {"text": "HIV", "category": "condition", "span": [11, 14]}
    exp = one_criterion(
        "History of HIV", assertion="historical", mentions=[{**hiv, "assertion": "historical"}]
    )
    act = one_criterion(
        "History of HIV",
        assertion="historical",
        mentions=[{**hiv, "assertion": "historical"}, {"text": "History", "category": "other"}],
    )
    report = audit(exp, act)
    assert report.disagreements == []
    assert report.family("assertions").tp == 2  # the criterion and the HIV mention


def test_assertion_and_result_differences() -> None:
    test = {"text": "SARS-CoV-2 test", "category": "test"}
    exp = one_criterion("Negative SARS-CoV-2 test", mentions=[{**test, "result": "negative"}])
    act = one_criterion(
        "Negative SARS-CoV-2 test", assertion="negated", mentions=[{**test, "assertion": "negated"}]
    )
    report = audit(exp, act)
    assert {(d.field, d.expected, d.actual) for d in report.disagreements} == {
        ("assertion", "present", "negated"),
        ("mention.assertion", "present", "negated"),
        ("mention.result", "negative", None),
    }


def test_logic_none_against_value_is_a_disagreement() -> None:
    text = "Basal cell carcinoma, with the exception of treated lesions"
    exp = one_criterion(text, exceptions=[{"text": "treated lesions"}])
    act = one_criterion(
        text, logic="any", exceptions=[{"text": "the exception of treated lesions"}]
    )
    report = audit(exp, act)
    assert facts(report) == Counter({("logic", "exc.1", "logic", "extra"): 1})
    assert report.family("logic").tp == 1  # the exception, matched by containment


def test_demographics() -> None:
    exp = Protocol.model_validate(
        {"demographics": {"min_age": {"value": 18}, "max_age": {"value": 70}, "sex": "all"}}
    )
    act = Protocol.model_validate(
        {
            "demographics": {
                "min_age": {"value": 216, "unit": "mo"},
                "max_age": {"value": 75},
                "healthy_volunteers": False,
            }
        }
    )
    report = audit(exp, act)
    assert {(d.field, d.kind, d.expected, d.actual) for d in report.disagreements} == {
        ("max_age", "differs", "70 a", "75 a"),
        ("sex", "not_stated", "all", None),
        ("healthy_volunteers", "extra", None, False),
    }
    d = report.family("demographics")
    assert (d.tp, d.fp, d.fn) == (1, 2, 1)


# alignment and structure ------------------------------------------------------------------------


def _without_ids_and_spans(protocol: Protocol) -> Protocol:
    data = protocol.model_dump(mode="json", exclude={"eligibility_text"})

    def strip(items: list[dict], prefix: str) -> None:
        for n, item in enumerate(items):
            item["id"] = f"{prefix}{n}"
            item["span"] = None
            for sub in ("quantities", "time_windows", "mentions", "exceptions"):
                for part in item[sub]:
                    part["span"] = None
            strip(item["children"], f"{prefix}{n}_")

    for g, group in enumerate(data["groups"]):
        group["id"] = f"g{g}"
        strip(group["criteria"], f"c{g}_")
    return Protocol.model_validate(data)


def test_alignment_by_text_when_ids_and_spans_differ() -> None:
    expected = load_side(EXPECTED)
    report = audit(expected, _without_ids_and_spans(expected))
    assert report.disagreements == []
    assert {p.method for p in report.alignment} == {"text"}


def test_alignment_by_text_ignores_escapes_case_and_spacing() -> None:
    exp = one_criterion("White blood cell count < 3,000/mm^3", cid="exc.7")
    act = one_criterion("white blood cell count \\< 3,000/mm\\^3.", cid="E7")
    report = audit(exp, act)
    assert report.disagreements == []
    assert [(p.expected_id, p.actual_id, p.method) for p in report.alignment] == [
        ("exc.7", "E7", "text")
    ]


def test_alignment_by_span_reports_a_text_boundary_difference() -> None:
    exp = one_criterion("Prior cellular therapy", span=[100, 122])
    act = one_criterion("Prior cellular therapy or gene therapy", cid="X", span=[100, 138])
    report = audit(exp, act)
    assert [p.method for p in report.alignment] == ["span"]
    assert facts(report) == Counter({("structure", "exc.1", "text", "differs"): 1})


def test_same_id_with_unrelated_text_is_not_trusted_first() -> None:
    exp = Protocol.model_validate(
        {
            "groups": [
                {
                    "id": "exc",
                    "kind": "exclusion",
                    "criteria": [
                        {"id": "exc.1", "text": "Active bleeding disorders"},
                        {"id": "exc.2", "text": "Prior cellular therapy"},
                    ],
                }
            ]
        }
    )
    act = Protocol.model_validate(
        {
            "groups": [
                {
                    "id": "exc",
                    "kind": "exclusion",
                    "criteria": [
                        {"id": "exc.1", "text": "Prior cellular therapy"},
                        {"id": "exc.2", "text": "Active bleeding disorders"},
                    ],
                }
            ]
        }
    )
    report = audit(exp, act)
    assert {(p.expected_id, p.actual_id) for p in report.alignment} == {
        ("exc.1", "exc.2"),
        ("exc.2", "exc.1"),
    }
    assert report.disagreements == []


def test_unaligned_criteria_count_in_every_family() -> None:
    exp = one_criterion("Hemoglobin < 9 g/dL", quantities=[q("<", 9, "g/dL")])
    act = Protocol()
    report = audit(exp, act)
    assert facts(report) == Counter(
        {
            ("structure", "exc.1", "criterion", "missing"): 1,
            ("structure", "exc", "group", "missing"): 1,
            ("quantities", "exc.1", "quantity", "missing"): 1,
            ("assertions", "exc.1", "assertion", "missing"): 1,
        }
    )


def test_wrong_parent_and_depth() -> None:
    exp = one_criterion(
        "Major cardiac disease:",
        cid="exc.8",
        children=[{"id": "exc.8.1", "label": "1", "text": "Unstable angina"}],
    )
    act = Protocol.model_validate(
        {
            "groups": [
                {
                    "id": "exc",
                    "kind": "exclusion",
                    "criteria": [
                        {"id": "exc.8", "label": "1", "text": "Major cardiac disease:"},
                        {"id": "exc.9", "label": "1", "text": "Unstable angina"},
                    ],
                }
            ]
        }
    )
    report = audit(exp, act)
    assert facts(report) == Counter(
        {
            ("structure", "exc.8.1", "parent", "differs"): 1,
            ("structure", "exc.8.1", "depth", "differs"): 1,
        }
    )
    s = report.family("structure")
    assert (s.tp, s.fp, s.fn) == (2, 1, 1)  # exc.8 and the group agree


# loading ------------------------------------------------------------------------------------------


def test_load_side_reads_json_encodings(tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    path.write_text(load_side(EXPECTED).model_dump_json(), encoding="utf-8")
    assert audit(load_side(EXPECTED), load_side(path)).disagreements == []


def test_load_side_parses_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import nlp

    seen: list[Path] = []

    def fake_parse_file(path: Path, input_format: str | None = None) -> Protocol:
        seen.append(Path(path))
        return Protocol(trial_id="NCT00000000")

    monkeypatch.setattr(nlp, "parse_file", fake_parse_file, raising=False)
    record = tmp_path / "record.json"
    record.write_text(json.dumps({"protocolSection": {}}), encoding="utf-8")
    text = tmp_path / "record.txt"
    text.write_text("Inclusion Criteria\n1. Adults\n", encoding="utf-8")
    assert load_side(record).trial_id == "NCT00000000"
    assert load_side(text).trial_id == "NCT00000000"
    assert seen == [record, text]


def test_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(EligoError, match=r"nope\.yaml: no such file"):
        load_side(tmp_path / "nope.yaml")


def test_unknown_field_names_the_file_and_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "manual.yaml"
    bad.write_text(
        "groups:\n  - id: exc\n    kind: exclusion\n    criteria:\n"
        "      - id: E1\n        text: Prior cellular therapy\n        asertion: negated\n",
        encoding="utf-8",
    )
    with pytest.raises(EligoError) as err:
        load_side(bad)
    message = str(err.value)
    assert str(bad) in message and "groups.0.criteria.0.asertion" in message
    assert "\n" not in message
    with pytest.raises(EligoError, match="asertion"):
        load_encoding(bad)


# the command ----------------------------------------------------------------------------------


def test_cli_min_f1_sets_the_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", *ROLES, "--min-f1", "0.5"]) == 0
    assert main(["audit", *ROLES, "--min-f1", "0.9"]) == 1
    err = capsys.readouterr().err
    assert "time_windows 0.600" in err
    assert main(["audit", "-r", str(EXPECTED), "-c", str(EXPECTED), "--min-f1", "1"]) == 0


def test_cli_json_output_parses(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", *ROLES, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    report = AuditReport.model_validate(data)
    assert report.family("quantities").fn == 1
    assert {d["family"] for d in data["disagreements"] if d["kind"] != "not_stated"} == {
        "quantities",
        "time_windows",
        "structure",
    }


def test_cli_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nope = str(tmp_path / "nope.yaml")
    assert main(["audit", "--reference", nope, "--candidate", str(MISTAKES)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"eligo audit: error E101: {tmp_path / 'nope.yaml'}: no such file"


def test_cli_help_has_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["audit", "--help"])
    out = capsys.readouterr().out
    assert "examples:" in out
    assert "eligo audit --reference record.json --candidate manual.yaml" in out


def test_kind_words_do_not_separate_names_of_one_scale():
    from nlp.audit.compare import same_name

    assert same_name("NYHA class", "New York Heart Association")
    assert not same_name("NYHA class", "ECOG")


# by meaning: synonyms and spelled-out scale points ------------------------------------------


def test_an_abbreviation_names_the_same_measure() -> None:
    exp = one_criterion(quantities=[q("<", 30, "mL/min", measure="creatinine clearance")])
    act = one_criterion(quantities=[q("<", 30, "mL/min", measure="CrCl")])
    assert audit(exp, act).disagreements == []


def test_a_coded_scale_and_its_uncoded_names_are_one_measure() -> None:
    # "ECOG" has a LOINC code (measure lexicon), "WHO performance status" is a name of the
    # same scale that the lexicon does not code
    text = "ECOG (WHO) performance status of 0-1"
    exp = one_criterion(text, quantities=[q("<=", 1, None, kind="score", measure="ECOG")])
    act = one_criterion(
        text, quantities=[q("<=", 1, None, kind="score", measure="WHO performance status")]
    )
    assert audit(exp, act).disagreements == []


@pytest.mark.parametrize(
    "text, measure",
    [
        ("ECOG performance status 0 or 1", "ECOG performance status"),
        # the measure lexicon's code-less "performance status" row (refined to ECOG or
        # Karnofsky by the words around it) must not take the name from the scale
        ("Performance status 0 or 1", "performance status"),
    ],
)
def test_a_limit_on_an_integer_scale_equals_its_points_spelled_out(text: str, measure: str) -> None:
    exp = one_criterion(text, quantities=[q("<=", 1, None, kind="score", measure="ECOG")])
    act = one_criterion(
        text,
        quantities=[
            q("=", 0, None, kind="score", measure=measure),
            q("=", 1, None, kind="score", measure=measure),
        ],
    )
    report = audit(exp, act)
    assert report.disagreements == [] and report.family("quantities").tp == 1


def test_other_points_of_the_scale_are_not_equal() -> None:
    text = "ECOG performance status 0 or 1"
    exp = one_criterion(text, quantities=[q("<=", 1, None, kind="score", measure="ECOG")])
    act = one_criterion(
        text,
        quantities=[q("=", 1, None, measure="ECOG"), q("=", 2, None, measure="ECOG")],
    )
    assert audit(exp, act).family("quantities").fn == 1


def test_an_omitted_kind_is_not_stated_not_wrong() -> None:
    exp = one_criterion(quantities=[q(">=", 3, None, kind="class", measure="NYHA")])
    act = one_criterion(quantities=[{"measure": "NYHA", "comparator": "≥", "value": 3}])
    report = audit(exp, act)
    assert report.errors() == []
    assert [(d.field, d.kind, d.expected) for d in report.disagreements] == [
        ("kind", "not_stated", "class")
    ]


# concepts: codes of mentions and quantities --------------------------------------------------

ICD = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC = "http://loinc.org"
LN = {"text": "lupus nephritis", "category": "condition", "span": [12, 27]}
LN_CODE = {"system": ICD, "code": "M32.14", "display": "Glomerular disease in SLE"}


def _concepts(report: AuditReport) -> list[tuple]:
    return [(d.kind, d.expected, d.actual) for d in report.disagreements if d.family == "concepts"]


def test_a_mention_with_the_reference_code_is_right() -> None:
    exp = one_criterion("Biopsy-proven lupus nephritis", mentions=[{**LN, "codes": [LN_CODE]}])
    report = audit(exp, exp)
    assert report.family("concepts").tp == 1 and _concepts(report) == []


def test_a_wrong_code_differs_with_both_codes() -> None:
    exp = one_criterion("Biopsy-proven lupus nephritis", mentions=[{**LN, "codes": [LN_CODE]}])
    wrong = {**LN_CODE, "code": "M32.9"}
    act = one_criterion("Biopsy-proven lupus nephritis", mentions=[{**LN, "codes": [wrong]}])
    assert _concepts(audit(exp, act, candidate_parsed=True)) == [
        ("differs", "icd-10-cm M32.14", "icd-10-cm M32.9")
    ]


def test_a_code_where_a_coded_reference_gives_none_is_extra() -> None:
    # the reference codes its concepts, so an uncoded one means "no exact code"
    renal = {"text": "renal disease", "category": "condition", "span": [0, 13]}
    exp = one_criterion(
        "renal disease or lupus nephritis",
        mentions=[renal, {**LN, "span": [17, 32], "codes": [LN_CODE]}],
    )
    coded = {**renal, "codes": [{"system": ICD, "code": "N28.9", "display": "Disorder of kidney"}]}
    act = one_criterion(
        "renal disease or lupus nephritis",
        mentions=[coded, {**LN, "span": [17, 32], "codes": [LN_CODE]}],
    )
    assert _concepts(audit(exp, act, candidate_parsed=True)) == [("extra", None, "icd-10-cm N28.9")]


def test_a_hand_written_mention_without_codes_does_not_state_them() -> None:
    exp = one_criterion("Biopsy-proven lupus nephritis", mentions=[{**LN, "codes": [LN_CODE]}])
    hand_written = {"text": "lupus nephritis", "category": "condition"}
    act = one_criterion("Biopsy-proven lupus nephritis", mentions=[hand_written])
    report = audit(exp, act)
    assert [(d.kind, d.field) for d in report.disagreements if d.family == "concepts"] == [
        ("not_stated", "codes")
    ]
    assert report.family("concepts").fn == 0


def test_a_quantity_is_judged_on_its_measure_code() -> None:
    plt = {
        "kind": "value",
        "measure": "platelets",
        "comparator": ">=",
        "value": 100,
        "span": [0, 16],
    }
    exp = one_criterion("Platelets >= 100", quantities=[{**plt, "codes": [
        {"system": LOINC, "code": "777-3", "display": "Platelets"}]}])  # fmt: skip
    act = one_criterion("Platelets >= 100", quantities=[{**plt, "codes": []}])
    assert _concepts(audit(exp, act, candidate_parsed=True)) == [
        ("missing", "loinc.org 777-3", None)
    ]
