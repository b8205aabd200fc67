"""Readers of the number itself and of what is before it: a power of ten, a sign, the names
a number glued to letters belongs to, the scale keyword and the comparator before it."""

from __future__ import annotations

import re

from nlp.quantities.context import _BETWEEN_RE, _GLUED_CMP_RE, _VERSION_RE, _WITHOUT_RE
from nlp.quantities.numbers import _parse_number
from nlp.quantities.readers.state import _NotALimit, _Reading

_POWER_OF_TEN_RE = re.compile(r"\^(\d{1,2})(?!\d)")


def _read_number(r: _Reading) -> None:
    """The number's value: a power of ten ("10^3" is 1000), a sign right after a comparator
    ("> -3"). 400 digits, or a power we cannot read, are no limit."""
    text, p, m = r.text, r.p, r.m
    s, e, kind_tok = r.start, r.end, r.token_kind
    power = _POWER_OF_TEN_RE.match(text, e) if text[e : e + 1] == "^" else None
    if kind_tok == "d" and (len(m.group()) > 18 or (text[e : e + 1] == "^" and not power)):
        raise _NotALimit(e)  # 400 digits are no limit (W116); "10^999/L" is no number we can read
    value = _parse_number(kind_tok, m.group())
    if power is not None and m.group() == "10":
        value = 10.0 ** int(power.group(1))  # "bacteriuria > 10^3 CFU/mL": 1000
        e = power.end()
    left = text[max(0, s - 90) : s]
    # "≤-3SD", "> -3", "< +1.5": a sign right after a comparator
    if kind_tok == "d" and left[-1:] in ("-", "−", "+") and p.pre_search(left[:-1]):
        value = -value if left[-1] != "+" else value
        left = left[:-1]
        s -= 1
    r.start, r.end, r.value, r.left = s, e, value, left


def _reject_glued_name(r: _Reading) -> None:
    """Digits glued to letters or to "_/:.^" are part of a name, not a limit, unless a scale
    keyword or a glued comparator word is before them."""
    text, s, left = r.text, r.start, r.left
    # numbers glued to letters are names: COVID-19, CD19, anti-PLA2R, SARS-CoV-2, NKX019
    if (
        r.token_kind == "d"
        and s > 0
        and (
            text[s - 1].isalpha()
            or text[s - 1] in "_/:.^"
            or (text[s - 1] in "-" and s > 1 and text[s - 2].isalnum())
        )
    ):
        scale = r.p.scale_search(left)
        if not scale and _GLUED_CMP_RE.search(left) and r.p.pre_search(left):
            pass  # "equal to or greater than100 g/L": a comparator word glued to the number
        elif not scale and not (
            (scale and text[s - 1] in "-")
            or (scale and text[s - 1].isalpha() and text[s - 2 : s].isupper())
        ):
            raise _NotALimit(r.end)


def _read_scale_before(r: _Reading) -> None:
    """The ordinal-scale keyword before the number ("ECOG", "NYHA class"), without which a
    Roman numeral is no number; a software version or a scale after "without" is no limit."""
    if _VERSION_RE.search(r.left):
        raise _NotALimit(r.end)  # "iOS (version 10 or higher)": a software version, not a limit
    scale = r.scale = r.p.scale_search(r.left)
    if r.token_kind == "r" and not scale:
        raise _NotALimit(r.end)
    if scale and _WITHOUT_RE.search(r.text[max(0, r.start - 90) : r.start - len(scale.group())]):
        raise _NotALimit(r.end)


def _read_comparator_before(r: _Reading) -> None:
    """The comparator before the number: one inside the scale match ("ECOG ≤ 2"), else one
    right before it ("at least 18", "aged ≥ 18"), else one before the scale keyword; and
    "between" / "from", which starts the limit."""
    p, left, s, scale = r.p, r.left, r.start, r.scale
    pre = None
    pre_start = s
    age_words = False
    pre_m = p.pre_search(left)
    if scale and scale.group("cmp"):
        pre = p.prefix[" ".join(scale.group("cmp").lower().split())]
        pre_start = s - len(left) + scale.start("cmp")
    elif pre_m:
        pre = p.prefix.get(" ".join((pre_m.group("w") or pre_m.group("s")).lower().split()))
        pre_start = s - len(left) + pre_m.start()
        age_words = bool(pre_m.group("age"))
    if scale:
        before_kw = left[: scale.start()]
        pm = p.pre_search(before_kw)
        if pm and pre is None:
            pre = p.prefix.get(" ".join((pm.group("w") or pm.group("s")).lower().split()))
            pre_start = s - len(left) + pm.start()
    between = _BETWEEN_RE.search(left)
    if between:
        pre_start = s - len(left) + between.start()
        age_words = age_words or bool(between.group("age"))
    r.comparator_before, r.pre_start, r.age_words, r.between = pre, pre_start, age_words, between
