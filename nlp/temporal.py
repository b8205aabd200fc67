"""Time windows in criterion text: "within 12 weeks prior to the first dose" → a TimeWindow.

Why regular expressions and not spaCy: this runs on every criterion of hundreds of thousands
of records, and the phrases are short and formulaic. All cue words live in data files
(``rules/temporal.json`` for comparators, units and relation words, ``rules/anchors.json`` for
anchor events) and are compiled once into a handful of patterns.

How a window is read (see the docstrings of the helpers for the details):

* a *core* is a number (or a range) with a time unit, with the comparator cue written before
  it ("within", "at least", "≥", "for > ") or after it ("or more", "or less");
* a *tail* after the core gives the relation and anchor ("prior to the first dose",
  "of planned LD", "since diagnosis", "ago");
* look-back words ("in the past 6 months", "within the last year") read ``<=`` … ``before``
  ``now``; "in the next 30 days" reads ``after`` ``now``;
* phrases without a number ("at screening", "during the study period", "prior to
  randomization") become windows with a relation and anchor and no value.

Anchor ids (``rules/anchors.json`` holds their forms and abbreviations): ``screening``,
``first_dose`` (Day 1, C1D1), ``last_dose``, ``lymphodepletion``, ``randomization``,
``enrollment``, ``consent``, ``baseline``, ``study_entry``, ``diagnosis``, ``surgery``,
``transplant``, ``admission``, ``symptom_onset``, ``delivery``, ``study_end``,
``study_period`` (with ``during``: "during the study period"), and ``now`` (never written:
the anchor of look-back phrases, i.e. when eligibility is assessed). "prior to any
study-specific procedures" reads ``screening``.

Conventions (documented choices, not facts of the text):

* "within N of X" reads ``before`` X ("within 5 years of screening"); "within the first N of
  X" reads ``after`` X.
* "N since X" reads ``after`` X: the time now is N after X.
* "after N" with no anchor ("no remission after 180 days") is a duration: ``>=`` N.
* a plain "within N" with no anchor keeps relation and anchor null (nothing is written).
* ages ("18 years of age", "aged 18-65 years", "≥ 18 years") and gestational ages are
  skipped: the quantities module extracts them.

>>> [(w.comparator, w.value, w.unit, w.relation, w.anchor)
...  for w in find_time_windows("Major surgery within 28 days prior to the first dose")]
[('<=', 28.0, 'd', 'before', 'first_dose')]
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

from models import TimeWindow
from nlp.implied_anchor import implied_treatment_anchor

_FLAGS = re.IGNORECASE


@cache
def _rules() -> dict[str, Any]:
    path = resources.files("nlp") / "rules" / "temporal.json"
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def _anchor_rows() -> list[dict[str, Any]]:
    path = resources.files("nlp") / "rules" / "anchors.json"
    return json.loads(path.read_text(encoding="utf-8"))["anchors"]


def anchor_ids() -> list[str]:
    """The anchor event ids defined in ``rules/anchors.json`` (plus ``now``)."""
    return [row["id"] for row in _anchor_rows()] + ["now"]


def _phrase(form: str) -> str:
    """A written form as a regex: spaces match any whitespace, word edges are checked."""
    body = r"\s+".join(re.escape(part) for part in form.split())
    start = r"(?<!\w)" if form[0].isalnum() else ""
    end = r"(?![\w])" if form[-1].isalnum() else ""
    return start + body + end


def _alternation(forms: list[str]) -> str:
    return "|".join(_phrase(f) for f in sorted(set(forms), key=len, reverse=True))


def _starts(forms: list[str], edge: bool = True) -> str:
    """A lookahead for where one of ``forms`` can start (implied by :func:`_alternation`).

    The regex engine tries every alternative at every position; this rejects most positions
    with one test: a word edge when all forms start with a letter, then the first characters.
    """
    edge = edge and all(f[0].isalnum() for f in forms)
    return (
        (r"(?<!\w)" if edge else "")
        + "(?=["
        + "".join(sorted({re.escape(f[0]) for f in forms}))
        + "])"
    )


def _unit_alternation(forms: list[str]) -> str:
    """Units follow a number, often with no space ("48h", "3days"); one letter is lower case."""
    alts = []
    for form in sorted(set(forms), key=len, reverse=True):
        body = r"\s+".join(re.escape(part) for part in form.split())
        alts.append(f"(?-i:{body})" if len(form) == 1 else body)
    return "(?:" + "|".join(alts) + r")(?![\w/])"


@cache
def _tables() -> dict[str, Any]:
    rules = _rules()
    units = {f.lower(): row["ucum"] for row in rules["units"] for f in row["forms"]}
    cmp_before = {
        " ".join(f.lower().split()): row["comparator"]
        for row in rules["comparators_before"]
        for f in row["forms"]
    }
    cmp_after = {
        " ".join(f.lower().split()): row["comparator"]
        for row in rules["comparators_after"]
        for f in row["forms"]
    }
    relations = {
        " ".join(f.lower().split()): row["relation"]
        for row in rules["relations"]
        for f in row["forms"]
    }
    bare = {
        " ".join(f.lower().split()): row["relation"]
        for row in rules["bare_relations"]
        for f in row["forms"]
    }
    forms: dict[str, list[str]] = {}
    abbrevs: dict[str, str] = {}
    for row in _anchor_rows():
        for form in row["forms"]:
            forms.setdefault(" ".join(form.lower().split()), []).append(row["id"])
        for abbr in row.get("abbreviations", []):
            abbrevs[abbr] = row["id"]
    return {
        "units": units,
        "numbers": rules["numbers"],
        "cmp_before": cmp_before,
        "cmp_after": cmp_after,
        "relations": relations,
        "bare": bare,
        "anchor_forms": forms,
        "anchor_abbrevs": abbrevs,
    }


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    rules, tables = _rules(), _tables()
    words = [w for w in tables["numbers"] if w not in ("a", "an", "single")]
    tens = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
    ones = "one|two|three|four|five|six|seven|eight|nine"
    numword = rf"(?:(?:{tens})[\s-](?:{ones})|{_alternation(words)}|an?|single)"
    num = rf"(?:\d+(?:\.\d+)?(?![\d/])|{numword}(?!\w))"
    adjective = _alternation(rules["unit_adjectives"])
    unit = r"(?:" + _unit_alternation(list(tables["units"])) + r")(?:\(s\))?"
    cmp_before = _alternation(list(tables["cmp_before"]))
    dur = _alternation(rules["duration_cues"])
    look = _alternation(rules["lookback"] + rules["lookahead"] + rules["first"])
    first = [*words, *tens.split("|"), *ones.split("|"), "a", "an", "single", "between", "from"]
    first += [*tables["cmp_before"], *rules["duration_cues"], *rules["lookback"]]
    first += [*rules["lookahead"], *rules["first"], *"0123456789"]
    core = rf"""
        {_starts(first, edge=False)}
        (?P<pre>
          (?:(?P<dur>{dur})\s+(?:a\s+|the\s+)?)?
          (?:(?P<cmp>{cmp_before})\s*(?:the\s+)?)?
          (?:(?P<look>{look})[\s-]+)?
        )
        (?:
          (?P<between>between|from)\s+(?P<b1>{num})(?:\s*{unit})?\s*(?:and|to|-|–)\s*(?P<b2>{num})
        | (?P<n1>{num})(?:\s*\(\d+\))?(?:\s*(?:-|–|—|to)\s*(?P<n2>{num}))?
        )
        (?P<sep>\s*-?\s*)(?:(?:{adjective})\s+)?(?P<unit>{unit})(?![\w-]|-old)
    """
    bare_look = rf"""
        (?P<pre>
          (?:(?P<cmp>{cmp_before}|in|during|over|for)\s+(?:the\s+)?)?
          (?P<look>{look})[\s-]+
        )
        (?P<unit>(?:year|month|week|day|hour|night|decade))(?![\w-])
    """
    after_cmp = "(?:" + _alternation(list(tables["cmp_after"])) + r")(?!\s+than)"
    relation = _alternation(list(tables["relations"]))
    bare = _alternation(list(tables["bare"]))
    fillers = _alternation(rules["anchor_fillers"])
    ago = r"(?P<ago>\s+ago\b)?"
    tail = rf"""
        (?P<post>\s*(?:{after_cmp}))?{ago}(?P<post2>\s*(?:{after_cmp}))?
        (?P<gap>\s*(?:\((?:whichever|or|and)[^)]*\))?\s*,?)?
        (?:\s*(?P<rel>{relation})(?:\s+|-|(?=\s*\()))?
    """
    anchor_forms = list(tables["anchor_forms"])
    anchors = rf"(?:(?:{fillers})\s+){{0,3}}?(?P<anchor>{_alternation(anchor_forms)})(?![\w-])"
    anchors += r"(?!\s+(?:drugs?|medications?|products?|specific|related|procedures?|activities|"
    anchors += r"sites?|team|staff|doctors?|physicians?|protocol|personnel)\b)"
    anchors += r"(?P<of>\s+of\s+(?:the\s+)?(?:study\s+|investigational\s+|trial\s+)?"
    anchors += r"(?:drug|treatment|medication|therapy|intervention|product|agent|vaccine|"
    anchors += r"[a-z]*\d[\w-]*|[A-Z][A-Z0-9-]{2,}))?"
    age_after = _alternation(rules["age_after"])
    age_before = _alternation(rules["age_before"])
    short = sorted({re.escape(f) for f in tables["units"] if len(f) <= 4}, key=len, reverse=True)
    stems = sorted({f[:4] for f in tables["units"] if len(f) > 4 and f[:4].isalpha()})
    gate = rf"\d\s*-?\s*(?:{'|'.join(short)})(?!\w)|\b(?:{'|'.join(stems)}|day|decade)"
    return {
        "gate": re.compile(gate, _FLAGS),
        "look_gate": re.compile(rf"(?:{look})[\s-]+(?:year|month|week|day|hour|decade)", _FLAGS),
        "core": re.compile(core, _FLAGS | re.VERBOSE),
        "bare_look": re.compile(bare_look, _FLAGS | re.VERBOSE),
        "tail": re.compile(tail, _FLAGS | re.VERBOSE),
        "anchor": re.compile(anchors, _FLAGS),
        "half_life_of": re.compile(
            r"\s+of\s+(?:the\s+|any\s+|that\s+|this\s+)?[^,;:.()]{1,40}?"
            r"(?=\s*[,(]|\s+(?:prior|before|preceding)\b)",
            _FLAGS,
        ),
        "bare": re.compile(rf"{_starts(list(tables['bare']))}(?P<rel>{bare})\s+", _FLAGS),
        "age_after": re.compile(rf"\s*(?:{age_after})", _FLAGS),
        "age_before": re.compile(rf"(?:{age_before})\W{{0,3}}(?:\w+\W+){{0,2}}$", _FLAGS),
        "whichever": re.compile(
            r"whichever\s+(?:is\s+|comes\s+|occurs\s+|happens\s+)?(?:the\s+)?(\w+)", _FLAGS
        ),
        "coord": re.compile(r"^\s*(?:\(?\s*(?:or|and|and/or)\s*\(?|,|/)\s*$", _FLAGS),
        "measure_noun": re.compile(r"\s*(?:" + _alternation(rules["measure_nouns"]) + r")", _FLAGS),
    }


def _number(written: str) -> float | None:
    key = " ".join(written.lower().replace("-", " ").split())
    numbers = _tables()["numbers"]
    if key in numbers:
        return float(numbers[key])
    parts = key.split()
    if len(parts) == 2 and parts[0] in numbers and parts[1] in numbers:
        return float(numbers[parts[0]] + numbers[parts[1]])
    try:
        return float(key)
    except ValueError:
        return None


def _key(written: str) -> str:
    return " ".join(written.lower().split())


_LOOKBACK = frozenset({"past", "last", "previous", "preceding", "prior", "recent", "most recent"})
_LOOKAHEAD = frozenset({"next", "coming", "following", "upcoming", "subsequent"})
_NEEDS_ANCHOR = frozenset({"of", "from", "until", "post", "pre", "since", "from the time of"})
_DURATION = re.compile(r"\b(?:duration|history|diagnosed|lasting|for|since)\b", _FLAGS)
_SINGULAR = {"year": "a", "month": "mo", "week": "wk", "day": "d", "hour": "h", "decade": "a"}
_UNANCHORED_CMP = frozenset({"within", "within the", "in the", "during the", "over the", "up to"})


@cache
def _abbreviation_pattern(aliases: tuple[tuple[str, str], ...]) -> re.Pattern[str] | None:
    """Case-sensitive abbreviations (rules + the document's own), after optional fillers."""
    table = dict(_tables()["anchor_abbrevs"])
    table.update(aliases)
    if not table:
        return None
    fillers = _alternation(_rules()["anchor_fillers"])
    alts = "|".join(
        r"(?<![\w-])" + re.escape(k) + r"(?![\w-])" for k in sorted(table, key=len, reverse=True)
    )
    return re.compile(rf"(?i:(?:{fillers})\s+){{0,3}}(?P<anchor>{alts})")


def _anchor_at(
    text: str, pos: int, relation: str | None, aliases: dict[str, str]
) -> tuple[str, int] | None:
    """The anchor id written at ``pos`` (after fillers) and where it ends, or None."""
    found = _patterns()["anchor"].match(text, pos)
    best: tuple[str, int] | None = None
    if found:
        ids = _tables()["anchor_forms"][_key(found.group("anchor"))]
        if relation == "during" and "study_period" in ids:
            chosen = "study_period"
        else:
            chosen = next((i for i in ids if i != "study_period"), ids[0])
        best = (chosen, found.end())
    abbr = _abbreviation_pattern(tuple(sorted(aliases.items())))
    short = abbr.match(text, pos) if abbr else None
    if short and (best is None or short.end() > best[1]):
        key = short.group("anchor")
        best = (aliases.get(key) or _tables()["anchor_abbrevs"][key], short.end())
    return best


def _is_age(text: str, m: re.Match[str], unit: str, first: float | None) -> bool:
    pats = _patterns()
    if pats["age_after"].match(text, m.end()):
        return True
    number_start = m.start("b1") if m.group("b1") else m.start("n1")
    before = text[max(0, m.start() - 30) : number_start]
    return bool(pats["age_before"].search(before))


def _window(text: str, m: re.Match[str], aliases: dict[str, str]) -> dict[str, Any] | None:
    """Read one core match and its tail into a window dict, or None when it is not a window."""
    pats, tables = _patterns(), _tables()
    unit = tables["units"][_key(m.group("unit")).removesuffix("(s)")]
    ranged = m.group("b1") or m.group("n2")
    low = _number(m.group("b1") or m.group("n1"))
    high = _number(m.group("b2") or m.group("n2") or "") if ranged else None
    if low is None or (ranged and high is None):
        return None
    cmp_word = _key(m.group("cmp") or "")
    look = _key(m.group("look") or "")
    dur = m.group("dur")
    if _key(m.group("n1") or "") in ("a", "an", "single") and not (cmp_word or look or dur):
        return None
    if _is_age(text, m, unit, low):
        return None
    pos = m.end()
    if unit == "{half-lives}":
        of = pats["half_life_of"].match(text, pos)
        pos = of.end() if of else pos
    tail = pats["tail"].match(text, pos)
    end = m.end()
    post = _key((tail.group("post2") or tail.group("post") or "") if tail else "")
    ago = bool(tail and tail.group("ago"))
    if tail and (tail.group("post") or tail.group("ago") or tail.group("post2")):
        end = max(
            end, *(tail.end(g) for g in ("post", "ago", "post2") if tail.group(g) is not None)
        )
    rel_word = _key(tail.group("rel") or "") if tail else ""
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
    word = _key(m.group("unit"))
    look = _key(m.group("look"))
    value = 10.0 if word == "decade" else 1.0
    relation, anchor = ("after", "now") if look in _LOOKAHEAD else ("before", "now")
    if look in ("first", "initial"):
        relation, anchor = None, None
    end = m.end()
    tail = _patterns()["tail"].match(text, end)
    if tail and tail.group("rel"):
        rel = _tables()["relations"].get(_key(tail.group("rel")))
        found = _anchor_at(text, tail.end(), rel, aliases)
        if found and rel:
            relation = "after" if rel == "after" else "before"
            anchor, end = found
    cmp_word = _key(m.group("cmp") or "")
    comparator = _tables()["cmp_before"].get(cmp_word, "<=")
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
    coord = _patterns()["coord"]
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
    table = _rules()["whichever"]
    for m in _patterns()["whichever"].finditer(text):
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
    pats = _patterns()
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
    bare_rel = _tables()["bare"]
    for m in pats["bare"].finditer(text):
        relation = bare_rel[_key(m.group("rel"))]
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


_BRACKETED_ABBREVIATION = re.compile(r"[(\[]\s*(?:[A-Z][A-Za-z0-9]{0,7}|(?:Day|D|Cycle)\b)")
_DEFINITION_REACH = 120  # characters before the bracket where the long form may start


@cache
def _definition_pattern() -> re.Pattern[str]:
    """An anchor's long form followed by its abbreviation in brackets."""
    forms = _alternation(list(_tables()["anchor_forms"]))
    of = r"(?:\s+of\s+(?:the\s+)?(?:study\s+|investigational\s+)?[\w-]+)?"
    abbr = r"(?P<abbr>[A-Z][A-Za-z0-9]{0,7}|(?:Day|D|Cycle\s*1\s*Day)\s*[01])"
    start = _starts(list(_tables()["anchor_forms"]))
    return re.compile(rf"{start}(?P<form>{forms}){of}\s*[(\[]\s*{abbr}\s*[)\],;]", _FLAGS)


def find_abbreviations(text: str) -> dict[str, str]:
    """Abbreviations a record defines for anchor events: abbreviation → anchor id.

    >>> find_abbreviations("within 30 days of lymphodepleting chemotherapy (LD). ... prior to LD")
    {'LD': 'lymphodepletion'}
    """
    out: dict[str, str] = {}
    pattern = _definition_pattern()
    # The full pattern is costly to try at every position; try it only just before a bracket.
    searched_to = 0
    for bracket in _BRACKETED_ABBREVIATION.finditer(text):
        start = max(searched_to, bracket.start() - _DEFINITION_REACH)
        m = pattern.search(text, start, bracket.end() + 12)
        if m is None:
            continue
        searched_to = m.end()
        abbr = m.group("abbr")
        if not any(c.isupper() for c in abbr):
            continue
        ids = _tables()["anchor_forms"][_key(m.group("form"))]
        out[abbr] = next((i for i in ids if i != "study_period"), ids[0])
    return out
