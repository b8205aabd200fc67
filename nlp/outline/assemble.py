"""From the builder's groups to the Outline: empty sections, ids, cohorts, warnings."""

from __future__ import annotations

import itertools
from collections import Counter

from models.encoding import ParseWarning
from nlp import errors
from nlp.outline.builder import _Builder, _Group
from nlp.outline.cohort import _set_cohorts
from nlp.outline.inline import split_inline_lists
from nlp.outline.lines import _BULLETS
from nlp.outline.model import Outline, OutlineGroup, OutlineItem, OutlineRemark


def _assign_ids(prefix: str, items: list[OutlineItem], parent_label: str | None = None) -> None:
    numbered = any(it.label and it.label not in _BULLETS for it in items)
    ids: list[str] = []
    for pos, item in enumerate(items, 1):
        if item.label is None:
            ids.append(f"{prefix}.p{pos}" if numbered else f"{prefix}.{pos}")
        elif item.label in _BULLETS or item.label in ("o", "--"):
            ids.append(f"{prefix}.{pos}")
        elif parent_label and item.label.startswith(parent_label + "."):
            ids.append(f"{prefix}.{item.label[len(parent_label) + 1 :]}")  # 5.1.4 → 5.1.4.1
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
        _assign_ids(id_, item.children, item.label)


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
    orphans: list = []  # remarks of a dropped group: they go to the next group kept
    for i, g in enumerate(groups):
        if orphans:
            g.remarks[:0] = orphans
            orphans = []
        if g.items:
            kept.append(g)
            continue
        nxt = groups[i + 1] if i + 1 < len(groups) else None
        if nxt is not None and nxt.kind == g.kind and nxt.heading is not None:
            orphans = g.remarks
            continue  # a heading over sub-headed lists ("Inclusion Criteria:" then "Part A:")
        if g.heading is None and g.remarks and nxt is not None:
            orphans = g.remarks  # "Eligibility criteria:" before the first heading
            continue
        if g.heading is not None or g.remarks:
            if g.heading is None:
                kept.append(g)
                continue
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
        g.items = split_inline_lists(text, g.items)
        if g.preamble:
            gid = "pre"
        else:
            counters[g.kind] += 1
            base = "inc" if g.kind == "inclusion" else "exc"
            gid = base if counters[g.kind] == 1 else f"{base}{counters[g.kind]}"
        _assign_ids(gid, g.items)
        starts = [g.heading[0]] if g.heading else ([g.start] if g.start is not None else [])
        ends = [g.heading[1]] if g.heading else []
        nodes = [n for it in g.items for n in it.walk()]
        spanned: list[OutlineItem | OutlineRemark] = [
            *nodes,
            *g.remarks,
            *(r for n in nodes for r in n.remarks),
        ]
        for node in spanned:
            starts.append(node.segments[0][0])
            ends.append(max(e for _, e in node.segments))
        span = (min(starts), max(ends)) if starts else None
        out.append(OutlineGroup(gid, g.kind, g.label, g.block, span, g.items, list(g.remarks)))
    _set_cohorts(text, kept, out)
    warnings[:] = [w for w in warnings if not _gap_filled(w, out)]
    _attach_ids(warnings, out)
    return Outline(out, warnings, b.headings)


def _value(label: str | None) -> int | None:
    if label is None:
        return None
    if label.isdigit():
        return int(label)
    if len(label) == 1 and label.isalpha():
        return ord(label.lower()) - ord("a") + 1
    return None


def _gap_filled(w: ParseWarning, groups: list[OutlineGroup]) -> bool:
    """A W101 / W102 for an item whose missing predecessor was printed inside the line before
    ("1. Age ... 2. No benefits ..." then "3. Gap ..."): the inline list filled the gap."""
    if w.code not in (errors.W_NUMBERING_GAP, errors.W_LIST_STARTS_LATE) or w.span is None:
        return False
    for g in groups:
        for siblings in [g.items, *(n.children for n in g.walk())]:
            for prev, item in itertools.pairwise(siblings):
                if w.span[0] <= item.segments[0][0] <= w.span[1]:
                    a, b = _value(prev.label), _value(item.label)
                    return a is not None and b is not None and b == a + 1
    return False


def _attach_ids(warnings: list[ParseWarning], groups: list[OutlineGroup]) -> None:
    """Each warning's criterion: the item with a line starting in the warning's span, else the
    innermost item whose text or remarks surround it (a stray heading inside an item)."""
    starts: dict[int, str] = {}
    ranges: list[tuple[int, int, int, str]] = []
    for g in groups:
        for node in g.walk():
            for a, _ in node.segments:
                starts.setdefault(a, node.id)
            segs = [*node.segments, *(s for r in node.remarks for s in r.segments)]
            ranges.append((min(a for a, _ in segs), max(b for _, b in segs), node.depth, node.id))
    for w in warnings:
        if w.span is None or w.criterion_id is not None:
            continue
        for pos in range(w.span[0], w.span[1] + 1):
            if pos in starts:
                w.criterion_id = starts[pos]
                break
        else:
            around = [r for r in ranges if r[0] <= w.span[0] and w.span[1] <= r[1]]
            if around:
                w.criterion_id = max(around, key=lambda r: r[2])[3]
