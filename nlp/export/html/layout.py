"""What a review page shows, as plain data: rows of text with their marks, cards, warnings, counts.

The eligibility text is cut into *rows*, one per stretch of text that belongs to one criterion
(its label, its words, the line break after them), to a heading, or to text between lists;
the rows in order hold the whole text, exactly. A criterion's card sits beside its first row;
an item whose text goes on below its sub-items gets a second row, marked as its continuation.
Every extracted object with a span (quantity, time window, mention, assertion cue, optional or
exception part and its cue, remark, and on an audit page every located disagreement) is one
:class:`Obj`, drawn as a mark in the rows by :mod:`nlp.export.html.nesting`.

Nothing here writes HTML tags except through ``nesting``; the template
(``assets/page.html.j2``) lays the data out.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from models import Protocol
from models.encoding import Code, Criterion, Group, Mention, ParseWarning, Quantity, TimeWindow
from nlp.errors import SPLIT_WARNINGS
from nlp.export.html.audit_lines import AuditLine
from nlp.export.html.nesting import Mark, mark_up

FAMILIES: dict[str, str] = {
    "quantity": "quantities",
    "time_window": "time windows",
    "concept": "concepts",
    "cue": "cues (of assertions, exceptions, optional parts)",
    "part": "optional parts and exceptions",
    "remark": "remarks",
    "disagreement": "disagreements",
}
"""Mark families, in legend order, with their names as the page prints them."""

_LABEL = re.compile(r"\s*\S{1,8}\s+")
"""An item label with its indentation before the item's text: ``  1. ``, ``a) ``, ``• ``."""


@dataclass
class Obj:
    """One object marked in the text: its path in the encoding (``c3/quantities/0``), family,
    CSS classes, span, a short description, and the element id its mark gets."""

    key: str
    family: str
    classes: str
    span: tuple[int, int]
    title: str
    anchor: str = ""
    refs: list[str] = field(default_factory=list)
    """Keys of the objects a shared mark stands for (a cue printed once for two mentions)."""


@dataclass
class Item:
    """One line of a card: what it says, and the mark it links to (if located in the text)."""

    family: str
    text: str
    anchor: str | None = None
    codes: list[Code] = field(default_factory=list)
    detail: str | None = None


@dataclass
class Card:
    """A criterion as a reviewer checks it, beside its text."""

    anchor: str
    criterion_id: str
    path: str
    label: str | None
    text: str
    assertion: str
    logic: str | None
    span: tuple[int, int] | None
    items: list[Item] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    disagreements: list[AuditLine] = field(default_factory=list)
    not_stated: list[AuditLine] = field(default_factory=list)
    """Reference facts the candidate's file does not state (an audit that is not strict)."""


@dataclass
class Row:
    """A stretch ``[start, end)`` of the text, its marked-up HTML, and its card (or the id of
    the criterion it continues)."""

    anchor: str
    start: int
    end: int
    html: Markup = field(default_factory=Markup)
    card: Card | None = None
    continues: str | None = None
    group: Group | None = None
    """Set on the first row of a group: the list's banner is shown above it."""
    diff_count: int = 0
    warning_count: int = 0


@dataclass
class Page:
    """Everything the template shows."""

    title: str
    subtitle: str
    protocol: Protocol
    rows: list[Row]
    split_warnings: list[tuple[ParseWarning, str | None]]
    other_warnings: list[tuple[ParseWarning, str | None]]
    counts: list[tuple[str, str, int]]
    has_text: bool
    audit: list[AuditLine] | None = None
    unplaced: list[AuditLine] = field(default_factory=list)
    audit_warnings: list[tuple[str, str]] = field(default_factory=list)
    audit_counts: list[tuple[str, str, int]] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    objects: int = 0


# the objects --------------------------------------------------------------------------------


