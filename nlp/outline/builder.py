"""The line-by-line builder: headings open groups; labels, indentation and numbering nest items.

Besides items, a line can be a kind heading, a block heading (a population or part over its
own inclusion and exclusion lists: "Patients with DS", "Part 1:"), a sub-heading, or a line
kept as a *remark* of its group or item (not a criterion): a content-free intro sentence, a
note, a connector ("OR"), or a heading that does not open a list (a stray heading typed inside
an item while the numbering goes on). Decisions that need the lines after the current one
(a block heading is followed by a kind heading; a stray heading is followed by the rest of its
item) look ahead in ``self.lines``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models.encoding import ParseWarning
from nlp import errors
from nlp.outline.headings import (
    _block_heading,
    _inline_headings,
    _intro_kind,
    _is_connector,
    _is_definition,
    _is_note,
    _is_preamble,
    _is_subheading,
    _kind_heading,
    _mixed_heading,
    _trailing_kind_heading,
    heading_label,
)
from nlp.outline.lines import _Line, _parse_label
from nlp.outline.model import OutlineItem, OutlineRemark


@dataclass
class _Node:
    item: OutlineItem
    line: _Line | None  # None for unlabelled paragraphs
    kind: str | None
    value: int
    ends_colon: bool
    semicolons: bool = False  # a flat child of a ';'-separated list ("a;" "b;" "c.")


@dataclass
class _Group:
    kind: str
    label: str | None
    heading: tuple[int, int] | None
    restarted: bool = False
    preamble: bool = False
    start: int | None = None  # first label or text of a group without a heading
    items: list[OutlineItem] = field(default_factory=list)
    remarks: list[OutlineRemark] = field(default_factory=list)
    block: str | None = None  # the block heading above it, as printed ("Part 1")
    number: str | None = None  # a numbered heading's number ("5.1" of "5.1 Inclusion Criteria")


_SENTENCE_END = (".", ";", ":", "!", "?")
_JOIN_WORDS = frozenset((  # a line ending with one of these wraps into the next
    "and", "or", "of", "the", "with", "to", "in", "for", "a", "an", "by", "at", "on", "as",
    "than", "from",
))  # fmt: skip
_HEADING_LABELS = (None, "bullet", "ROMAN", "ROMAN?", "ALPHA", "num", "dotted")
_LIST_END = (";", ",", " or", " and", " and/or", " OR", " AND")
MAX_DEPTH = 20
"""Items nest at most this deep (real eligibility lists nest five deep at most): the encoding
stays within what JSON and YAML readers and writers handle (docs/schema.md, W115)."""


def _line_start(text: str, pos: int) -> int:
    """Where the line holding ``pos`` starts (after ``\n``, or a lone ``\r``)."""
    return max(text.rfind("\n", 0, pos), text.rfind("\r", 0, pos)) + 1


class _Builder:
    def __init__(self, text: str, default_kind: str, line_items: bool) -> None:
        self.text = text
        self.default_kind = default_kind
        self.line_items = line_items
        self.groups: list[_Group] = []
        self.warnings: list[ParseWarning] = []
        self.stack: list[_Node] = []
        self.last: OutlineItem | None = None  # where a wrapped line continues
        self.last_remark: OutlineRemark | None = None  # ... or a wrapped remark
        self.last_end_char = ""
        self.seen_heading = False
        self.kind_heading_seen = False  # a printed inclusion/exclusion heading, not an intro
        self.headings: list[tuple[int, int]] = []
        self.has_labels = False  # W108 only where other items are labelled
        self.lines: list[_Line | None] = []
        self.index = 0
        self.skip_to = -1  # lines up to this index were consumed by a look-ahead
        self.block: str | None = None
        self.pending: list[OutlineRemark] = []  # intro remarks waiting for the group they open
        self.no_late_start: int | None = None  # W111 given: no W101 for the item at this offset
        self.label_indent: dict[int, int] = {}  # id(item) → column of its printed label
        self.too_deep = False

    # groups
    def _group(self) -> _Group:
        if not self.groups:
            self.groups.append(_Group(self.default_kind, None, None, block=self.block))
        return self.groups[-1]

    def _open_group(
        self, kind: str, label: str | None, span: tuple[int, int] | None, number: str | None = None
    ) -> None:
        if span is not None:
            self.headings.append(span)
        group = _Group(kind, label, span, block=self.block, number=number)
        if self.pending:  # intro sentences printed just before this heading introduce it
            for remark in self.pending:
                for g in self.groups:
                    if remark in g.remarks:
                        g.remarks.remove(remark)
            group.remarks.extend(self.pending)
            self.pending = []
        self.groups.append(group)
        self.stack = []
        self.last = None
        self.last_remark = None

    # items
    def _new_item(
        self, label: str | None, seg: tuple[int, int], parent: _Node | None
    ) -> OutlineItem:
        depth = parent.item.depth + 1 if parent else 0
        group = self._group()
        if group.heading is None and group.start is None:
            line_start = _line_start(self.text, seg[0])
            group.start = (
                line_start
                + len(self.text[line_start : seg[0]])
                - len(self.text[line_start : seg[0]].lstrip())
            )
        item = OutlineItem("", label, [seg], depth)
        (parent.item.children if parent else self._group().items).append(item)
        self.last = item
        self.last_remark = None
        self.pending = []
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
        ends_colon = self.text[line.end - 1] == ":"
        if self.line_items or ends_colon:
            # a criterion line may introduce labelled sub-items: "except for:", "include the
            # following:"
            self.stack.append(_Node(item, self._paragraph_line(line), None, 0, ends_colon))

    @staticmethod
    def _paragraph_line(line: _Line) -> _Line:
        """An unlabelled paragraph as an open node: text indented deeper than it joins it."""
        return _Line(line.start, line.end, line.indent, line.first, content_col=line.indent + 2)

    def _remark(
        self, kind: str, segments: list[tuple[int, int]], item: OutlineItem | None = None
    ) -> OutlineRemark:
        remark = OutlineRemark(kind, list(segments))
        (item.remarks if item is not None else self._group().remarks).append(remark)
        self.last_remark = remark
        self.last = None
        if kind == "preamble" and item is None:
            self.pending.append(remark)
        return remark

    def _warn(self, code: str, message: str, span: tuple[int, int] | None) -> None:
        self.warnings.append(ParseWarning(code=code, message=message, span=span))

    # look-ahead
    def _next_index(self, i: int) -> int | None:
        """Index of the next non-blank line after line ``i``."""
        for j in range(i + 1, len(self.lines)):
            if self.lines[j] is not None:
                return j
        return None

    def _paragraph(self, i: int) -> list[int]:
        """Line ``i`` and the unlabelled lines that continue it (no blank line between)."""
        out = [i]
        j = i + 1
        while j < len(self.lines):
            nxt = self.lines[j]
            if nxt is None or nxt.kind is not None:
                break
            if _kind_heading(self.text[nxt.first : nxt.end]) is not None:
                break
            out.append(j)
            j += 1
        return out

    def _line_at(self, index: int) -> _Line:
        """The line at ``index``, known not to be blank (a paragraph's lines)."""
        line = self.lines[index]
        assert line is not None
        return line

    def _content(self, line: _Line) -> str:
        start = line.content if line.kind is not None else line.first
        return self.text[start : line.end]

    def _heading_at(self, j: int | None) -> bool:
        if j is None:
            return False
        line = self.lines[j]
        assert line is not None
        if line.kind not in _HEADING_LABELS:
            return False
        content = self._content(line)
        return _kind_heading(content) is not None or _mixed_heading(content)

    def run(self, lines: list[_Line | None]) -> None:
        self.lines = lines
        blank_before = True
        for i, line in enumerate(lines):
            if i <= self.skip_to:
                if line is not None:
                    self.last_end_char = self.text[line.end - 1]
                    blank_before = False
                continue
            if line is None:
                blank_before = True
                continue
            self.index = i
            for n, piece in enumerate(self._pieces(line)):
                self._line(piece, blank_before if n == 0 else False)
            self.last_end_char = self.text[line.end - 1]
            blank_before = False

    def _pieces(self, line: _Line) -> list[_Line]:
        """The line, split before each kind heading printed inside it (W113)."""
        if self.line_items:
            return [line]
        body = line.content if line.kind is not None else line.first
        offsets = [body + o for o in _inline_headings(self.text[body : line.end])]
        if not offsets:
            return [line]
        pieces: list[_Line] = []
        starts = [line.first, *offsets]
        for n, start in enumerate(starts):
            end = offsets[n] if n < len(offsets) else line.end
            while end > start and self.text[end - 1] in " \t\u00a0":
                end -= 1
            if n == 0:
                piece = _Line(line.start, end, line.indent, line.first)
                if line.kind is not None and end > line.content:
                    _parse_label(self.text, piece)
            else:
                piece = _Line(start, end, line.indent, start)
                heading = _kind_heading(self.text[start:end])
                kind = heading[0] if heading else "the next list"
                self._warn(
                    errors.W_INLINE_HEADING,
                    f"a heading printed inside a line: the text after it read as {kind}",
                    (start, end),
                )
            if piece.end > piece.first:
                pieces.append(piece)
        return pieces

    def _line(self, line: _Line, blank_before: bool) -> None:
        text = self.text
        body_start = line.content if line.kind is not None else line.first
        content = text[body_start : line.end]
        if line.kind is None and not self.line_items and _is_connector(content):
            self._remark("connector", [(line.first, line.end)])
            return
        if line.kind in _HEADING_LABELS:
            heading = _kind_heading(content)
            if heading is None and _mixed_heading(content):
                heading = ("inclusion", len(content))
                self._warn(
                    errors.W_MIXED_HEADING,
                    f"heading {content.strip()!r} names both inclusion and exclusion: its list "
                    "is read as inclusion",
                    (line.first, line.end),
                )
            if heading is None and line.kind is None and not self.line_items:
                intro = _intro_kind(content)
                current = self.groups[-1].kind if self.groups and self.seen_heading else None
                if intro and intro != current:
                    heading = (intro, len(content))
                    if not self.kind_heading_seen:
                        self._warn(
                            errors.W_KIND_FROM_INTRO,
                            f"no heading: the list is read as {intro} from its intro sentence",
                            (line.first, line.end),
                        )
            if (
                heading is not None
                and line.kind in ("num", "dotted")
                and not self._numbered_heading_ok(line)
            ):
                heading = None
            if heading is not None:
                if self._stray_heading(line, heading[0]):
                    return
                number = line.label if line.kind in ("num", "dotted") else None
                if _kind_heading(content) is not None or _mixed_heading(content):
                    self.kind_heading_seen = True
                self._heading(line, body_start, *heading, number=number)
                return
            if (
                line.kind in (None, "bullet")
                and not self.line_items
                and self._block(line, content, blank_before)
            ):
                return
            if (
                line.kind != "bullet"
                and line.kind not in ("num", "dotted")
                and not self.line_items
                and (
                    blank_before
                    or self.last is None
                    or content[:1].isupper()
                    or line.kind is not None
                )
                and (
                    not self.stack
                    or (bottom := self.stack[0].line) is None
                    or line.indent <= bottom.indent + 1
                )
                and (_is_subheading(content) or self._title_subheading(line, content))
            ):
                self.seen_heading = True
                label = heading_label(text[line.first : line.end])
                self._open_group(
                    self._group().kind if self.groups else self.default_kind,
                    label,
                    (line.start, line.end),
                )
                if not _is_subheading(content):  # a title line names the list's population
                    self.groups[-1].block = label
                return
        if line.kind == "bullet" and not self.line_items and self._bullet_remark(line, content):
            return
        if line.kind is not None:
            self._labelled(line)
            if line.kind == "bullet" and not self.line_items and _is_definition(content):
                self._item_to_definition()
        else:
            self._unlabelled(line, blank_before)

    def _item_to_definition(self) -> None:
        """A bullet that defines a term ("Substantial LVI is defined as ...") is a remark of the
        list it sits in: of the parent item, or of the group."""
        node = self.stack.pop()
        parent = self.stack[-1].item if self.stack and node.item.depth > 0 else None
        siblings = parent.children if parent is not None else self._group().items
        siblings.remove(node.item)
        self._remark("definition", list(node.item.segments), item=parent)
        self.last = None

    # headings and blocks
    def _numbered_heading_ok(self, line: _Line) -> bool:
        """ "5.1 Inclusion Criteria" is a heading; so is "1. INCLUSION CRITERIA" when no list of
        that numbering is open (an item of an open list is an item)."""
        if line.kind == "dotted":  # "5.2 Exclusion Criteria" after 5.1.x: not a sub-item
            prefix = line.label.rsplit(".", 1)[0]  # type: ignore[union-attr]
            return not any(n.line is not None and n.line.label == prefix for n in self.stack)
        return not any(n.kind == line.kind and n.line is not None for n in self.stack)

    def _heading(
        self, line: _Line, body_start: int, kind: str, length: int, number: str | None = None
    ) -> None:
        end = body_start + length
        while end > body_start and self.text[end - 1] in " \t":
            end -= 1
        if self.groups and not self.seen_heading:
            self.groups[-1].preamble = True
        self.seen_heading = True
        self._numbering_across(line, kind)
        self._open_group(
            kind, heading_label(self.text[body_start:end]), (line.start, end), number=number
        )
        rest = end
        while rest < line.end and self.text[rest] in " \t\u00a0":
            rest += 1
        if rest < line.end:
            after = _Line(line.start, line.end, line.indent, rest)
            _parse_label(self.text, after)
            if after.kind is not None:  # "Exclusion Criteria: 1. Age less than 40 years ..."
                self._labelled(after)
                return
            self._warn(
                errors.W_ORPHAN_TEXT,
                "text after a heading on its line, kept as an item",
                (rest, line.end),
            )
            self._new_item(None, (rest, line.end), None)

    def _open_top(self) -> _Node | None:
        """The open top-level numbered item of the current group, if any."""
        if self.stack and self.stack[0].kind in ("num", "dotted") and self.stack[0].line:
            return self.stack[0]
        return None

    def _next_label(self, j: int | None) -> _Line | None:
        while j is not None:
            line = self.lines[j]
            assert line is not None
            if line.kind is not None:
                return line
            j = self._next_index(j)
        return None

    def _continues(self, top: _Node, line: _Line | None) -> bool:
        return (
            line is not None
            and line.kind == top.kind
            and abs(line.indent - top.line.indent) <= 1  # type: ignore[union-attr]
            and line.value == top.value + 1
        )

    def _stray_heading(self, line: _Line, kind: str) -> bool:
        """A heading of the other kind typed inside an open item, with the item's text and then
        the same numbering going on after it: a remark of the item (W109), not a new list."""
        top = self._open_top()
        group = self.groups[-1] if self.groups else None
        if top is None or group is None or group.kind == kind or not self.seen_heading:
            return False
        if line.indent <= top.line.indent + 1:  # type: ignore[union-attr]
            return False
        j = self._next_index(self.index)
        after = self.lines[j] if j is not None else None
        if after is None or after.kind is not None or after.indent <= top.line.indent + 1:  # type: ignore[union-attr]
            return False  # the heading is followed by an item: a real heading (see W111)
        if not self._continues(top, self._next_label(j)):
            return False
        owner = self.stack[-1].item
        self._remark("heading", [(line.first, line.end)], item=owner)
        self.last = owner  # the text after the heading goes on with the item
        self.last_remark = None
        self._warn(
            errors.W_STRAY_HEADING,
            f"heading {self.text[line.first : line.end]!r} inside item {owner.label or ''} "
            f"while the numbering goes on after it: kept as a remark, the list stays {group.kind}",
            (line.first, line.end),
        )
        return True

    def _numbering_across(self, line: _Line, kind: str) -> None:
        """W111 when the numbered list goes on across a heading of the other kind."""
        top = self._open_top()
        group = self.groups[-1] if self.groups else None
        if top is None or group is None or group.kind == kind:
            return
        nxt = self._next_label(self._next_index(self.index))
        if not self._continues(top, nxt):
            return
        assert nxt is not None
        self.no_late_start = nxt.first
        self._warn(
            errors.W_NUMBERING_ACROSS_HEADING,
            f"numbering goes on from {top.line.label} to {nxt.label} across the heading "  # type: ignore[union-attr]
            f"{self.text[line.first : line.end]!r}: the items after it are read as {kind}",
            (line.first, line.end),
        )

    def _block(self, line: _Line, content: str, blank_before: bool) -> bool:
        """A block heading over its own kind headings: "Patients with DS", "Part 1:", or a
        paragraph ending with a kind heading ("Eligibility criteria for the secondary
        randomisation to ... Inclusion criteria")."""
        if not (blank_before or self.last is None):
            return False
        para = self._paragraph(self.index) if line.kind is None else [self.index]
        after = para[-1] + 1
        if line.kind is None and after < len(self.lines) and self.lines[after] is not None:
            nxt = self.lines[after]
            assert nxt is not None
            if nxt.kind is None and _trailing_kind_heading(self.text[nxt.first : nxt.end]):
                para.append(after)  # "... to once vs twice daily" / "lamivudine Inclusion criteria"
        last = self.lines[para[-1]]
        assert last is not None
        trailing = _trailing_kind_heading(self._content(last)) if line.kind is None else None
        if trailing is not None and len(para) <= 3:
            kind, offset = trailing
            head_start = (last.content if last.kind is not None else last.first) + offset
            segments = [(self._line_at(k).first, self._line_at(k).end) for k in para[:-1]]
            before = self.text[last.first : head_start].rstrip()
            if before:
                segments.append((last.first, last.first + len(before)))
            if not _block_heading(" ".join(self.text[a:b] for a, b in segments)):
                return False
            self._set_block(segments)
            self.skip_to = para[-1]
            fake = _Line(last.start, last.end, last.indent, head_start)
            self._heading(fake, head_start, kind, last.end - head_start)
            return True
        if len(para) > 2 or not self._heading_at(self._next_index(para[-1])):
            return False
        joined = " ".join(self._content(self._line_at(k)) for k in para).strip()
        group = self.groups[-1] if self.groups else None
        if group is not None and group.heading is not None and not group.items:
            return False  # the only line under a heading is its item, not a block over the next
        top = self._open_top() or (self.stack[0] if self.stack else None)
        shallower = top is None or top.line is None or line.indent < top.line.indent
        if not (
            (_block_heading(joined) and (shallower or joined.endswith(":") or self.block))
            or (not self.seen_heading and not self.groups)
            or (self.block is not None and joined.endswith(":"))
        ):
            return False
        body = line.content if line.kind is not None else line.first
        segments = (
            [(body, line.end)]
            + [
                (self.lines[k].first, self.lines[k].end)  # type: ignore[union-attr]
                for k in para[1:]
            ]
        )
        self._set_block(segments)
        self.skip_to = para[-1]
        return True

    def _set_block(self, segments: list[tuple[int, int]]) -> None:
        from nlp.textutil import clean_segments

        name = clean_segments(self.text, segments).text.strip().rstrip(":;").strip()
        self.block = heading_label(name) or None
        for seg in segments:
            self.headings.append(seg)
        if self.groups and not self.seen_heading:
            self.groups[-1].preamble = True
        self.seen_heading = True
        self.stack = []
        self.last = None
        self.last_remark = None

    def _title_subheading(self, line: _Line, content: str) -> bool:
        """A short title line over a list inside a section, printed without a colon
        ("Parkinson's Disease" above its bullets), shallower than the list's labels."""
        words = content.split()
        if (
            not self.seen_heading
            or not 1 <= len(words) <= 6
            or content.endswith((".", ",", ";", ":"))
            or not content[:1].isupper()
            or any(ch.isdigit() for ch in content)
        ):
            return False
        nxt_index = self._next_index(self.index)
        nxt = self.lines[nxt_index] if nxt_index is not None else None
        if nxt is None or nxt.kind is None or nxt.indent < line.indent:
            return False
        group = self.groups[-1] if self.groups else None
        labels = [it for it in (group.items if group else []) if it.label is not None]
        shallower = bool(labels) and line.indent < self.label_indent.get(id(labels[-1]), 0)
        after_subheading = group is not None and not group.items and group.heading is not None
        return shallower or after_subheading

    # remarks
    def _bullet_remark(self, line: _Line, content: str) -> bool:
        """A bullet that is only an intro sentence ("-  The selection criteria of the subjects
        will be as follows:") is a preamble of its group, not a criterion."""
        if not _is_preamble(content, self._group().kind if self.groups else None):
            return False
        if not content.endswith(":"):
            return False
        self._remark("preamble", [(line.content, line.end)])
        self.stack = []
        return True

    def _paragraph_remark(self, line: _Line) -> bool:
        """An unlabelled paragraph that is an intro sentence, a note or a disclaimer."""
        para = self._paragraph(self.index)
        segments = [(self.lines[k].first, self.lines[k].end) for k in para]  # type: ignore[union-attr]
        joined = " ".join(self.text[a:b] for a, b in segments)
        group = self._group()
        nxt = self._next_index(para[-1])
        if _is_preamble(joined, group.kind):
            kind = "preamble"
        elif _is_definition(joined):
            kind = "definition"
        elif _is_note(joined) and (nxt is None or self._heading_at(nxt) or self._ends_group(nxt)):
            kind = "note"
        else:
            return False
        self._remark(kind, segments)
        self.skip_to = para[-1]
        self.stack = []
        return True

    def _ends_group(self, j: int) -> bool:
        """Line ``j`` is not an item: another remark, a block or a sub-heading line."""
        line = self.lines[j]
        assert line is not None
        return line.kind is None and not self.has_labels

    def _unlabelled(self, line: _Line, blank_before: bool) -> None:
        seg = (line.first, line.end)
        if self.last_remark is not None and not blank_before:
            self.last_remark.segments.append(seg)  # a wrapped line of a note
            return
        if not self.line_items and (blank_before or self.last is None):
            indented = any(
                node.line is not None and line.indent + 1 >= node.line.content_col
                for node in self.stack
            )
            if not indented and self._paragraph_remark(line):
                return
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
            self._colon_after_wrap(line)
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
            self._colon_after_wrap(line)
        else:
            self._text_item(line)

    def _colon_after_wrap(self, line: _Line) -> None:
        """A wrapped item whose last line ends with a colon introduces a sub-list."""
        if self.text[line.end - 1] != ":" or self.last is None:
            return
        node = self.stack[-1] if self.stack else None
        if node is not None and node.item is self.last:
            node.ends_colon = True
        elif self.last.label is None and self.last in self._group().items:
            indent = self._indent_of(self.last)
            first = _Line(line.start, line.end, indent, line.first, content_col=indent + 2)
            self.stack = [_Node(self.last, first, None, 0, True)]

    def _indent_of(self, item: OutlineItem) -> int:
        a = item.segments[0][0]
        start = _line_start(self.text, a)
        return len(self.text[start:a].expandtabs(4))

    # labelled items
    def _labelled(self, line: _Line) -> None:
        if line.kind == "num" and line.value >= 1000 and not self._continues_any(line):
            line.kind = None  # "2019. The ..." at the start of a wrapped line: text
            self._unlabelled(line, False)
            return
        if line.kind == "dotted":
            self._dotted(line)
            return
        stack = self.stack
        last = stack[-1] if stack else None
        if (
            last is not None
            and last.item is self.last
            and last.ends_colon
            and last.line is not None
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
        if kind == "bullet" and self._flat_child(level, line):
            return
        for node in level:
            if node.kind == kind and (
                (kind == "bullet" and node.line.label == line.label)  # type: ignore[union-attr]
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
                        f"numbering jumps from {same.line.label} to {line.label}",  # type: ignore[union-attr]
                        (line.first, line.end),
                    )
                self._sibling_of(same, line, kind, seg)
                return
            self._sibling_of(top, line, kind, seg)
            return
        parent = stack[-1] if stack else None
        if parent is not None and parent.line is not None and line.indent <= parent.line.indent:
            parent = None
        if parent is not None and kind not in ("bullet",) and line.value > 1:
            # a sub-list does not start at 7: "   7\. ..." indented under "3." continues the
            # open "6\." of the same kind
            same = next(
                (n for n in reversed(stack) if n.kind == kind and n.value + 1 == line.value), None
            )
            if same is not None:
                self._sibling_of(same, line, kind, seg)
                return
        self._push(parent, line, kind, seg, check_start=True)

    def _continues_any(self, line: _Line) -> bool:
        return any(n.kind == line.kind and n.value + 1 == line.value for n in self.stack)

    def _flat_child(self, level: list[_Node], line: _Line) -> bool:
        """Flat legacy bullets under a bullet that ends with a colon ("... such as:") are its
        children, until a ';'-list ends with a '.' or another bullet introduces a list."""
        if not level:
            return False
        node = level[0]
        content = self.text[line.content : line.end].rstrip()
        if node.kind != "bullet" or node.line is None or node.line.label != line.label:
            return False
        parent_index = self.stack.index(node) - 1
        parent = self.stack[parent_index] if parent_index >= 0 else None
        if node.ends_colon and node.item is self.last and node.item.depth == 0:
            if content.endswith(":"):
                return False
            self._child_of(node, line, "bullet", (line.content, line.end))
            self.stack[-1].semicolons = content.endswith(_LIST_END)
            return True
        if (
            parent is not None
            and parent.kind == "bullet"
            and parent.line is not None
            and parent.line.label == line.label
            and abs(parent.line.indent - line.indent) <= 1
            and parent.ends_colon
        ):
            # a flat child of ``parent``: the list goes on unless it has ended
            ended = node.semicolons is False and self._ends_sentence(node.item)
            if content.endswith(":") or (ended and self._list_had_semicolons(parent)):
                del self.stack[parent_index:]
                self._push(None, line, "bullet", (line.content, line.end))
                return True
            self._sibling_of(node, line, "bullet", (line.content, line.end))
            self.stack[-1].semicolons = content.endswith(_LIST_END)
            return True
        return False

    def _ends_sentence(self, item: OutlineItem) -> bool:
        a, b = item.segments[-1]
        return self.text[a:b].rstrip().endswith(".")

    def _list_had_semicolons(self, parent: _Node) -> bool:
        children = parent.item.children
        return len(children) > 1 and all(
            self.text[c.segments[-1][0] : c.segments[-1][1]].rstrip().endswith(_LIST_END)
            for c in children[:-1]
        )

    def _dotted(self, line: _Line) -> None:
        """A dotted label ("5.1.1", "1.2"): the child of the open item whose label is its prefix,
        the sibling of an open item with the same prefix, else a top-level item (under a
        numbered heading "5.1 Inclusion Criteria", items "5.1.1", "5.1.2" are its list)."""
        prefix = line.label.rsplit(".", 1)[0]  # type: ignore[union-attr]
        seg = (line.content, line.end)
        for node in reversed(self.stack):
            if node.line is None:
                continue
            if node.line.label == prefix:
                self._child_of(node, line, "dotted", seg, check_start=True)
                return
            if node.kind == "dotted" and node.line.label.rsplit(".", 1)[0] == prefix:  # type: ignore[union-attr]
                if line.value != node.value + 1:
                    self._warn(
                        errors.W_NUMBERING_GAP,
                        f"numbering jumps from {node.line.label} to {line.label}",
                        (line.first, line.end),
                    )
                self._sibling_of(node, line, "dotted", seg)
                return
        self.stack = []
        self._push(None, line, "dotted", seg, check_start=True)

    def _resolve_kind(self, line: _Line, level: list[_Node]) -> str:
        kind = line.kind or ""
        if not kind.endswith("?"):
            return kind
        base = kind[:-1]
        alpha = "alpha" if base == "roman" else "ALPHA"
        letter_value = ord(line.label.lower()) - ord("a") + 1  # type: ignore[union-attr]
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
        self.groups.append(_Group(group.kind, None, None, restarted=True, block=group.block))
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
        if check_start and kind != "bullet" and line.value > 1 and self.no_late_start != line.first:
            self._warn(
                errors.W_LIST_STARTS_LATE,
                f"list starts at {line.label}: an item before it was probably lost",
                (line.first, line.end),
            )
        if parent is not None and parent.item.depth + 1 >= MAX_DEPTH:
            # deeper than any eligibility list nests: a sibling at the deepest level kept
            parent = next(n for n in self.stack if n.item.depth == MAX_DEPTH - 2)
            del self.stack[self.stack.index(parent) + 1 :]
            if not self.too_deep:
                self._warn(
                    errors.W_TOO_DEEP,
                    f"items nest deeper than {MAX_DEPTH} levels: the deeper ones are kept at "
                    f"level {MAX_DEPTH}",
                    (line.first, line.end),
                )
                self.too_deep = True
        item = self._new_item(line.label, seg, parent)
        self.label_indent[id(item)] = line.indent
        ends_colon = self.text[line.end - 1] == ":"
        self.stack.append(_Node(item, line, kind, line.value, ends_colon))
