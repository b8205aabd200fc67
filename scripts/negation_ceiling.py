"""How consistently a corpus annotates its negation cues, and what that allows a cue tagger.

For every distinct cue string the annotators marked as Negation (case-folded), count its
occurrences in the corpus text (as a whole word or phrase) and how many of those are inside a
Negation annotation. Then search for the *lexical oracle*: a tagger that marks every
occurrence of a chosen set of cue strings, the set chosen **with the gold in hand** to
maximise F1 (strings added in order of their annotated share, then single strings added or
dropped while F1 rises). It cannot be built without the answers; it shows what a
context-blind cue list reaches at best (a search: the true best list may do slightly
better), and how far the annotation of the same word varies ("not" is a Negation in about one
occurrence in three in Chia).

    python scripts/negation_ceiling.py --corpus lct  "$ELIGO_CORPORA/lct"
    python scripts/negation_ceiling.py --corpus chia "$ELIGO_CORPORA/chia" --top 30

Overlapping cue strings ("absence" and "absence of") count once on both sides: marked
strings that overlap are merged into one prediction, and recall counts gold cues touched.
The oracle is a ceiling for context-blind cue lists only; ConText uses context.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

from nlp.evaluate.corpora import READERS, GoldDoc

Occurrence = tuple[str, int, int]  # (document id, start, end)
Found = dict[Occurrence, set[tuple[str, int]]]  # occurrence → the gold cues it touches


def cue_statistics(docs: list[GoldDoc]) -> tuple[int, dict[str, Found]]:
    """Gold negation count, and per cue string each occurrence → the gold annotations it hits."""
    strings = Counter(
        g.text.casefold().strip() for d in docs for g in d.items if g.family == "negation"
    )
    strings.pop("", None)
    n_gold = sum(1 for d in docs for g in d.items if g.family == "negation")
    stats: dict[str, Found] = {}
    for cue in strings:
        pattern = re.compile(r"(?<!\w)" + re.escape(cue) + r"(?!\w)", re.IGNORECASE)
        found: Found = {}
        for doc in docs:
            golds = [
                (i, s, e)
                for i, g in enumerate(doc.items)
                if g.family == "negation"
                for s, e in g.fragments
            ]
            for m in pattern.finditer(doc.text):
                hit = {(doc.doc_id, i) for i, s, e in golds if s < m.end() and m.start() < e}
                found[(doc.doc_id, m.start(), m.end())] = hit
        stats[cue] = found
    return n_gold, stats


def _share(found: Found) -> float:
    return sum(1 for hit in found.values() if hit) / max(len(found), 1)


def _merged(marked: dict[Occurrence, set]) -> tuple[int, int]:
    """(predictions, hits) after merging overlapping marked strings into one prediction each:
    "absence" and "absence of" at the same place are one tag, as a tagger would emit."""
    predictions = hits = 0
    last: tuple[str, int] | None = None  # (doc, end) of the open merged span
    open_hit = False
    for doc, start, end in sorted(marked):
        if last is not None and last[0] == doc and start < last[1]:
            last = (doc, max(last[1], end))
            open_hit = open_hit or bool(marked[(doc, start, end)])
            continue
        if last is not None:
            predictions, hits = predictions + 1, hits + open_hit
        last, open_hit = (doc, end), bool(marked[(doc, start, end)])
    if last is not None:
        predictions, hits = predictions + 1, hits + open_hit
    return predictions, hits


def _score(n_gold: int, chosen: list[Found]) -> tuple[float, float, float]:
    """(P, R, F1) of marking every occurrence of the ``chosen`` cue strings."""
    marked: dict[Occurrence, set] = {}
    covered: set = set()
    for found in chosen:
        marked.update(found)
        for hit in found.values():
            covered |= hit
    predictions, hits = _merged(marked)
    precision = hits / predictions if predictions else 0.0
    recall = len(covered) / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def lexical_oracle(n_gold: int, stats: dict[str, Found]) -> tuple[float, float, float]:
    """Best (P, R, F1) found for a tagger marking all occurrences of a gold-chosen cue list.

    Overlapping marked strings count as one prediction (a hit when any of them touches a gold
    cue); recall counts gold cues touched, each once. The list is searched, not proven best:
    cue strings are added in order of their annotated share, the best prefix is kept, then
    single strings are added or dropped while that raises F1.
    """
    ranked = sorted(stats.values(), key=lambda f: -_share(f))
    prefix_scores = [_score(n_gold, ranked[: k + 1]) for k in range(len(ranked))]
    size = max(range(len(ranked)), key=lambda k: prefix_scores[k][2], default=-1) + 1
    chosen = [i < size for i in range(len(ranked))]
    best = _score(n_gold, [f for f, on in zip(ranked, chosen, strict=True) if on])
    improved = True
    while improved:
        improved = False
        for i in range(len(ranked)):
            chosen[i] = not chosen[i]
            trial = _score(n_gold, [f for f, on in zip(ranked, chosen, strict=True) if on])
            if trial[2] > best[2] + 1e-12:
                best, improved = trial, True
            else:
                chosen[i] = not chosen[i]
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path, help="corpus folder (.txt + .ann)")
    parser.add_argument("--corpus", choices=sorted(READERS), required=True)
    parser.add_argument("--top", type=int, default=15, help="cue strings listed (default 15)")
    args = parser.parse_args(argv)
    if not args.directory.is_dir():
        parser.error(f"{args.directory}: not a folder")
    docs = [d for d in READERS[args.corpus](args.directory) if d.usable]
    n_gold, stats = cue_statistics(docs)
    precision, recall, f1 = lexical_oracle(n_gold, stats)
    print(f"{args.corpus}: {len(docs)} documents, {n_gold} Negation annotations")
    print(
        f"lexical oracle (cue list chosen with the gold): P {precision:.3f}  R {recall:.3f}  "
        f"F1 {f1:.3f}"
    )
    print(f"\n{'cue':<24} {'annotated':>9} {'occurs':>7} {'share':>6}")
    by_hits = sorted(stats.items(), key=lambda kv: -sum(1 for h in kv[1].values() if h))
    for cue, found in by_hits[: args.top]:
        hits = sum(1 for h in found.values() if h)
        print(f"{cue!r:<24} {hits:>9} {len(found):>7} {_share(found):>6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
