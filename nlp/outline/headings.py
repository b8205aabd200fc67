"""Section headings, intro sentences and sub-headings: the rules in ``rules/headings.json``."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: str | None = None
    pattern: str
    examples: list[str] = []


class HeadingRules(BaseModel):
    """The content of ``rules/headings.json``, validated."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    about: str = ""
    kind_headings: list[_Rule]
    intro_sentences: list[_Rule]
    subheadings: list[_Rule]
    cohort_nouns: list[str]


@cache
def heading_rules() -> HeadingRules:
    text = resources.files("nlp").joinpath("rules/headings.json").read_text(encoding="utf-8")
    return HeadingRules.model_validate(json.loads(text))


@cache
def _compiled() -> tuple[
    list[tuple[str, re.Pattern[str]]], list[tuple[str, re.Pattern[str]]], re.Pattern[str]
]:
    rules = heading_rules()
    kinds = [(r.kind or "", re.compile(r.pattern, re.IGNORECASE)) for r in rules.kind_headings]
    intros = [(r.kind or "", re.compile(r.pattern, re.IGNORECASE)) for r in rules.intro_sentences]
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
    if len(content) > 160 or not _KIND_HINT.search(content):
        return None
    inner, lead = _unmarked(content)
    kinds, _, _ = _compiled()
    whole = inner.rstrip("*_ ") if lead or inner.endswith(("*", "_")) else inner
    for kind, pattern in kinds:
        if pattern.fullmatch(whole):
            return kind, len(content)
    colon = inner.find(":")
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
