"""Reports: the score table, the most frequent error patterns, bad documents; text or JSON.

An error *pattern* is ``kind | family | comparator words | unit class`` (plus a context class
for spurious predictions), e.g. ``missed | temporal | 'within' | time unit`` or
``operator | comparison | gold '<' → predicted '<=' | 'less than' | no unit``. Patterns are
ranked by count, each with a few examples (doc id, the line with the span in ⟦ ⟧), so the next
rule to write is the top line.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from nlp.evaluate.mentions import LABELS as MENTION_LABELS
from nlp.evaluate.metrics import level_dict
from nlp.evaluate.run import ErrorCase, EvalResult

_COMPARATOR_WORDS = re.compile(
    r"≥|≤|>/=|</=|>=|<=|=>|=<|>|<|=|~|±|"
    r"\b(?:at least|at most|greater than or equal to|greater than|more than|less than or equal to|"
    r"less than|fewer than|no more than|no less than|not more than|not less than|or more|"
    r"or less|or older|or younger|or greater|or above|or higher|or lower|or over|and older|"
    r"and above|and over|older than|younger than|up to|within|between|under|over|above|below|"
    r"exceeding|minimum|maximum|prior|before|after|since|in the (?:last|past)|past|last|"
    r"during|aged?|to|and|from)\b|(?<=\d)\s*[-–]\s*(?=\d)",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"\b(?:years?|yrs?|y/?o|months?|mos?|weeks?|wks?|days?|hours?|hrs?|minutes?|mins?|"
    r"seconds?|decades?|half[- ]lives)\b",
    re.IGNORECASE,
)
_RELATIVE = re.compile(r"uln|lln|upper limit|lower limit|\btimes\b|\d\s*[x×]", re.IGNORECASE)


def comparator_words(phrase: str) -> str:
    """The comparator words of a phrase, in order, each once: ``'at least' + 'or more'``."""
    found: list[str] = []
    for m in _COMPARATOR_WORDS.finditer(phrase):
        word = re.sub(r"\s+", " ", m.group().strip().lower()) or "-"
        if word not in found:
            found.append(word)
    return " + ".join(f"'{w}'" for w in found) if found else "no comparator word"


def unit_class(phrase: str, unit: str | None = None) -> str:
    if _TIME.search(phrase) or unit in {"a", "mo", "wk", "d", "h", "min", "s"}:
        return "time unit"
    if "%" in phrase:
        return "percent"
    if _RELATIVE.search(phrase):
        return "relative to ULN/LLN"
    if unit or "/" in phrase or re.search(r"\d\s*[a-zA-Zµμ]", phrase):
        return "measurement unit"
    return "no unit"


def context_class(error: ErrorCase) -> str:
    """Why a spurious prediction may exist: number inside a name, a list label, a date..."""
    pred = error.pred
    assert pred is not None
    text, (start, end) = error.text, pred.span
    before = text[max(0, start - 12) : start]
    after = text[end : end + 6]
    if pred.family == "negation":
        joined = re.search(r"\w-?$", before) or re.match(r"-?\w", after) or pred.text.endswith("-")
        return f"cue '{pred.text.lower()}'" + (" inside a word" if joined else "")
    if re.search(r"[A-Za-z]-?$", before) or re.match(r"-?[A-Za-z]\w", after):
        return "number inside a name/code"
    if re.search(r"(?:^|\n)\s*$", before) and re.match(r"\s*[.)]", after):
        return "list label"
    if re.search(r"\b(19|20)\d\d\b", pred.text) or re.search(
        r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", before + pred.text, re.I
    ):
        return "date"
    return "standalone number" if re.fullmatch(r"[\d.,\s]+", pred.text) else "phrase"


def pattern_key(error: ErrorCase) -> str:
    item = error.gold if error.gold is not None else error.pred
    assert item is not None
    phrase = item.text
    if error.family == "negated_concept":
        return f"{error.kind} | negated concept | {item.kind}"  # Eligo's category or gold's type
    if error.kind == "spurious":
        if error.family == "negation":
            return f"spurious | negation | {context_class(error)}"
        pred = error.pred
        assert pred is not None
        return (
            f"spurious | {pred.family} ({pred.kind}) | {comparator_words(phrase)} | "
            f"{unit_class(phrase, pred.unit)} | {context_class(error)}"
        )
    if error.family == "negation":
        return f"missed | negation | cue '{phrase.lower()}'"
    gold, pred = error.gold, error.pred
    assert gold is not None
    head = f"{error.kind} | {error.family}"
    if error.kind == "operator" and pred is not None:
        head += f" | gold {gold.comparator!r} → predicted {pred.comparator!r}"
    elif error.kind == "unit" and pred is not None:
        head += f" | gold {gold.unit!r} ({gold.unit_text!r}) → predicted {pred.unit!r}"
    elif error.kind == "value" and pred is not None:
        head += " | " + ("range" if gold.comparator == "range" else "single value")
    return f"{head} | {comparator_words(phrase)} | {unit_class(phrase, gold.unit)}"


def context(text: str, span: tuple[int, int], width: int = 60) -> str:
    """The span in its line, marked ⟦ ⟧, at most ``width`` characters either side."""
    start, end = span
    line_start = max(text.rfind("\n", 0, start) + 1, start - width)
    line_end = text.find("\n", end)
    line_end = min(len(text) if line_end < 0 else line_end, end + width)
    snippet = f"{text[line_start:start]}⟦{text[start:end]}⟧{text[end:line_end]}"
    return " ".join(snippet.replace("\r", " ").split())


def describe(error: ErrorCase) -> dict[str, Any]:
    gold, pred = error.gold, error.pred
    span = gold.span if gold is not None else pred.span  # type: ignore[union-attr]
    out: dict[str, Any] = {
        "doc": error.doc_id,
        "span": list(span),
        "context": context(error.text, span),
    }
    if gold is not None:
        out["gold"] = {"text": gold.text, "comparator": gold.comparator, "values": gold.values,
                       "unit": gold.unit, "unit_text": gold.unit_text}  # fmt: skip
    if pred is not None:
        out["predicted"] = {
            "text": pred.text,
            "comparator": pred.comparator,
            "values": pred.values,
            "unit": pred.unit,
            "kind": pred.kind,
        }
    return out


def error_patterns(result: EvalResult, top: int, examples: int = 3) -> list[dict[str, Any]]:
    """The ``top`` most frequent patterns with their counts and first examples."""
    groups: dict[str, list[ErrorCase]] = defaultdict(list)
    for error in result.errors:
        groups[pattern_key(error)].append(error)
    ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:top]
    out = []
    for key, errors in ranked:
        # examples from different documents where possible
        chosen: list[ErrorCase] = []
        seen_docs: set[str] = set()
        for e in errors:
            if e.doc_id not in seen_docs:
                chosen.append(e)
                seen_docs.add(e.doc_id)
            if len(chosen) == examples:
                break
        out.append(
            {"pattern": key, "count": len(errors), "examples": [describe(e) for e in chosen]}
        )
    return out


def as_json(result: EvalResult, top: int) -> dict[str, Any]:
    return {
        "corpus": result.corpus,
        "documents": result.documents,
        "scored": result.scored,
        "cross_family_matches": result.cross_family,
        "families": {
            name: {
                "levels": {lv: level_dict(fs.scores[lv]) for lv in fs.levels},
                "unit_checked": fs.unit_checked,
                "value_unchecked": fs.value_unchecked,
                "operator_unchecked": fs.operator_unchecked,
                "alternatives": fs.alternatives,
                "shared": fs.shared,
            }
            for name, fs in result.families.items()
        },
        "mentions": result.mentions.scores(),
        "errors_total": len(result.errors),
        "error_patterns": error_patterns(result, top),
        "problems": [
            {"doc": p.doc_id, "kind": p.kind, "detail": p.detail} for p in result.problems
        ],
    }


def mention_lines(scores: dict) -> list[str]:
    """The mentions table: overlap and exact, untyped, typed and per category; coded shares."""
    lines = [
        "",
        "mentions (concept spans: nlp/evaluate/mentions.py)",
        f"{'category':<16} {'match':<9} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'pred':>6}",
    ]
    for row in ("untyped", "typed", *MENTION_LABELS):
        for mode in ("overlap", "exact"):
            s = scores[mode][row]
            if row in MENTION_LABELS and not s["gold"] and not s["pred"]:
                continue
            lines.append(
                f"{row.lower():<16} {mode:<9} {s['p']:6.3f} {s['r']:6.3f} {s['f1']:6.3f} "
                f"{s['gold']:6d} {s['pred']:6d}"
            )
    for category, c in scores.get("coded", {}).items():
        lines.append(
            f"coded {category:<10} {c['coded']} of {c['mentions']} mentions ({c['share']:.1%})"
        )
    return lines


def as_text(result: EvalResult, top: int) -> str:
    lines = [
        f"eligo eval: {result.corpus}: {result.scored} of {result.documents} documents scored",
        "",
        f"{'family':<16} {'level':<9} {'P':>6} {'R':>6} {'F1':>6} "
        f"{'tp':>6} {'gold':>6} {'pred':>6}",
    ]
    for name, fs in result.families.items():
        for level in fs.levels:
            s = fs.scores[level]
            p, r, f1 = (x or 0.0 for x in (s.precision, s.recall, s.f1))
            lines.append(
                f"{name:<16} {level:<9} {p:6.3f} {r:6.3f} {f1:6.3f} "
                f"{s.tp:6d} {s.gold:6d} {s.predicted:6d}"
            )
        if "unit" in fs.levels:
            lines.append(f"{'':<16} (unit compared on {fs.unit_checked} aligned pairs)")
        if "operator" in fs.levels and fs.operator_unchecked:
            lines.append(f"{'':<16} (gold states no operator on {fs.operator_unchecked} pairs)")
        if fs.alternatives:
            lines.append(
                f"{'':<16} ({fs.alternatives} second alternatives of a two-value gold, "
                "e.g. 'class III or IV', counted neither as hits nor as spurious)"
            )
        if fs.shared:
            lines.append(
                f"{'':<16} ({fs.shared} further copies of a limit shared by several measures, "
                "e.g. 'AST, ALT or ALP > 2.5 x ULN', counted once)"
            )
    lines.append(f"\npairs scored in the gold's family, predicted in the other: "
                 f"{result.cross_family}")  # fmt: skip
    lines += mention_lines(result.mentions.scores())
    patterns = error_patterns(result, top)
    if patterns:
        lines += ["", f"top {len(patterns)} error patterns (of {len(result.errors)} errors):"]
        for n, pat in enumerate(patterns, 1):
            lines.append(f"{n:3d}. [{pat['count']}] {pat['pattern']}")
            for ex in pat["examples"]:
                lines.append(f"       {ex['doc']}: {ex['context']}")
    bad = [p for p in result.problems if p.kind != "trimmed"]
    trimmed = len(result.problems) - len(bad)
    lines += ["", f"bad documents/annotations: {len(bad)} (+{trimmed} spans trimmed of whitespace)"]
    for problem in bad:
        lines.append(f"  {problem.doc_id}: {problem.kind}: {problem.detail}")
    return "\n".join(lines)
