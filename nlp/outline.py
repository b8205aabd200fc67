"""Outline: eligibility text → groups of nested, numbered items with source spans.

A line scanner, no NLP: the batch job runs it on hundreds of thousands of records. Each line is
a heading (``Inclusion Criteria:``, a sub-heading such as ``Part A:``), a labelled item
(``1.``, ``1)``, ``(a)``, ``ii.``, ``*``, ``-``, ``•``, the escaped ``1\\.`` of API v2 text), a
continuation of the item above, or a blank line. Headings are data, in ``rules/headings.json``.

Nesting, in this order of evidence:

1. indentation (two or more columns deeper than the item above);
2. numbering that continues an open item (``9.`` after ``8.`` closes ``8.``'s sub-list);
3. a first label (``1``, ``a``, ``i``) under an item that ends with a colon or whose label is
   of another kind (``a.`` under ``19.``).

A list that restarts at 1 after a top-level item that does not introduce a sub-list starts a
new group of the same kind (``inc2``) with warning W107. Text that is neither heading nor item
is kept as an unlabelled item (W108), never dropped: every non-blank character of the input
belongs to a heading line or to some item's segments.

Ids: group id + printed labels, ``exc.8.3``; an unlabelled bullet or paragraph uses its 1-based
position among its siblings, written ``p2`` for a paragraph among numbered siblings. Text
before the first heading, when headings follow, forms a group with id ``pre``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict

from models.encoding import ParseWarning
from nlp import errors
from nlp.textutil import CleanText, clean_segments

# --- data model -------------------------------------------------------------------------------


@dataclass
class OutlineItem:
    """One printed item: its label, its own text lines as source spans, and its sub-items."""

    id: str
    label: str | None
    segments: list[tuple[int, int]]
    depth: int
    children: list[OutlineItem] = field(default_factory=list)

    @property
    def span(self) -> tuple[int, int]:
        return (self.segments[0][0], self.segments[-1][1])

    def clean(self, source: str) -> CleanText:
        """The item's text as a reader sees it, with a map back to ``source``."""
        return clean_segments(source, self.segments)

    def walk(self) -> list[OutlineItem]:
        """This item and all its descendants, depth-first."""
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


@dataclass
class OutlineGroup:
    """A list of items under one heading, or one restarted numbering."""

    id: str
    kind: str
    label: str | None
    cohort: str | None
    span: tuple[int, int] | None
    items: list[OutlineItem] = field(default_factory=list)

    def walk(self) -> list[OutlineItem]:
        return [node for item in self.items for node in item.walk()]


@dataclass
class Outline:
    groups: list[OutlineGroup]
    warnings: list[ParseWarning]
    headings: list[tuple[int, int]] = field(default_factory=list)
    """Spans of all heading lines, including headings over sub-headed lists."""


# --- heading rules ----------------------------------------------------------------------------


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: str | None = None
    pattern: str
    examples: list[str] = []


