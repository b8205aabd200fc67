"""An audit as a data manager reads it: a compact score table, then the diffs by criterion."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any

from models.audit import FAMILIES, AuditReport, Disagreement, FamilyScore
from nlp.scoring import Counts, family_score

TEXT_WIDTH = 96


def _counts(score: FamilyScore) -> Counts:
    return Counts(score.tp, score.fp, score.fn)


def combine(reports: Iterable[AuditReport]) -> list[FamilyScore]:
    """Family scores summed over several audits (micro-average), in :data:`FAMILIES` order."""
    totals = {f: Counts() for f in FAMILIES}
    for report in reports:
        for score in report.families:
            if score.family in totals:
                totals[score.family] += _counts(score)
    return [family_score(f, totals[f]) for f in FAMILIES]


def overall_of(families: list[FamilyScore]) -> FamilyScore:
    """All families' counts summed: one micro-averaged row."""
    return family_score("overall", sum(map(_counts, families), Counts()))


def _num(x: float | None) -> str:
    return "  n/a" if x is None else f"{x:.3f}"


def render_table(scores: list[FamilyScore]) -> str:
    """``family  TP  FP  FN  precision  recall  F1``, one row per family."""
    lines = [f"{'family':<14}{'TP':>6}{'FP':>6}{'FN':>6}{'precision':>11}{'recall':>8}{'F1':>8}"]
    for s in scores:
        lines.append(
            f"{s.family:<14}{s.tp:>6}{s.fp:>6}{s.fn:>6}"
            f"{_num(s.precision):>11}{_num(s.recall):>8}{_num(s.f1):>8}"
        )
    return "\n".join(lines)


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return repr(value)
    return json.dumps(value)


def _clip(text: str | None, width: int = TEXT_WIDTH) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _line(d: Disagreement) -> str:
    if d.kind == "differs":
        what = f"{d.field}: reference {_show(d.expected)}, candidate {_show(d.actual)}"
    elif d.kind == "missing":
        what = f"{d.field} missing from the candidate: {_show(d.expected)}"
    elif d.kind == "not_stated":
        what = f"{d.field} not stated; the reference has {_show(d.expected)}"
    else:
        what = f"{d.field} not in the reference: {_show(d.actual)}"
    item = f"  in {_clip(d.item, 60)}" if d.item and d.kind != "missing" else ""
    span = f"  @{d.span[0]}:{d.span[1]}" if d.span else ""
    return f"  {d.family:<13} {d.kind:<10} {what}{item}{span}"


def _heading(group: list[Disagreement]) -> str:
    first = group[0]
    if first.family == "demographics" and first.criterion_id is None and first.actual_id is None:
        return "demographics"
    if first.criterion_id is None:
        name = f"(only in the candidate) {first.actual_id}"
    elif first.actual_id and first.actual_id != first.criterion_id:
        name = f"{first.criterion_id} (candidate: {first.actual_id})"
    else:
        name = first.criterion_id
    return f"{name}  {_clip(first.text)!r}" if first.text else name


def group_by_criterion(disagreements: list[Disagreement]) -> list[list[Disagreement]]:
    """Disagreements per criterion (or group), in text order; demographics last."""
    groups: dict[tuple[str | None, str | None, bool], list[Disagreement]] = {}
    for d in disagreements:
        key = (d.criterion_id, d.actual_id, d.family == "demographics")
        groups.setdefault(key, []).append(d)

    def order(group: list[Disagreement]) -> tuple[int, float, str]:
        first = group[0]
        starts = [d.span[0] for d in group if d.span is not None]
        is_demo = first.family == "demographics" and first.criterion_id is None
        return (is_demo, min(starts) if starts else float("inf"), first.criterion_id or "")

    return sorted(groups.values(), key=order)


def title_of(report: AuditReport) -> str:
    """``Audit of candidate B against reference A (the parser's reading of A) (NCT…)``."""
    title = "Audit"
    if report.actual_source or report.expected_source:
        title += f" of candidate {report.actual_source or '(candidate)'}"
        title += f" against reference {report.expected_source or '(reference)'}"
        if report.reference_kind == "parsed":
            title += " (the parser's reading of it)"
    if report.trial_id:
        title += f" ({report.trial_id})"
    return title


def render_text(report: AuditReport) -> str:
    """The score table, warnings, every error grouped by criterion, then what the candidate
    does not state (not counted unless strict)."""
    rows = list(report.families) + ([report.overall] if report.overall else [])
    out = [title_of(report), "", render_table(rows), ""]
    if report.reference_kind == "parsed":
        out += [
            "The reference is the parser's reading of the text: where a line is wrong about the",
            "text, the parser is (it records no confidence to weigh its reading by).",
            "",
        ]
    methods: dict[str, int] = {}
    for pair in report.alignment:
        methods[pair.method] = methods.get(pair.method, 0) + 1
    if methods:
        how = ", ".join(f"{n} by {m}" for m, n in methods.items())
        out += [f"Aligned criteria: {len(report.alignment)} ({how})", ""]
    for w in report.warnings:
        out.append(f"warning {w.code}: {w.message}")
    if report.warnings:
        out.append("")
    errors, silent = report.errors(), report.not_stated()
    if not errors:
        out.append("No disagreements.")
    else:
        out.append(f"Disagreements ({len(errors)}), by criterion:")
        for group in group_by_criterion(errors):
            out += ["", _heading(group)]
            out += [_line(d) for d in group]
    if silent:
        counted = "counted (--strict)" if report.strict else "not counted (--strict counts them)"
        out += ["", f"Not stated in the candidate ({len(silent)}), {counted}:"]
        for group in group_by_criterion(silent):
            out += ["", _heading(group)]
            out += [_line(d) for d in group]
    return "\n".join(out) + "\n"


def exit_for_min_f1(command: str, low: list, threshold: float | None) -> int:
    """Exit status for ``--min-f1``: 1 (with a one-line reason) when a family is below it."""
    if threshold is None or not low:
        return 0
    names = ", ".join(f"{s.family} {s.f1:.3f}" for s in low if s.f1 is not None)
    print(f"eligo {command}: F1 below {threshold:g}: {names}", file=sys.stderr)
    return 1


def f1_threshold(text: str) -> float:
    """argparse type for ``--min-f1``: a number from 0 to 1."""
    import argparse

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is outside 0..1")
    return value


def add_min_f1_argument(parser: Any, what: str = "any family's F1") -> None:
    """The ``--min-f1`` option shared by ``eligo audit`` and ``eligo check``."""
    parser.add_argument(
        "--min-f1",
        type=f1_threshold,
        metavar="X",
        help=f"exit with status 1 when {what} is below X (0..1)",
    )
