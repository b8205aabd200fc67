"""The end-of-run summary of ``eligo batch``: counts that account for every record read."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field


@dataclass
class Summary:
    """Counts for one run. Invariant: ``read == already_done + parsed + failed``.

    ``failed`` splits by stage in ``failed_by_stage`` (read, parse, duplicate); ``warnings`` is
    the number of parser warnings (``Protocol.warnings``) over the parsed records, and
    ``doubtful_split`` the number of records whose inclusion/exclusion split is warned about
    (no heading, a heading ignored or doubtful: ``nlp.errors.SPLIT_WARNINGS``); ``chars`` the
    eligibility text parsed, for a chars/s figure comparable across inputs.
    """

    records_read: int = 0
    already_done: int = 0
    parsed: int = 0
    failed: int = 0
    failed_by_stage: dict[str, int] = field(default_factory=dict)
    warnings: int = 0
    doubtful_split: int = 0
    chars: int = 0
    wall_seconds: float = 0.0
    interrupted: bool = False
    output: str = ""
    errors_file: str = ""
    _started: float = field(default_factory=time.perf_counter, repr=False)

    def fail(self, stage: str) -> None:
        self.failed += 1
        self.failed_by_stage[stage] = self.failed_by_stage.get(stage, 0) + 1

    def stop(self) -> None:
        self.wall_seconds = round(time.perf_counter() - self._started, 3)

    @property
    def records_per_second(self) -> float:
        done = self.parsed + self.failed
        return round(done / self.wall_seconds, 1) if self.wall_seconds else 0.0

    @property
    def chars_per_second(self) -> float:
        return round(self.chars / self.wall_seconds) if self.wall_seconds else 0.0

    def as_dict(self) -> dict:
        data = {k: v for k, v in asdict(self).items() if not k.startswith("_")}
        data["records_per_second"] = self.records_per_second
        data["chars_per_second"] = self.chars_per_second
        return data

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2) + "\n"

    def render(self) -> str:
        stages = ", ".join(f"{k} {v}" for k, v in sorted(self.failed_by_stage.items()))
        lines = [
            f"records read: {self.records_read}"
            + (f" ({self.already_done} already done, skipped)" if self.already_done else ""),
            f"parsed:       {self.parsed}  ({self.warnings} parser warnings)",
            f"split:        {self.doubtful_split} records with a doubtful inclusion/exclusion "
            "split (W105, W109-W113: see the output's warnings)",
            f"failed:       {self.failed}" + (f"  ({stages})" if stages else ""),
            f"wall time:    {self.wall_seconds:.1f} s, {self.records_per_second} records/s, "
            f"{self.chars_per_second:,.0f} chars/s",
            f"output:       {self.output}",
        ]
        if self.failed:
            lines.append(f"errors:       {self.errors_file}")
        if self.interrupted:
            lines.append(
                "interrupted:  the records counted above are written; --resume does the rest"
            )
        return "\n".join(lines)
