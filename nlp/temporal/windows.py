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

_LOOKBACK = frozenset(temporal_rules().lookback)
_LOOKAHEAD = frozenset(temporal_rules().lookahead)
_NEEDS_ANCHOR = frozenset({"of", "from", "until", "post", "pre", "since", "from the time of"})
_DURATION = re.compile(r"\b(?:duration|history|diagnosed|lasting|for|since)\b", FLAGS)
_SINGULAR = {"year": "a", "month": "mo", "week": "wk", "day": "d", "hour": "h", "decade": "a"}
_UNANCHORED_CMP = frozenset({"within", "within the", "in the", "during the", "over the", "up to"})
_WITHIN = frozenset({"within", "w/in", "w/i"})
_WHOLE_STUDY = frozenset({"the study", "this study", "the trial", "this trial"})
_DURING = frozenset({"during", "during the", "in the", "over the", "throughout the"})
_PERIOD_AFTER_RE = re.compile(
    r"\s+(?:(?:treatment|screening|study|trial|follow-up|follow\s+up|run-in|washout|observation|"
    r"intervention|maintenance|induction|double-blind|open-label)\s+)?(?:period|phase)\b",
    FLAGS,
)
_FUTURE_RE = re.compile(
    r"\b(?:planned|scheduled|expected|anticipated|intend(?:s|ed)?|plans?\s+to|will|going\s+to|"
    r"likely\s+to|next|future|is\s+to)\b",
    FLAGS,
)


def _printed(text: str, start: int, end: int) -> str | None:
    """The anchor words as printed, from where the anchor search started to its end."""
    words = text[start:end].strip(" ,")
    return words or None


@cache
def _abbreviation_pattern(aliases: tuple[tuple[str, str], ...]) -> re.Pattern[str] | None:
    """Case-sensitive abbreviations (rules + the document's own), after optional fillers."""
    table = dict(lookup_tables()["anchor_abbrevs"])
    table.update(aliases)
    if not table:
        return None
    fillers = alternation(temporal_rules().anchor_fillers)
    alts = "|".join(
        r"(?<![\w-])" + re.escape(k) + r"(?![\w-])" for k in sorted(table, key=len, reverse=True)
    )
    return re.compile(rf"(?i:(?:{fillers})\s+){{0,3}}(?P<anchor>{alts})")


