"""Line scanning: each line's extent, indentation and printed label (``1.``, ``(a)``, ``•``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_BULLETS = "-*+•●○◦▪■·‣⁃►➢"
_ROMAN = r"(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
_LABEL = re.compile(
    r"(?:"
    # a protocol's dotted numbering, "5.1.1 Age ≥ 18": only before a capital letter or a
    # bracket, so that a wrapped line starting with a decimal ("1.5 x ULN") stays text
    r"(?P<dotted>\d{1,3}(?:\.\d{1,3}){1,4})\.?[ \t\u00a0]+(?=[A-Z(\[\"'“‘])"
    # "--Measured ..." and a run-in "o Patients ..." (a word processor's second-level bullet)
    r"|(?P<bullet>--(?=[^\s\d-])|o(?=[ \t\u00a0]+[A-Z])"
    rf"|[{re.escape(_BULLETS)}](?:(?=[ \t\u00a0])|$|(?=[^\s\d{re.escape(_BULLETS)}])))"
    r"[ \t\u00a0]*"
    r"|\((?P<paren>\d{1,3}|[a-zA-Z]|[ivxlIVXL]{1,6})\)(?:[ \t\u00a0]+|$)"
    r"|(?P<plain>\d{1,4}|[a-zA-Z]|[ivxlIVXL]{1,6})\\?[.)](?:[ \t\u00a0]+|$)"
    r")"
)
_ROMAN_RE = re.compile(_ROMAN, re.IGNORECASE)


@dataclass
class _Line:
    start: int  # first character of the line
    end: int  # end of the text, trailing whitespace and \r excluded
    indent: int  # columns before the first non-blank character
    first: int  # offset of the first non-blank character
    label: str | None = None  # as printed, punctuation removed
    kind: str | None = None  # num, dotted, alpha, ALPHA, roman, ROMAN, bullet
    value: int = 0
    content: int = 0  # offset where the item text starts
    content_col: int = 0


_BREAK = re.compile(r"\r\n|\n|\r")


def _scan_lines(text: str) -> list[_Line | None]:
    """One entry per line: None for blank lines. A line ends at ``\n``, ``\r\n`` or a lone
    ``\r`` (old Mac text; ``\n\r`` is two breaks around an empty line)."""
    out: list[_Line | None] = []
    pos, n = 0, len(text)
    breaks = _BREAK.finditer(text) if "\r" in text else None
    while pos <= n:
        if breaks is None:
            nl = text.find("\n", pos)
            after = nl + 1
        else:
            found = next(breaks, None)
            nl, after = (found.start(), found.end()) if found else (-1, n + 1)
        stop = n if nl < 0 else nl
        end = stop
        while end > pos and text[end - 1] in " \t\r\u00a0\ufeff\f\v":
            end -= 1
        col, i = 0, pos
        while i < end and text[i] in " \t\u00a0\ufeff":
            col = col + 4 - col % 4 if text[i] == "\t" else col + 1
            i += 1
        out.append(None if i >= end else _Line(pos, end, col, i))
        if nl < 0:
            break
        pos = after
    return out


def _parse_label(text: str, line: _Line) -> None:
    m = _LABEL.match(text, line.first, line.end)
    if m is None:
        return
    bullet, raw = m.group("bullet"), m.group("paren") or m.group("plain")
    dotted = m.group("dotted")
    content = m.end()
    while content < line.end and text[content] in " \t\u00a0":
        content += 1
    if content >= line.end:  # a label alone on its line is text ("-" as a placeholder)
        return
    if dotted:
        line.label, line.kind = dotted, "dotted"
        line.value = int(dotted.rsplit(".", 1)[1])
    elif bullet:
        line.label, line.kind = bullet, "bullet"
    elif raw.isdigit():
        line.label, line.kind, line.value = raw, "num", int(raw)
    elif len(raw) > 1 or raw in "iIvVxXlL":
        if not _ROMAN_RE.fullmatch(raw):
            return
        line.label, line.kind = raw, "roman" if raw.islower() else "ROMAN"
        line.value = _roman_value(raw)
        if len(raw) == 1:  # i / v / x / l: decided from the siblings in _Builder
            line.kind += "?"
    else:
        line.label, line.kind = raw, "alpha" if raw.islower() else "ALPHA"
        line.value = ord(raw.lower()) - ord("a") + 1
    line.content = content
    line.content_col = line.indent + (content - line.first)


def _roman_value(raw: str) -> int:
    values = {"i": 1, "v": 5, "x": 10, "l": 50}
    total, prev = 0, 0
    for ch in reversed(raw.lower()):
        v = values[ch]
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total
