"""Every rule file under ``nlp/rules/``: its pydantic schema and its loader, in one place.

A rule file is read once per process and validated on load, so a typo in a rule is a clear
error naming the file and the field at start-up, never a rule that quietly does nothing. Code
derives what it needs from these models; nothing restates a rule file's contents.
"""

from __future__ import annotations

import csv
import importlib.resources
import json
from functools import cache
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from models.encoding import MentionCategory
from nlp.errors import E_RULE_FILE, EligoError

MENTION_CATEGORIES: tuple[str, ...] = get_args(MentionCategory)


class RuleFileError(EligoError):
    """A rule file that is missing, malformed or breaks its schema; names the file."""

    code = E_RULE_FILE


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def rule_text(name: str) -> str:
    """The text of a packaged rule file (``nlp/rules/<name>``)."""
    return (importlib.resources.files("nlp") / "rules" / name).read_text(encoding="utf-8")


def _read_json(name: str, path: str | Path | None = None) -> Any:
    where = str(path) if path is not None else f"nlp/rules/{name}"
    try:
        text = Path(path).read_text(encoding="utf-8") if path is not None else rule_text(name)
        return json.loads(text)
    except (OSError, ValueError) as exc:
        raise RuleFileError(f"{where}: cannot read rule file: {exc}") from None


def _validate(model: type[BaseModel], data: Any, where: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise RuleFileError(
            f"{where}: {field}: {first['msg']} ({exc.error_count()} error(s))"
        ) from None


# --- context_rules.json ----------------------------------------------------------------------


class ContextRuleSpec(_Strict):
    """One ConText rule as written in ``context_rules.json`` (medspaCy's keys, validated)."""

    literal: str
    category: Literal[
        "NEGATED_EXISTENCE", "POSSIBLE_EXISTENCE", "HISTORICAL", "HYPOTHETICAL", "FAMILY",
        "TERMINATE", "PSEUDO", "CURRENT", "REASON",
    ]  # fmt: skip
    direction: Literal["FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO"]
    pattern: list[dict[str, Any]] | str | None = None
    max_scope: int | None = Field(None, gt=0)
    max_targets: int | None = Field(None, gt=0)
    allowed_types: list[str] | None = None
    excluded_types: list[str] | None = None
    metadata: dict[str, Any] | None = None


class ContextRuleFile(_Strict):
    """``context_rules.json``: changes to medspaCy's default English ConText rules."""

    description: str = ""
    remove_default: list[str] = Field(default_factory=list)
    context_rules: list[ContextRuleSpec]
    terminated_by: dict[str, list[str]] = Field(default_factory=dict)


def load_context_rules(path: str | Path | None = None) -> ContextRuleFile:
    """Read and validate ``rules/context_rules.json`` (or a file of the same shape)."""
    where = str(path) if path is not None else "nlp/rules/context_rules.json"
    return _validate(ContextRuleFile, _read_json("context_rules.json", path), where)


# --- mentions.csv ----------------------------------------------------------------------------


class LexiconRow(_Strict):
    """One concept of ``mentions.csv`` (built by ``scripts/build_lexicon.py``)."""

    literal: str = Field(min_length=1)
    category: MentionCategory
    source: str = ""
    docs: str = ""
    pattern: str = ""  # optional JSON token pattern; empty → phrase match on the literal


def load_lexicon(path: str | Path | None = None) -> list[LexiconRow]:
    """Read and validate ``rules/mentions.csv`` (or a CSV with the same columns)."""
    where = str(path) if path is not None else "nlp/rules/mentions.csv"
    try:
        text = (
            Path(path).read_text(encoding="utf-8")
            if path is not None
            else rule_text("mentions.csv")
        )
    except OSError as exc:
        raise RuleFileError(f"{where}: cannot read rule file: {exc}") from None
    rows = []
    for line, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        rows.append(_validate(LexiconRow, row, f"{where}:{line}"))
    return rows


@cache
def packaged_lexicon() -> tuple[LexiconRow, ...]:
    return tuple(load_lexicon())