def _anchor_at(
    text: str, pos: int, relation: str | None, aliases: dict[str, str]
) -> tuple[str, int] | None:
    """The anchor id written at ``pos`` (after fillers) and where it ends, or None.

    A period is what one is *during* ("during study treatment" is the treatment period, not
    its first dose). An event with a word before it ("prior to dementia diagnosis") or an
    operation named by its suffix ("within 10 weeks of hysterectomy") is read as its event;
    "completion of <the> therapy" is the end of treatment.
    """
    pats = compiled_patterns()
    skip = pats["length_filler"].match(text, pos) if relation == "during" else None
    if skip:  # "during the 16 week treatment period": the period's length is not a window
        pos = skip.end()
    found = pats["anchor"].match(text, pos)
    best: tuple[str, int] | None = None
    if found is None:
        modified = pats["modified_event"].match(text, pos)
        if modified:
            found = pats["anchor"].match(text, modified.start("event"))
    if found:
        ids = lookup_tables()["anchor_forms"][normalise_key(found.group("anchor"))]
        periods = [i for i in ids if i in ("study_period", "study_treatment_period")]
        if relation == "during" and periods:
            chosen = "study_treatment_period" if "study_treatment_period" in ids else periods[0]
        else:
            chosen = next((i for i in ids if i != "study_period"), ids[0])
        if relation == "after" and normalise_key(found.group("anchor")) in _WHOLE_STUDY:
            chosen = "study_end"  # "in the 4 weeks following the study": after it ends
        best = (chosen, found.end())
    if best is None:
        for name, event in (("operation", "surgery"), ("completion", "study_end")):
            hit = pats[name].match(text, pos)
            if hit:
                best = (event, hit.end())
                break
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
    if ranged and high is not None and high < low:
        low, high = high, low  # "within 14-7 days": the same window, its ends in order
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
    anchor_text = None
    implied = False  # a relation read from the context, not printed (a washout)
    if relation:
        assert tail is not None  # the relation word is read from the tail
        found = _anchor_at(text, tail.end(), relation, aliases)
        if found:
            anchor, end = found
            anchor_text = _printed(text, tail.end(), end)
        elif rel_word in _NEEDS_ANCHOR or relation == "of":
            relation = None
        else:
            end = tail.end("rel")
    period = _PERIOD_AFTER_RE.match(text, m.end()) if cmp_word in _DURING else None
    if period is not None and relation is None:
        # "during the 16 week treatment period of the study": a window during that period;
        # the printed length names the period, it sets no limit
        at = m.end() + len(text[m.end() :]) - len(text[m.end() :].lstrip())
        found = _anchor_at(text, at, "during", aliases)
        if found is not None:
            relation, anchor, end = "during", found[0], found[1]
            anchor_text = _printed(text, at, end)
            return {
                "start": m.start(),
                "end": end,
                "comparator": None,
                "explicit": False,
                "value": None,  # the printed length names the period; no limit is set
                "low": None,
                "high": None,
                "unit": None,
                "relation": relation,
                "anchor": anchor,
                "anchor_text": anchor_text,
                "implied": False,
                "whichever": None,
                "bare": True,
            }
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
        if not after_event and _FUTURE_RE.search(text[max(0, m.start() - 60) : m.start()]):
            after_event = True  # "treatment is to begin within 10 weeks of hysterectomy"
        relation = "after" if after_event else "before"  # "after 12 months of implantation"
    if relation is None and (ago or look in _LOOKBACK):
        relation = "before"  # counts back from when eligibility is assessed: no anchor
    elif relation is None and look in _LOOKAHEAD:
        relation = "after"
    if relation is None and cmp_word in _WITHIN and not (look or dur):
        # "radiotherapy within 14 days": a washout counts back from when eligibility is
        # assessed; "planned surgery within 3 months" looks ahead
        future = _FUTURE_RE.search(text[max(0, m.start() - 60) : m.start()])
        relation = "after" if future else "before"
        implied = True
    comparator = tables["cmp_before"].get(cmp_word) or tables["cmp_after"].get(post)
    explicit = comparator is not None
    if comparator is None and not ranged and relation == "after" and dur == "for":
        comparator = "<="  # "for 120 days after the last dose": the period ends N after it
        explicit = True
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
        "anchor_text": anchor_text,
        "implied": implied,
        "whichever": None,
        "bare": False,
    }


def _look_window(text: str, m: re.Match[str], aliases: dict[str, str]) -> dict[str, Any]:
    """'in the past year', 'within the last month': one unit, implied 1 (a decade is 10 a)."""
    word = normalise_key(m.group("unit"))
    look = normalise_key(m.group("look"))
    value = 10.0 if word == "decade" else 1.0
    relation: str | None = "after" if look in _LOOKAHEAD else "before"
    anchor: str | None = None
    anchor_text: str | None = None
    if look in ("first", "initial"):
        relation = None
    end = m.end()
    tail = compiled_patterns()["tail"].match(text, end)
    if tail and tail.group("rel"):
        rel = lookup_tables()["relations"].get(normalise_key(tail.group("rel")))
        found = _anchor_at(text, tail.end(), rel, aliases)
        if found and rel:
            relation = "after" if rel == "after" else "before"
            anchor, end = found
            anchor_text = _printed(text, tail.end(), end)
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
        "anchor_text": anchor_text,
        "implied": False,
        "whichever": None,
        "bare": False,
    }


_TIME_POINT_RE = re.compile(
    r"\s*(?:the\s+)?(?:(?:study\s+|cycle\s+\d+\s+)?day\s+-?\d+|screening|baseline|"
    r"the\s+day\s+of|visit\s+-?\d+|randomi[sz]ation|admission|enrol?lment)\b",
    FLAGS,
)
_AND_ANCHOR_RE = re.compile(r"\s*(?:,\s*)?(?:and|or|and/or)\s+", FLAGS)


