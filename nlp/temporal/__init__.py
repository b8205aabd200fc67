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
* "after N" with no anchor ("no remission after 180 days") is ``>=`` N, counted from the
  start of the treatment the same clause names, when it names one (``implied_anchor``:
  ``induction_therapy_start``); else it is a plain duration.
* a plain "within N" with no anchor keeps relation and anchor null (nothing is written).
* ages ("18 years of age", "aged 18-65 years", "≥ 18 years") and gestational ages are
  skipped: the quantities module extracts them.

Modules: ``tables`` (the rule files, compiled once into patterns), ``windows`` (reading a
window and its tail), ``implied_anchor`` (the treatment a response window counts from),
``abbreviations`` (anchor abbreviations a record defines, "(LD)").

>>> [(w.comparator, w.value, w.unit, w.relation, w.anchor)
...  for w in find_time_windows("Major surgery within 28 days prior to the first dose")]
[('<=', 28.0, 'd', 'before', 'first_dose')]
"""

from nlp.temporal.abbreviations import find_abbreviations
from nlp.temporal.tables import anchor_ids
from nlp.temporal.windows import find_time_windows

__all__ = ["anchor_ids", "find_abbreviations", "find_time_windows"]
