"""Readers of the number itself and of what is before it: a power of ten, a sign, the names
a number glued to letters belongs to, the scale keyword and the comparator before it."""

from __future__ import annotations

import re

from nlp.quantities.context import _BETWEEN_RE, _GLUED_CMP_RE, _VERSION_RE, _WITHOUT_RE
from nlp.quantities.numbers import _parse_number
from nlp.quantities.readers.state import _Reading, _Stop

_POWER_OF_TEN_RE = re.compile(r"\^(\d{1,2})(?!\d)")


def _read_number(r: _Reading) -> _Stop:
    """The number token and the names glued to it: its value, over a power of ten ("10^3" is
    1000) and a sign right after a comparator ("> -3"). More than 18 digits, a power of ten we
    cannot read, and digits glued to a name ("COVID-19", "CD19") are no limit."""
    text, p, m = r.text, r.p, r.m
    s, e, kind_tok = r.start, r.end, r.token_kind
    power = _POWER_OF_TEN_RE.match(text, e) if text[e : e + 1] == "^" else None
    if kind_tok == "d" and (len(m.group()) > 18 or (text[e : e + 1] == "^" and not power)):
        return e  # 400 digits are no limit (W116); "10^999/L" is no number we can read
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
    # numbers glued to letters are names: COVID-19, CD19, anti-PLA2R, SARS-CoV-2, NKX019
    if (
        kind_tok == "d"
        and s > 0
        and (
            text[s - 1].isalpha()
            or text[s - 1] in "_/:.^"
            or (text[s - 1] in "-" and s > 1 and text[s - 2].isalnum())
        )
    ):
        scale = p.scale_search(left)
        if not scale and _GLUED_CMP_RE.search(left) and p.pre_search(left):
            pass  # "equal to or greater than100 g/L": a comparator word glued to the number
        elif not scale and not (
            (scale and text[s - 1] in "-")
            or (scale and text[s - 1].isalpha() and text[s - 2 : s].isupper())
        ):
            return e  # a name, not a limit
    return None


def _read_scale_and_comparator_before(r: _Reading) -> _Stop:
    """The ordinal-scale keyword before the number ("ECOG", "NYHA class"), without which a
    Roman numeral is no number, and the comparator before it: one inside the scale match
    ("ECOG ≤ 2"), else one right before the number ("at least 18", "aged ≥ 18"), else one
    before the keyword; "between" / "from" starts the limit. A software version, or a scale
    after "without", is no limit."""
    p, left, s = r.p, r.left, r.start
    if _VERSION_RE.search(left):
        return r.end  # "iOS (version 10 or higher)": a software version, not a limit
    scale = r.scale = p.scale_search(left)
    if r.token_kind == "r" and not scale:
        return r.end  # a Roman numeral is a number only after a scale keyword ("NYHA class III")
    if scale and _WITHOUT_RE.search(r.text[max(0, s - 90) : s - len(scale.group())]):
        return r.end  # "without", "except", "not" before the scale: not a limit on it
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
    return None
