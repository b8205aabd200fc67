"""``eligo export`` as a library call: inputs (rule files or records) → one export.

Not a format (listed in ``_NOT_FORMATS``): it reads inputs and calls an exporter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from models import Protocol
from nlp.errors import E_BAD_OPTION, EligoError
from nlp.export.base import Exporter, StreamExporter
from nlp.export.interop import Coverage, InteropExporter


def load_inputs(paths: Sequence[Path]) -> list[Protocol]:
    """Each path as a protocol: a rule file as it is, a record parsed (see
    :func:`nlp.audit.load_side`); no path at all is the embedded reference trial."""
    if not paths:
        from nlp import default_source, parse_text

        source, content = default_source()
        return [parse_text(content, source=source)]
    from nlp.audit import load_side

    return [load_side(path) for path in paths]


def export_protocols(
    exporter: Exporter, protocols: Sequence[Protocol], *, index_date: dt.date | None = None
) -> tuple[str | bytes, Coverage | None]:
    """``protocols`` in ``exporter``'s format, with the coverage when the format counts it."""
    if isinstance(exporter, InteropExporter):
        rendered = exporter.render(protocols, index_date=index_date)
        return rendered.text, rendered.coverage
    options: dict[str, Any] = {}
    if isinstance(exporter, StreamExporter):
        options["sources"] = [None] * len(protocols)
    try:
        return exporter.dumps(protocols, **options), None
    except ValueError as err:  # a rule-file format given several inputs
        raise EligoError(str(err), E_BAD_OPTION) from None
