"""``yaml``: one rule file as YAML, the default of ``eligo parse`` (null and empty fields left
out, keys in the models' order)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

from models import Protocol
from nlp.export.base import Exporter, one_protocol
from nlp.export.data import rule_file_data


class YamlExporter(Exporter):
    name = "yaml"
    suffix = ".yaml"
    description = "one rule file as YAML (the default of eligo parse)"

    def dumps(
        self, protocols: Sequence[Protocol], *, include_text: bool = True, **options: Any
    ) -> str:
        """The rule file of the one protocol; ``include_text`` keeps its eligibility text."""
        data = rule_file_data(one_protocol(protocols, self.name), include_text=include_text)
        return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


class _Dumper(yaml.SafeDumper):
    """``yaml.safe_dump``'s dumper, but a string holding U+0085 (NEL) is written double-quoted,
    where it is escaped (``\\N``): PyYAML would write it single-quoted, as a line break that
    the loader folds into a space, so the text would not load back as it was."""


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if "\x85" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')
    return dumper.represent_str(data)


_Dumper.add_representer(str, _represent_str)

EXPORTER = YamlExporter()
