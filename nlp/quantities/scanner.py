"""The reader that turns the text around one number into Quantity objects.

``_Reader.read`` runs a fixed sequence of small readers (:mod:`nlp.quantities.readers`) over
one ``_Reading``, the typed state of reading one number. Each reads one kind of thing, in this
order, because many checks short-circuit on what an earlier one found: the number and the
names glued to it, the scale keyword and the comparator before it, the unit after it, a range
end, a reference / titre / pair / score maximum, the comparator after it, the measure before
it, its kind, then the quantities built. A reader that finds the number is no limit returns
the position the scan goes on from (others return None); ``read`` then returns no quantity.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from models import Quantity
from nlp.quantities.readers.after import (
    _read_comparator_after,
    _read_range_end,
    _read_relative,
    _read_unit_after,
)
from nlp.quantities.readers.before import (
    _read_number,
    _read_scale_and_comparator_before,
)
from nlp.quantities.readers.build import _quantities, _read_span
from nlp.quantities.readers.kind import (
    _read_age,
    _read_count,
    _read_implied_comparator,
    _read_kind,
    _read_substage,
    _read_titre_or_score,
    _reject_not_limits,
)
from nlp.quantities.readers.measure import (
    _read_instrument,
    _read_measure_before,
    _read_measure_named,
)
from nlp.quantities.readers.state import _Reading
from nlp.quantities.rules import _patterns

# in this order, since many checks short-circuit on what an earlier reader found; the first
# that finds the number is no limit returns where the scan goes on (never 0)
_READERS: tuple[Callable[[_Reading], int | None], ...] = (
    _read_number,
    _read_scale_and_comparator_before,
    _read_unit_after,
    _read_range_end,
    _read_relative,
    _read_comparator_after,
    _read_measure_before,
    _read_kind,
    _read_age,
    _reject_not_limits,
    _read_titre_or_score,
    _read_implied_comparator,
    _read_count,
    _read_measure_named,
    _read_span,
    _read_instrument,
    _read_substage,
)


class _Reader:
    """Reads the limit around one number; ``read`` returns quantities and where it stopped."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.p = _patterns()
        self.floor = 0  # end of the previous quantity: a measure never reaches back past it
        self.after_age: int | None = None  # end of the previous age limit

    def read(self, m: re.Match[str]) -> tuple[list[Quantity], int]:
        r = _Reading(self.text, self.p, self.floor, self.after_age, m)
        for reader in _READERS:
            if stop := reader(r):
                return [], stop
        return _quantities(r), r.pos
