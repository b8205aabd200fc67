"""Readers for the annotated corpora: brat standoff, LCT and Chia → :class:`GoldDoc`.

A :class:`GoldDoc` holds the document text exactly as the annotators counted it (bytes decoded
as UTF-8, ``\\r\\n`` kept, so Chia's CRLF offsets stay right) and the gold items Eligo is
measured on, already sorted into *families*:

- LCT: ``comparison`` (an ``Eq-Comparison`` with a ``Value`` and no ``Temporal-Unit``),
  ``temporal`` (with a ``Temporal-Unit``; ages such as "2-21 years" are annotated this way),
  ``negation`` (``Negation`` cue entities), ``negated_concept`` (what a ``Negation`` event
  ``Negates``: the span of that entity or event trigger).
- Chia: ``value`` (``Value`` entities holding a number: comparator, number and unit in one
  span), ``temporal`` (``Temporal`` entities holding a number: "within 30 days"),
  ``negation`` (``Negation`` entities), ``negated_concept`` (the other end of each
  ``Has_negation`` relation). Values and temporals without a number ("positive",
  "history") are kept as ``value_text`` / ``temporal_text`` for span recall only.

Nothing here raises on a bad document: an empty or undecodable file, or an annotation whose
text is not the file's slice, becomes a :class:`Problem` on the document, and the annotation
is dropped. A slice that differs only by surrounding whitespace (Chia has spans that end on a
``\\r``) is trimmed and kept, and noted as a problem of kind ``trimmed``.

Where the corpora are: a folder holding ``lct/`` and ``chia/``, named by the environment
variable ``ELIGO_CORPORA`` (:func:`corpus_dir`); nothing assumes a path on one machine.

Example::

    for doc in read_lct(corpus_dir("lct"), limit=5):
        print(doc.doc_id, len(doc.items), [p.kind for p in doc.problems])
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from nlp.evaluate.mentions import GoldMention, gold_mentions
from nlp.evaluate.numbers import parse_chia_value, parse_number

CORPORA_ENV = "ELIGO_CORPORA"
"""The environment variable naming the folder that holds the corpora (``lct/``, ``chia/``)."""


def corpus_dir(corpus: str) -> Path | None:
    """``$ELIGO_CORPORA/<corpus>`` when the variable is set and that folder exists, else None."""
    import os

    root = os.environ.get(CORPORA_ENV)
    if not root:
        return None
    path = Path(root) / corpus
    return path if path.is_dir() else None


# LCT Eq-Operator-Value → Eligo comparator; PLUS-MINUS has no Eligo equivalent.
LCT_OPERATORS = {
    "EQ": "=",
    "LT": "<",
    "LTEQ": "<=",
    "GT": ">",
    "GTEQ": ">=",
    "BETWEEN": "range",
    "PLUS-MINUS": "+-",
}
# LCT Eq-Temporal-Unit-Value → UCUM.
LCT_TEMPORAL_UNITS = {
    "second": "s",
    "minute": "min",
    "hour": "h",
    "day": "d",
    "week": "wk",
    "month": "mo",
    "year": "a",
}


@dataclass
class Problem:
    """Something wrong with a corpus document; ``kind`` is empty | undecodable | missing_ann |
    bad_span | trimmed | bad_line."""

    doc_id: str
    kind: str
    detail: str = ""


@dataclass
class BratSpan:
    """A text-bound brat annotation (``T`` line); ``fragments`` for discontinuous spans."""

    id: str
    type: str
    fragments: list[tuple[int, int]]
    text: str

    @property
    def start(self) -> int:
        return min(s for s, _ in self.fragments)

    @property
    def end(self) -> int:
        return max(e for _, e in self.fragments)


@dataclass
class BratEvent:
    """A brat event (``E`` line): trigger id and (role, argument id) pairs, role digits kept."""

    id: str
    type: str
    trigger: str
    args: list[tuple[str, str]]


@dataclass
class BratDoc:
    doc_id: str
    text: str
    spans: dict[str, BratSpan] = field(default_factory=dict)
    events: dict[str, BratEvent] = field(default_factory=dict)
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)
    relations: list[tuple[str, str, str]] = field(default_factory=list)  # (type, arg1, arg2)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class GoldItem:
    """One thing Eligo should find.

    ``comparator`` is an Eligo comparator (``<``, ``<=``, ``>``, ``>=``, ``=``, ``range``) or
    None when the annotation (LCT) or the annotated text (Chia) states none, and then the
    operator is not checked; ``values`` holds one number (or two for a range),
    None where the annotated value is not a number Eligo could write ("May 2017");
    ``unit`` is a UCUM code, None where no unit is annotated or it does not normalise
    (``unit_text`` keeps what was written).
    """

    doc_id: str
    family: str
    fragments: list[tuple[int, int]]
    text: str
    comparator: str | None = None
    values: tuple[float, ...] | None = None
    unit: str | None = None
    unit_text: str | None = None
    ann_id: str = ""
    kind: str = ""  # negated_concept: the annotated type of what is negated ("Condition")

    @property
    def span(self) -> tuple[int, int]:
        return (min(s for s, _ in self.fragments), max(e for _, e in self.fragments))


@dataclass
class GoldDoc:
    doc_id: str
    text: str
    items: list[GoldItem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    mentions: list[GoldMention] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        return bool(self.text.strip()) and not any(
            p.kind in {"empty", "undecodable", "missing_ann"} for p in self.problems
        )


# --- brat -------------------------------------------------------------------------------------


def read_text(path: Path, doc_id: str, problems: list[Problem]) -> str:
    """The file as the annotators counted it: UTF-8, newlines untouched; "" when unusable."""
    try:
        data = path.read_bytes()
    except OSError as err:
        problems.append(Problem(doc_id, "missing_txt", str(err)))
        return ""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        problems.append(Problem(doc_id, "undecodable", f"{path.name}: {err}"))
        return ""
    if not text.strip():
        problems.append(Problem(doc_id, "empty", path.name))
    return text


def parse_brat(doc_id: str, text: str, ann: str) -> BratDoc:
    """Parse brat standoff ``ann`` against ``text``, checking every span against its slice."""
    doc = BratDoc(doc_id, text)
    for lineno, raw in enumerate(ann.splitlines(), 1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        try:
            _parse_line(doc, line)
        except (ValueError, IndexError) as err:
            doc.problems.append(Problem(doc_id, "bad_line", f"line {lineno}: {line!r} ({err})"))
    return doc


def _parse_line(doc: BratDoc, line: str) -> None:
    kind = line[0]
    parts = line.split("\t")
    if kind == "T":
        ann_id, middle = parts[0], parts[1]
        written = parts[2] if len(parts) > 2 else ""
        ann_type, offsets = middle.split(" ", 1)
        fragments = []
        for piece in offsets.split(";"):
            start, end = (int(x) for x in piece.split())
            fragments.append((start, end))
        span = _checked_span(doc, ann_id, ann_type, fragments, written)
        if span is not None:
            doc.spans[ann_id] = span
    elif kind == "E":
        ann_id = parts[0]
        head, *args = parts[1].split()
        ev_type, trigger = head.split(":")
        pairs = [tuple(a.split(":", 1)) for a in args]
        doc.events[ann_id] = BratEvent(ann_id, ev_type, trigger, pairs)  # type: ignore[arg-type]
    elif kind == "A":
        fields = parts[1].split()
        value = fields[2] if len(fields) > 2 else "true"
        doc.attributes[(fields[1], fields[0])] = value
    elif kind == "R":
        rel_type, arg1, arg2 = parts[1].split()[:3]
        doc.relations.append((rel_type, arg1.split(":", 1)[1], arg2.split(":", 1)[1]))
    # equivalences (*) and notes (#) are not used.


def _checked_span(
    doc: BratDoc, ann_id: str, ann_type: str, fragments: list[tuple[int, int]], written: str
) -> BratSpan | None:
    """The span if its slice is its text; trimmed when only whitespace differs; else None."""
    n = len(doc.text)
    if any(not 0 <= s <= e <= n for s, e in fragments):
        doc.problems.append(
            Problem(doc.doc_id, "bad_span", f"{ann_id} {ann_type} {fragments} outside text")
        )
        return None
    sliced = " ".join(doc.text[s:e] for s, e in fragments)
    if sliced == written:
        return BratSpan(ann_id, ann_type, fragments, written)
    trimmed = [_trim(doc.text, s, e) for s, e in fragments]
    if " ".join(doc.text[s:e] for s, e in trimmed) == written.strip():
        doc.problems.append(
            Problem(doc.doc_id, "trimmed", f"{ann_id} {ann_type} {sliced!r} → {written!r}")
        )
        return BratSpan(ann_id, ann_type, trimmed, written.strip())
    doc.problems.append(
        Problem(doc.doc_id, "bad_span", f"{ann_id} {ann_type}: .ann {written!r} ≠ text {sliced!r}")
    )
    return None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end)


def load_brat(txt_path: Path) -> BratDoc:
    """Read ``X.txt`` and ``X.ann`` beside it; problems are recorded, never raised."""
    doc_id = txt_path.stem
    problems: list[Problem] = []
    text = read_text(txt_path, doc_id, problems)
    ann_path = txt_path.with_suffix(".ann")
    try:
        ann = ann_path.read_bytes().decode("utf-8")
    except OSError:
        problems.append(Problem(doc_id, "missing_ann", ann_path.name))
        ann = ""
    except UnicodeDecodeError as err:
        problems.append(Problem(doc_id, "undecodable", f"{ann_path.name}: {err}"))
        ann = ""
    doc = parse_brat(doc_id, text, ann) if text else BratDoc(doc_id, text)
    doc.problems[:0] = problems
    return doc


def _txt_files(directory: Path, limit: int | None) -> list[Path]:
    files = sorted(directory.glob("*.txt"))
    return files[:limit] if limit is not None else files


# --- LCT --------------------------------------------------------------------------------------


def _role(name: str) -> str:
    """Brat numbers repeated roles (``Value2``); only ``Value2`` matters to us."""
    return name if name == "Value2" else re.sub(r"\d+$", "", name)


def _negated_concepts(doc: BratDoc, targets: list[str]) -> list[GoldItem]:
    """One ``negated_concept`` item per distinct span negated (an entity, or an event's trigger)."""
    items: dict[tuple[tuple[int, int], ...], GoldItem] = {}
    for target in targets:
        if target in doc.events:
            target = doc.events[target].trigger
        span = doc.spans.get(target)
        if span is None or span.type == "Negation":
            continue
        key = tuple(span.fragments)
        items.setdefault(
            key,
            GoldItem(
                doc.doc_id,
                "negated_concept",
                span.fragments,
                span.text,
                ann_id=span.id,
                kind=span.type,
            ),
        )
    return list(items.values())


def lct_items(doc: BratDoc) -> list[GoldItem]:
    """Gold items of one LCT document: valued comparisons, negation cues, negated concepts."""
    items: list[GoldItem] = []
    for span in doc.spans.values():
        if span.type == "Negation":
            items.append(
                GoldItem(doc.doc_id, "negation", span.fragments, span.text, ann_id=span.id)
            )
    negated = [
        arg
        for e in doc.events.values()
        if e.type == "Negation"
        for role, arg in e.args
        if _role(role) == "Negates"
    ]
    items.extend(_negated_concepts(doc, negated))
    for event in doc.events.values():
        if event.type != "Eq-Comparison" or event.trigger not in doc.spans:
            continue
        roles: dict[str, list[BratSpan]] = {}
        for role, arg in event.args:
            if arg in doc.spans:
                roles.setdefault(_role(role), []).append(doc.spans[arg])
        values = [s for s in roles.get("Value", []) + roles.get("Value2", [])]
        if not any(s.type == "Eq-Value" for s in values):
            continue  # "recent", "on": comparisons without a number
        trigger = doc.spans[event.trigger]
        temporal = roles.get("Temporal-Unit", [])
        operator = None  # none annotated ("in the last 6 months", "Stage 3"): not checked
        for op in roles.get("Operator", []):
            operator = LCT_OPERATORS.get(doc.attributes.get((op.id, "Eq-Operator-Value"), ""))
        numbers = [parse_number(s.text) for s in sorted(values, key=lambda s: s.start)]
        parsed = (
            None if any(x is None for x in numbers) else tuple(x for x in numbers if x is not None)
        )
        unit, unit_text = None, None
        if temporal:
            unit_text = temporal[0].text
            unit = LCT_TEMPORAL_UNITS.get(
                doc.attributes.get((temporal[0].id, "Eq-Temporal-Unit-Value"), "")
            )
        elif roles.get("Unit"):
            unit_text, unit = _lct_unit(doc, roles["Unit"][0], roles.get("Per", []))
        items.append(
            GoldItem(
                doc.doc_id,
                "temporal" if temporal else "comparison",
                trigger.fragments,
                trigger.text,
                comparator=operator,
                values=parsed,
                unit=unit,
                unit_text=unit_text,
                ann_id=event.id,
            )
        )
    return sorted(items, key=lambda i: (i.span, i.family))


def _lct_unit(doc: BratDoc, unit: BratSpan, per: list[BratSpan]) -> tuple[str, str | None]:
    """``mg`` + Per ``dL`` → ("mg/dL", "mg/dL"); the UCUM code is None when unknown."""
    from nlp.units import normalise_unit

    written = unit.text
    if per:
        p = per[0]
        per_text = LCT_TEMPORAL_UNITS.get(
            doc.attributes.get((p.id, "Eq-Temporal-Unit-Value"), ""), p.text
        )
        written = written.rstrip("/ ") + "/" + per_text.lstrip("/ ")
        alternative = unit.text.rstrip("/ ") + "/" + p.text.lstrip("/ ")
        return written, normalise_unit(written) or normalise_unit(alternative)
    return written, normalise_unit(written)


def read_lct(directory: str | Path, limit: int | None = None) -> Iterator[GoldDoc]:
    """LCT documents in id order: one whole eligibility text each."""
    for path in _txt_files(Path(directory), limit):
        brat = load_brat(path)
        yield GoldDoc(
            brat.doc_id, brat.text, lct_items(brat), brat.problems, gold_mentions(brat, "lct")
        )


# --- Chia -------------------------------------------------------------------------------------

_HAS_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|sixty|hundred|once|twice|half)\b",
    re.IGNORECASE,
)


