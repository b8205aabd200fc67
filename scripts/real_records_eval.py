"""Five plain rates of the parser against hand-encoded registry records, as a reader checks them.

For every gold trial folder (``gold/<ID>/`` with a source record and ``encoding.yaml``, as
``eligo check`` reads them) the source is parsed and compared with the gold, criterion by
aligned criterion (``nlp.audit.align``):

- **top-level item counts per group**: a gold group is right when its aligned parsed group has
  as many top-level criteria;
- **quantities (comparator, value, unit)**: a gold quantity is right when a quantity of the
  aligned criterion has its comparator, its value (or low and high; after unit conversion) and
  a compatible unit (and the same ``relative_to``);
- **time windows (comparator, value, unit, relation)**: the same for windows, plus relation;
- **time windows with the right anchor**: ... and the same anchor;
- **negated concepts**: a gold mention asserted ``negated`` is right when a mention of the
  aligned criterion overlaps it and is asserted ``negated`` too.

Each parsed item is used for one gold item at most. Unlike ``eligo check`` this counts only
what the gold states (recall-like), field by field, the way the project's issue tracker
measures records in the wild::

    python scripts/real_records_eval.py            # the repo's gold/
    python scripts/real_records_eval.py path/to/gold --per-trial
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from models.encoding import Mention, Protocol, Quantity, TimeWindow
from nlp.audit import load_encoding, load_side
from nlp.audit.align import align, shifted
from nlp.audit.compare import contains_text, norm_anchor, same_name, span_iou
from nlp.cli.check_cmd import find_gold_dir, trial_folders
from nlp.scoring import same_value, units_compatible

RATES = (
    "top-level item counts per group",
    "quantities (comparator, value, unit)",
    "time windows (comparator, value, unit, relation)",
    "time windows with the right anchor",
    "negated concepts",
)


def _amounts(e: Any, a: Any, tol: float) -> bool:
    if not units_compatible(e.unit, a.unit):
        return False
    return all(
        same_value(getattr(e, f), e.unit, getattr(a, f), a.unit, tol)
        for f in ("value", "low", "high")
    )


def quantity_right(e: Quantity, a: Quantity) -> bool:
    return (
        e.comparator == a.comparator
        and _amounts(e, a, 1e-6)
        and same_name(e.relative_to, a.relative_to)
    )


def window_right(e: TimeWindow, a: TimeWindow) -> bool:
    return e.comparator == a.comparator and e.relation == a.relation and _amounts(e, a, 0.02)


def anchored_right(e: TimeWindow, a: TimeWindow) -> bool:
    return window_right(e, a) and norm_anchor(e.anchor) == norm_anchor(a.anchor)


def _matched(gold: list[Any], parsed: list[Any], right: Callable[[Any, Any], bool]) -> int:
    free = list(parsed)
    n = 0
    for g in gold:
        hit = next((p for p in free if right(g, p)), None)
        if hit is not None:
            free.remove(hit)
            n += 1
    return n


def rates(expected: Protocol, actual: Protocol) -> dict[str, list[int]]:
    """[right, of] per rate for one trial."""
    al = align(expected, actual)
    out = {name: [0, 0] for name in RATES}
    groups = out[RATES[0]]
    for i, group in enumerate(expected.groups):
        groups[1] += 1
        j = al.groups.get(i)
        if j is not None and len(actual.groups[j].criteria) == len(group.criteria):
            groups[0] += 1

    def negated_right(e: Mention, a: Mention) -> bool:
        overlap = span_iou(e.span, shifted(a.span, al.shift)) > 0 or contains_text(e.text, a.text)
        return overlap and a.assertion == "negated"

    for entry in al.expected:
        partner = al.actual_of(entry)
        c = entry.criterion
        p = partner.criterion if partner else None
        for name, gold, parsed, right in (
            (RATES[1], c.quantities, p.quantities if p else [], quantity_right),
            (RATES[2], c.time_windows, p.time_windows if p else [], window_right),
            (RATES[3], c.time_windows, p.time_windows if p else [], anchored_right),
            (
                RATES[4],
                [m for m in c.mentions if m.assertion == "negated"],
                p.mentions if p else [],
                negated_right,
            ),
        ):
            out[name][0] += _matched(gold, parsed, right)
            out[name][1] += len(gold)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("gold_dir", nargs="?", help="folder of gold trials (default: ./gold)")
    ap.add_argument("--per-trial", action="store_true", help="print each trial's rates too")
    args = ap.parse_args(argv)
    trials, _ = trial_folders(find_gold_dir(args.gold_dir))
    total = {name: [0, 0] for name in RATES}
    for trial_id, source, encoding in trials:
        one = rates(load_encoding(encoding), load_side(source))
        for name, (right, of) in one.items():
            total[name][0] += right
            total[name][1] += of
        if args.per_trial:
            cells = "  ".join(f"{r}/{n}" for r, n in one.values())
            print(f"{trial_id}  {cells}")
    print(f"{'rate':50} right    of   share")
    for name, (right, of) in total.items():
        share = f"{right / of:.3f}" if of else "  -"
        print(f"{name:50} {right:5} {of:5}   {share}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
