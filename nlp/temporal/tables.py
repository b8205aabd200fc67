"""The temporal rule files (``rules/temporal.json``, ``rules/anchors.json``) as lookup tables
and compiled patterns, built once per process."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from nlp.rulefiles import (
    NumberGroup,
    RelationForms,
    anchor_rules,
    comparator_rules,
    number_rules,
    temporal_rules,
)

FLAGS = re.IGNORECASE


# the number words a duration can be written with: "two weeks", "a month", "half a year"
DURATION_NUMBER_GROUPS: tuple[NumberGroup, ...] = ("cardinal", "article", "single", "half")


def anchor_ids() -> list[str]:
    """The anchor event ids defined in ``rules/anchors.json``."""
    return [row.id for row in anchor_rules().anchors]


def _phrase(form: str) -> str:
    """A written form as a regex: spaces match any whitespace, word edges are checked."""
    body = r"\s+".join(re.escape(part) for part in form.split())
    start = r"(?<!\w)" if form[0].isalnum() else ""
    end = r"(?![\w])" if form[-1].isalnum() else ""
    return start + body + end


def alternation(forms: list[str]) -> str:
    return "|".join(_phrase(f) for f in sorted(set(forms), key=len, reverse=True))


def starts(forms: list[str], edge: bool = True) -> str:
    """A lookahead for where one of ``forms`` can start (implied by :func:`alternation`).

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


