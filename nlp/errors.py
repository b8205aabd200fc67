"""Error and warning codes in one place, so tests, logs and users can match on them."""

from __future__ import annotations


class EligoError(Exception):
    """A user-facing failure: the CLI prints ``str(err)`` on one line and exits non-zero."""

    code = "E100"


class InputError(EligoError):
    """A record or file that cannot be read; the message names the file (and line)."""


# Error codes (documented in docs/errors.md).
E_RULE_FILE = "E301"  # a rule file is missing, malformed or breaks its schema
E_PIPELINE_INTERNALS = "E302"  # spaCy/medspaCy internals the gated matcher needs are missing

# Warning codes on Protocol.warnings (documented in docs/warnings.md).
W_LIST_STARTS_LATE = "W101"  # a numbered list starts above 1: an item was probably lost
W_NUMBERING_GAP = "W102"  # numbers skip (3 then 5)
W_MISSING_SEPARATOR = "W103"  # two values run together with no separator
W_EMPTY_SECTION = "W104"  # a heading with no items under it
W_NO_SECTIONS = "W105"  # no inclusion/exclusion heading found; all items taken as inclusion
W_UNPARSED_ITEM = "W106"  # an item the pipeline could not analyse: kept with its text
W_LOST_HEADING = "W107"  # numbering restarts with no heading: a new list, heading lost
W_ORPHAN_TEXT = "W108"  # text before the first heading or item, kept as its own item
W_STRAY_HEADING = "W109"  # a kind heading inside an item while the numbering goes on: a remark
W_MIXED_HEADING = "W110"  # a heading names both kinds ("Inclusion/Exclusion:"): read as inclusion
W_NUMBERING_ACROSS_HEADING = "W111"  # the numbering continues across a kind heading
W_KIND_FROM_INTRO = "W112"  # no heading: the kind of a list read from its intro sentence
W_INLINE_HEADING = "W113"  # a kind heading printed inside a line: the text after it is split off
W_NUMBER_READING = "W114"  # a number read other than as printed: 109/L as 10^9/L, 100.000 as 1e5
W_TOO_DEEP = "W115"  # items nest deeper than the outline's limit: the deeper ones kept at the limit
W_NOT_A_NUMBER = "W116"  # a number too large (or not finite) to be a limit: not read as one
W_AGES_INCONSISTENT = "W117"  # age limits in the text contradict each other: demographics left open

SPLIT_WARNINGS = frozenset(
    {
        W_NO_SECTIONS,
        W_STRAY_HEADING,
        W_MIXED_HEADING,
        W_NUMBERING_ACROSS_HEADING,
        W_KIND_FROM_INTRO,
        W_INLINE_HEADING,
    }
)
"""Warnings about the split into inclusion and exclusion, the one thing that must never fail
silently: ``eligo parse`` prints them on the terminal, batch summaries count them."""
# W2xx: the record's structured fields (beside the eligibility text)
W_UNREAD_FIELD = "W201"  # a sex, age or healthy-volunteers field not understood: ignored
