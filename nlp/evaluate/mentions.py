"""Mentions against the corpora's concept annotations: overlap and exact P/R/F1, and codes.

The gold is every span of six categories (LCT: Condition, Drug, Procedure, and Observation
split into MEASUREMENT for labs, vitals, measurements, scores and questionnaires, else
OBSERVATION; Chia: Condition, Drug, Procedure, Measurement, Observation, Device), nested and
discontinuous spans included (a discontinuous span matches by its fragments). A prediction is
a mention of the parser (categories mapped: ``test`` → MEASUREMENT; ``biomarker`` and
``other`` are not scored, the corpora annotate neither), each distinct span once.

*Overlap*: a prediction and a gold span share a character, one to one, pairs taken best first
by Jaccard overlap of their characters, then nearer starts. *Exact*: same start and end.
*Untyped* ignores the labels (the same span annotated twice counts once); *typed* and the
per-category rows need the labels to agree. *Coded*: of the predicted mentions of a category
that has a vocabulary (condition, drug, measurement), the share that carries a code.

``scripts/train_mentions.py`` scores its model with the same functions, so the model's
README and ``eligo eval`` measure one thing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from models import Protocol

if TYPE_CHECKING:
    from nlp.evaluate.corpora import BratDoc

LABELS = ("CONDITION", "DRUG", "PROCEDURE", "MEASUREMENT", "OBSERVATION", "DEVICE")
LCT_TYPES = {"Condition": "CONDITION", "Drug": "DRUG", "Procedure": "PROCEDURE"}
LCT_MEASUREMENT_TYPES = {"lab", "vital", "measurement", "clinical-score", "survey-or-questionnaire"}
CHIA_TYPES = {
    "Condition": "CONDITION",
    "Drug": "DRUG",
    "Procedure": "PROCEDURE",
    "Measurement": "MEASUREMENT",
    "Observation": "OBSERVATION",
    "Device": "DEVICE",
}
CATEGORY_LABELS = {
    "condition": "CONDITION",
    "drug": "DRUG",
    "procedure": "PROCEDURE",
    "measurement": "MEASUREMENT",
    "test": "MEASUREMENT",
    "observation": "OBSERVATION",
    "device": "DEVICE",
}
"""Mention category → corpus label; ``biomarker`` and ``other`` are not scored."""
CODED_CATEGORIES = ("condition", "drug", "measurement")

Pred = tuple[int, int, str]  # document offsets, label


@dataclass
class GoldMention:
    fragments: list[tuple[int, int]]
    label: str
    text: str

    @property
    def start(self) -> int:
        return self.fragments[0][0]

    @property
    def end(self) -> int:
        return self.fragments[-1][1]


def gold_mentions(brat: BratDoc, corpus: str) -> list[GoldMention]:
    """The document's spans of the six categories, in document offsets, sorted."""
    out: list[GoldMention] = []
    if corpus == "lct":
        observation_type = {
            brat.events[e].trigger: v
            for (e, name), v in brat.attributes.items()
            if name == "Observation-Type-Value" and e in brat.events
        }
        for span in brat.spans.values():
            if span.type == "Observation":
                kind = observation_type.get(span.id)
                label: str | None = (
                    "MEASUREMENT" if kind in LCT_MEASUREMENT_TYPES else "OBSERVATION"
                )
            else:
                label = LCT_TYPES.get(span.type)
            if label:
                out.append(GoldMention(sorted(span.fragments), label, span.text))
    else:
        for span in brat.spans.values():
            label = CHIA_TYPES.get(span.type)
            if label:
                out.append(GoldMention(sorted(span.fragments), label, span.text))
    out.sort(key=lambda g: (g.start, g.end, LABELS.index(g.label)))
    return out


def predicted_mentions(protocol: Protocol) -> list[Pred]:
    """The protocol's scored mentions, each distinct span once (the first category wins)."""
    found: dict[tuple[int, int], str] = {}
    for _group, criterion, _depth in protocol.iter_criteria():
        for m in criterion.mentions:
            label = CATEGORY_LABELS.get(m.category)
            if label and m.span is not None:
                found.setdefault((m.span[0], m.span[1]), label)
    return sorted((s, e, lab) for (s, e), lab in found.items())


def _chars(fragments: Iterable[tuple[int, int]]) -> set[int]:
    return {i for s, e in fragments for i in range(s, e)}


