"""Time windows in criterion text (placeholder signature; being written)."""

from models import TimeWindow


def find_abbreviations(text: str) -> dict[str, str]:
    return {}


def find_time_windows(text: str, aliases: dict[str, str] | None = None) -> list[TimeWindow]:
    return []
