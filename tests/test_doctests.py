"""The examples in module docstrings are run, so they stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize(
    "module",
    [
        "nlp",
        "nlp.concepts.biomarkers",
        "nlp.concepts.codes",
        "nlp.concepts.normalize",
        "nlp.logic",
        "nlp.outline",
        "nlp.pipeline",
        "nlp.rulefiles",
        "nlp.quantities",
        "nlp.scoring.counts",
        "nlp.scoring.pairing",
        "nlp.temporal",
        "nlp.temporal.abbreviations",
        "nlp.temporal.implied_anchor",
        "nlp.temporal.windows",
    ],
)
def test_docstring_examples_hold(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
