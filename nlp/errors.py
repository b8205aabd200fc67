"""Error and warning codes in one place, so tests, logs and users can match on them."""

from __future__ import annotations

from models.io import E_ENCODING_INVALID as E_ENCODING_INVALID  # re-exported: codes in one place
from models.io import E_ENCODING_UNREADABLE as E_ENCODING_UNREADABLE

# Error codes (documented in docs/errors.md). Every EligoError carries one; the CLI prints
# "eligo CMD: error E101: <message>" and batch error logs record it beside the reason.
E_GENERIC = "E100"  # a failure with no more specific code
# E1xx: records and input files
E_NO_SUCH_FILE = "E101"  # a path that does not exist, is a folder, or cannot be read
E_UNREADABLE = "E102"  # bytes that are not the format: not UTF-8, malformed JSON or XML, too deep
E_NOT_A_RECORD = "E103"  # well-formed, but not a registry record (no protocolSection, bad types)
E_NO_ELIGIBILITY = "E104"  # a record without eligibility text
E_TOO_LARGE = "E105"  # a record over the size limit (--max-chars)
E_UNKNOWN_FORMAT = "E106"  # an input format Eligo does not read
E_SEVERAL_RECORDS = "E107"  # a file of several records where one is expected (eligo parse)
E_NO_RECORDS = "E108"  # the inputs hold no records at all
# E2xx: encodings (rule files written by Eligo or by hand)
# E201 (E_ENCODING_UNREADABLE): an encoding file that cannot be read, or is not YAML/JSON
# E202 (E_ENCODING_INVALID): an encoding that breaks the schema (unknown key, wrong type...)
# (both defined in models.io, the contract's reader, which cannot import nlp)
E_NOT_AN_ENCODING = "E203"  # a record given where an encoding is expected, or the reverse
E_NO_GOLD = "E204"  # a gold folder without a trial's source and encoding
# E3xx: Eligo's own setup
E_RULE_FILE = "E301"  # a rule file is missing, malformed or breaks its schema
E_PIPELINE_INTERNALS = "E302"  # spaCy/medspaCy internals the gated matcher needs are missing
E_PARSER_BUILD = "E303"  # the parser could not be built
E_MISSING_EXTRA = "E304"  # an optional dependency a command needs is not installed (Dask)
# E4xx: batch runs
E_OUTPUT_IN_USE = "E401"  # another run holds the output's lock
E_OUTPUT_EXISTS = "E402"  # the output exists and cannot be resumed, or is of another kind
E_WORKER_DIED = "E403"  # a batch worker process died (killed, out of memory)
E_RECORD_FAILED = "E404"  # a record the parser could not outline or encode (batch: stage parse)
E_TIMEOUT = "E405"  # a record that took longer than --timeout (batch: stage timeout)
E_DUPLICATE = "E406"  # a record whose trial id was already read in this run (batch: duplicate)
# E5xx: usage
E_BAD_OPTION = "E501"  # an option value or a combination of options that cannot work


class EligoError(Exception):
    """A user-facing failure: the CLI prints its code and ``str(err)`` on one line and exits
    non-zero. ``code`` is one of the ``E_*`` constants; a subclass may set its own default."""

    code = E_GENERIC

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class InputError(EligoError):
    """A record or file that cannot be read; the message names the file (and line)."""

    code = E_UNREADABLE


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
# W3xx: an audit (AuditReport.warnings)
W_OTHER_TRIAL = "W301"  # the reference and the candidate name different trials
W_INVENTED_CRITERION = "W302"  # a candidate criterion whose words are not in the reference text
