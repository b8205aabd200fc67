"""What every subcommand module shares: registering itself with the same help layout."""

from __future__ import annotations

import argparse


def add_command(
    subparsers: argparse._SubParsersAction, name: str, summary: str, help_text: str
) -> argparse.ArgumentParser:
    """A subcommand whose ``--help`` prints ``help_text`` as written (its examples keep their
    line breaks); ``summary`` is its line in ``eligo --help``."""
    return subparsers.add_parser(
        name,
        help=summary,
        description=help_text,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
