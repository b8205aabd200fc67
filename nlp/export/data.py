"""A protocol as the plain data of a rule file: what the YAML and JSON exporters write."""

from __future__ import annotations

from typing import Any

from models import Protocol


def rule_file_data(protocol: Protocol, *, include_text: bool = True) -> dict[str, Any]:
    """``protocol`` as JSON-ready data, null fields and empty lists and mappings left out so
    rule files stay readable (they load back to the same Protocol: the left-out fields are the
    defaults)."""
    exclude = None if include_text else {"eligibility_text"}
    data = protocol.model_dump(mode="json", exclude_none=True, exclude=exclude)
    return _prune_empty(data)


def _prune_empty(value: Any) -> Any:
    """Drop empty lists and dicts."""
    if isinstance(value, dict):
        pruned = {k: _prune_empty(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in ([], {})}
    if isinstance(value, list):
        return [_prune_empty(v) for v in value]
    return value
