"""The state of reading the limit around one number, and the signal that it is none."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.quantities.rules import QuantityPatterns


class _NotALimit(Exception):
    """Raised by a reader when the number is no limit; ``pos`` is where the scan goes on."""

    def __init__(self, pos: int) -> None:
        self.pos = pos


@dataclass(slots=True, eq=False)
class _Reading:
    """The state of reading the limit around one number, filled in reader by reader."""

    text: str
    p: QuantityPatterns
    floor: int  # end of the previous quantity: a measure never reaches back past it
    after_age: int | None  # end of the previous age limit
    m: re.Match[str]  # the number token
    start: int  # where the number starts (one back over a sign: "> -3")
    end: int  # where it ends (on over a power of ten or a decimal comma: "10^3", "6,1")
    token_kind: str  # "d" digits, "w" a number word, "r" a Roman numeral
    value: float = 0.0
    left: str = ""  # up to 90 characters before the number
    scale: re.Match[str] | None = None  # an ordinal-scale keyword before it: "ECOG", "NYHA class"
    comparator_before: str | None = None
    pre_start: int = 0  # where the comparator (or "between") before the number starts
    age_words: bool = False  # "aged", "the age of" before the number
    between: re.Match[str] | None = None  # "between" / "from" before the number
    pos: int = 0  # how far the reading has got
    unit: str | None = None
    cells_measure: str | None = None  # "<50 CD3+ T cells/cumm": the counted cells
    low: float | None = None
    high: float | None = None
    split_to: tuple[float, str, int, int] | None = None  # a second limit: value, unit, span
    split_comparator: str = "<="
    relative: str | None = None  # "ULN" or "LLN"
    relative_gt: bool = False  # "higher than ... ULN"
    titre: bool = False
    titre_value: float = 0.0
    diastolic: float | None = None  # "140/90 mmHg": the second value of a blood-pressure pair
    scale_max: float | None = None  # "4/24": the maximum of the score's scale
    post: re.Match[str] | None = None  # the comparator after the number
    comparator_after: str | None = None
    comparator: str | None = None
    limit_start: int = 0  # where the limit starts: its comparator before, or the number
    measure: str | None = None
    measure_start: int = 0
    measure_end: int = 0
    kind: str = "value"
    right: str = ""  # the text after the reading, from _read_age on (not moved over age words)
    bare_count: bool = False
    adjacent: bool = False  # the measure is right before the limit: its span includes it
    span_start: int = 0
    span_end: int = 0
