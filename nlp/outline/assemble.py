"""From the builder's groups to the Outline: empty sections, ids, cohorts, warnings."""

from __future__ import annotations

from collections import Counter

from models.encoding import ParseWarning
from nlp import errors
from nlp.outline.builder import _Builder, _Group
from nlp.outline.cohort import _set_cohorts
from nlp.outline.lines import _BULLETS
from nlp.outline.model import Outline, OutlineGroup, OutlineItem


def _assign_ids(prefix: str, items: list[OutlineItem]) -> None:
    numbered = any(it.label and it.label not in _BULLETS for it in items)
    ids: list[str] = []
    for pos, item in enumerate(items, 1):
        if item.label is None:
            ids.append(f"{prefix}.p{pos}" if numbered else f"{prefix}.{pos}")
        elif item.label in _BULLETS:
            ids.append(f"{prefix}.{pos}")
        else:
            ids.append(f"{prefix}.{item.label}")
    counts = Counter(ids)
    seen: Counter[str] = Counter()
    for item, id_ in zip(items, ids, strict=True):
        if counts[id_] > 1:
            seen[id_] += 1
            if seen[id_] > 1:
                id_ = f"{id_}_{seen[id_]}"
        item.id = id_
        _assign_ids(id_, item.children)


def _assemble(text: str, b: _Builder) -> Outline:
    warnings = b.warnings
    groups = b.groups
    if groups and not b.seen_heading and any(g.items for g in groups):
        warnings.insert(
            0,
            ParseWarning(
                code=errors.W_NO_SECTIONS,
                message=f"no inclusion/exclusion heading: all items taken as {b.default_kind}",
            ),
        )
    kept: list[_Group] = []
    for i, g in enumerate(groups):
        if g.items:
            kept.append(g)
            continue
        nxt = groups[i + 1] if i + 1 < len(groups) else None
        if nxt is not None and nxt.kind == g.kind and nxt.heading is not None:
            continue  # a heading over sub-headed lists ("Inclusion Criteria:" then "Part A:")
        if g.heading is not None:
            warnings.append(
                ParseWarning(
                    code=errors.W_EMPTY_SECTION,
                    message=f"heading {g.label!r} has no items",
                    span=g.heading,
                )
            )
            kept.append(g)
    out: list[OutlineGroup] = []
    counters: Counter[str] = Counter()
    for g in kept:
        if g.preamble:
            gid = "pre"
        else:
            counters[g.kind] += 1
            base = "inc" if g.kind == "inclusion" else "exc"
            gid = base if counters[g.kind] == 1 else f"{base}{counters[g.kind]}"
        _assign_ids(gid, g.items)
        starts = [g.heading[0]] if g.heading else ([g.start] if g.start is not None else [])
        ends = [g.heading[1]] if g.heading else []
        for node in (n for it in g.items for n in it.walk()):
            starts.append(node.segments[0][0])
            ends.append(max(e for _, e in node.segments))
        span = (min(starts), max(ends)) if starts else None
        out.append(OutlineGroup(gid, g.kind, g.label, None, span, g.items))
    _set_cohorts(text, kept, out)
    _attach_ids(warnings, out)
    return Outline(out, warnings, b.headings)


def _attach_ids(warnings: list[ParseWarning], groups: list[OutlineGroup]) -> None:
    starts: dict[int, str] = {}
    for g in groups:
        for node in g.walk():
            for a, _ in node.segments:
                starts.setdefault(a, node.id)
    for w in warnings:
        if w.span is None or w.criterion_id is not None:
            continue
        for pos in range(w.span[0], w.span[1] + 1):
            if pos in starts:
                w.criterion_id = starts[pos]
                break
