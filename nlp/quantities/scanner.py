"""The reader that turns the text around one number into Quantity objects.

``_Reader.read`` runs a fixed sequence of small readers (:mod:`nlp.quantities.readers`) over
one ``_Reading``, the typed state of reading one number. Each reads one kind of thing, in this
order, because many checks short-circuit on what an earlier one found: the number and the
names glued to it, the scale keyword and the comparator before it, the unit after it, a range
end, a reference / titre / pair / score maximum, the comparator after it, the measure before
it, its kind, then the quantities built. A reader that finds the number is no limit raises
``_NotALimit(pos)``; ``read`` returns no quantity and goes on at ``pos``.
"""

from __future__ import annotations

import re

from models import Quantity
from nlp.quantities.readers.after import (
    _read_comparator_after,
    _read_range_end,
    _read_relative,
    _read_unit_after,
)
from nlp.quantities.readers.before import (
    _read_comparator_before,
    _read_number,
    _read_scale_before,
    _reject_glued_name,
)
from nlp.quantities.readers.build import _quantities, _read_span
from nlp.quantities.readers.kind import (
    _read_age,
    _read_bare_count,
    _read_count,
    _read_kind,
    _read_substage,
    _read_titre_or_score,
    _read_word_count,
    _reject_not_limits,
    _require_comparator,
)
from nlp.quantities.readers.measure import (
    _read_instrument,
    _read_measure_before,
    _read_measure_named,
)
from nlp.quantities.readers.state import _NotALimit, _Reading
from nlp.quantities.rules import _patterns


class _Reader:
    """Reads the limit around one number; ``read`` returns quantities and where it stopped."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.p = _patterns()
        self.floor = 0  # end of the previous quantity: a measure never reaches back past it
        self.after_age: int | None = None  # end of the previous age limit

    def read(self, m: re.Match[str]) -> tuple[list[Quantity], int]:
        s, e = m.span()
        r = _Reading(self.text, self.p, self.floor, self.after_age, m, s, e, m.lastgroup or "d")
        try:  # in this order: many checks short-circuit on what an earlier reader found
            _read_number(r)
            _reject_glued_name(r)
            _read_scale_before(r)
            _read_comparator_before(r)
            _read_unit_after(r)
            _read_range_end(r)
            _read_relative(r)
            _read_comparator_after(r)
            _read_measure_before(r)
            _read_kind(r)
            _read_word_count(r)
            _read_age(r)
            _reject_not_limits(r)
            _read_titre_or_score(r)
            _read_bare_count(r)
            _require_comparator(r)
            _read_count(r)
            _read_measure_named(r)
            _read_span(r)
            _read_instrument(r)
            _read_substage(r)
        except _NotALimit as no:
            return [], no.pos
        out = _quantities(r)
        return out, r.pos
