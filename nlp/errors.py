"""Error and warning codes in one place, so tests, logs and users can match on them."""

from __future__ import annotations


class EligoError(Exception):
    """A user-facing failure: the CLI prints ``str(err)`` on one line and exits non-zero."""


class InputError(EligoError):
    """A record or file that cannot be read; the message names the file (and line)."""


# Warning codes on Protocol.warnings (documented in docs/warnings.md).
W_LIST_STARTS_LATE = "W101"  # a numbered list starts above 1: an item was probably lost
W_NUMBERING_GAP = "W102"  # numbers skip (3 then 5)
W_MISSING_SEPARATOR = "W103"  # two values run together with no separator
W_EMPTY_SECTION = "W104"  # a heading with no items under it
W_NO_SECTIONS = "W105"  # no inclusion/exclusion heading found; all items taken as inclusion
W_UNPARSED_ITEM = "W106"  # an item the pipeline could not analyse: kept with its text
W_LOST_HEADING = "W107"  # numbering restarts with no heading: a new list, heading lost
W_ORPHAN_TEXT = "W108"  # text before the first heading or item, kept as its own item
# W2xx: the record's structured fields (beside the eligibility text)
W_UNREAD_FIELD = "W201"  # a sex, age or healthy-volunteers field not understood: ignored
