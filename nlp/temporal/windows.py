"""Reading one time window: its core (number and unit), its comparator, and its tail (relation
and anchor); coordinated windows share what one of them prints ("within 14 days or 5
half-lives, whichever is shorter, prior to LD")."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from models import TimeWindow
from nlp.temporal.implied_anchor import implied_treatment_anchor
from nlp.temporal.tables import (
    FLAGS,
    alternation,
    compiled_patterns,
    lookup_tables,
    normalise_key,
    parse_number,
    temporal_rules,
)

_LOOKBACK = frozenset({"past", "last", "previous", "preceding", "prior", "recent", "most recent"})
_LOOKAHEAD = frozenset({"next", "coming", "following", "upcoming", "subsequent"})
_NEEDS_ANCHOR = frozenset({"of", "from", "until", "post", "pre", "since", "from the time of"})
_DURATION = re.compile(r"\b(?:duration|history|diagnosed|lasting|for|since)\b", FLAGS)
_SINGULAR = {"year": "a", "month": "mo", "week": "wk", "day": "d", "hour": "h", "decade": "a"}
_UNANCHORED_CMP = frozenset({"within", "within the", "in the", "during the", "over the", "up to"})


@cache
def _abbreviation_pattern(aliases: tuple[tuple[str, str], ...]) -> re.Pattern[str] | None:
    """Case-sensitive abbreviations (rules + the document's own), after optional fillers."""
    table = dict(lookup_tables()["anchor_abbrevs"])
    table.update(aliases)
    if not table:
        return None
    fillers = alternation(temporal_rules()["anchor_fillers"])
    alts = "|".join(
        r"(?<![\w-])" + re.escape(k) + r"(?![\w-])" for k in sorted(table, key=len, reverse=True)
    )
    return re.compile(rf"(?i:(?:{fillers})\s+){{0,3}}(?P<anchor>{alts})")


def _anchor_at(
    text: str, pos: int, relation: str | None, aliases: dict[str, str]
) -> tuple[str, int] | None:
    """The anchor id written at ``pos`` (after fillers) and where it ends, or None."""
    found = compiled_patterns()["anchor"].match(text, pos)
    best: tuple[str, int] | None = None
    if found:
        ids = lookup_tables()["anchor_forms"][normalise_key(found.group("anchor"))]
        if relation == "during" and "study_period" in ids:
            chosen = "study_period"
        else:
            chosen = next((i for i in ids if i != "study_period"), ids[0])
        best = (chosen, found.end())
    abbr = _abbreviation_pattern(tuple(sorted(aliases.items())))
    short = abbr.match(text, pos) if abbr else None
    if short and (best is None or short.end() > best[1]):
        key = short.group("anchor")
        best = (aliases.get(key) or lookup_tables()["anchor_abbrevs"][key], short.end())
    return best


def _is_age(text: str, m: re.Match[str], unit: str, first: float | None) -> bool:
    pats = compiled_patterns()
    if pats["age_after"].match(text, m.end()):
        return True
    number_start = m.start("b1") if m.group("b1") else m.start("n1")
    before = text[max(0, m.start() - 30) : number_start]
    return bool(pats["age_before"].search(before))


def _window(text: str, m: re.Match[str], aliases: dict[str, str]) -> dict[str, Any] | None:
    """Read one core match and its tail into a window dict, or None when it is not a window."""
    pats, tables = compiled_patterns(), lookup_tables()
    unit = tables["units"][normalise_key(m.group("unit")).removesuffix("(s)")]
    ranged = m.group("b1") or m.group("n2")
    low = parse_number(m.group("b1") or m.group("n1"))
    high = parse_number(m.group("b2") or m.group("n2") or "") if ranged else None
    if low is None or (ranged and high is None):
        return None
    cmp_word = normalise_key(m.group("cmp") or "")
    look = normalise_key(m.group("look") or "")
    dur = m.group("dur")
    if normalise_key(m.group("n1") or "") in ("a", "an", "single") and not (
        cmp_word or look or dur
    ):
        return None
    if _is_age(text, m, unit, low):
        return None
    pos = m.end()
    if unit == "{half-lives}":
        of = pats["half_life_of"].match(text, pos)
        pos = of.end() if of else pos
    tail = pats["tail"].match(text, pos)
    end = m.end()
    post = normalise_key((tail.group("post2") or tail.group("post") or "") if tail else "")
    ago = bool(tail and tail.group("ago"))
    if tail and (tail.group("post") or tail.group("ago") or tail.group("post2")):
        end = max(
            end, *(tail.end(g) for g in ("post", "ago", "post2") if tail.group(g) is not None)
        )
    rel_word = normalise_key(tail.group("rel") or "") if tail else ""
    relation = tables["relations"].get(rel_word) if rel_word else None
    anchor = None
    if relation:
        found = _anchor_at(text, tail.end(), relation, aliases)
        if found:
            anchor, end = found
        elif rel_word in _NEEDS_ANCHOR or relation == "of":
            relation = None
        else:
            end = tail.end("rel")
    plain = not (cmp_word or dur or look or relation or post or ago)
    if plain and pats["measure_noun"].match(text, m.end()):
        return None
    bare_years = unit == "a" and not (dur or look or relation or ago)
    context = text[max(0, m.start() - 25) : m.start()]
    if (
        bare_years
        and cmp_word not in _UNANCHORED_CMP
        and low >= 12
        and not _DURATION.search(context)
    ):
        return None  # "≥ 18 years", "over 18 years": an age limit
    if relation == "of":
        after_event = look in ("first", "initial") or cmp_word == "after"
        relation = "after" if after_event else "before"  # "after 12 months of implantation"
    if relation is None and (ago or look in _LOOKBACK):
        relation, anchor = "before", "now"
    elif relation is None and look in _LOOKAHEAD:
        relation, anchor = "after", "now"
    comparator = tables["cmp_before"].get(cmp_word) or tables["cmp_after"].get(post)
    explicit = comparator is not None
    if ranged:
        comparator = "range"
    elif comparator is None:
        if look:
            comparator = "<="
        elif relation == "after" and anchor is None:
            comparator = ">="  # "no remission after 180 days": a duration of at least
        else:
            comparator = "="
    if cmp_word == "after" and relation is None and anchor is None:
        anchor = implied_treatment_anchor(text, m.start(), end)
        relation = "after" if anchor else None
    start = m.start()
    return {
        "start": start,
        "end": end,
        "comparator": comparator,
        "explicit": explicit or bool(ranged),
        "value": None if ranged else low,
        "low": low if ranged else None,
        "high": high,
        "unit": unit,
        "relation": relation,
        "anchor": anchor,
        "whichever": None,
        "bare": False,
    }


def _look_window(text: str, m: re.Match[str], aliases: dict[str, str]) -> dict[str, Any]:
    """'in the past year', 'within the last month': one unit, implied 1 (a decade is 10 a)."""
    word = normalise_key(m.group("unit"))
    look = normalise_key(m.group("look"))
    value = 10.0 if word == "decade" else 1.0
    relation, anchor = ("after", "now") if look in _LOOKAHEAD else ("before", "now")
    if look in ("first", "initial"):
        relation, anchor = None, None
    end = m.end()
    tail = compiled_patterns()["tail"].match(text, end)
    if tail and tail.group("rel"):
        rel = lookup_tables()["relations"].get(normalise_key(tail.group("rel")))
        found = _anchor_at(text, tail.end(), rel, aliases)
        if found and rel:
            relation = "after" if rel == "after" else "before"
            anchor, end = found
    cmp_word = normalise_key(m.group("cmp") or "")
    comparator = lookup_tables()["cmp_before"].get(cmp_word, "<=")
    return {
        "start": m.start(),
        "end": end,
        "comparator": comparator,
        "explicit": True,
        "value": value,
        "low": None,
        "high": None,
        "unit": _SINGULAR[word],
        "relation": relation,
        "anchor": anchor,
        "whichever": None,
        "bare": False,
    }


def _overlaps(w: dict[str, Any], taken: list[dict[str, Any]]) -> bool:
    return any(w["start"] < t["end"] and t["start"] < w["end"] for t in taken)


def _link_coordinated(text: str, windows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Group windows joined by 'or'/'and'/','; share relation, anchor and comparator."""
    groups: list[list[dict[str, Any]]] = []
    coord = compiled_patterns()["coord"]
    for w in windows:
        prev = groups[-1][-1] if groups else None
        if (
            prev is not None
            and not prev["bare"]
            and not w["bare"]
            and coord.match(text[prev["end"] : w["start"]])
        ):
            groups[-1].append(w)
        else:
            groups.append([w])
    for group in groups:
        if len(group) < 2:
            continue
        for i, w in enumerate(group):
            if w["relation"] is None:
                donor = next((d for d in group[i + 1 :] if d["relation"]), None)
                if donor:
                    w["relation"], w["anchor"] = donor["relation"], donor["anchor"]
            donor = group[i - 1] if i else None
            if donor and not w["explicit"] and donor["explicit"] and donor["comparator"] != "range":
                w["comparator"], w["explicit"] = donor["comparator"], True
    return groups


def _apply_whichever(text: str, groups: list[list[dict[str, Any]]]) -> None:
    table = temporal_rules()["whichever"]
    for m in compiled_patterns()["whichever"].finditer(text):
        choice = table.get(m.group(1).lower())
        if not choice:
            continue
        before = [g for g in groups if g[-1]["start"] < m.start() and not g[-1]["bare"]]
        if before and m.start() - before[-1][-1]["end"] <= 80:
            for w in before[-1]:
                w["whichever"] = choice


def find_time_windows(text: str, aliases: dict[str, str] | None = None) -> list[TimeWindow]:
    """Time windows in one criterion's clean text, in text order, spans into ``text``.

    ``aliases`` maps abbreviations defined elsewhere in the record (see
    :func:`find_abbreviations`) to anchor ids: ``{"LD": "lymphodepletion"}``.

    >>> [(w.comparator, w.value, w.unit, w.relation, w.anchor, w.whichever) for w in
    ...  find_time_windows("within 14 days or 5 half-lives (whichever is shorter), prior to LD")]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('<=', 14.0, 'd', 'before', 'lymphodepletion', 'shorter'),
     ('<=', 5.0, '{half-lives}', 'before', 'lymphodepletion', 'shorter')]
    """
    aliases = aliases or {}
    pats = compiled_patterns()
    found: list[dict[str, Any]] = []
    has_unit = pats["gate"].search(text) is not None  # most criteria name no time unit
    for m in pats["core"].finditer(text) if has_unit else ():
        w = _window(text, m, aliases)
        if w is not None and not _overlaps(w, found):
            found.append(w)
    has_look = has_unit and pats["look_gate"].search(text) is not None
    for m in pats["bare_look"].finditer(text) if has_look else ():
        w = _look_window(text, m, aliases)
        if not _overlaps(w, found):
            found.append(w)
    bare_rel = lookup_tables()["bare"]
    for m in pats["bare"].finditer(text):
        relation = bare_rel[normalise_key(m.group("rel"))]
        hit = _anchor_at(text, m.end(), relation, aliases)
        if hit is None:
            continue
        w = {
            "start": m.start(),
            "end": hit[1],
            "comparator": None,
            "explicit": False,
            "value": None,
            "low": None,
            "high": None,
            "unit": None,
            "relation": relation,
            "anchor": hit[0],
            "whichever": None,
            "bare": True,
        }
        if not _overlaps(w, found):
            found.append(w)
    found.sort(key=lambda w: w["start"])
    groups = _link_coordinated(text, found)
    _apply_whichever(text, groups)
    return [
        TimeWindow(
            comparator=w["comparator"],
            value=w["value"],
            low=w["low"],
            high=w["high"],
            unit=w["unit"],
            relation=w["relation"],
            anchor=w["anchor"],
            whichever=w["whichever"],
            text=text[w["start"] : w["end"]],
            span=(w["start"], w["end"]),
        )
        for w in found
    ]
