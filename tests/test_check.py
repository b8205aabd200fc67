"""``eligo check``: the gold encodings are valid and honest, and the parser scores on them.

The gold of NCT06557265 (NKX019-102) is curated by hand in gold/NCT06557265/encoding.yaml;
these tests only read it. GOLD_F1_FLOORS hold each family at the F1 the parser has reached
on the reference trial (measured with `eligo check`, rounded down to 3 decimals), so any
regression fails CI; raise a floor whenever the parser improves. The project's target is
GOLD_F1_TARGET in every family: a family whose floor is below it has not reached it yet, and
docs/audit.md says which.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.audit import CheckReport
from models.encoding import Criterion, Protocol
from nlp.audit import load_encoding
from nlp.cli import main
from nlp.cli.check_cmd import find_gold_dir
from nlp.errors import EligoError
from nlp.textutil import unescape_markdown

GOLD_F1_TARGET = 0.95
REFERENCE_TRIAL = "NCT06557265"
REFERENCE_F1_FLOORS = {
    "structure": 1.0,
    "quantities": 1.0,
    "time_windows": 1.0,
    "assertions": 0.969,
    "logic": 1.0,
    "demographics": 1.0,
    "concepts": 1.0,
}
ALL_GOLD_F1_FLOORS = {  # `eligo check` summed over every gold trial
    "structure": 0.99,
    "quantities": 0.775,  # 0.733 before stop 28's measure readers; 0.780 measured
    "time_windows": 0.88,
    # 0.773 with the lexicon alone; the mention model (issue 15) finds finer and more
    # concepts than the hand-written gold lists ("Sjogren's syndrome: historical" inside
    # "history of autoimmune disease such as ..."), and a few wrong ones ("American
    # Pathologists: negated"): measured 0.762. Then 0.761: the lexicon's precision filter drops
    # "willing" (annotated at 0.11 of its occurrences in the corpora), the one present mention
    # of NCT06388018 inc.6, whose other mentions are negated ("Inability ... will not make the
    # patient ineligible"), so that criterion reads negated. Then 0.7677: "refrain from" and
    # "is not allowed" negate what they scope over
    "assertions": 0.767,
    "logic": 0.71,
    "demographics": 1.0,
    "concepts": 1.0,  # only NCT06557265's gold gives codes yet
}
REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "gold"
GOLD_TRIALS = sorted(p.parent.name for p in GOLD.glob("*/encoding.yaml"))
FIXTURES = Path(__file__).parent / "fixtures" / "audit"


def _gold(trial: str) -> Protocol:
    return load_encoding(GOLD / trial / "encoding.yaml")


def _flat(text: str) -> str:
    return " ".join(unescape_markdown(text).split())


def test_reference_trial_has_a_gold_encoding() -> None:
    assert "NCT06557265" in GOLD_TRIALS
    assert (GOLD / "NCT06557265" / "source.txt").is_file()


@pytest.mark.parametrize("trial", GOLD_TRIALS)
def test_gold_validates_against_the_schema(trial: str) -> None:
    protocol = _gold(trial)
    assert protocol.eligibility_text, "spans need the eligibility text they point into"
    ids = [c.id for _, c, _ in protocol.iter_criteria()]
    assert len(ids) == len(set(ids)), "criterion ids must be unique"
    assert protocol.groups


@pytest.mark.parametrize("trial", GOLD_TRIALS)
def test_gold_spans_point_at_their_text(trial: str) -> None:
    protocol = _gold(trial)
    source = protocol.eligibility_text or ""
    problems: list[str] = []

    def at(span: tuple[int, int]) -> str:
        return source[span[0] : span[1]]

    def check_parts(criterion: Criterion) -> None:
        assert criterion.span is not None
        cstart, cend = criterion.span
        parts = [("quantity", p.text, p.span) for p in criterion.quantities]
        parts += [("time window", p.text, p.span) for p in criterion.time_windows]
        parts += [("cue", m.cue.text, m.cue.span) for m in criterion.mentions if m.cue]
        for what, text, span in parts:
            if span is None:
                continue
            if not (cstart <= span[0] <= span[1] <= cend):
                problems.append(f"{criterion.id}: {what} span {span} outside {criterion.span}")
            elif text is not None and _flat(text) not in _flat(at(span)):
                problems.append(f"{criterion.id}: {what} {text!r} not in {at(span)!r}")

    for _, criterion, _ in protocol.iter_criteria():
        if criterion.span is None:
            problems.append(f"{criterion.id}: no span")
            continue
        found = unescape_markdown(at(criterion.span))
        if _flat(found) != _flat(criterion.text):  # wrapped lines read as one space
            problems.append(f"{criterion.id}: text {criterion.text!r} != {found!r}")
        check_parts(criterion)
    assert problems == []


@pytest.fixture(scope="module")
def check_report() -> CheckReport:
    """``eligo check`` over the repo's gold, run once for the tests below."""
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["check", str(GOLD), "--format", "json"]) == 0
    return CheckReport.model_validate(json.loads(out.getvalue()))


def _below(scores: list, floors: dict[str, float]) -> dict[str, float | None]:
    return {
        s.family: s.f1
        for s in scores
        if s.family in floors and s.f1 is not None and s.f1 < floors[s.family]
    }