def chia_items(doc: BratDoc) -> list[GoldItem]:
    """Gold items of one Chia file: Value, Temporal and Negation entities."""
    items: list[GoldItem] = []
    for span in doc.spans.values():
        if span.type == "Negation":
            family = "negation"
        elif span.type in ("Value", "Temporal"):
            numeric = bool(_HAS_NUMBER.search(span.text))
            family = span.type.lower() + ("" if numeric else "_text")
        else:
            continue
        item = GoldItem(doc.doc_id, family, span.fragments, span.text, ann_id=span.id)
        if family in ("value", "temporal"):
            item.comparator, item.values, item.unit_text = parse_chia_value(span.text)
        items.append(item)
    negated = [
        a2 if doc.spans.get(a1) is not None and doc.spans[a1].type == "Negation" else a1
        for rel, a1, a2 in doc.relations
        if rel == "Has_negation"
    ]
    items.extend(_negated_concepts(doc, negated))
    return sorted(items, key=lambda i: (i.span, i.family))


def read_chia(directory: str | Path, limit: int | None = None) -> Iterator[GoldDoc]:
    """Chia files in id order, ``_inc`` and ``_exc`` as separate documents.

    ``limit`` counts trials, so both files of a trial are always read together.
    """
    files = sorted(Path(directory).glob("*.txt"))
    if limit is not None:
        trials = sorted({p.stem.rsplit("_", 1)[0] for p in files})[:limit]
        keep = set(trials)
        files = [p for p in files if p.stem.rsplit("_", 1)[0] in keep]
    for path in files:
        brat = load_brat(path)
        yield GoldDoc(
            brat.doc_id, brat.text, chia_items(brat), brat.problems, gold_mentions(brat, "chia")
        )


READERS = {"lct": read_lct, "chia": read_chia}
