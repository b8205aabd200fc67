"""Numeric limits in criterion text (placeholder signature; being written)."""

from models import Quantity


def find_quantities(text: str) -> list[Quantity]:
    return []


def find_run_together(text: str) -> list[tuple[int, int]]:
    return []
