"""Biomarkers and their required results: "EGFR-mutant", "HER2-negative", "MSI-H", "p53wt".

:func:`find_biomarkers` reads a criterion and returns one :class:`Biomarker` per gene named
with a result (or a variant), with its char span, the HGNC symbol and the result as
``models.Mention.result`` writes it. The names come from ``nlp/rules/biomarker_genes.json``.

How a result is read, in order:

1. an alias that carries it: "dMMR" (deficient), "MSI-H" (high), "TMB-high" (high);
2. words after the name, across hyphens, spaces and at most two filler words ("gene",
   "status", "protein", "receptor"): "EGFR mutation", "HER2-positive", "ALK rearrangement",
   "KRAS wild-type", "ERBB2 amplification", "EGFR mutation-positive" (mutated);
3. a protein change or exon event after the name, which means a mutation:
   "KRAS G12C", "BRAF V600E/K", "EGFR exon 19 deletion", "FLT3-ITD";
4. a sign or suffix glued to the name: "ER+", "HER2-", "p53wt", "gBRCAm";
5. words before the name: "deficient mismatch repair", "wild-type KRAS", "mutant BRAF".

Names listed together share the result printed after the last one: "ER/PR positive",
"BRCA1 or BRCA2 mutation", "EGFR, ALK or ROS1 alterations" (an alteration has no result of
its own in the schema: the biomarker is kept, result None). A name that is a drug target
rather than a test ("anti-PD-L1", "HER2-targeted", "EGFR TKI", "ALK inhibitor") is not a
biomarker. Ambiguous names (``needs_result``: ER, PR, HR, MMR, EGFR, ALK, MET, KIT ...)
count only with a result or variant: "eGFR ≥ 60" is a filtration rate, "ER" an emergency room.
A numeric limit ("PD-L1 TPS ≥ 50%") stays with the quantity reader: the biomarker is PD-L1.

>>> [(b.text, b.gene, b.result) for b in find_biomarkers("EGFR-mutant NSCLC")]
[('EGFR-mutant', 'EGFR', 'mutated')]
"""

from __future__ import annotations

import re
from functools import cache

from pydantic import BaseModel, ConfigDict

from models.encoding import MentionResult
from nlp.rulefiles import BiomarkerRow, biomarker_rules


