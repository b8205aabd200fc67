"""The outline's result objects: items with source spans, groups, the outline."""

from __future__ import annotations

from dataclasses import dataclass, field

from models.encoding import ParseWarning
from nlp.textutil import CleanText, clean_segments


@dataclass
class OutlineRemark:
    """A line kept with its group or item that is not a criterion (``models.RemarkKind``)."""

    kind: str
    segments: list[tuple[int, int]]

    @property
    def span(self) -> tuple[int, int]:
        return (self.segments[0][0], self.segments[-1][1])

    def clean(self, source: str) -> CleanText:
        return clean_segments(source, self.segments)


@dataclass
class OutlineItem:
    """One printed item: its label, its own text lines as source spans, and its sub-items."""

    id: str
    label: str | None
    segments: list[tuple[int, int]]
    depth: int
    children: list[OutlineItem] = field(default_factory=list)
    remarks: list[OutlineRemark] = field(default_factory=list)

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
    remarks: list[OutlineRemark] = field(default_factory=list)

    def walk(self) -> list[OutlineItem]:
        return [node for item in self.items for node in item.walk()]


@dataclass
class Outline:
    groups: list[OutlineGroup]
    warnings: list[ParseWarning]
    headings: list[tuple[int, int]] = field(default_factory=list)
    """Spans of all heading lines, including headings over sub-headed lists."""
