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


def _kind_heading(content: str) -> tuple[str, int] | None:
    """(kind, length of the heading part) when ``content`` is a section heading."""
    if len(content) > 160 or not _KIND_HINT.search(content):
        return None
    kinds, _, _ = _compiled()
    for kind, pattern in kinds:
        if pattern.fullmatch(content):
            return kind, len(content)
    colon = content.find(":")
    if 0 < colon < len(content) - 1:
        head = content[: colon + 1]
        for kind, pattern in kinds:
            if pattern.fullmatch(head):
                return kind, colon + 1
    return None


def _intro_kind(content: str) -> str | None:
    if not content.endswith(":") or len(content) > 220:
        return None
    _, intros, _ = _compiled()
    for kind, pattern in intros:
        if pattern.fullmatch(content):
            return kind
    return None


def _is_subheading(content: str) -> bool:
    return len(content) <= 320 and _compiled()[2].fullmatch(content) is not None
