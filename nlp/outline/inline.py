"""Lists printed inside one item, where the line breaks were lost.

Registry text often runs a sub-list into its item: "cardiac disease including: a. Arrhythmia
…, b. Coronary artery disease … either: i. Chronic exertional angina, or ii. Signs of heart
failure. c. Evidence of valve disease", or a word processor's bullets "exceptions: o Patients
with … o Patients with …", "conditions are met: - Rash …; - Disease …". A reader sees the
sub-items; so does Eligo. Markers are accepted only where a list is plausible:

- a *new* series (``a.``/``A.``, ``i.``, ``1.``/``1)``) starts right after a colon and needs a
  second marker of the same series later in the item (or a child line that continues it:
  ``b.`` printed on the next line); a bullet series (``o``, ``•``, ``-``) starts after a colon,
  semicolon or full stop (``-`` only after a colon, then after semicolons);
- a marker that *continues* a series already open (``ii.`` after ``i.``; ``c.`` after the item's
  own label ``b.``; ``o`` after ``o``) is accepted after a colon, semicolon, full stop, comma or
  "or" / "and";
- the marker is followed by a capital letter (or a bracket or quote), as an item's text is.

A marker that continues the item's own label starts a sibling of the item; other accepted
markers start children (and grandchildren, for a series inside a sub-item). The item's own
children (lines printed after it) follow the last part. Every character stays in some item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.outline.model import OutlineItem
from nlp.textutil import clean_segments

_MARKER = re.compile(
    r"(?:(?<=[:;.,]\s)|(?<=[:;.,]\s\s)|(?<=\s(?:or|OR)\s)|(?<=\s(?:and|AND)\s))"
    r"(?:(?P<seq>[a-zA-Z]|[ivxIVX]{1,4}|\d{1,2})[.)]|(?P<glyph>o|•|-))"
    r"[ \t]+(?=[A-Z(\[\"'“])"
)
_ROMAN = re.compile(r"[ivx]{1,4}|[IVX]{1,4}")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}


def _roman(raw: str) -> int:
    total, prev = 0, 0
    for ch in reversed(raw.lower()):
        v = _ROMAN_VALUES[ch]
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total


@dataclass
class _Marker:
    start: int  # clean offset of the marker
    content: int  # clean offset where the part's text starts
    series: str  # num, alpha, ALPHA, roman, ROMAN or the glyph
    value: int
    label: str
    after: str  # the character before the marker's space: ':' ';' '.' ',' or 'w' (a word)


def _kinds(raw: str) -> list[tuple[str, int]]:
    """The series a sequenced label can belong to, with its value ("i" is roman 1 or alpha 9)."""
    if raw.isdigit():
        return [("num", int(raw))]
    out: list[tuple[str, int]] = []
    if _ROMAN.fullmatch(raw):
        out.append(("roman" if raw.islower() else "ROMAN", _roman(raw)))
    if len(raw) == 1:
        out.append(("alpha" if raw.islower() else "ALPHA", ord(raw.lower()) - ord("a") + 1))
    return out


def _own_series(item: OutlineItem) -> list[tuple[str, int]]:
    label = item.label
    if label is None:
        return []
    if label in ("o", "•", "-", "*", "--"):
        return [(label, 1)]
    if "." in label:
        return []
    return _kinds(label)


def _candidates(text: str) -> list[tuple[int, int, str, str]]:
    out = []
    for m in _MARKER.finditer(text):
        before = text[: m.start()].rstrip()
        after = before[-1] if before and before[-1] in ":;.," else "w"
        raw = m.group("seq") or m.group("glyph")
        out.append((m.start(), m.end(), raw, after))
    return out


@dataclass
class _Level:
    series: str
    value: int
    parts: list[_Marker]


def _parse(item: OutlineItem, text: str) -> list[tuple[int, _Marker]]:
    """The accepted markers with their depth (0 = a sibling of the item, 1 = a child, ...)."""
    cands = _candidates(text)
    if not cands:
        return []
    own = _own_series(item)
    first_child = _kinds(item.children[0].label) if item.children and item.children[0].label else []
    levels: list[tuple[str, int] | None] = [own[0] if own else None]
    own_options = own
    accepted: list[tuple[int, _Marker]] = []
    for start, content, raw, after in cands:
        glyph = raw in ("o", "•", "-")
        options = [(raw, 1)] if glyph else _kinds(raw)
        placed = False
        # a marker that continues an open series, deepest first
        for depth in range(len(levels) - 1, -1, -1):
            open_series = levels[depth]
            choices = own_options if depth == 0 and open_series is not None else [open_series]
            for series, value in options:
                for cur in choices:
                    if cur is None or cur[0] != series:
                        continue
                    if glyph or value == cur[1] + 1:
                        if glyph and after not in ":;." and series == "-":
                            continue
                        accepted.append((depth, _Marker(start, content, series, value, raw, after)))
                        del levels[depth + 1 :]
                        levels[depth] = (series, value)
                        if depth == 0:
                            own_options = [(series, value)]
                        placed = True
                        break
                if placed:
                    break
            if placed:
                break
        if placed:
            continue
        # a marker that starts a new series under the innermost part
        new = [(s, v) for s, v in options if v == 1]
        if not new:
            continue
        series, value = new[0]
        if glyph:
            if after not in (":" if series == "-" else ":;."):
                continue
        elif after != ":" or not _has_next(cands, start, series, first_child, len(levels) == 1):
            continue
        levels.append((series, value))
        accepted.append((len(levels) - 1, _Marker(start, content, series, value, raw, after)))
    return accepted


def _has_next(
    cands: list[tuple[int, int, str, str]],
    start: int,
    series: str,
    first_child: list[tuple[str, int]],
    top: bool,
) -> bool:
    """A new sequenced series needs its second marker: later in the text, or the item's first
    child line ("a." inline, then "b." printed on the next line)."""
    for s, _, raw, _ in cands:
        if s > start and any(k == series and v == 2 for k, v in _kinds(raw)):
            return True
    return top and any(k == series and v == 2 for k, v in first_child)


def _sub_segments(segments: list[tuple[int, int]], a: int, b: int) -> list[tuple[int, int]]:
    out = []
    for s, e in segments:
        lo, hi = max(s, a), min(e, b)
        if lo < hi:
            out.append((lo, hi))
    return out


def _trimmed(source: str, segs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for s, e in segs:
        while s < e and source[s] in " \t\u00a0":
            s += 1
        while e > s and source[e - 1] in " \t\u00a0":
            e -= 1
        if s < e:
            out.append((s, e))
    return out


def split_item(source: str, item: OutlineItem) -> list[OutlineItem]:
    """Split ``item``'s inline list; returns the item and the siblings split off after it."""
    clean = clean_segments(source, item.segments)
    accepted = _parse(item, clean.text)
    if not accepted:
        return [item]
    bounds = [m.start for _, m in accepted] + [len(clean.text)]
    whole = item.segments

    def source_at(i: int) -> int:
        return clean.starts[i] if i < len(clean.starts) else whole[-1][1]

    head = _trimmed(source, _sub_segments(whole, whole[0][0], source_at(bounds[0])))
    own_children = item.children
    item.segments = head or [(whole[0][0], whole[0][0])]
    item.children = []
    siblings: list[OutlineItem] = []
    owners: list[OutlineItem] = [item]  # owners[d] = the part at depth d, for depth d + 1
    for n, (depth, marker) in enumerate(accepted):
        a, b = source_at(marker.content), source_at(bounds[n + 1])
        segs = _trimmed(source, _sub_segments(whole, a, b))
        if not segs:
            continue
        base = item.depth
        part = OutlineItem("", marker.label, segs, base + depth)
        if depth == 0:
            siblings.append(part)
        else:
            owners[depth - 1].children.append(part)
        del owners[depth:]
        owners.append(part)
    last = owners[0] if not siblings else siblings[-1]
    (last if last is not item else item).children.extend(own_children)
    if last is not item:
        _shift(own_children, last.depth + 1)
    return [item, *siblings]


def _shift(items: list[OutlineItem], depth: int) -> None:
    for it in items:
        it.depth = depth
        _shift(it.children, depth + 1)


def split_inline_lists(source: str, items: list[OutlineItem]) -> list[OutlineItem]:
    """``items`` with every inline list split out, depth-first, in text order."""
    out: list[OutlineItem] = []
    for item in items:
        item.children = split_inline_lists(source, item.children)
        out.extend(split_item(source, item))
    return out