class Biomarker(BaseModel):
    """A biomarker named in a criterion, with the result it must have."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    span: tuple[int, int]
    marker: str
    gene: str | None = None
    result: MentionResult | None = None
    variant: str | None = None


_RESULT_WORDS: dict[str, MentionResult | None] = {
    "positive": "positive", "pos": "positive", "positivity": "positive",
    "overexpression": "positive", "over-expression": "positive", "overexpressing": "positive",
    "overexpressed": "positive", "3+": "positive",
    "negative": "negative", "neg": "negative", "negativity": "negative",
    "mutation": "mutated", "mutations": "mutated", "mutated": "mutated", "mutant": "mutated",
    "mutants": "mutated", "variant": "mutated", "variants": "mutated",
    "wild-type": "wild_type", "wild type": "wild_type", "wildtype": "wild_type",
    "wt": "wild_type", "non-mutated": "wild_type", "unmutated": "wild_type",
    "amplification": "amplified", "amplifications": "amplified", "amplified": "amplified",
    "rearrangement": "rearranged", "rearrangements": "rearranged", "rearranged": "rearranged",
    "fusion": "rearranged", "fusions": "rearranged", "translocation": "rearranged",
    "translocations": "rearranged",
    "high": "high", "hi": "high", "low": "low", "carrier": "mutated", "carriers": "mutated",
    "deficient": "deficient", "deficiency": "deficient",
    "proficient": "proficient", "intact": "proficient",
    "alteration": None, "alterations": None, "altered": None, "aberration": None,
    "aberrations": None,
}  # fmt: skip
_BEFORE_WORDS: dict[str, MentionResult] = {
    "mutant": "mutated", "mutated": "mutated", "wild-type": "wild_type", "wild type": "wild_type",
    "deficient": "deficient", "proficient": "proficient", "high": "high", "hi": "high",
    "low": "low", "negative": "negative",
}  # fmt: skip
_FILLER = (
    r"(?:gene|genes|status|protein|receptor|receptors|expression|tumou?r|somatic|germline"
    r"|activating|sensitizing|sensitising|pathogenic|-?IHC|by\s+IHC|\(IHC\)|testing|test)"
)
_SEP = r"[\s\-\u2010-\u2015:)]*"
_RESULT_RE = re.compile(
    rf"{_SEP}(?:{_FILLER}{_SEP}){{0,2}}(?P<word>"
    + "|".join(sorted((re.escape(w) for w in _RESULT_WORDS), key=len, reverse=True))
    + r")(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_AA = "ACDEFGHIKLMNPQRSTVWY"
_VARIANT_RE = re.compile(
    rf"{_SEP}(?:{_FILLER}{_SEP}){{0,2}}(?P<variant>"
    rf"[{_AA}]\d{{1,4}}(?:[{_AA}*]|fs|del|ins|dup)?(?:/[{_AA}])*"
    r"|exon\s*\d{1,2}\s*(?:deletions?|del|insertions?|ins|skipping|mutations?|alterations?)"
    r"|(?:ex)?\d{1,2}\s?(?:del|DEL|Del|ins|INS)"
    r"|ITD|TKD)(?![A-Za-z0-9])",
)
_GLUED_RE = re.compile(
    r"(?P<glue>\(\+\)|\(-\)|\+|[-\u2212](?=[\s/,;)\].]|$)|wt|WT|m)(?![A-Za-z0-9])"
)
_NOT_A_TEST = re.compile(
    r"[\s\-]*(?:targeted|targeting|directed|inhibitors?|TKIs?|antibod(?:y|ies)|therap(?:y|ies)"
    r"|agents?|blockade|blocking|CAR|ADC|bispecific|vaccine)\b",
    re.IGNORECASE,
)
_GLOSS = re.compile(r"^\s*\(\s*$")
_ANTI_BEFORE = re.compile(r"anti[\s\-]?$", re.IGNORECASE)
_BEFORE_RE = re.compile(
    r"(?P<word>" + "|".join(re.escape(w) for w in _BEFORE_WORDS) + r")[\s\-]+$", re.IGNORECASE
)
_LIST_GAP = re.compile(r"^\s*(?:,|/|&|\bor\b|\band\b|\band/or\b|,\s*or\b|,\s*and\b)\s*$", re.I)
_GLUE_RESULT: dict[str, MentionResult] = {
    "+": "positive", "(+)": "positive", "-": "negative", "\u2212": "negative", "(-)": "negative",
    "wt": "wild_type", "WT": "wild_type", "m": "mutated",
}  # fmt: skip


@cache
def _patterns() -> tuple[
    re.Pattern[str], re.Pattern[str], dict[str, BiomarkerRow], dict[str, BiomarkerRow]
]:
    exact: dict[str, BiomarkerRow] = {}
    folded: dict[str, BiomarkerRow] = {}
    for row in biomarker_rules():
        for a in row.aliases:
            exact[a] = row
        for a in row.aliases_ci:
            folded[a.lower()] = row

    def alternation(names: list[str]) -> str:
        return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))

    edge = r"(?<![A-Za-z0-9])"
    right = r"(?=(?:wt|WT|m)?(?![A-Za-z0-9]))"
    cs = re.compile(rf"{edge}(?:{alternation(list(exact))}){right}")
    ci = re.compile(rf"{edge}(?:{alternation(list(folded))})(?![A-Za-z0-9])", re.IGNORECASE)
    return cs, ci, exact, folded


class _Hit:
    __slots__ = ("alias", "end", "found", "result", "row", "said_after", "start", "variant")

    def __init__(self, row: BiomarkerRow, alias: str, start: int, end: int) -> None:
        self.row, self.alias, self.start, self.end = row, alias, start, end
        self.result: MentionResult | None = None
        self.variant: str | None = None
        self.found = False  # a result, variant or alteration word was read
        self.said_after = False  # ... in words after the name, which a list shares


def _names(text: str) -> list[_Hit]:
    cs, ci, exact, folded = _patterns()
    hits = [_Hit(exact[m.group()], m.group(), m.start(), m.end()) for m in cs.finditer(text)]
    for m in ci.finditer(text):
        hits.append(_Hit(folded[m.group().lower()], m.group(), m.start(), m.end()))
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    out: list[_Hit] = []
    for h in hits:  # longest leftmost, no overlaps
        if out and h.start < out[-1].end:
            continue
        if out and out[-1].row is h.row and _GLOSS.match(text[out[-1].end : h.start]):
            close = h.end + 1 if text[h.end : h.end + 1] == ")" else h.end
            out[-1].end, out[-1].alias = close, h.alias  # "microsatellite instability (MSI)"
            continue
        out.append(h)
    return out


def _read_result(text: str, hit: _Hit) -> bool:
    """Set the hit's result and variant from the text around it; False if it is no test."""
    after = text[hit.end :]
    if _ANTI_BEFORE.search(text[: hit.start]) or _NOT_A_TEST.match(after):
        return False
    implied = hit.row.implied.get(hit.alias) or hit.row.implied.get(hit.alias.lower())
    if implied:
        hit.result, hit.found = implied, True
    m = _VARIANT_RE.match(after)
    if m:
        hit.variant, hit.found = m.group("variant"), True
        hit.result = hit.result or "mutated"
        hit.end += m.end()
        after = text[hit.end :]
    m = _RESULT_RE.match(after)
    if m:
        result = _RESULT_WORDS[m.group("word").lower()]
        if hit.variant and result == "positive":
            result = "mutated"  # "EGFR T790M positive": the variant is present
        if result is not None:  # an explicit word overrides the alias or the variant
            hit.result = result
        hit.end += m.end()
        hit.found = hit.said_after = True
        tail = re.match(r"-(?:positive|positivity)\b", text[hit.end :], re.IGNORECASE)
        if tail and hit.result in ("mutated", "rearranged", "amplified"):
            hit.end += tail.end()  # "EGFR mutation-positive": mutated, not positive
    if not hit.found:
        g = _GLUED_RE.match(after)
        if g:
            hit.result, hit.found = _GLUE_RESULT[g.group("glue")], True
            hit.said_after = True
            hit.end += g.end()
    b = _BEFORE_RE.search(text[: hit.start])
    if b and (not hit.found or b.group("word").lower() == "negative"):
        hit.result, hit.found = _BEFORE_WORDS[b.group("word").lower()], True
        hit.start = b.start()  # "negative ALK fusion": the fusion is absent
    return True


