"""Section headings, intro sentences, sub-headings and the lines that are not criteria.

The rules are data, in ``rules/headings.json``: kind headings ("Inclusion Criteria:", "Criteria
of exclusion from MRI:", "Controls exclusion criteria"), headings that name both kinds
("Inclusion/Exclusion:"), block headings that name a population or a part ("Patients with DS",
"Part 1:"), intro sentences, sub-headings, content-free preamble sentences, notes and
connector lines ("OR").
"""

from __future__ import annotations

import re
from functools import cache

from nlp.rulefiles import HeadingRule, heading_rules


def _alternation(rules: list[HeadingRule]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{r.pattern})" for r in rules), re.IGNORECASE)


@cache
def _extra() -> dict[str, re.Pattern[str]]:
    rules = heading_rules()
    return {
        "mixed": _alternation(rules.mixed_headings),
        "block": _alternation(rules.block_headings),
        "note": _alternation(rules.notes),
        "connector": _alternation(rules.connectors),
        "definition": _alternation(rules.definitions),
    }


@cache
def _compiled() -> tuple[
    list[tuple[str, re.Pattern[str]]], list[tuple[str, re.Pattern[str]]], re.Pattern[str]
]:
    rules = heading_rules()
    kinds: list[tuple[str, re.Pattern[str]]] = [
        (r.kind or "", re.compile(r.pattern, re.IGNORECASE)) for r in rules.kind_headings
    ]
    intros: list[tuple[str, re.Pattern[str]]] = [
        (r.kind or "", re.compile(r.pattern, re.IGNORECASE)) for r in rules.intro_sentences
    ]
    sub = re.compile("|".join(f"(?:{r.pattern})" for r in rules.subheadings), re.IGNORECASE)
    return kinds, intros, sub


_KIND_HINT = re.compile(r"inclu|exclu|exlu|excu|inlu", re.IGNORECASE)


# Markdown around a heading: "## Inclusion Criteria", "**Exclusion Criteria:**", "_Part A:_".
_MARKUP_LEAD = re.compile(r"#{1,6}\s+|[*_]{1,3}(?=\S)")
_MARKUP_TRAIL = re.compile(r"[*_]{1,3}")


def _unmarked(content: str) -> tuple[str, int]:
    """``content`` without leading heading/emphasis markup, and how many characters that was."""
    lead = _MARKUP_LEAD.match(content)
    return (content[lead.end() :], lead.end()) if lead else (content, 0)


def heading_label(printed: str) -> str:
    """A heading as a reader sees it: "**Exclusion Criteria:**" → "Exclusion Criteria:"."""
    return _unmarked(printed.strip())[0].rstrip("*_ ").strip()


def _kind_heading(content: str) -> tuple[str, int] | None:
    """(kind, length of the heading part) when ``content`` is a section heading."""
    if not _KIND_HINT.search(content[:160]):
        return None
    inner, lead = _unmarked(content)
    kinds, _, _ = _compiled()
    whole = inner.rstrip("*_ ") if lead or inner.endswith(("*", "_")) else inner
    if len(content) <= 160:
        for kind, pattern in kinds:
            if pattern.fullmatch(whole):
                return kind, len(content)
    colon = inner.find(":", 0, 160)
    if 0 < colon < len(inner) - 1:
        head = inner[: colon + 1]
        for kind, pattern in kinds:
            if pattern.fullmatch(head):
                trail = _MARKUP_TRAIL.match(inner, colon + 1)
                end = trail.end() if trail else colon + 1
                if end == len(inner):
                    return kind, len(content)
                return kind, lead + end
    return None


def _intro_kind(content: str) -> str | None:
    content = _unmarked(content)[0].rstrip("*_")
    if not content.endswith(":") or len(content) > 220:
        return None
    _, intros, _ = _compiled()
    for kind, pattern in intros:
        if pattern.fullmatch(content):
            return kind
    return None


def _is_subheading(content: str) -> bool:
    content = _unmarked(content)[0].rstrip("*_ ")
    return len(content) <= 320 and _compiled()[2].fullmatch(content) is not None


def _mixed_heading(content: str) -> bool:
    """A heading naming both kinds: "Biological Mother Inclusion/Exclusion:"."""
    if len(content) > 160 or not _KIND_HINT.search(content):
        return False
    inner = _unmarked(content)[0].rstrip("*_ ")
    return _extra()["mixed"].fullmatch(inner) is not None


