"""What the fhir and omop-sql tests share: the reference trial, and codes put on a protocol.

The parser does not write concept codes yet; :func:`coded` fills them from
:mod:`nlp.concepts.codes` (the verified code tables the parser is to use), so the exports are
tested on the codes real criteria get. Where the parser writes codes, they are kept.
"""

from __future__ import annotations

from pathlib import Path

from models import Protocol
from nlp.concepts.codes import code_measure, code_mention

RECORDS = Path(__file__).parent / "fixtures" / "records"


def reference_trial() -> Protocol:
    from nlp import default_source, parse_text

    source, content = default_source()
    return parse_text(content, source=source)


def coded(protocol: Protocol) -> Protocol:
    """A copy of ``protocol`` with the codes of nlp.concepts where the parser left none."""
    protocol = protocol.model_copy(deep=True)
    for _group, criterion, _depth in protocol.iter_criteria():
        for q in criterion.quantities:
            if q.measure and not q.codes:
                q.codes = code_measure(q.measure)
        for m in criterion.mentions:
            if not m.codes:
                m.codes = code_mention(m.text, m.category)
    return protocol