def match(
    golds: list[GoldMention], preds: list[Pred], typed: bool, exact: bool
) -> list[tuple[int, int]]:
    """One-to-one (gold index, pred index) pairs (module docstring)."""
    candidates = []
    for gi, g in enumerate(golds):
        gchars = _chars(g.fragments)
        for pi, (s, e, label) in enumerate(preds):
            if typed and label != g.label:
                continue
            if exact:
                if (s, e) in g.fragments:
                    candidates.append((0.0, 0, gi, pi))
                continue
            if e <= g.start or g.end <= s:
                continue
            pchars = set(range(s, e))
            shared = len(gchars & pchars)
            if shared:
                candidates.append((-shared / len(gchars | pchars), abs(s - g.start), gi, pi))
    candidates.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, _, gi, pi in candidates:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gi, pi))
    return pairs


def untyped_golds(golds: list[GoldMention]) -> list[GoldMention]:
    """One gold per distinct span (the same span annotated with two types counts once)."""
    seen: set[tuple] = set()
    out = []
    for g in golds:
        k = tuple(g.fragments)
        if k not in seen:
            seen.add(k)
            out.append(g)
    return out


def prf(tp_r: int, gold: int, tp_p: int, pred: int) -> dict:
    p = tp_p / pred if pred else 0.0
    r = tp_r / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4), "gold": gold, "pred": pred}


@dataclass
class MentionTally:
    """Counts over documents; :meth:`scores` turns them into P/R/F1."""

    counts: dict[str, Counter] = field(
        default_factory=lambda: {"overlap": Counter(), "exact": Counter()}
    )
    coded: Counter = field(default_factory=Counter)

    def add(self, golds: list[GoldMention], preds: list[Pred]) -> None:
        ug = untyped_golds(golds)
        for mode, c in self.counts.items():
            exact = mode == "exact"
            pairs = match(ug, preds, typed=False, exact=exact)
            c["any_tp"] += len(pairs)
            c["any_gold"] += len(ug)
            c["any_pred"] += len(preds)
            for gi, _ in pairs:
                c[f"any_tp_gold_{ug[gi].label}"] += 1
            for g in ug:
                c[f"any_gold_{g.label}"] += 1
            for gi, _ in match(golds, preds, typed=True, exact=exact):
                c[f"tp_{golds[gi].label}"] += 1
            for g in golds:
                c[f"gold_{g.label}"] += 1
            for *_, label in preds:
                c[f"pred_{label}"] += 1

    def add_codes(self, protocol: Protocol) -> None:
        """Count the coded share of the protocol's mentions of :data:`CODED_CATEGORIES`."""
        for _group, criterion, _depth in protocol.iter_criteria():
            for m in criterion.mentions:
                if m.category in CODED_CATEGORIES:
                    self.coded[f"all_{m.category}"] += 1
                    self.coded[f"coded_{m.category}"] += bool(m.codes)

    def scores(self) -> dict:
        """Overlap and exact P/R/F1: untyped, micro typed and per category; coded shares."""
        out: dict = {}
        for mode, c in self.counts.items():
            res = {"untyped": prf(c["any_tp"], c["any_gold"], c["any_tp"], c["any_pred"])}
            tp = sum(c[f"tp_{lab}"] for lab in LABELS)
            gold = sum(c[f"gold_{lab}"] for lab in LABELS)
            pred = sum(c[f"pred_{lab}"] for lab in LABELS)
            res["typed"] = prf(tp, gold, tp, pred)
            for lab in LABELS:
                res[lab] = prf(c[f"tp_{lab}"], c[f"gold_{lab}"], c[f"tp_{lab}"], c[f"pred_{lab}"])
                # recall of the category's gold spans by a mention of any label
                res[lab]["r_any_label"] = round(
                    c[f"any_tp_gold_{lab}"] / c[f"any_gold_{lab}"] if c[f"any_gold_{lab}"] else 0.0,
                    4,
                )
            out[mode] = res
        if self.coded:
            out["coded"] = {
                cat: {
                    "mentions": self.coded[f"all_{cat}"],
                    "coded": self.coded[f"coded_{cat}"],
                    "share": round(self.coded[f"coded_{cat}"] / self.coded[f"all_{cat}"], 4)
                    if self.coded[f"all_{cat}"]
                    else 0.0,
                }
                for cat in CODED_CATEGORIES
            }
        return out


def score(docs: Iterable[tuple[list[GoldMention], list[Pred]]]) -> dict:
    """:meth:`MentionTally.scores` over (gold, predictions) pairs of documents."""
    tally = MentionTally()
    for golds, preds in docs:
        tally.add(golds, preds)
    return tally.scores()
