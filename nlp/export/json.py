"""``json``: one rule file as JSON text (null and empty fields left out)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from models import Protocol
from nlp.export.base import Exporter, one_protocol
from nlp.export.data import rule_file_data


class JsonExporter(Exporter):
    name = "json"
    suffix = ".json"
    description = "one rule file as JSON (the same content as yaml)"

    def dumps(
        self, protocols: Sequence[Protocol], *, include_text: bool = True, **options: Any
    ) -> str:
        """The rule file of the one protocol; ``include_text`` keeps its eligibility text."""
        data = rule_file_data(one_protocol(protocols, self.name), include_text=include_text)
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    def schema(self) -> str:
        """The JSON Schema of a rule file (YAML or JSON), generated from the pydantic models."""
        return json.dumps(json_schema(), indent=2) + "\n"


def json_schema() -> dict[str, Any]:
    """The JSON Schema of :class:`models.Protocol`, for editors and validators."""
    schema = Protocol.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Eligo eligibility encoding"
    return schema


EXPORTER = JsonExporter()
