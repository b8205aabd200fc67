"""The line-by-line builder: headings open groups; labels, indentation and numbering nest items."""

from __future__ import annotations

from dataclasses import dataclass, field

from models.encoding import ParseWarning
from nlp import errors
from nlp.outline.headings import _intro_kind, _is_subheading, _kind_heading, heading_label
from nlp.outline.lines import _Line
from nlp.outline.model import OutlineItem


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
                label = heading_label(text[line.first : line.end])
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
        self._open_group(kind, heading_label(self.text[body_start:end]), (line.start, end))
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
