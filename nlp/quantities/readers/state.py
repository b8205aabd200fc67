"""The state of reading the limit around one number, and what a reader returns."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.quantities.rules import QuantityPatterns

_Stop = int | None
"""What a reader returns: None to go on reading; or, the number being no limit, the position
the scan goes on from, which is never 0. (A return, not an exception: raising one per rejected
number was measurably slower.)"""


@dataclass(slots=True, eq=False, init=False)
class _Reading:
    """The state of reading the limit around one number.

    ``__init__`` sets the number and its context. Every other field is first set by the reader
    it is listed under (to its starting value where the reader may leave it so), and only read
    after: a reader run too early fails with AttributeError instead of reading a stale value.
    Nothing else is stored per number, so reading stays as fast as the locals it replaced.
    """

    text: str
    p: QuantityPatterns
    floor: int  # end of the previous quantity: a measure never reaches back past it
    after_age: int | None  # end of the previous age limit
    m: re.Match[str]  # the number token
    start: int  # where the number starts (one back over a sign: "> -3")
    end: int  # where it ends (on over a power of ten or a decimal comma: "10^3", "6,1")
    token_kind: str  # "d" digits, "w" a number word, "r" a Roman numeral
    # _read_number
    value: float
    left: str  # up to 90 characters before the number
    # _read_scale_and_comparator_before
    scale: re.Match[str] | None  # an ordinal-scale keyword before the number: "ECOG", "NYHA class"
    comparator_before: str | None
    pre_start: int  # where the comparator (or "between") before the number starts
    age_words: bool  # "aged", "the age of" before the number
    between: re.Match[str] | None  # "between" / "from" before the number
    # _read_unit_after
    pos: int  # how far the reading has got
    unit: str | None
    cells_measure: str | None  # "<50 CD3+ T cells/cumm": the counted cells
    # _read_range_end
    low: float | None
    high: float | None
    split_to: tuple[float, str, int, int] | None  # a second limit: value, unit, span
    split_comparator: str
    # _read_relative
    relative: str | None  # "ULN" or "LLN"
    relative_gt: bool  # "higher than ... ULN"
    titre: bool
    titre_value: float  # set only with titre
    diastolic: float | None  # "140/90 mmHg": the second value of a blood-pressure pair
    scale_max: float | None  # "4/24": the maximum of the score's scale
    # _read_comparator_after
    post: re.Match[str] | None  # the comparator after the number
    comparator_after: str | None
    comparator: str | None  # the limit's: before, else after; "range", ">=" for a split limit
    # _read_measure_before
    limit_start: int  # where the limit starts: its comparator before, or the number
    measure: str | None
    measure_start: int
    measure_end: int
    # _read_kind
    kind: str
    # _read_age
    right: str  # the text after the reading (not moved on over the age words)
    # _read_implied_comparator
    bare_count: bool
    # _read_span
    adjacent: bool  # the measure is right before the limit: its span includes it
    span_start: int
    span_end: int

    def __init__(
        self,
        text: str,
        p: QuantityPatterns,
        floor: int,
        after_age: int | None,
        m: re.Match[str],
    ) -> None:
        self.text, self.p, self.floor, self.after_age, self.m = text, p, floor, after_age, m
        self.start, self.end = m.span()
        self.token_kind = m.lastgroup or "d"
