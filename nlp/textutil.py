"""Clean text with a map back to the source: markdown escapes undone, lines joined.

Extractors work on clean text (``<92%`` rather than ``\\<92%``); every span they find is
mapped back to the original eligibility text with :meth:`CleanText.source_span`.
"""

from __future__ import annotations

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


def clean_segments(source: str, segments: list[tuple[int, int]]) -> CleanText:
    """Unescape markdown in each source segment and join the segments with one space.

    ``segments`` are the item's lines as ``[start, end)`` source spans, in order, already
    stripped of the label and surrounding whitespace.
    """
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