def _by_form(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Each written form (lower case, whitespace collapsed) → its value."""
    return {" ".join(f.lower().split()): value for f, value in pairs}


def _relation_pairs(rows: list[RelationForms]) -> list[tuple[str, str]]:
    return [(f, row.relation) for row in rows for f in row.forms]


@cache
def lookup_tables() -> dict[str, Any]:
    rules = temporal_rules()
    units = {f.lower(): row.ucum for row in rules.units for f in row.forms}
    cmp_before = _by_form(comparator_rules().table("before", "time"))
    cmp_after = _by_form(comparator_rules().table("after", "time"))
    relations = _by_form(_relation_pairs(rules.relations))
    bare = _by_form(_relation_pairs(rules.bare_relations))
    forms: dict[str, list[str]] = {}
    abbrevs: dict[str, str] = {}
    for row in anchor_rules().anchors:
        for form in row.forms:
            forms.setdefault(" ".join(form.lower().split()), []).append(row.id)
        for abbr in row.abbreviations:
            abbrevs[abbr] = row.id
    return {
        "units": units,
        "numbers": number_rules().words_in(*DURATION_NUMBER_GROUPS),
        "cmp_before": cmp_before,
        "cmp_after": cmp_after,
        "relations": relations,
        "bare": bare,
        "anchor_forms": forms,
        "anchor_abbrevs": abbrevs,
    }


@cache
def compiled_patterns() -> dict[str, re.Pattern[str]]:
    rules, tables = temporal_rules(), lookup_tables()
    words = [w for w in tables["numbers"] if w not in ("a", "an", "single")]
    tens = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
    ones = "one|two|three|four|five|six|seven|eight|nine"
    numword = rf"(?:(?:{tens})[\s-](?:{ones})|{alternation(words)}|an?|single)"
    num = rf"(?:\d+(?:\.\d+)?(?![\d/])|{numword}(?!\w))"
    adjective = alternation(rules.unit_adjectives)
    unit = r"(?:" + _unit_alternation(list(tables["units"])) + r")(?:\(s\))?"
    cmp_before = alternation(list(tables["cmp_before"]))
    dur = alternation(rules.duration_cues)
    look = alternation(rules.lookback + rules.lookahead + rules.first)
    first = [*words, *tens.split("|"), *ones.split("|"), "a", "an", "single", "between", "from"]
    first += [*tables["cmp_before"], *rules.duration_cues, *rules.lookback]
    first += [*rules.lookahead, *rules.first, *"0123456789"]
    letters = [f for f in first if f[0].isalpha()]
    others = [f for f in first if not f[0].isalpha()]
    # a window starts at a number or a symbol, or at the start of a word ("a", "from" and the
    # number words are not words inside "Tuesday", "therefrom")
    core = rf"""
        (?:{starts(letters)}|{starts(others, edge=False)})
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
    look_first = [*tables["cmp_before"], "in", "during", "over", "for"]
    look_first += [*rules.lookback, *rules.lookahead, *rules.first]
    bare_look = rf"""
        {starts(look_first)}
        (?P<pre>
          (?:(?P<cmp>{cmp_before}|in|during|over|for)\s+(?:the\s+)?)?
          (?P<look>{look})[\s-]+
        )
        (?P<unit>(?:year|month|week|day|hour|night|decade))(?![\w-])
    """
    after_cmp = "(?:" + alternation(list(tables["cmp_after"])) + r")(?!\s+than)"
    relation = alternation(list(tables["relations"]))
    bare = alternation(list(tables["bare"]))
    fillers = alternation(rules.anchor_fillers)
    # "3 months ago", "at least 96 weeks previously", "6 months prior." (the clause ends)
    ago = r"(?P<ago>\s+(?:ago|previously|earlier|(?:before|prior)(?=\s*(?:[,;.)]|$)))\b)?"
    tail = rf"""
        (?P<post>\s*(?:{after_cmp}))?{ago}(?P<post2>\s*(?:{after_cmp}))?
        (?P<gap>\s*(?:\((?:whichever|or|and)[^)]*\))?\s*,?)?
        (?:\s*(?P<rel>{relation})(?:\s+|-|(?=\s*\()))?
    """
    anchor_forms = list(tables["anchor_forms"])
    anchors = rf"(?:(?:{fillers})\s+){{0,3}}(?P<anchor>{alternation(anchor_forms)})(?![\w-])"
    anchors += r"(?!\s+(?:drugs?|medications?|products?|specific|related|procedures?|activities|"
    anchors += r"sites?|team|staff|doctors?|physicians?|protocol|personnel)\b)"
    anchors += r"(?P<of>\s+of\s+(?:the\s+)?(?:study\s+|investigational\s+|trial\s+)?"
    anchors += r"(?:drug|treatment|medication|therapy|intervention|product|agent|vaccine|"
    anchors += r"[a-z]*\d[\w-]*|[A-Z][A-Z0-9-]{2,}))?"
    age_after = alternation(rules.age_after)
    age_before = alternation(rules.age_before)
    short = sorted({re.escape(f) for f in tables["units"] if len(f) <= 4}, key=len, reverse=True)
    stems = sorted({f[:4] for f in tables["units"] if len(f) > 4 and f[:4].isalpha()})
    gate = rf"\d\s*-?\s*(?:{'|'.join(short)})(?!\w)|\b(?:{'|'.join(stems)}|day|decade)"
    events = r"diagnosis|surgery|transplant(?:ation)?|operation|onset|resection"
    return {
        "length_filler": re.compile(
            rf"\s*(?:the\s+|a\s+)?(?:{num})[\s-]+(?:day|week|month|year)s?\s+(?=\w)", FLAGS
        ),
        # "prior to dementia diagnosis", "after kidney transplantation": one or two words, then
        # the event
        "modified_event": re.compile(
            rf"(?:the\s+|a\s+|their\s+)?(?:[A-Za-z'’-]+\s+){{1,2}}?(?P<event>(?:{events})\b)",
            FLAGS,
        ),
        "operation": re.compile(
            r"(?:the\s+|a\s+|their\s+)?(?:[A-Za-z-]+\s+)?[A-Za-z-]*(?:ectomy|otomy|ostomy|plasty)"
            r"(?:\s*/\s*[A-Za-z -]*?(?:ectomy|otomy|ostomy|plasty))*\b",
            FLAGS,
        ),
        "completion": re.compile(
            r"(?:the\s+)?(?:completion|end|discontinuation|cessation)\s+of\s+(?:the\s+|all\s+)?"
            r"(?:study\s+|trial\s+|protocol\s+)?(?:[\w-]*\d[\w-]*\s+|[A-Z][\w-]+\s+)?"
            r"(?:(?:or|and)\s+[\w-]+\s+)?(?:treatment|therapy|drugs?|intervention|medication)s?\b",
            FLAGS,
        ),
        "gate": re.compile(gate, FLAGS),
        "look_gate": re.compile(rf"(?:{look})[\s-]+(?:year|month|week|day|hour|decade)", FLAGS),
        "core": re.compile(core, FLAGS | re.VERBOSE),
        "bare_look": re.compile(bare_look, FLAGS | re.VERBOSE),
        "tail": re.compile(tail, FLAGS | re.VERBOSE),
        "anchor": re.compile(anchors, FLAGS),
        "half_life_of": re.compile(
            r"\s+of\s+(?:the\s+|any\s+|that\s+|this\s+)?[^,;:.()]{1,40}?"
            r"(?=\s*[,(]|\s+(?:prior|before|preceding)\b)",
            FLAGS,
        ),
        "bare": re.compile(rf"{starts(list(tables['bare']))}(?P<rel>{bare})\s+", FLAGS),
        "age_after": re.compile(rf"\s*(?:{age_after})", FLAGS),
        "age_before": re.compile(rf"(?:{age_before})\W{{0,3}}(?:\w+\W+){{0,2}}$", FLAGS),
        "whichever": re.compile(
            r"whichever\s+(?:is\s+|comes\s+|occurs\s+|happens\s+)?(?:the\s+)?(\w+)", FLAGS
        ),
        "coord": re.compile(r"^\s*(?:\(?\s*(?:or|and|and/or)\s*\(?|,|/)\s*$", FLAGS),
        "measure_noun": re.compile(r"\s*(?:" + alternation(rules.measure_nouns) + r")", FLAGS),
    }


def parse_number(written: str) -> float | None:
    key = " ".join(written.lower().replace("-", " ").split())
    numbers = lookup_tables()["numbers"]
    if key in numbers:
        return float(numbers[key])
    parts = key.split()
    if len(parts) == 2 and parts[0] in numbers and parts[1] in numbers:
        return float(numbers[parts[0]] + numbers[parts[1]])
    try:
        return float(key)
    except ValueError:
        return None


def normalise_key(written: str) -> str:
    return " ".join(written.lower().split())
