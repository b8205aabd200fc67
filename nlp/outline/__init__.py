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

from nlp.outline.assemble import _assemble
from nlp.outline.builder import _Builder
from nlp.outline.headings import _kind_heading
from nlp.outline.lines import _parse_label, _scan_lines
from nlp.outline.model import Outline, OutlineGroup, OutlineItem
from nlp.rulefiles import HeadingRules, heading_rules

__all__ = [
    "HeadingRules",
    "Outline",
    "OutlineGroup",
    "OutlineItem",
    "build_outline",
    "heading_rules",
]


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
