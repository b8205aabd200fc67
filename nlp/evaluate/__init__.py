"""Measure Eligo against annotated corpora (LCT, Chia): readers, alignment, scores, reports.

``run("lct", corpus_dir("lct"))`` parses every document and returns an
:class:`~nlp.evaluate.run.EvalResult`; :mod:`nlp.evaluate.report` formats it. The matching
rules are in :mod:`nlp.evaluate.align` and :mod:`nlp.evaluate.metrics`, and in docs/accuracy.md.
"""

from nlp.evaluate.run import EvalResult, evaluate, run

__all__ = ["EvalResult", "evaluate", "run"]
