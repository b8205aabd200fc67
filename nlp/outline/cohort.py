"""The cohort a group is for: from its heading ("Part A", "for LN"), or from the content of a
restarted list."""

from __future__ import annotations

import re
from collections import Counter

from nlp.outline.builder import _Group
from nlp.outline.headings import heading_rules
from nlp.outline.lines import _ROMAN_RE
from nlp.outline.model import OutlineGroup

_ABBREV = re.compile(r"\b[a-z]?[A-Z][A-Za-z]{0,4}[A-Z]\b")


def _item_texts(group: _Group, text: str) -> list[str]:
    """One text per top-level item, its sub-items included."""
    return [
        " ".join(text[a:b] for node in item.walk() for a, b in node.segments)
        for item in group.items
    ]


def _expand(abbrev: str, text: str) -> str:
    """'LN' → 'lupus nephritis (LN)' when the text has words whose initials spell it."""
    letters = [c for c in abbrev if c.isupper()] if abbrev[0].islower() else list(abbrev)
    n = len(letters)
    pattern = r"\b" + r"[\w-]*\s+".join(f"[{c.lower()}{c.upper()}]" for c in letters) + r"[\w-]*"
    for m in re.finditer(pattern, text):
        words = m.group(0).split()
        if len(words) == n:
            return f"{m.group(0)} ({abbrev})"
    return abbrev


def _content_cohort(group: _Group, others: list[_Group], text: str) -> str | None:
    """The abbreviation most items of a list name and no other list of its kind does."""
    texts = _item_texts(group, text)
    if len(texts) < 2:
        return None
    elsewhere = {a for g in others for t in _item_texts(g, text) for a in _ABBREV.findall(t)}
    counts = Counter(
        a
        for t in texts
        for a in set(_ABBREV.findall(t))
        if a not in elsewhere and not _ROMAN_RE.fullmatch(a)
    )
    if not counts:
        return None
    (best, n), *rest = counts.most_common()
    if n < 2 or n * 3 < len(texts) or (rest and rest[0][1] == n):
        return None
    group_text = " ".join(texts)
    return _expand(best, group_text)


_LABEL_COHORT = re.compile(
    r"\b(?:for|in)\s+([^:()]+?)\s*(?::\s*)?$|\(([^()]+)\)\s*(?::\s*)?$", re.I
)
_SPECIFIC = re.compile(r"^([\w/]+)-specific\b", re.IGNORECASE)


_QUALIFIERS = frozenset((
    "key", "main", "major", "general", "principal", "primary", "basic", "additional", "other",
    "specific", "study", "selected", "further", "secondary", "important", "common", "standard",
    "all", "the",
))  # fmt: skip


def _named_prefix(prefix: str) -> bool:
    """A prefix that names whom a list is for, not how important it is: "Transplant",
    "Biological Mother", "Parkinson's Disease" (not "Key", "Additional", "Eye-Related")."""
    words = prefix.split()
    if not words or len(words) > 5 or prefix.endswith((":", ",", ".")):
        return False
    if any(w.lower() in _QUALIFIERS for w in words):
        return False
    if words[-1].lower().endswith(("-related", "-specific", "-based")):
        return False
    return words[0][:1].isupper()


def _label_cohort(label: str, text: str) -> str | None:
    nouns = set(heading_rules().cohort_nouns)
    m = _SPECIFIC.match(label)
    if m:
        return _expand(m.group(1), text) if m.group(1).isupper() else m.group(1)
    prefix = re.match(r"(.*?)\s*\b(?:inclusion|exclusion|excluding)\b", label, re.IGNORECASE)
    if prefix and prefix.group(1) and prefix.group(1).split()[-1].lower() in nouns:
        return prefix.group(1)
    if prefix and _named_prefix(prefix.group(1)):
        return prefix.group(1)  # "Transplant Inclusion:", "Parkinson's Disease exclusion criteria"
    stripped = label.strip().rstrip(":").strip()
    if re.match(r"(?:part|cohort|arm|group|groups)\s+\S+$", stripped, re.IGNORECASE):
        return stripped
    m = _LABEL_COHORT.search(label)
    if m:
        name = (m.group(1) or m.group(2)).strip()
        words = {w.lower() for w in re.findall(r"[\w-]+", name)}
        if words & nouns and len(words) <= 8 and not re.match(r"(?:all|both|each)\b", name, re.I):
            name = re.sub(r"^(?:all|the|those)\s+", "", name, flags=re.IGNORECASE)
            return name
    return None


def _set_cohorts(text: str, kept: list[_Group], out: list[OutlineGroup]) -> None:
    for g, og in zip(kept, out, strict=True):
        if og.cohort is not None:  # named by the block heading above the list ("Part 1")
            continue
        if g.label:
            og.cohort = _label_cohort(g.label, text)
        if og.cohort is None and g.restarted:
            same_kind = [o for o in kept if o is not g and o.kind == g.kind and not o.preamble]
            if same_kind:
                og.cohort = _content_cohort(g, same_kind, text)
