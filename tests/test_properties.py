"""Properties that hold for any text (hypothesis): the readers never fail but with InputError,
every span lies inside the text and points at the object's own words, ranges are in order,
numbers are finite, and a rule file reads back exactly. Texts are drawn from a grammar of
registry layouts (headings, labels, bullets, indentation, comparators, units, time phrases,
markdown escapes, odd whitespace and line breaks) mixed with arbitrary characters."""

from __future__ import annotations

import math

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.encoding import Protocol
from nlp import parse_text
from nlp.errors import InputError
from nlp.export import dump_protocol
from nlp.outline import build_outline
from nlp.quantities import find_quantities
from nlp.temporal import find_time_windows
from nlp.textutil import unescape_markdown

HEADINGS = ["Inclusion Criteria:", "Exclusion Criteria:", "* INCLUSION CRITERIA:", "Part 1:",
            "5.1 Inclusion Criteria", "Criteria of exclusion:", "Patients with DS",
            "OR"]  # fmt: skip
LABELS = ["1. ", "2. ", "10\\. ", "a. ", "ii. ", "(b) ", "* ", "- ", "  - ", "    * ", "• ",
          "5.1.1 ", "o ", "--", ""]  # fmt: skip
WORDS = ["Age", "platelets", "≥", ">=", "\\>", "< / =", "18", "1.5", "100,000", "100.000",
         "0,1", "x", "ULN", "years", "mg/dL", "/mm3", "10^9/L", "109/L", "within", "28", "days",
         "prior", "to", "the", "first", "dose", "or", "and", "whichever", "is", "shorter", "no",
         "history", "of", "except", ":", ";", ",", "(", ")", "stage", "IIIB-IV", "Note:",
         "14-7", "weeks", "gestation", "Cohort", "2-4", "  ", "\t", "\u00a0"]  # fmt: skip
BREAKS = ["\n", "\r\n", "\r", "\n\n", "\n\r"]

word = st.sampled_from(WORDS) | st.text(min_size=1, max_size=4)
line = st.tuples(st.sampled_from(LABELS), st.lists(word, min_size=0, max_size=12)).map(
    lambda t: t[0] + " ".join(t[1])
)
part = st.sampled_from(HEADINGS) | line
texts = st.lists(st.tuples(part, st.sampled_from(BREAKS)), min_size=1, max_size=14).map(
    lambda parts: "".join(p + b for p, b in parts)
)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _in_order(words: list[str], within: list[str]) -> bool:
    """``words`` appear in ``within`` in order (other words may stand between them)."""
    rest = iter(within)
    return all(any(w == x for x in rest) for w in words)


def _inside(span: tuple[int, int], n: int) -> bool:
    return 0 <= span[0] <= span[1] <= n


@FAST
@given(texts)
def test_outline_keeps_every_character_inside_the_text(text: str) -> None:
    outline = build_outline(text)
    for group in outline.groups:
        nodes = group.walk()
        segments = [s for n in nodes for s in n.segments]
        segments += [s for r in group.remarks for s in r.segments]
        segments += [s for n in nodes for r in n.remarks for s in r.segments]
        assert all(_inside(s, len(text)) for s in segments)


@FAST
@given(st.lists(word, min_size=1, max_size=20).map(" ".join))
def test_quantities_point_at_their_words_with_finite_ordered_values(text: str) -> None:
    for q in find_quantities(text):
        assert q.span is not None and _inside(q.span, len(text))
        assert text[q.span[0] : q.span[1]] == q.text
        values = [v for v in (q.value, q.low, q.high) if v is not None]
        assert all(math.isfinite(v) for v in values)
        if q.comparator == "range":
            assert q.low is not None and q.high is not None and q.low <= q.high


@FAST
@given(st.lists(word, min_size=1, max_size=20).map(" ".join))
def test_time_windows_point_at_their_words_with_ordered_values(text: str) -> None:
    for w in find_time_windows(text):
        assert w.span is not None and _inside(w.span, len(text))
        assert text[w.span[0] : w.span[1]] == w.text
        if w.low is not None and w.high is not None:
            assert w.low <= w.high


@SLOW
@given(texts)
def test_a_whole_parse_fails_only_with_input_error_and_reads_back(text: str) -> None:
    try:
        protocol = parse_text(text, input_format="text")
    except InputError:
        return
    source = protocol.eligibility_text or ""
    for _, criterion, _ in protocol.iter_criteria():
        assert criterion.span is not None and _inside(criterion.span, len(source))
        shown = unescape_markdown(source[criterion.span[0] : criterion.span[1]])
        if any(
            _inside(c.span, criterion.span[1]) and c.span[0] >= criterion.span[0]
            for c in criterion.children
            if c.span
        ):
            # text printed after the item's sub-items: the span covers them (docs/schema.md)
            assert _in_order(criterion.text.split(), shown.split())
        else:
            assert " ".join(criterion.text.split()) == " ".join(shown.split())
        for q in criterion.quantities:
            assert q.span is not None and _inside(q.span, len(source))
        for w in criterion.time_windows:
            assert w.span is not None and _inside(w.span, len(source))
    assert Protocol.model_validate_json(dump_protocol(protocol, "json")) == protocol
    assert Protocol.model_validate(yaml.safe_load(dump_protocol(protocol, "yaml"))) == protocol