class HeadingRules(BaseModel):
    """The content of ``rules/headings.json``, validated."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    about: str = ""
    kind_headings: list[_Rule]
    intro_sentences: list[_Rule]
    subheadings: list[_Rule]
    cohort_nouns: list[str]


@cache
def heading_rules() -> HeadingRules:
    text = resources.files("nlp").joinpath("rules/headings.json").read_text(encoding="utf-8")
    return HeadingRules.model_validate(json.loads(text))


@cache
def _compiled() -> tuple[
    list[tuple[str, re.Pattern[str]]], list[tuple[str, re.Pattern[str]]], re.Pattern[str]
]:
    rules = heading_rules()
    kinds = [(r.kind or "", re.compile(r.pattern, re.IGNORECASE)) for r in rules.kind_headings]
    intros = [(r.kind or "", re.compile(r.pattern, re.IGNORECASE)) for r in rules.intro_sentences]
    sub = re.compile("|".join(f"(?:{r.pattern})" for r in rules.subheadings), re.IGNORECASE)
    return kinds, intros, sub


_KIND_HINT = re.compile(r"inclu|exclu|exlu|excu|inlu", re.IGNORECASE)


def _kind_heading(content: str) -> tuple[str, int] | None:
    """(kind, length of the heading part) when ``content`` is a section heading."""
    if len(content) > 160 or not _KIND_HINT.search(content):
        return None
    kinds, _, _ = _compiled()
    for kind, pattern in kinds:
        if pattern.fullmatch(content):
            return kind, len(content)
    colon = content.find(":")
    if 0 < colon < len(content) - 1:
        head = content[: colon + 1]
        for kind, pattern in kinds:
            if pattern.fullmatch(head):
                return kind, colon + 1
    return None


def _intro_kind(content: str) -> str | None:
    if not content.endswith(":") or len(content) > 220:
        return None
    _, intros, _ = _compiled()
    for kind, pattern in intros:
        if pattern.fullmatch(content):
            return kind
    return None


def _is_subheading(content: str) -> bool:
    return len(content) <= 320 and _compiled()[2].fullmatch(content) is not None


# --- line scanning ----------------------------------------------------------------------------

_BULLETS = "-*+•●○◦▪■·‣⁃►➢"
_ROMAN = r"(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
_LABEL = re.compile(
    r"(?:"
    rf"(?P<bullet>[{re.escape(_BULLETS)}])(?:[ \t\u00a0]+|$|(?=[^\s\d{re.escape(_BULLETS)}]))"
    r"|\((?P<paren>\d{1,3}|[a-zA-Z]|[ivxlIVXL]{1,6})\)(?:[ \t\u00a0]+|$)"
    r"|(?P<plain>\d{1,3}|[a-zA-Z]|[ivxlIVXL]{1,6})\\?[.)](?:[ \t\u00a0]+|$)"
    r")"
)
_ROMAN_RE = re.compile(_ROMAN, re.IGNORECASE)


@dataclass
class _Line:
    start: int  # first character of the line
    end: int  # end of the text, trailing whitespace and \r excluded
    indent: int  # columns before the first non-blank character
    first: int  # offset of the first non-blank character
    label: str | None = None  # as printed, punctuation removed
    kind: str | None = None  # num, alpha, ALPHA, roman, ROMAN, bullet
    value: int = 0
    content: int = 0  # offset where the item text starts
    content_col: int = 0


def _scan_lines(text: str) -> list[_Line | None]:
    """One entry per line: None for blank lines."""
    out: list[_Line | None] = []
    pos, n = 0, len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        stop = n if nl < 0 else nl
        end = stop
        while end > pos and text[end - 1] in " \t\r\u00a0\ufeff\f\v":
            end -= 1
        col, i = 0, pos
        while i < end and text[i] in " \t\u00a0\ufeff":
            col = col + 4 - col % 4 if text[i] == "\t" else col + 1
            i += 1
        out.append(None if i >= end else _Line(pos, end, col, i))
        if nl < 0:
            break
        pos = nl + 1
    return out


def _parse_label(text: str, line: _Line) -> None:
    m = _LABEL.match(text, line.first, line.end)
    if m is None:
        return
    bullet, raw = m.group("bullet"), m.group("paren") or m.group("plain")
    content = m.end()
    while content < line.end and text[content] in " \t\u00a0":
        content += 1
    if content >= line.end:  # a label alone on its line is text ("-" as a placeholder)
        return
    if bullet:
        line.label, line.kind = bullet, "bullet"
    elif raw.isdigit():
        line.label, line.kind, line.value = raw, "num", int(raw)
    elif len(raw) > 1 or raw in "iIvVxXlL":
        if not _ROMAN_RE.fullmatch(raw):
            return
        line.label, line.kind = raw, "roman" if raw.islower() else "ROMAN"
        line.value = _roman_value(raw)
        if len(raw) == 1:  # i / v / x / l: decided from the siblings in _Builder
            line.kind += "?"
    else:
        line.label, line.kind = raw, "alpha" if raw.islower() else "ALPHA"
        line.value = ord(raw.lower()) - ord("a") + 1
    line.content = content
    line.content_col = line.indent + (content - line.first)


def _roman_value(raw: str) -> int:
    values = {"i": 1, "v": 5, "x": 10, "l": 50}
    total, prev = 0, 0
    for ch in reversed(raw.lower()):
        v = values[ch]
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total


# --- building ---------------------------------------------------------------------------------


@dataclass
class _Node:
    item: OutlineItem
    line: _Line | None  # None for unlabelled paragraphs
    kind: str | None
    value: int
    ends_colon: bool


@dataclass
class _Group:
    kind: str
    label: str | None
    heading: tuple[int, int] | None
    restarted: bool = False
    preamble: bool = False
    start: int | None = None  # first label or text of a group without a heading
    items: list[OutlineItem] = field(default_factory=list)


_SENTENCE_END = (".", ";", ":", "!", "?")
_JOIN_WORDS = frozenset(
    [
        "and",
        "or",
        "of",
        "the",
        "with",
        "to",
        "in",
        "for",
        "a",
        "an",
        "by",
        "at",
        "on",
        "as",
        "than",
        "from",
    ]
)


class _Builder:
    def __init__(self, text: str, default_kind: str, line_items: bool) -> None:
        self.text = text
        self.default_kind = default_kind
        self.line_items = line_items
        self.groups: list[_Group] = []
        self.warnings: list[ParseWarning] = []
        self.stack: list[_Node] = []
        self.last: OutlineItem | None = None  # where a wrapped line continues
        self.last_end_char = ""
        self.seen_heading = False
        self.headings: list[tuple[int, int]] = []
        self.has_labels = False  # W108 only where other items are labelled

    # groups
    def _group(self) -> _Group:
        if not self.groups:
            self.groups.append(_Group(self.default_kind, None, None))
        return self.groups[-1]

    def _open_group(self, kind: str, label: str | None, span: tuple[int, int] | None) -> None:
        if span is not None:
            self.headings.append(span)
        self.groups.append(_Group(kind, label, span))
        self.stack = []
        self.last = None

    # items
    def _new_item(
        self, label: str | None, seg: tuple[int, int], parent: _Node | None
    ) -> OutlineItem:
        depth = parent.item.depth + 1 if parent else 0
        group = self._group()
        if group.heading is None and group.start is None:
            line_start = self.text.rfind("\n", 0, seg[0]) + 1
            group.start = (
                line_start
                + len(self.text[line_start : seg[0]])
                - len(self.text[line_start : seg[0]].lstrip())
            )
        item = OutlineItem("", label, [seg], depth)
        (parent.item.children if parent else self._group().items).append(item)
        self.last = item
        return item

    def _text_item(self, line: _Line) -> None:
        """An unlabelled line kept as its own top-level item."""
        if self.has_labels and not self.line_items:
            self._warn(
                errors.W_ORPHAN_TEXT,
                "text outside any list item, kept as an item",
                (line.first, line.end),
            )
        self.stack = []
        item = self._new_item(None, (line.first, line.end), None)
        if self.line_items:  # a criterion line may introduce labelled sub-items: "except for:"
            ends_colon = self.text[line.end - 1] == ":"
            self.stack.append(_Node(item, line, None, 0, ends_colon))

    def _warn(self, code: str, message: str, span: tuple[int, int] | None) -> None:
        self.warnings.append(ParseWarning(code=code, message=message, span=span))

    def run(self, lines: list[_Line | None]) -> None:
        blank_before = True
        for line in lines:
            if line is None:
                blank_before = True
                continue
            self._line(line, blank_before)
            self.last_end_char = self.text[line.end - 1]
            blank_before = False

    def _line(self, line: _Line, blank_before: bool) -> None:
        text = self.text
        body_start = line.content if line.kind is not None else line.first
        content = text[body_start : line.end]
        # a heading (possibly printed as a bullet: "-  INCLUSION CRITERIA:")
        if line.kind in (None, "bullet", "ROMAN", "ROMAN?", "ALPHA"):
            heading = _kind_heading(content)
            if heading is None and line.kind is None and not self.line_items:
                intro = _intro_kind(content)
                current = self.groups[-1].kind if self.groups and self.seen_heading else None
                if intro and intro != current:
                    heading = (intro, len(content))
            if heading is not None:
                self._heading(line, body_start, *heading)
                return
            if (
                line.kind != "bullet"
                and not self.line_items
                and (
                    blank_before
                    or self.last is None
                    or content[:1].isupper()
                    or line.kind is not None
                )
                and (not self.stack or line.indent <= self.stack[0].line.indent + 1)
                and _is_subheading(content)
            ):
                self.seen_heading = True
                label = text[line.first : line.end]
                self._open_group(
                    self._group().kind if self.groups else self.default_kind,
                    label,
                    (line.start, line.end),
                )
                return
        if line.kind is not None:
            self._labelled(line)
        else:
            self._unlabelled(line, blank_before)

    def _heading(self, line: _Line, body_start: int, kind: str, length: int) -> None:
        end = body_start + length
        while end > body_start and self.text[end - 1] in " \t":
            end -= 1
        if self.groups and not self.seen_heading:
            self.groups[-1].preamble = True
        self.seen_heading = True
        self._open_group(kind, self.text[body_start:end], (line.start, end))
        rest = end
        while rest < line.end and self.text[rest] in " \t\u00a0":
            rest += 1
        if rest < line.end:
            self._warn(
                errors.W_ORPHAN_TEXT,
                "text after a heading on its line, kept as an item",
                (rest, line.end),
            )
            self._new_item(None, (rest, line.end), None)

    def _unlabelled(self, line: _Line, blank_before: bool) -> None:
        seg = (line.first, line.end)
        if self.line_items or self.last is None:
            self._text_item(line)
            return
        if blank_before:
            # a paragraph indented under an open item belongs to the deepest such item
            for node in reversed(self.stack):
                if node.line is not None and line.indent + 1 >= node.line.content_col:
                    node.item.segments.append(seg)
                    self.last = node.item
                    return
            self._text_item(line)
            return
        if self.last.label is not None:
            self.last.segments.append(seg)  # a hard-wrapped line of a list item
            return
        # after an unlabelled paragraph: join only what reads as a wrapped sentence
        prev_words = self.text[self.last.segments[-1][0] : self.last.segments[-1][1]].rsplit(
            None, 1
        )
        first = self.text[line.first]
        if self.last_end_char not in _SENTENCE_END and (
            not first.isupper()
            or (prev_words and prev_words[-1].lower() in _JOIN_WORDS)
            or self.last_end_char in ",(-/"
        ):
            self.last.segments.append(seg)
        else:
            self._text_item(line)

    def _labelled(self, line: _Line) -> None:
        stack = self.stack
        last = stack[-1] if stack else None
        if (
            last is not None
            and last.item is self.last
            and last.ends_colon
            and line.indent + 1 < last.line.indent
            and line.value == 1
            and line.kind != last.kind
        ):
            # "2. Biochemical tests should meet the following criteria:" then "A. BIL < ..."
            # printed at the margin: a sub-list introduced by the colon, not a new top level
            self._push(last, line, self._resolve_kind(line, []), (line.content, line.end))
            return
        while stack and stack[-1].line is not None and stack[-1].line.indent > line.indent + 1:
            stack.pop()
        # the open items at this line's level, deepest first
        level = [
            n
            for n in reversed(stack)
            if n.line is not None and abs(n.line.indent - line.indent) <= 1
        ]
        kind = self._resolve_kind(line, level)
        seg = (line.content, line.end)
        first_value = line.value == 1 or kind == "bullet"
        for node in level:
            if node.kind == kind and (
                (kind == "bullet" and node.line.label == line.label)
                or (kind != "bullet" and line.value == node.value + 1)
            ):
                self._sibling_of(node, line, kind, seg)
                return
        top = level[0] if level else None
        if top is not None:
            if (
                first_value
                and (top.kind != kind or top.ends_colon)
                and ((kind != "bullet" and top.kind is not None) or top.ends_colon)
            ):
                self._child_of(top, line, kind, seg)
                return
            if kind in ("alpha", "roman") and top.kind == "num":
                self._child_of(top, line, kind, seg, check_start=True)
                return
            same = next((n for n in level if n.kind == kind), None)
            if same is not None:
                if (
                    kind != "bullet"
                    and line.value == 1
                    and stack.index(same) == 0
                    and same.item.depth == 0
                ):
                    self._restart(line, kind, seg)
                    return
                if kind != "bullet":
                    self._warn(
                        errors.W_NUMBERING_GAP,
                        f"numbering jumps from {same.line.label} to {line.label}",
                        (line.first, line.end),
                    )
                self._sibling_of(same, line, kind, seg)
                return
            self._sibling_of(top, line, kind, seg)
            return
        parent = stack[-1] if stack else None
        if parent is not None and parent.line is not None and line.indent <= parent.line.indent:
            parent = None
        self._push(parent, line, kind, seg, check_start=True)

    def _resolve_kind(self, line: _Line, level: list[_Node]) -> str:
        kind = line.kind or ""
        if not kind.endswith("?"):
            return kind
        base = kind[:-1]
        alpha = "alpha" if base == "roman" else "ALPHA"
        letter_value = ord(line.label.lower()) - ord("a") + 1
        for node in level:
            if node.kind == alpha and node.value + 1 == letter_value:
                line.value = letter_value
                return alpha
            if node.kind == base and node.value + 1 == line.value:
                return base
        if line.value == 1:
            return base
        line.value = letter_value
        return alpha

    def _sibling_of(self, node: _Node, line: _Line, kind: str, seg: tuple[int, int]) -> None:
        idx = self.stack.index(node)
        parent = self.stack[idx - 1] if idx > 0 else None
        del self.stack[idx:]
        self._push(parent, line, kind, seg)

    def _child_of(
        self, node: _Node, line: _Line, kind: str, seg: tuple[int, int], check_start: bool = False
    ) -> None:
        idx = self.stack.index(node)
        del self.stack[idx + 1 :]
        self._push(node, line, kind, seg, check_start)

    def _restart(self, line: _Line, kind: str, seg: tuple[int, int]) -> None:
        group = self._group()
        self._warn(
            errors.W_LOST_HEADING,
            f"numbering restarts at {line.label} with no heading: a new list",
            (line.first, line.end),
        )
        self.groups.append(_Group(group.kind, None, None, restarted=True))
        self.stack = []
        self._push(None, line, kind, seg, check_start=True)

    def _push(
        self,
        parent: _Node | None,
        line: _Line,
        kind: str,
        seg: tuple[int, int],
        check_start: bool = False,
    ) -> None:
        if check_start and kind != "bullet" and line.value > 1:
            self._warn(
                errors.W_LIST_STARTS_LATE,
                f"list starts at {line.label}: an item before it was probably lost",
                (line.first, line.end),
            )
        item = self._new_item(line.label, seg, parent)
        ends_colon = self.text[line.end - 1] == ":"
        self.stack.append(_Node(item, line, kind, line.value, ends_colon))


# --- ids, cohorts, assembly -------------------------------------------------------------------


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


_ABBREV = re.compile(r"\b[a-z]?[A-Z][A-Za-z]{0,4}[A-Z]\b")


def _item_texts(group: _Group, text: str) -> list[str]:
    """One text per top-level item, its sub-items included."""
    return [
        " ".join(text[a:b] for node in item.walk() for a, b in node.segments)
        for item in group.items
    ]


def _expand(abbrev: str, text: str) -> str:
    """'LN' → 'lupus nephritis (LN)' when the text has words whose initials spell it."""
    letters = [c for c in abbrev if c.isupper()] if abbrev[0].islower() else list(abbrev)
    n = len(letters)
    pattern = r"\b" + r"[\w-]*\s+".join(f"[{c.lower()}{c.upper()}]" for c in letters) + r"[\w-]*"
    for m in re.finditer(pattern, text):
        words = m.group(0).split()
        if len(words) == n:
            return f"{m.group(0)} ({abbrev})"
    return abbrev


def _content_cohort(group: _Group, others: list[_Group], text: str) -> str | None:
    """The abbreviation most items of a list name and no other list of its kind does."""
    texts = _item_texts(group, text)
    if len(texts) < 2:
        return None
    elsewhere = {a for g in others for t in _item_texts(g, text) for a in _ABBREV.findall(t)}
    counts = Counter(
        a
        for t in texts
        for a in set(_ABBREV.findall(t))
        if a not in elsewhere and not _ROMAN_RE.fullmatch(a)
    )
    if not counts:
        return None
    (best, n), *rest = counts.most_common()
    if n < 2 or n * 3 < len(texts) or (rest and rest[0][1] == n):
        return None
    group_text = " ".join(texts)
    return _expand(best, group_text)


_LABEL_COHORT = re.compile(r"\b(?:for|in)\s+([^:()]+?)\s*:?\s*$|\(([^()]+)\)\s*:?\s*$", re.I)
_SPECIFIC = re.compile(r"^([\w/]+)-specific\b", re.IGNORECASE)


def _label_cohort(label: str, text: str) -> str | None:
    nouns = set(heading_rules().cohort_nouns)
    m = _SPECIFIC.match(label)
    if m:
        return _expand(m.group(1), text) if m.group(1).isupper() else m.group(1)
    prefix = re.match(r"(.*?)\s*\b(?:inclusion|exclusion|excluding)\b", label, re.IGNORECASE)
    if prefix and prefix.group(1) and prefix.group(1).split()[-1].lower() in nouns:
        return prefix.group(1)
    stripped = label.strip().rstrip(":").strip()
    if re.match(r"(?:part|cohort|arm|group|groups)\s+\S+$", stripped, re.IGNORECASE):
        return stripped
    m = _LABEL_COHORT.search(label)
    if m:
        name = (m.group(1) or m.group(2)).strip()
        words = {w.lower() for w in re.findall(r"[\w-]+", name)}
        if words & nouns and len(words) <= 8 and not re.match(r"(?:all|both|each)\b", name, re.I):
            name = re.sub(r"^(?:all|the|those)\s+", "", name, flags=re.IGNORECASE)
            return name
    return None


def build_outline(
    text: str, default_kind: str = "inclusion", *, line_items: bool = False
) -> Outline:
    """Find the sections, lists and items of an eligibility text.

    ``default_kind`` is the kind of items before (or without) any heading, e.g. ``exclusion``
    for a Chia ``_exc.txt`` file. ``line_items=True`` makes every unlabelled line its own item
    (Chia's one-criterion-per-line files); a text with no heading and no label at all is read
    that way anyway.

    >>> [g.id for g in build_outline("Inclusion Criteria:\\n1. Age 18\\n1. Adults").groups]
    ['inc', 'inc2']
    """
    lines = _scan_lines(text)
    for line in lines:
        if line is not None:
            _parse_label(text, line)
    if not line_items and all(
        line is None or (line.kind is None and _kind_heading(text[line.first : line.end]) is None)
        for line in lines
    ):
        line_items = True
    builder = _Builder(text, default_kind, line_items)
    builder.has_labels = any(line is not None and line.kind is not None for line in lines)
    builder.run(lines)
    return _assemble(text, builder)


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


def _set_cohorts(text: str, kept: list[_Group], out: list[OutlineGroup]) -> None:
    for g, og in zip(kept, out, strict=True):
        if g.label:
            og.cohort = _label_cohort(g.label, text)
        if og.cohort is None and g.restarted:
            same_kind = [o for o in kept if o is not g and o.kind == g.kind and not o.preamble]
            if same_kind:
                og.cohort = _content_cohort(g, same_kind, text)


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
