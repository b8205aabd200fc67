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


def format_list(names: list[str]) -> str:
    """The output formats ``names`` with their descriptions, one a line, for a ``--help``."""
    from nlp.export import EXPORTERS

    width = max(len(n) for n in names) + 2
    return "\n".join(f"  {name:<{width}}{EXPORTERS[name].description}" for name in names)


def add_max_chars_argument(parser: argparse.ArgumentParser) -> None:
    """``--max-chars N``: the longest eligibility text a record may have (0: no limit)."""
    from nlp.limits import MAX_RECORD_CHARS

    parser.add_argument(
        "--max-chars",
        type=_non_negative_int,
        default=MAX_RECORD_CHARS,
        metavar="N",
        help=f"refuse a record whose eligibility text is over N characters "
        f"(default {MAX_RECORD_CHARS:,}; 0: no limit)",
    )


def _non_negative_int(text: str) -> int:
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value