def find_biomarkers(text: str) -> list[Biomarker]:
    """Every biomarker of ``text`` with its result, in text order (module docstring).

    >>> [(b.gene, b.result) for b in find_biomarkers("ER/PR positive, HER2-negative")]
    [('ESR1', 'positive'), ('PGR', 'positive'), ('ERBB2', 'negative')]
    """
    hits = [h for h in _names(text) if _read_result(text, h)]
    _share_results(text, hits)
    out: list[Biomarker] = []
    for h in hits:
        if h.row.needs_result and not h.found:
            continue
        symbols: list[str | None] = [*h.row.symbols] or [None]
        for symbol in symbols:
            out.append(
                Biomarker(
                    text=text[h.start : h.end],
                    span=(h.start, h.end),
                    marker=h.row.marker,
                    gene=symbol,
                    result=h.result,
                    variant=h.variant,
                )
            )
    return out


def _share_results(text: str, hits: list[_Hit]) -> None:
    """Names listed together take the nearest result printed after them (module docstring)."""
    i = 0
    while i < len(hits):
        j = i
        while j + 1 < len(hits) and _LIST_GAP.match(text[hits[j].end : hits[j + 1].start]):
            j += 1
        carry: _Hit | None = None
        for h in reversed(hits[i : j + 1]):  # each takes the nearest result after it
            if h.said_after:
                carry = h
            elif not h.found and carry is not None:
                h.result, h.found = carry.result, True
        i = j + 1