def _num(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def _amount(
    comparator: str | None,
    value: float | None,
    low: float | None,
    high: float | None,
    unit: str | None,
) -> str:
    unit_text = f" {unit}" if unit else ""
    if comparator == "range" or (low is not None and high is not None):
        return f"{_num(low)}–{_num(high)}{unit_text}"
    if value is None:
        return comparator or ""
    return f"{comparator or ''} {_num(value)}{unit_text}".strip()


def describe_quantity(q: Quantity) -> str:
    """``platelet count >= 100000 /mm3``; ``ALT <= 3 × ULN (liver metastases)``."""
    amount = _amount(q.comparator, q.value, q.low, q.high, q.unit)
    if q.relative_to:
        amount += f" × {q.relative_to}"
    if q.scale_max is not None:
        amount += f" / {_num(q.scale_max)}"
    text = f"{q.measure or '(no measure)'} {amount}"
    if q.kind != "value":
        text += f" [{q.kind}]"
    return text + (f" ({q.condition})" if q.condition else "")


def describe_window(w: TimeWindow) -> str:
    """``<= 12 wk before first_dose``; ``during screening``."""
    parts = [_amount(w.comparator, w.value, w.low, w.high, w.unit), w.relation or ""]
    if w.anchor:
        parts.append(w.anchor)
    elif w.relation:
        parts.append("(no anchor)")
    if w.anchor_text:
        parts.append(f"“{w.anchor_text}”")
    if w.whichever:
        parts.append(f"whichever {w.whichever}")
    return " ".join(p for p in parts if p)


def describe_mention(m: Mention) -> str:
    """``myocardial infarction · condition · historical (“History of”)``."""
    text = f"{m.text} · {m.category} · {m.assertion}"
    if m.cue is not None:
        text += f" (“{m.cue.text}”)"
    if m.gene:
        text += f" · gene {m.gene}"
    if m.variant:
        text += f" · variant {m.variant}"
    if m.result:
        text += f" · result {m.result}"
    return text


class _Objects:
    """Collects the marks of a page, giving each its element id."""

    def __init__(self) -> None:
        self.objs: list[Obj] = []
        self._cues: dict[tuple[str, tuple[int, int]], Obj] = {}

    def add(
        self, key: str, family: str, classes: str, span: tuple[int, int] | None, title: str
    ) -> str | None:
        if span is None or span[1] <= span[0]:
            return None
        obj = Obj(key, family, f"m fam-{family} {classes}".strip(), span, title)
        obj.anchor = f"m{len(self.objs)}"
        self.objs.append(obj)
        return obj.anchor

    def add_cue(
        self, owner: str, key: str, span: tuple[int, int] | None, classes: str, title: str
    ) -> str | None:
        """A cue: one mark per printed cue of a criterion, however many mentions it sets."""
        if span is None:
            return None
        shared = self._cues.get((owner, span))
        if shared is not None:
            shared.refs.append(key)
            return shared.anchor
        anchor = self.add(key, "cue", classes, span, title)
        if anchor is not None:
            self._cues[(owner, span)] = self.objs[-1]
            self.objs[-1].refs.append(key)
        return anchor


def _criterion_items(objs: _Objects, key: str, c: Criterion) -> list[Item]:
    items: list[Item] = []
    for i, q in enumerate(c.quantities):
        text = describe_quantity(q)
        anchor = objs.add(
            f"{key}/quantities/{i}", "quantity", f"kind-{q.kind}", q.span, f"quantity: {text}"
        )
        items.append(Item("quantity", text, anchor, list(q.codes), q.text))
    for i, w in enumerate(c.time_windows):
        text = describe_window(w)
        anchor = objs.add(
            f"{key}/time_windows/{i}", "time_window", "", w.span, f"time window: {text}"
        )
        items.append(Item("time_window", text, anchor, [], w.text))
    for i, m in enumerate(c.mentions):
        text = describe_mention(m)
        mkey = f"{key}/mentions/{i}"
        anchor = objs.add(
            mkey,
            "concept",
            f"cat-{m.category} as-{m.assertion}",
            m.span,
            f"{m.category} ({m.assertion}): {m.text}",
        )
        items.append(Item("concept", text, anchor, list(m.codes)))
        if m.cue is not None:
            objs.add_cue(
                key,
                f"{mkey}/cue",
                m.cue.span,
                f"as-{m.assertion}",
                f"{m.assertion} cue: {m.cue.text}",
            )
    for part_name, parts in (("optional", c.optional), ("exceptions", c.exceptions)):
        kind = "optional" if part_name == "optional" else "exception"
        for i, part in enumerate(parts):
            pkey = f"{key}/{part_name}/{i}"
            anchor = objs.add(pkey, "part", f"part-{kind}", part.span, f"{kind}: {part.text}")
            cue = f" (“{part.cue.text}”)" if part.cue else ""
            items.append(Item("part", f"{kind}: {part.text}{cue}", anchor))
            if part.cue is not None:
                objs.add_cue(
                    key, f"{pkey}/cue", part.cue.span, f"cue-{kind}", f"{kind} cue: {part.cue.text}"
                )
    for i, r in enumerate(c.remarks):
        anchor = objs.add(
            f"{key}/remarks/{i}",
            "remark",
            f"remark-{r.kind}",
            r.span,
            f"remark ({r.kind}): {r.text}",
        )
        items.append(Item("remark", f"{r.kind}: {r.text}", anchor))
    return items


# rows -----------------------------------------------------------------------------------------


def _row_start(text: str, at: int, label: str | None) -> int:
    """Where the row of an item starting at ``at`` begins: the start of its line when only its
    label and indentation come before it there, else ``at``."""
    line_start = text.rfind("\n", 0, at) + 1
    prefix = text[line_start:at]
    if not prefix.strip():
        return line_start
    if _LABEL.fullmatch(prefix):
        word = prefix.split()[0]
        if label is None or label in word or not word.isalpha():
            return line_start
    return at


def _line_end(text: str, at: int) -> int:
    nl = text.find("\n", at)
    return len(text) if nl == -1 else nl + 1


def _rows(text: str, protocol: Protocol, cards: list[tuple[Criterion, Card]]) -> list[Row]:
    """The text cut into rows (see the module docstring); each row gets its owner's card."""
    cuts = {0, len(text)}
    spans: list[tuple[tuple[int, int], int, Card]] = []
    opens: dict[int, Card] = {}
    for depth_order, (c, card) in enumerate(cards):
        if c.span is None:
            continue
        row_start = _row_start(text, c.span[0], c.label)
        opens.setdefault(row_start, card)
        cuts.add(row_start)
        cuts.add(_line_end(text, c.span[1]))
        spans.append((c.span, depth_order, card))
    for g in protocol.groups:
        if g.span is not None:
            cuts.add(_row_start(text, g.span[0], None))
    for g in protocol.groups:
        for r in g.remarks:
            if r.span is not None:
                cuts.add(_row_start(text, r.span[0], None))
                cuts.add(_line_end(text, r.span[1]))
    ordered = sorted(c for c in cuts if 0 <= c <= len(text))

    def owner(a: int, b: int) -> Card | None:
        if a in opens:  # the row an item's label (or text) opens
            return opens[a]
        stripped = len(text[a:b]) - len(text[a:b].lstrip())
        first = a + stripped
        best: tuple[int, int, Card] | None = None
        for (s, e), order, card in spans:
            if s <= first < e or (first < s < b and text[first:s].strip() == ""):
                size = e - s
                if best is None or size < best[0] or (size == best[0] and order > best[1]):
                    best = (size, order, card)
        if best is None:  # a label before its item's text: the item it opens
            for (s, _e), _order, card in spans:
                if a <= s < b:
                    return card
        return best[2] if best else None

    rows: list[Row] = []
    owners: list[Card | None] = []
    for a, b in itertools.pairwise(ordered):
        if a == b:
            continue
        if rows and text[a:b].strip() == "":  # blank lines stay with the row above
            rows[-1].end = b
            continue
        who = owner(a, b)
        if rows and who is owners[-1]:
            rows[-1].end = b
            continue
        rows.append(Row(anchor=f"r{len(rows)}", start=a, end=b))
        owners.append(who)
    seen: set[int] = set()
    for row, who in zip(rows, owners, strict=True):
        if who is None:
            continue
        if id(who) in seen:
            row.continues = who.anchor
        else:
            row.card = who
            seen.add(id(who))
    for g in protocol.groups:
        start = g.span[0] if g.span else None
        for row in rows:
            if start is not None and row.start <= start < row.end and row.group is None:
                row.group = g
                break
    return rows


def _row_of(rows: Sequence[Row], at: int) -> Row | None:
    """The row holding offset ``at`` (the last row for the end of the text)."""
    i = bisect_right([r.start for r in rows], at) - 1
    if 0 <= i < len(rows) and rows[i].start <= at < rows[i].end:
        return rows[i]
    return rows[-1] if rows and at == rows[-1].end else None


def _marks_by_row(rows: Sequence[Row], marks: Sequence[Mark]) -> list[list[Mark]]:
    """The marks overlapping each row (a row only looks at its own marks)."""
    starts = [r.start for r in rows]
    out: list[list[Mark]] = [[] for _ in rows]
    for m in marks:
        i = max(bisect_right(starts, m.start) - 1, 0)
        while i < len(rows) and rows[i].start < m.end:
            if rows[i].end > m.start:
                out[i].append(m)
            i += 1
    return out


# the page -------------------------------------------------------------------------------------


def _path(group: Group, chain: list[Criterion]) -> str:
    head = f"{group.kind} {group.id}"
    if group.cohort:
        head += f" ({group.cohort})"
    return " › ".join([head] + [c.id for c in chain])


def build_page(
    protocol: Protocol,
    *,
    audit: Sequence[AuditLine] | None = None,
    audit_warnings: Sequence[tuple[str, str]] = (),
    title: str | None = None,
    sources: dict[str, str] | None = None,
) -> Page:
    """The review page of ``protocol``; with ``audit``, its disagreements marked in place."""
    text = protocol.eligibility_text or ""
    objs = _Objects()
    cards: list[tuple[Criterion, Card]] = []
    by_id: dict[str, Card] = {}
    for g_index, group in enumerate(protocol.groups):
        for r_index, remark in enumerate(group.remarks):
            objs.add(
                f"g{g_index}/remarks/{r_index}",
                "remark",
                f"remark-{remark.kind}",
                remark.span,
                f"remark ({remark.kind}): {remark.text}",
            )
    chains: dict[int, list[Criterion]] = {}
    for index, (group, criterion, depth) in enumerate(protocol.iter_criteria()):
        chain = [*(chains.get(depth - 1, []) if depth else []), criterion]
        chains[depth] = chain
        key = f"c{index}"
        card = Card(
            anchor=key,
            criterion_id=criterion.id,
            path=_path(group, chain[:-1]),
            label=criterion.label,
            text=criterion.text,
            assertion=criterion.assertion,
            logic=criterion.logic,
            span=criterion.span,
        )
        card.items = _criterion_items(objs, key, criterion)
        cards.append((criterion, card))
        by_id.setdefault(criterion.id, card)
    rows = _rows(text, protocol, cards) if text else []
    unplaced_cards = [card for _c, card in cards if not any(r.card is card for r in rows)]
    for card in unplaced_cards:  # no text or no span: the card still shows, in a row of its own
        rows.append(Row(anchor=f"r{len(rows)}", start=len(text), end=len(text), card=card))

    def locate(criterion_id: str | None, span: tuple[int, int] | None) -> str | None:
        card = by_id.get(criterion_id) if criterion_id else None
        if card is not None:
            return f"#{card.anchor}"
        row = _row_of(rows, span[0]) if span else None
        return f"#{row.anchor}" if row else None

    warned: list[tuple[ParseWarning, str | None]] = []
    for w in protocol.warnings:
        warned.append((w, locate(w.criterion_id, w.span)))
        warned_card = by_id.get(w.criterion_id) if w.criterion_id else None
        if warned_card is not None:
            warned_card.warnings.append(w)
    unplaced: list[AuditLine] = []
    line_keys = {id(line): f"audit/{i}" for i, line in enumerate(audit or [])}
    if audit is not None:
        for i, line in enumerate(audit):
            if line.is_error:  # a silence of the candidate is listed, not marked
                line.anchor = objs.add(
                    f"audit/{i}",
                    "disagreement",
                    f"diff-{line.kind}",
                    line.span,
                    f"{line.family} {line.kind}: {line.field}",
                )
            if line.span is not None and line.span[1] <= len(text):
                line.evidence = text[line.span[0] : line.span[1]]
            home = by_id.get(line.reference_id) if line.reference_id else None
            if home is None and line.span is not None:
                row = _row_of(rows, line.span[0])
                home = row.card if row else None
                if home is None and row and row.continues:
                    home = next((c for _x, c in cards if c.anchor == row.continues), None)
            if home is not None:
                (home.disagreements if line.is_error else home.not_stated).append(line)
            else:
                unplaced.append(line)
    marks = [_mark(o, i) for i, o in enumerate(objs.objs)]
    diffs_at: dict[int, set[str]] = {}  # row index -> the disagreements it shows
    for o in objs.objs:
        if o.family == "disagreement":
            row = _row_of(rows, o.span[0])
            if row is not None:
                diffs_at.setdefault(id(row), set()).add(o.key)
    for row, row_marks in zip(rows, _marks_by_row(rows, marks), strict=True):
        if row.end > row.start:
            row.html = mark_up(text, row_marks, row.start, row.end)
        shown = diffs_at.get(id(row), set())
        if row.card is not None:
            shown |= {line_keys[id(line)] for line in row.card.disagreements}
            row.warning_count = len(row.card.warnings)
        row.diff_count = len(shown)
    split = [(w, a) for w, a in warned if w.code in SPLIT_WARNINGS]
    other = [(w, a) for w, a in warned if w.code not in SPLIT_WARNINGS]
    return Page(
        title=title or _title(protocol),
        subtitle=_subtitle(protocol),
        protocol=protocol,
        rows=rows,
        split_warnings=split,
        other_warnings=other,
        counts=_counts(protocol, objs.objs, len(cards)),
        has_text=bool(text),
        audit=list(audit) if audit is not None else None,
        unplaced=unplaced,
        audit_warnings=list(audit_warnings),
        audit_counts=_audit_counts(audit or []),
        sources=dict(sources or {}),
        objects=len(objs.objs),
    )


def _mark(obj: Obj, order: int) -> Mark:
    s, e = obj.span
    title = escape(obj.title)
    refs = escape(" ".join(obj.refs or [obj.key]))
    head = Markup(
        f'<mark class="{escape(obj.classes)}" id="{obj.anchor}" data-obj="{escape(obj.key)}" '
        f'data-family="{obj.family}" data-for="{refs}" data-start="{s}" data-end="{e}" '
        f'title="{title}">'
    )
    cont = Markup(
        f'<mark class="{escape(obj.classes)} cont" data-of="{obj.anchor}" '
        f'data-family="{obj.family}" title="{title} (continued)">'
    )
    return Mark(s, e, head, cont, order=order)


def _title(protocol: Protocol) -> str:
    ids = [x for x in (protocol.org_study_id, protocol.trial_id) if x]
    return " · ".join(ids) if ids else "Eligibility criteria"


def _subtitle(protocol: Protocol) -> str:
    return protocol.title or ""


def _counts(protocol: Protocol, objs: list[Obj], n_criteria: int) -> list[tuple[str, str, int]]:
    """``(family, what, count)`` rows: criteria, each mark family, concepts by category, cues by
    assertion, warnings."""
    by_family = Counter(o.family for o in objs if o.family != "disagreement")
    categories = Counter(
        o.classes.split("cat-")[1].split()[0] for o in objs if o.family == "concept"
    )
    cues = Counter(o.classes.split()[-1].split("-", 1)[1] for o in objs if o.family == "cue")
    criteria = protocol.iter_criteria()
    coded = sum(1 for _g, c, _d in criteria for m in c.mentions if m.codes)
    coded_quantities = sum(1 for _g, c, _d in criteria for q in c.quantities if q.codes)
    rows: list[tuple[str, str, int]] = [("criterion", "criteria", n_criteria)]
    for fam, name in FAMILIES.items():
        if fam == "disagreement":
            continue
        rows.append((fam, name, by_family.get(fam, 0)))
        if fam == "quantity":
            rows.append(("quantity", "  with codes", coded_quantities))
        elif fam == "concept":
            rows += [("concept", f"  {cat}", n) for cat, n in sorted(categories.items())]
            rows.append(("concept", "  with codes", coded))
        elif fam == "cue":
            rows += [("cue", f"  {kind}", n) for kind, n in sorted(cues.items())]
    rows.append(("warning", "warnings", len(protocol.warnings)))
    return rows


def _audit_counts(lines: Sequence[AuditLine]) -> list[tuple[str, str, int]]:
    counts = Counter((line.family, line.kind.replace("_", " ")) for line in lines)
    return [(fam, kind, n) for (fam, kind), n in sorted(counts.items())]
