"""What the fhir and omop-sql tests share: the reference trial, the copied records, and a
protocol with its codes taken away (an encoding written by hand, or by an older Eligo, has
none: it must export all the same)."""

from __future__ import annotations

from pathlib import Path

from models import Protocol

RECORDS = Path(__file__).parent / "fixtures" / "records"


def reference_trial() -> Protocol:
    from nlp import default_source, parse_text

    source, content = default_source()
    return parse_text(content, source=source)


def without_codes(protocol: Protocol) -> Protocol:
    """A copy of ``protocol`` with no concept codes on any mention or quantity."""
    protocol = protocol.model_copy(deep=True)
    for _group, criterion, _depth in protocol.iter_criteria():
        for q in criterion.quantities:
            q.codes = []
        for m in criterion.mentions:
            m.codes = []
    return protocol
