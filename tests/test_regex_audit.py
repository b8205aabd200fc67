"""Every regular expression the package compiles is free of the shapes that backtrack badly
(scripts/regex_audit.py, run here so CI runs it)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "regex_audit.py"


@pytest.fixture(scope="module")
def audit():
    spec = importlib.util.spec_from_file_location("regex_audit", SCRIPT)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["regex_audit"] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.mark.parametrize(
    ("pattern", "kind"),
    [
        (r"(\s+)+$", "nested"),  # exponential on a run of spaces
        (r"(?:\s+|of)+$", "nested"),  # the shape of the old measure filler
        (r"\s*\s*x", "adjacent"),
        (r"\w+\s*\w+", "adjacent"),
        (r"\s*(?:the\s+)?\s*x", "adjacent"),
    ],
)
def test_the_audit_finds_the_shapes_that_backtrack(audit, pattern: str, kind: str) -> None:
    assert [k for k, _ in audit.audit_pattern(pattern)] == [kind]


@pytest.mark.parametrize("pattern", [r"(?:\s|of)+$", r"\w+\s+\w+", r"[a-z0-9]+(?:[._-][a-z0-9]+)*"])
def test_the_audit_passes_safe_shapes(audit, pattern: str) -> None:
    assert audit.audit_pattern(pattern) == []


def test_no_pattern_of_the_package_backtracks_badly(audit) -> None:
    assert [f.line() for f in audit.run()] == []
