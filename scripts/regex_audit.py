"""Audit every regular expression Eligo compiles for the shapes that backtrack badly.

A backtracking engine (Python's ``re``) takes exponential time on a nested unbounded
quantifier whose inner and outer repeats can match the same text (``(\\s+)+$`` against a run of
spaces), and quadratic time on two adjacent unbounded quantifiers over overlapping characters
with nothing mandatory between them (``\\s*\\s*``). Neither shape is needed: the same language
can always be written without it. This script collects the patterns the package really uses
(``re`` is instrumented while the parser is built and run over a few criteria, so patterns made
at run time from the rule files are included), parses each with ``re._parser`` and reports:

- **nested**: an unbounded repeat whose body can itself repeat without bound over characters
  the outer repeat also matches;
- **adjacent**: two unbounded repeats in sequence (only optional items between them) whose
  characters overlap.

A finding is either fixed or listed in ``ALLOWED`` with the reason it is bounded (the pattern
only ever runs on a window of a few dozen characters). Exit status 1 when an unlisted finding
remains. ``tests/test_regex_audit.py`` runs it in CI.

    python scripts/regex_audit.py          # findings, one per line
    python scripts/regex_audit.py --all    # also the allowed ones
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]

# Character classes as sets of representatives: enough to tell whether two repeats overlap.
_REPS = " \t\naZ9._-/(%<"
_MAX = C.MAXREPEAT

ALLOWED: dict[str, str] = {}
"""Pattern source → why its finding cannot cost more than a bounded window (none needed so far:
every finding has been fixed or falls under BOUNDED_WHITESPACE)."""

_CLEAN = "runs on clean text, where a whitespace run is at most nlp.textutil.MAX_SPACE_RUN long"
BOUNDED_WHITESPACE: dict[str, str] = {
    "nlp.quantities": _CLEAN,
    "nlp.temporal": _CLEAN,
    "nlp.logic": _CLEAN,
    "nlp.assertion": _CLEAN,
    "nlp.mentions": _CLEAN,
    "nlp.outline.headings": "runs on one line, cut to at most 600 characters (most to 160)",
    "nlp.outline.cohort": "runs on a heading label (at most 160 characters)",
    "nlp.evaluate": "runs on one annotated span of a corpus, a few words",
}
"""Module prefix → why two adjacent repeats over whitespace alone stay cheap there: with a run
of at most k spaces the pair costs at most k² steps. Nested repeats and adjacent repeats over
other characters are never allowed."""


def _bounded(finding: Finding) -> str | None:
    if finding.kind != "adjacent" or not finding.detail.endswith(("['\\t', '\\n', ' ']", "[' ']")):
        return None
    for prefix, why in BOUNDED_WHITESPACE.items():
        if finding.module == prefix or finding.module.startswith(prefix + "."):
            return why
    return None


@dataclass(frozen=True)
class Finding:
    kind: str  # nested | adjacent
    pattern: str
    module: str
    detail: str

    def line(self) -> str:
        short = self.pattern if len(self.pattern) <= 110 else self.pattern[:107] + "..."
        return f"{self.kind:8} {self.module}: {self.detail}: {short!r}"


def _chars(items: list) -> set[str]:
    """Representatives the first character of ``items`` (one parsed node) can be."""
    out: set[str] = set()
    for op, av in items:
        if op is C.LITERAL:
            ch = chr(av)
            out |= {r for r in _REPS if r == ch} or {"x" if ch.isalpha() else ch}
        elif op is C.NOT_LITERAL:
            out |= {r for r in _REPS if r != chr(av)}
        elif op is C.ANY:
            out |= set(_REPS)
        elif op is C.IN:
            out |= _class(av)
        elif op is C.CATEGORY:
            out |= _category(av)
    return out


def _category(cat: object) -> set[str]:
    if cat is C.CATEGORY_SPACE:
        return set(" \t\n")
    if cat is C.CATEGORY_NOT_SPACE:
        return set(_REPS) - set(" \t\n")
    if cat is C.CATEGORY_DIGIT:
        return {"9"}
    if cat is C.CATEGORY_NOT_DIGIT:
        return set(_REPS) - {"9"}
    if cat is C.CATEGORY_WORD:
        return set("aZ9_")
    if cat is C.CATEGORY_NOT_WORD:
        return set(_REPS) - set("aZ9_")
    return set(_REPS)


def _class(items: list) -> set[str]:
    negate = bool(items) and items[0][0] is C.NEGATE
    found: set[str] = set()
    for op, av in items:
        if op is C.LITERAL:
            found |= {r for r in _REPS if r == chr(av)}
        elif op is C.RANGE:
            lo, hi = av
            found |= {r for r in _REPS if lo <= ord(r) <= hi}
        elif op is C.CATEGORY:
            found |= _category(av)
    return set(_REPS) - found if negate else found


def _first(seq: list) -> set[str]:
    """Representatives that can start a match of ``seq`` (a parsed sequence)."""
    out: set[str] = set()
    for op, av in seq:
        if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            continue
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            lo, _hi, body = av
            out |= _first(list(body))
            if lo > 0:
                return out
            continue
        if op is C.SUBPATTERN:
            out |= _first(list(av[-1]))
            return out
        if op is C.BRANCH:
            for alt in av[1]:
                out |= _first(list(alt))
            return out
        out |= _chars([(op, av)])
        return out
    return out


def _body_chars(seq: list) -> set[str]:
    """Every representative any position of ``seq`` can match (an over-approximation)."""
    out: set[str] = set()
    for op, av in seq:
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            out |= _body_chars(list(av[2]))
        elif op is C.SUBPATTERN:
            out |= _body_chars(list(av[-1]))
        elif op is C.BRANCH:
            for alt in av[1]:
                out |= _body_chars(list(alt))
        elif op in (C.ASSERT, C.ASSERT_NOT, C.AT):
            continue
        else:
            out |= _chars([(op, av)])
    return out


def _unbounded_inside(seq: list) -> Iterator[set[str]]:
    """The characters of every unbounded repeat inside ``seq`` (not under an atomic group)."""
    for op, av in seq:
        if op in (C.MAX_REPEAT, C.MIN_REPEAT):
            _lo, hi, body = av
            if hi == _MAX:
                yield _body_chars(list(body))
            yield from _unbounded_inside(list(body))
        elif op is C.SUBPATTERN:
            yield from _unbounded_inside(list(av[-1]))
        elif op is C.BRANCH:
            for alt in av[1]:
                yield from _unbounded_inside(list(alt))


def _edge_unbounded(seq: list, ends_only: bool = False) -> Iterator[set[str]]:
    """The characters of the unbounded repeats ``seq`` can end with (and start with, unless
    ``ends_only``): an iteration ending in a repeat over characters the next iteration can
    start with can be cut in more than one way."""
    for items in (list(reversed(seq)),) if ends_only else (seq, list(reversed(seq))):
        for op, av in items:
            if op in (C.MAX_REPEAT, C.MIN_REPEAT):
                _lo, hi, body = av
                if hi == _MAX:
                    yield _body_chars(list(body))
                yield from _edge_unbounded(list(body), ends_only)
            elif op is C.SUBPATTERN:
                yield from _edge_unbounded(list(av[-1]), ends_only)
            elif op is C.BRANCH:
                for alt in av[1]:
                    yield from _edge_unbounded(list(alt), ends_only)
            if not _can_be_empty(op, av):
                break


def _can_be_empty(op: object, av: object) -> bool:
    if op in (C.MAX_REPEAT, C.MIN_REPEAT):
        return av[0] == 0  # type: ignore[index]
    if op is C.SUBPATTERN:
        return all(_can_be_empty(o, a) for o, a in av[-1])  # type: ignore[index]
    if op is C.BRANCH:
        return any(all(_can_be_empty(o, a) for o, a in alt) for alt in av[1])  # type: ignore[index]
    return op in (C.AT, C.ASSERT, C.ASSERT_NOT)


def _last_unbounded(op: object, av: object) -> set[str] | None:
    """The characters of an unbounded repeat a node can end with, if it can."""
    if op in (C.MAX_REPEAT, C.MIN_REPEAT):
        _lo, hi, body = av  # type: ignore[misc]
        if hi == _MAX:
            return _body_chars(list(body))
        return None
    if op is C.SUBPATTERN:
        items = list(av[-1])  # type: ignore[index]
        for o, a in reversed(items):
            found = _last_unbounded(o, a)
            if found is not None:
                return found
            if not _can_be_empty(o, a):
                return None
    return None


def _walk(seq: list, findings: list[tuple[str, str]]) -> None:
    open_repeat: set[str] | None = None  # an unbounded repeat not yet closed by a mandatory item
    for op, av in seq:
        if op in (C.MAX_REPEAT, C.MIN_REPEAT):
            lo, hi, body = av
            body = list(body)
            if hi == _MAX:
                mine = _body_chars(body)
                # iterations can be cut in more than one way when the body can start with a
                # character an inner unbounded repeat matches: "(\s+)+", "(?:\s+|of)+"
                restart = _first(body)
                for inner in _edge_unbounded(body, ends_only=True):
                    if inner & restart:
                        findings.append(("nested", f"a repeat of {sorted(inner & restart)}"))
                        break
                start = _first(body)
                if open_repeat is not None and open_repeat & start:
                    findings.append(("adjacent", f"two repeats over {sorted(open_repeat & start)}"))
                # an optional repeat leaves the run before it open: "\w+\s*\w+"
                open_repeat = (open_repeat or set()) | mine if lo == 0 else mine
            elif lo > 0:
                open_repeat = None  # a bounded repeat that must match closes the run
            _walk(body, findings)
            continue
        if op is C.SUBPATTERN:
            inner = list(av[-1])
            if open_repeat is not None:
                start = _first(inner)
                first_unbounded = next(iter(_unbounded_inside(inner[:1])), None)
                if first_unbounded and open_repeat & first_unbounded & start:
                    findings.append(("adjacent", f"two repeats over {sorted(open_repeat & start)}"))
            _walk(inner, findings)
            last = _last_unbounded(op, av)
            if last is not None:
                open_repeat = last
            elif not _can_be_empty(op, av):
                open_repeat = None
            continue
        if op is C.BRANCH:
            for alt in av[1]:
                _walk(list(alt), findings)
            if not _can_be_empty(op, av):
                open_repeat = None
            continue
        if op in (C.ASSERT, C.ASSERT_NOT):
            _walk(list(av[1]), findings)
            continue
        if op is C.AT:
            continue
        open_repeat = None  # a mandatory character closes the run


def audit_pattern(pattern: str, flags: int = 0) -> list[tuple[str, str]]:
    parsed = _parser.parse(pattern, flags)
    findings: list[tuple[str, str]] = []
    _walk(list(parsed), findings)
    unique: list[tuple[str, str]] = []
    for f in findings:
        if f not in unique:
            unique.append(f)
    return unique


def collect() -> dict[tuple[str, int], str]:
    """Every pattern compiled while the package is imported, built and run: pattern → module."""
    import inspect

    seen: dict[tuple[str, int], str] = {}
    original = re._compile  # type: ignore[attr-defined]

    def spy(pattern, flags):  # type: ignore[no-untyped-def]
        if isinstance(pattern, str):
            # the first frame outside ``re`` is the one that asked for the pattern: ours only
            frame = inspect.currentframe()
            frame = frame.f_back if frame is not None else None
            while frame is not None and frame.f_globals.get("__name__", "") in ("re", "typing"):
                frame = frame.f_back
            module = frame.f_globals.get("__name__", "") if frame is not None else ""
            if module.startswith(("nlp.", "models.")) or module in ("nlp", "models"):
                seen.setdefault((pattern, int(flags)), module)
        return original(pattern, flags)

    re._compile = spy  # type: ignore[attr-defined]
    try:
        re.purge()
        from nlp import parse_text
        from nlp.parser import Parser

        Parser()
        samples = [
            "Inclusion Criteria:\n1. Age ≥ 18 years\n2. Platelets > 100,000/mm3 within 14 days "
            "prior to the first dose\nExclusion Criteria:\n* History of myocardial infarction "
            "in the past 6 months, except stable angina\n* AST, ALT ≤ 2.5 x ULN (≤ 5 x ULN for "
            "liver metastases)\n  - Note: for HCC, bilirubin ≤ 3 mg/dL\nOR\n* stage IIIB-IV",
        ]
        for text in samples:
            parse_text(text)
        _import_all()
    finally:
        re._compile = original  # type: ignore[attr-defined]
    return seen


def _import_all() -> None:
    import importlib
    import pkgutil

    import nlp

    for info in pkgutil.walk_packages(nlp.__path__, "nlp."):
        if ".cli" in info.name or info.name.endswith("__main__"):
            continue
        importlib.import_module(info.name)


def run(show_all: bool = False) -> list[Finding]:
    out: list[Finding] = []
    for (pattern, flags), module in sorted(collect().items(), key=lambda kv: kv[1]):
        for kind, detail in audit_pattern(pattern, flags):
            finding = Finding(kind, pattern, module, detail)
            if (pattern in ALLOWED or _bounded(finding)) and not show_all:
                continue
            out.append(finding)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--all", action="store_true", help="also list the allowed findings")
    args = ap.parse_args(argv)
    findings = run(args.all)
    for f in findings:
        print(f.line())
    unlisted = [f for f in findings if f.pattern not in ALLOWED and not _bounded(f)]
    print(f"{len(unlisted)} finding(s)", file=sys.stderr)
    return 1 if unlisted else 0


if __name__ == "__main__":
    sys.exit(main())
