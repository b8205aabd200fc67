"""Marked-up text: spans of a text as nested HTML elements, each span marked exactly once.

Spans that nest (a quantity inside a mention's criterion, a cue beside its mention, two spans
alike) become nested elements. A span that *crosses* another (starts inside it and ends after
it: "5-year" in "5-year OS rate > 90%") cannot be one element; it is drawn as contiguous pieces,
the first its *head* (which carries the object) and the rest *continuations* pointing back at
the head, so every span still has exactly one element that is it, and its pieces together hold
exactly its text. Hand-written (a stack sweep of ~40 lines) because no well-kept library turns
overlapping character ranges into nested markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

CLOSE_MARK = Markup("</mark>")


@dataclass(frozen=True)
class Mark:
    """One span to mark: ``[start, end)`` in the text, and how to open its element.

    ``open_head`` and ``open_cont`` return the opening tag of the head and of a continuation
    piece (``close`` their closing tag); ``order`` breaks ties between spans alike (lower is
    outside).
    """

    start: int
    end: int
    open_head: Markup
    open_cont: Markup
    close: Markup = CLOSE_MARK
    order: int = 0


def text_html(text: str) -> Markup:
    """``text`` escaped for an element shown with ``white-space: pre-wrap``.

    A carriage return is written as ``&#13;``: the HTML parser turns a raw CR (or CR LF) into
    LF, and the page must hold the eligibility text exactly, as the spans count it.
    """
    return Markup(str(escape(text)).replace("\r", "&#13;"))


def mark_up(
    text: str,
    marks: Sequence[Mark],
    start: int = 0,
    end: int | None = None,
    escape_text: Callable[[str], Markup] = text_html,
) -> Markup:
    """``text[start:end]`` as HTML with every mark that overlaps it as an element.

    A mark reaching outside ``[start, end)`` is cut there: its piece inside is its head when
    the mark starts inside, else a continuation (so a mark over two rows of a page is marked
    once, and continued).
    """
    end = len(text) if end is None else end
    inside = sorted(
        (m for m in marks if m.start < end and m.end > start and m.end > m.start),
        key=lambda m: (max(m.start, start), -min(m.end, end), m.order),
    )
    out: list[str] = []
    stack: list[Mark] = []
    heads_done: set[int] = set()
    pos = start
    queue = iter(inside)
    upcoming = next(queue, None)

    def open_mark(m: Mark) -> None:
        first = id(m) not in heads_done and m.start >= start
        heads_done.add(id(m))
        out.append(m.open_head if first else m.open_cont)
        stack.append(m)

    while True:
        stops = [min(m.end, end) for m in stack]
        next_close = min(stops) if stops else None
        next_open = max(upcoming.start, start) if upcoming is not None else None
        if next_close is None and next_open is None:
            break
        if next_close is not None and (next_open is None or next_close <= next_open):
            at = next_close
            out.append(escape_text(text[pos:at]))
            pos = at
            reopen: list[Mark] = []
            while any(min(m.end, end) == at for m in stack):
                top = stack.pop()
                out.append(top.close)
                if min(top.end, end) != at:
                    reopen.append(top)
            for m in reversed(reopen):  # a crossing span goes on as a continuation
                heads_done.add(id(m))
                out.append(m.open_cont)
                stack.append(m)
        else:
            assert next_open is not None and upcoming is not None
            out.append(escape_text(text[pos:next_open]))
            pos = next_open
            open_mark(upcoming)
            upcoming = next(queue, None)
    out.append(escape_text(text[pos:end]))
    return Markup("".join(out))
