"""Scoring shared by the audit and the evaluation (nlp/scoring)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from models import Criterion, Group, Protocol, Quantity
from nlp.scoring import (
    QUANTITY_REL_TOL,
    TIME_REL_TOL,
    Counts,
    family_score,
    pair_best_first,
    pairing,
    same_unit,
    same_value,
    units_compatible,
)

# --- pairing ----------------------------------------------------------------------------------


def _equal(e: str, a: str) -> float | None:
    return 1.0 if e == a else None


def test_pairing_is_one_to_one_and_reports_both_leftovers():
    result = pair_best_first(["a", "b", "b"], ["b", "c"], _equal)
    assert (result.pairs, result.missing, result.extra) == ([("b", "b")], ["a", "b"], ["c"])


def test_the_best_rank_is_taken_first():
    overlap = {("x", "p"): 0.4, ("x", "q"): 0.9, ("y", "q"): 0.8}
    result = pair_best_first(["x", "y"], ["p", "q"], lambda e, a: overlap.get((e, a)))
    assert result.pairs == [("x", "q")] and result.missing == ["y"] and result.extra == ["p"]


def test_ties_go_to_the_earlier_expected_then_the_earlier_actual():
    result = pair_best_first(["x", "y"], ["p", "q"], lambda e, a: 0.5)
    assert result.pairs == [("x", "p"), ("y", "q")]


def test_a_rank_may_be_a_tuple_of_tie_breaks():
    # same overlap; the same family wins, then the nearer start
    ranks = {
        ("g", "far"): (0.5, True, -9),
        ("g", "near"): (0.5, True, -1),
        ("g", "other"): (0.5, False, 0),
    }
    result = pair_best_first(["g"], ["far", "other", "near"], lambda e, a: ranks[(e, a)])
    assert result.pairs == [("g", "near")]


def test_pairs_come_best_first_or_in_the_order_of_the_expected_side():
    ranks = {("x", "p"): 0.2, ("y", "q"): 0.9}
    result = pair_best_first(["x", "y"], ["p", "q"], lambda e, a: ranks.get((e, a)))
    assert result.pairs == [("y", "q"), ("x", "p")]
    in_order = pair_best_first(
        ["x", "y"], ["p", "q"], lambda e, a: ranks.get((e, a)), in_order=True
    )
    assert in_order.pairs == [("x", "p"), ("y", "q")]


class _Spy:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        real = pairing.pair_best_first

        def counted(*args, **kwargs):
            self.calls += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(pairing, "pair_best_first", counted)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Spy]:
    yield _Spy(monkeypatch)


def _protocol(text: str, *quantities: Quantity) -> Protocol:
    criterion = Criterion(id="inc.1", text=text, span=(0, len(text)), quantities=list(quantities))
    return Protocol(
        groups=[Group(id="inc", kind="inclusion", criteria=[criterion])], eligibility_text=text
    )


def test_the_audit_pairs_through_the_shared_pairing(spy):
    from nlp.audit import audit

    q = Quantity(measure="hemoglobin", comparator=">=", value=9, unit="g/dL", span=(0, 16))
    report = audit(_protocol("Hemoglobin >= 9 g/dL", q), _protocol("Hemoglobin >= 9 g/dL", q))
    assert report.family("quantities").tp == 1
    assert spy.calls > 0


def test_the_evaluation_pairs_through_the_shared_pairing(spy):
    from nlp.evaluate.corpora import GoldDoc, lct_items, parse_brat
    from nlp.evaluate.run import evaluate

    text = "Platelets > 100"
    ann = (
        "E1\tEq-Comparison:T1 Operator:T2 Value:T3\n"
        "T1\tEq-Comparison 10 15\t> 100\n"
        "T2\tEq-Operator 10 11\t>\n"
        "T3\tEq-Value 12 15\t100\n"
        "A1\tEq-Operator-Value T2 GT\n"
    )
    gold = GoldDoc("synthetic", text, lct_items(parse_brat("synthetic", text, ann)))
    q = Quantity(comparator=">", value=100, span=(10, 15))
    result = evaluate([gold], lambda docs: iter([_protocol(text, q)]), "lct")
    assert result.families["comparison"].scores["span"].tp == 1
    assert spy.calls > 0


# --- counts -----------------------------------------------------------------------------------


def test_counts_give_precision_recall_and_f1():
    counts = Counts(tp=3, fp=1, fn=2)
    assert (counts.gold, counts.predicted) == (5, 4)
    assert (counts.precision, counts.recall) == (0.75, 0.6)
    assert counts.f1 == pytest.approx(2 * 0.75 * 0.6 / (0.75 + 0.6))


def test_a_score_without_items_is_undefined_not_zero():
    assert (Counts().precision, Counts().recall, Counts().f1) == (None, None, None)
    assert Counts(fn=2).precision is None and Counts(fn=2).f1 == 0.0


def test_counts_add_up_and_come_from_the_totals_of_each_side():
    assert Counts(1, 2, 3) + Counts(10, 20, 30) == Counts(11, 22, 33)
    assert Counts.of_totals(tp=2, gold=5, predicted=3) == Counts(tp=2, fp=1, fn=3)


def test_an_audit_row_carries_the_counts_and_their_scores():
    row = family_score("quantities", Counts(tp=1, fp=1, fn=0))
    assert (row.family, row.tp, row.fp, row.fn, row.precision, row.recall) == (
        "quantities",
        1,
        1,
        0,
        0.5,
        1.0,
    )


# --- same value -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "a,b",
    [
        ((9, "g/dL"), (90, "g/L")),
        ((7, "g/d"), (7000, "mg/d")),
        ((1.5, "mg/day"), (1.50, "mg/d")),
        ((100, "10*9/L"), (100, "10*3/uL")),
        ((480, None), (480, None)),
    ],
)
def test_the_same_value_in_other_units(a, b):
    assert same_value(a[0], a[1], b[0], b[1])


@pytest.mark.parametrize(
    "a,b",
    [
        ((9, "g/dL"), (9, "g/L")),  # the same number is not the same amount
        ((6, "mo"), (26, "wk")),  # 182.6 d and 182 d: equal only within TIME_REL_TOL
        ((3, None), (4, None)),
        ((3, "mg"), (None, "mg")),
    ],
)
def test_not_the_same_value(a, b):
    assert not same_value(a[0], a[1], b[0], b[1], QUANTITY_REL_TOL)


def test_durations_agree_within_their_tolerance():
    assert same_value(6, "mo", 26, "wk", TIME_REL_TOL)


def test_numbers_whose_units_do_not_convert_are_compared_as_written():
    assert same_value(2.5, "ULN", 2.5, "mg")
    assert not units_compatible("ULN", "mg") and units_compatible("g/dL", "g/L")


def test_the_same_unit_however_written_but_not_a_compatible_one():
    assert same_unit("mg/dL", "mg/dL") and same_unit("10*9/L", "10*3/uL")
    assert not same_unit("g/dL", "g/L") and not same_unit("mg", None)