def test_parser_on_the_reference_trial_exact_structure_and_floors(
    check_report: CheckReport,
) -> None:
    report = next(r for r in check_report.trials if REFERENCE_TRIAL in (r.expected_source or ""))
    structure = report.family("structure")
    assert (structure.fp, structure.fn) == (0, 0), [
        d for d in report.disagreements if d.family == "structure"
    ]
    low = _below(report.families, REFERENCE_F1_FLOORS)
    assert low == {}, [
        (d.family, d.criterion_id, d.field, d.expected, d.actual)
        for d in report.disagreements
        if d.family in low
    ]
    assert report.overall is not None and report.overall.f1 is not None
    assert report.overall.f1 >= 0.99


def test_parser_summed_over_all_gold_trials_holds_its_floors(check_report: CheckReport) -> None:
    assert len(check_report.trials) == len(GOLD_TRIALS) >= 11
    assert set(ALL_GOLD_F1_FLOORS) == {s.family for s in check_report.families}
    assert _below(check_report.families, ALL_GOLD_F1_FLOORS) == {}


def test_check_prints_a_table_per_trial_and_overall(capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", str(GOLD)])
    out = capsys.readouterr().out
    for trial in GOLD_TRIALS:
        assert trial in out
    assert f"All {len(GOLD_TRIALS)} trial(s) in {GOLD}:" in out
    assert out.count("structure ") == len(GOLD_TRIALS) + 1


# locating the gold and running on a gold folder of our own ---------------------------------------


@pytest.fixture
def tiny_gold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A gold folder with one trial whose 'parser' returns a known encoding (no parser needed)."""
    import nlp
    from nlp.audit import load_side

    manual = load_side(FIXTURES / "manual_with_mistakes.yaml")
    monkeypatch.setattr(nlp, "parse_file", lambda path, input_format=None: manual, raising=False)
    gold = tmp_path / "gold"
    trial = gold / "NCT06557265"
    trial.mkdir(parents=True)
    (trial / "source.txt").write_text("Inclusion Criteria\n", encoding="utf-8")
    (trial / "encoding.yaml").write_text(
        (FIXTURES / "expected.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (gold / "NCT00000001").mkdir()
    (gold / "NCT00000001" / "source.txt").write_text("x\n", encoding="utf-8")
    return gold


def test_check_on_a_gold_folder(tiny_gold: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tiny_gold)]) == 0
    out = capsys.readouterr().out
    assert "NCT06557265" in out and "skipped NCT00000001: no encoding.yaml" in out
    assert main(["check", "--gold", str(tiny_gold), "--min-f1", "0.9"]) == 1
    assert main(["check", str(tiny_gold), "--details"]) == 0
    assert "comparator: reference '>', candidate '>='" in capsys.readouterr().out


def test_check_json(tiny_gold: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tiny_gold), "--format", "json"]) == 0
    check = CheckReport.model_validate(json.loads(capsys.readouterr().out))
    assert len(check.trials) == 1 and check.skipped == ["NCT00000001: no encoding.yaml"]
    time_windows = next(f for f in check.families if f.family == "time_windows")
    assert (time_windows.tp, time_windows.fp, time_windows.fn) == (3, 2, 3)


def test_gold_found_in_the_current_directory(
    tiny_gold: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tiny_gold.parent)
    assert find_gold_dir(None) == Path.cwd() / "gold"


def test_gold_found_beside_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert find_gold_dir(None) == GOLD


def test_gold_errors_name_the_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(EligoError, match="no such gold folder"):
        find_gold_dir(str(tmp_path / "nowhere"))
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["check", str(empty)]) == 2
    err = capsys.readouterr().err
    assert str(empty) in err and "no trial folder" in err and "\n" not in err.strip()


def test_no_gold_criterion_is_read_in_a_list_of_the_other_kind(check_report: CheckReport) -> None:
    """The inclusion/exclusion split is never wrong on the gold records: no criterion of the
    gold is paired with a parsed criterion of the other kind."""
    flipped = [
        (r.trial_id, d.criterion_id, d.expected, d.actual)
        for r in check_report.trials
        for d in r.disagreements
        if d.family == "structure"
        and d.field in ("group", "group.kind")
        and str(d.expected).split()[0] != str(d.actual).split()[0]
    ]
    assert flipped == []


def test_doubtful_splits_of_the_gold_records_are_warned() -> None:
    from nlp import parse_file
    from nlp.errors import SPLIT_WARNINGS

    warned = {
        trial: sorted({w.code for w in parse_file(source).warnings if w.code in SPLIT_WARNINGS})
        for trial, source in (
            (p.parent.name, p) for p in sorted(GOLD.glob("*/source.*")) if p.suffix != ".txt"
        )
    }
    assert warned["NCT00132080"] == ["W105"]  # no inclusion/exclusion heading at all
    assert warned["NCT01220531"] == ["W110"]  # "Biological Mother Inclusion/Exclusion:"
    assert warned["NCT02028676"] == ["W111"]  # numbering goes on across "Exclusion criteria"
    assert {t for t, codes in warned.items() if codes} == {
        "NCT00132080",
        "NCT01220531",
        "NCT02028676",
    }