def _more_anchors(text: str, hit: tuple[str, int]) -> list[tuple[str, int, int]]:
    """ "at the screening and baseline visits": further anchors of one relation word."""
    out: list[tuple[str, int, int]] = []
    end = hit[1]
    while (conj := _AND_ANCHOR_RE.match(text, end)) is not None:
        nxt = _anchor_at(text, conj.end(), None, {})
        if nxt is None or nxt[0] in (hit[0], *(a for a, _, _ in out)):
            break
        out.append((nxt[0], conj.end(), nxt[1]))
        end = nxt[1]
    return out


_TRAILING_GAP_RE = re.compile(  # a comma or a "whichever" phrase, not a bare space
    r"^\s*(?:,\s*(?:\(?\s*whichever\s+(?:is\s+|comes\s+|occurs\s+)?(?:the\s+)?\w+\s*\)?)?"
    r"|\(?\s*whichever\s+(?:is\s+|comes\s+|occurs\s+)?(?:the\s+)?\w+\s*\)?)\s*,?\s*$",
    FLAGS,
)


def _absorb_trailing_relation(text: str, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ "within 28 days or 5 half-lives, whichever is shorter, prior to the first dose": the
    relation and anchor printed after the alternatives belong to each of them."""
    out: list[dict[str, Any]] = []
    for w in found:
        before = [o for o in out if not o["bare"]]
        if (
            w["bare"]
            and w["comparator"] is None
            and before
            and (before[-1]["relation"] is None or before[-1]["implied"])
            and _TRAILING_GAP_RE.match(text[before[-1]["end"] : w["start"]])
        ):
            last = before[-1]
            i = out.index(last)
            group = [last]
            coord = compiled_patterns()["coord"]
            for o in reversed(out[:i]):
                if o["bare"] or (o["relation"] is not None and not o["implied"]):
                    break
                if not coord.match(text[o["end"] : group[0]["start"]]):
                    break
                group.insert(0, o)
            for o in group:  # each keeps its own span: its own value phrase
                o["relation"], o["anchor"] = w["relation"], w["anchor"]
                o["anchor_text"], o["implied"] = w["anchor_text"], False
            continue
        out.append(w)
    return out


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
            if w["relation"] is None or w["implied"]:
                donor = next(
                    (d for d in group[i + 1 :] if d["relation"] and not d["implied"]), None
                )
                if donor:
                    w["relation"], w["anchor"] = donor["relation"], donor["anchor"]
                    w["anchor_text"] = donor["anchor_text"]
            donor = group[i - 1] if i else None
            if donor and not w["explicit"] and donor["explicit"] and donor["comparator"] != "range":
                w["comparator"], w["explicit"] = donor["comparator"], True
        implied = next((w for w in group if w["implied"]), None)
        if implied is not None:  # "within 3 months or 5 half-lives": both wash out before
            for w in group:
                if w["relation"] is None and w["anchor"] is None:
                    w["relation"], w["implied"] = implied["relation"], True
    return groups


def _apply_whichever(text: str, groups: list[list[dict[str, Any]]]) -> None:
    table = temporal_rules().whichever
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
        word = normalise_key(m.group("rel"))
        relation = bare_rel[word]
        hit = _anchor_at(text, m.end(), relation, aliases)
        if hit is None:
            continue
        if word == "on" and not _TIME_POINT_RE.match(text, m.end()):
            continue  # "on Day 1", "on screening CT": a time point; "on study drug" is not
        anchors = [(hit[0], m.end(), hit[1]), *_more_anchors(text, hit)]
        for n, (anchor, anchor_start, end) in enumerate(anchors):
            w = {
                "start": m.start() if n == 0 else anchor_start,
                "end": end,
                "comparator": None,
                "explicit": False,
                "value": None,
                "low": None,
                "high": None,
                "unit": None,
                "relation": relation,
                "anchor": anchor,
                "anchor_text": _printed(text, anchor_start, end),
                "implied": False,
                "whichever": None,
                "bare": True,
            }
            if not _overlaps(w, found):
                found.append(w)
    found.sort(key=lambda w: w["start"])
    found = _absorb_trailing_relation(text, found)
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
            anchor_text=w["anchor_text"] if w["anchor"] else None,
            whichever=w["whichever"],
            text=text[w["start"] : w["end"]],
            span=(w["start"], w["end"]),
        )
        for w in found
    ]
