"""Annotated docs + outline → :class:`models.Protocol`.

The pipeline sees each item's *clean* text; everything it finds is mapped back here to spans in
the record's eligibility text, so a reviewer can always point at the words behind a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc

from models import (
    Criterion,
    Group,
    Mention,
    ParseWarning,
    Part,
    Protocol,
    Quantity,
    Remark,
    TextSpan,
    TimeWindow,
)
from nlp.demographics import ages_conflict, build_demographics, unread_fields
from nlp.errors import W_AGES_INCONSISTENT
from nlp.ingest import Record
from nlp.logic import PartSpan
from nlp.outline import Outline, OutlineItem
from nlp.outline.model import OutlineRemark
from nlp.pipeline.components import ItemWarning
from nlp.textutil import CleanText


@dataclass
class ItemAnalysis:
    """What the pipeline found in one item, in clean-text coordinates."""

    quantities: list[Quantity] = field(default_factory=list)
    time_windows: list[TimeWindow] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    assertion: str = "present"
    logic: str | None = None
    separated: bool = False
    optional: list[PartSpan] = field(default_factory=list)
    exceptions: list[PartSpan] = field(default_factory=list)
    warnings: list[ItemWarning] = field(default_factory=list)


def read_analysis(doc: Doc) -> ItemAnalysis:
    """What the pipeline's components stored on one item's doc (:mod:`nlp.pipeline.components`)."""
    stored = doc._  # each ``doc._`` makes a new accessor object
    logic = stored.logic
    return ItemAnalysis(
        quantities=list(stored.quantities),
        time_windows=list(stored.time_windows),
        mentions=list(stored.mentions),
        assertion=stored.assertion,
        logic=logic.logic,
        separated=logic.separated,
        optional=list(logic.optional),
        exceptions=list(logic.exceptions),
        warnings=list(stored.number_warnings),
    )


def _span(clean: CleanText, span: tuple[int, int] | None) -> tuple[int, int] | None:
    return None if span is None else clean.source_span(*span)


def _text_span(clean: CleanText, span: tuple[int, int]) -> TextSpan:
    return TextSpan(text=clean.text[span[0] : span[1]], span=clean.source_span(*span))


def _part(clean: CleanText, part: PartSpan) -> Part:
    cue = _text_span(clean, part.cue) if part.cue else None
    return Part(
        text=clean.text[part.span[0] : part.span[1]], span=clean.source_span(*part.span), cue=cue
    )


def _map_mention(clean: CleanText, mention: Mention) -> Mention:
    cue = mention.cue
    if cue is not None and cue.span is not None:
        cue = TextSpan(text=cue.text, span=clean.source_span(*cue.span))
    return mention.model_copy(update={"span": _span(clean, mention.span), "cue": cue})


def _remarks(source: str, remarks: list[OutlineRemark]) -> list[Remark]:
    return [Remark(kind=r.kind, text=r.clean(source).text, span=r.span) for r in remarks]


def _logic(analysis: ItemAnalysis, kind: str) -> str | None:
    """A ';'-separated list excludes on any part, and includes only when all parts hold."""
    if analysis.logic is None and analysis.separated:
        return "any" if kind == "exclusion" else "all"
    return analysis.logic


def encode_item(
    item: OutlineItem,
    clean: CleanText,
    analysis: ItemAnalysis,
    children: list[Criterion],
    kind: str = "inclusion",
    remarks: list[Remark] | None = None,
) -> Criterion:
    """One outline item and its analysis as a Criterion with source spans."""
    return Criterion(
        id=item.id,
        label=item.label,
        text=clean.text,
        span=item.span,
        quantities=[
            q.model_copy(update={"span": _span(clean, q.span)}) for q in analysis.quantities
        ],
        time_windows=[
            w.model_copy(update={"span": _span(clean, w.span)}) for w in analysis.time_windows
        ],
        mentions=[_map_mention(clean, m) for m in analysis.mentions],
        assertion=analysis.assertion,
        logic=_logic(analysis, kind),
        optional=[_part(clean, s) for s in analysis.optional],
        exceptions=[_part(clean, s) for s in analysis.exceptions],
        children=children,
        remarks=remarks or [],
    )


def _item_warnings(
    item: OutlineItem, clean: CleanText, analysis: ItemAnalysis
) -> list[ParseWarning]:
    return [
        ParseWarning(
            code=w.code,
            message=w.message,
            span=clean.source_span(w.start, w.end),
            criterion_id=item.id,
        )
        for w in analysis.warnings
    ]


def _criterion(
    item: OutlineItem,
    kind: str,
    source: str,
    cleans: dict[str, CleanText],
    analyses: dict[str, ItemAnalysis],
    warnings: list[ParseWarning],
) -> Criterion:
    """One item and its children as a Criterion; the items' warnings go to ``warnings``.

    A module function, not a closure inside :func:`encode_protocol`: a recursive closure is a
    reference cycle (the function and its cell) that would keep the record's analyses alive
    until the cyclic collector runs.
    """
    children = [
        _criterion(child, kind, source, cleans, analyses, warnings) for child in item.children
    ]
    analysis = analyses[item.id]
    warnings.extend(_item_warnings(item, cleans[item.id], analysis))
    remarks = _remarks(source, item.remarks)
    criterion = encode_item(item, cleans[item.id], analysis, children, kind, remarks)
    return carry_parent_anchor(criterion)


def encode_protocol(
    record: Record,
    outline: Outline,
    cleans: dict[str, CleanText],
    analyses: dict[str, ItemAnalysis],
    extra_warnings: list[ParseWarning],
) -> Protocol:
    """Assemble the Protocol: groups in order, criteria nested as printed, warnings collected."""
    warnings = list(outline.warnings)
    source = record.eligibility_text
    groups = [
        Group(
            id=group.id,
            kind=group.kind,
            label=group.label,
            cohort=group.cohort,
            span=group.span,
            criteria=[
                _criterion(item, group.kind, source, cleans, analyses, warnings)
                for item in group.items
            ],
            remarks=_remarks(source, group.remarks),
        )
        for group in outline.groups
    ]
    inclusion_quantities = [
        q
        for group in groups
        if group.kind == "inclusion"
        for item in _walk(group.criteria)
        for q in item.quantities
    ]
    warnings.extend(extra_warnings)
    if ages_conflict(inclusion_quantities):
        warnings.append(
            ParseWarning(
                code=W_AGES_INCONSISTENT,
                message="the inclusion text's age limits contradict each other (a minimum above "
                "a maximum: alternatives?); demographics not filled from the text",
            )
        )
    warnings.extend(
        unread_fields(record.min_age, record.max_age, record.sex, record.healthy_volunteers)
    )
    return Protocol(
        trial_id=record.trial_id,
        org_study_id=record.org_study_id,
        title=record.title,
        source_format=record.source_format,
        demographics=build_demographics(
            record.min_age,
            record.max_age,
            record.sex,
            record.healthy_volunteers,
            inclusion_quantities,
        ),
        groups=groups,
        warnings=sorted(warnings, key=lambda w: (w.span or (0, 0), w.code)),
        eligibility_text=record.eligibility_text,
    )


_DURATION_CUE = re.compile(r"^(?:for|lasting|over)\b", re.IGNORECASE)


def carry_parent_anchor(criterion: Criterion) -> Criterion:
    """ "Washout periods prior to Day 1:" then "chemotherapy: 21 days": the anchor printed on
    a parent that introduces a list carries down to the children's windows that state only a
    duration (no anchor, no relation of their own, or the washout default). The parent's
    "within" makes a bare duration an upper limit."""
    if not criterion.children or not criterion.text.rstrip().endswith(":"):
        return criterion
    anchored = next((w for w in criterion.time_windows if w.anchor), None)
    if anchored is None:
        return criterion
    within = "within" in criterion.text.lower()
    children = []
    for child in criterion.children:
        windows = []
        for w in child.time_windows:
            bare = w.value is not None or w.low is not None
            own = w.anchor is not None or (w.relation not in (None, "before"))
            if bare and not own and not _DURATION_CUE.match(w.text or ""):
                update = {
                    "relation": anchored.relation,
                    "anchor": anchored.anchor,
                    "anchor_text": anchored.anchor_text,
                    "notes": "anchor printed on the parent item",
                }
                if within and w.comparator == "=":
                    update["comparator"] = "<="
                w = w.model_copy(update=update)
            windows.append(w)
        children.append(child.model_copy(update={"time_windows": windows}))
    return criterion.model_copy(update={"children": children})


def _walk(items: list[Criterion]) -> list[Criterion]:
    out: list[Criterion] = []
    for item in items:
        out.append(item)
        out.extend(_walk(item.children))
    return out
