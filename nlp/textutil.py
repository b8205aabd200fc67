"""Clean text with a map back to the source: markdown escapes undone, lines joined.

Extractors work on clean text (``<92%`` rather than ``\\<92%``); every span they find is
mapped back to the original eligibility text with :meth:`CleanText.source_span`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# CommonMark backslash escapes: any ASCII punctuation may be escaped.
MARKDOWN_ESCAPABLE = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


@dataclass(frozen=True)
class CleanText:
    """Text a reader sees; character ``i`` came from ``source[starts[i]:ends[i]]``.

    An unescaped ``<`` covers the two source characters ``\\<``; a joining space covers the
    line break and indentation between two lines.
    """

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of the clean text to the source text."""
        if not self.text:
            return (0, 0)
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else self.ends[-1]
            return (pos, pos)
        return (self.starts[start], self.ends[end - 1])


MAX_SPACE_RUN = 16
"""A run of more whitespace than this inside a line reads as one space (mapped to the whole
run): no reader sees meaning in a run of 25 spaces, and every pattern then meets a bounded run
of whitespace (a backtracking regex can cost the square of a run's length)."""
_LONG_RUN = re.compile(rf"[ \t\u00a0]{{{MAX_SPACE_RUN + 1},}}")


def clean_segments(source: str, segments: list[tuple[int, int]]) -> CleanText:
    """Unescape markdown in each source segment and join the segments with one space.

    ``segments`` are the item's lines as ``[start, end)`` source spans, in order, already
    stripped of the label and surrounding whitespace. A whitespace run longer than
    :data:`MAX_SPACE_RUN` inside a segment reads as one space.
    """
    if any(_LONG_RUN.search(source, a, b) for a, b in segments):
        segments = [piece for a, b in segments for piece in _split_runs(source, a, b)]
    return _joined(source, segments)


def _split_runs(source: str, start: int, end: int) -> list[tuple[int, int]]:
    """The segment cut around its long whitespace runs (each run becomes a joining space)."""
    out: list[tuple[int, int]] = []
    pos = start
    for m in _LONG_RUN.finditer(source, start, end):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, end))
    return [(a, b) for a, b in out if b > a]


def _joined(source: str, segments: list[tuple[int, int]]) -> CleanText:
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for n, (start, end) in enumerate(segments):
        if n and chars:
            chars.append(" ")
            starts.append(ends[-1])
            ends.append(start)
        if "\\" not in source[start:end]:  # no escapes: one character per source character
            if start < end:  # (an empty string in ``chars`` would add a joining space)
                chars.append(source[start:end])
            starts.extend(range(start, end))
            ends.extend(range(start + 1, end + 1))
            continue
        i = start
        while i < end:
            escaped = source[i] == "\\" and i + 1 < end and source[i + 1] in MARKDOWN_ESCAPABLE
            step = 2 if escaped else 1
            chars.append(source[i + step - 1])
            starts.append(i)
            ends.append(i + step)
            i += step
    return CleanText("".join(chars), tuple(starts), tuple(ends))


def unescape_markdown(text: str) -> str:
    """Undo CommonMark backslash escapes: ``\\<92%`` → ``<92%``, ``1\\.`` → ``1.``."""
    return clean_segments(text, [(0, len(text))]).text
