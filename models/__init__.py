"""The Eligo contract: pydantic models of an eligibility encoding (no NLP imports)."""

from models.encoding import (
    SCHEMA_VERSION,
    SUPPORTED_SCHEMA_VERSIONS,
    AgeLimit,
    Assertion,
    Comparator,
    Criterion,
    Demographics,
    Group,
    Mention,
    ParseWarning,
    Part,
    Protocol,
    Quantity,
    Remark,
    TextSpan,
    TimeWindow,
)

__all__ = [
    "SCHEMA_VERSION",
    "SUPPORTED_SCHEMA_VERSIONS",
    "AgeLimit",
    "Assertion",
    "Comparator",
    "Criterion",
    "Demographics",
    "Group",
    "Mention",
    "ParseWarning",
    "Part",
    "Protocol",
    "Quantity",
    "Remark",
    "TextSpan",
    "TimeWindow",
]