_WORD = re.compile(r"[^\W\d_][\w'’-]*|\d+")
_LEAD_END = re.compile(r"\s+((?:key\s+)?(?:inclusion|exclusion)\s+criteria)\s*(?::\s*)?$", re.I)
_INLINE = re.compile(
    r"(?:(?<=[.;:!?)\]])|(?<=[.;:!?)\]][*_]))\s+"
    r"((?:\*\*|__)?(?:Key\s+|KEY\s+)?(?:Inclusion|Exclusion|INCLUSION|EXCLUSION)\s+"
    r"(?:Criteria|criteria|CRITERIA)\s*:)"
)


def _block_heading(content: str) -> bool:
    """A line that names a population, part or stage: "Patients with DS", "Part 1:"."""
    inner = _unmarked(content)[0].rstrip("*_ ")
    if not inner or len(inner) > 160 or inner.endswith((".", ",")):
        return False
    return _extra()["block"].fullmatch(inner) is not None


def _trailing_kind_heading(content: str) -> tuple[str, int] | None:
    """(kind, offset) of a kind heading that ends a longer line: "... abacavir Inclusion criteria".

    Only the plain "Inclusion/Exclusion criteria" forms count, capitalised as headings are.
    """
    tail = content[-120:]  # a heading ends the line: its last words are enough
    m = _LEAD_END.search(tail)
    offset = len(content) - len(tail)
    if m is None or m.start() + offset == 0 or not m.group(1)[:1].isupper():
        return None
    kind = "inclusion" if "inclusion" in m.group(1).lower() else "exclusion"
    return kind, m.start(1) + offset


def _inline_headings(content: str) -> list[int]:
    """Offsets of kind headings printed inside a line after a sentence ("... 65. Exclusion
    Criteria: pregnancy"); the heading must be capitalised and end with a colon."""
    return [m.start(1) for m in _INLINE.finditer(content)]


def _is_preamble(content: str, kind: str | None) -> bool:
    """A content-free intro sentence: "Subjects who meet each of the following inclusion
    criteria are eligible to participate in this study:". Every word is a word of eligibility
    talk or a population noun, one of them pointing at the list ("following", "below",
    "eligible"); in an exclusion list, "any" / "none of" are such words too
    (in an inclusion list they state logic: "must meet any of the following")."""
    inner = _unmarked(content)[0].rstrip("*_ ")
    if len(inner) > 240 or not inner.endswith((":", ".", ";")) or len(inner) < 8:
        return False
    rules = heading_rules()
    allowed = set(rules.preamble_words) | set(rules.cohort_nouns)
    if kind == "exclusion":
        allowed |= set(rules.preamble_words_exclusion)
    words = [w.lower() for w in _WORD.findall(inner)]
    return (
        len(words) >= 2
        and all(w in allowed for w in words)
        and any(w in rules.preamble_markers for w in words)  # not "Meets all inclusion criteria"
    )


_NOTE_LABEL = re.compile(r"(?:\*\s*)?(?:note|notes|nb|n\.b\.|please note)\s*[:.-]", re.I)
_CONDITION = re.compile(r"[<>≤≥]|\b(?:must|should|required|need to|have to|only if)\b", re.I)


def _is_note(content: str) -> bool:
    """A note or disclaimer that states no condition ("Other protocol-defined ... may apply").

    A "Note:" that states a limit or a requirement ("Note: for HCC, AST ≤ 5 x ULN") is a
    criterion, not a note.
    """
    inner = _unmarked(content)[0].strip()
    if len(inner) > 600 or _extra()["note"].fullmatch(inner) is None:
        return False
    return not (_NOTE_LABEL.match(inner) and _CONDITION.search(inner))


def _is_connector(content: str) -> bool:
    """A line that only joins two items: "OR", "AND", "- OR -"."""
    return len(content) <= 16 and _extra()["connector"].fullmatch(content.strip()) is not None


def _is_definition(content: str) -> bool:
    """A line that defines a term used by the criteria ("Substantial LVI is defined as ...")."""
    inner = _unmarked(content)[0].strip()
    return len(inner) <= 400 and _extra()["definition"].fullmatch(inner) is not None
