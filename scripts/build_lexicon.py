"""Build ``nlp/rules/mentions.csv``, the concept lexicon of the target matcher, reproducibly.

Sources
    * the annotated entity strings of the development corpora (``--corpora``, or the folder
      named by ``ELIGO_CORPORA``)
      (LCT: Condition, Drug, Procedure, Observation and their ``-Name`` heads; Chia:
      Condition, Drug, Procedure, Measurement, Observation, Device);
    * a short hand-written list of common eligibility concepts (``HAND_WRITTEN`` below).

Rules
    * strings are lower-cased and their whitespace collapsed;
    * a corpus string is kept when it is annotated in at least ``MIN_DOCS`` distinct trials
      (a Chia trial's ``_inc`` and ``_exc`` files count once), so one annotator's one-off
      choice does not become a rule, and the lexicon generalises to unseen trials;
    * and when at least ``MIN_PRECISION`` of its whole-word occurrences in the corpus texts
      overlap an annotated entity (of any of the types read): a string the annotators mostly
      leave unannotated where it occurs ("willing", "written informed consent", "follow-up")
      makes more false mentions than true ones. The threshold was chosen on the dev trials
      (``scripts/mentions/split.json``) with a lexicon built from the training trials only:
      0.45 gained overlap F1 on both corpora over none (the figures are in the mention
      model's README) and keeps what the reference trial's gold asserts ("response", at 0.47;
      0.5 lost it). Occurrences are placed by the offsets of the text as stored (Chia's count
      the ``\\r`` of ``\\r\\n``);
    * junk is dropped: pure numbers and punctuation, 1–2 letter strings other than known
      abbreviations, discontinuous spans, strings longer than ``MAX_TOKENS`` words, and a small
      stop list of words that are not concepts by themselves ("patients", "study", ...);
    * a string's category is the one annotated most often (ties: the order of ``CATEGORIES``);
      strings ending in "test"/"testing" become ``test``;
    * hand-written rows win over corpus rows for the same literal;
    * acronyms that are also English words (``UPPER_ONLY``: "WHO") match only in capitals.

Usage::

    python scripts/build_lexicon.py [--corpora DIR] [--out nlp/rules/mentions.csv]

The output is sorted, so re-running on the same corpora gives the same file byte for byte.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
from collections import Counter, defaultdict
from pathlib import Path

from nlp.rulefiles import MENTION_CATEGORIES

MIN_DOCS = 2
MIN_PRECISION = 0.45
MAX_TOKENS = 6

LCT_TYPES = {
    "Condition": "condition",
    "Condition-Name": "condition",
    "Drug": "drug",
    "Drug-Name": "drug",
    "Immunization-Name": "drug",
    "Procedure": "procedure",
    "Procedure-Name": "procedure",
    "Observation": "observation",
    "Observation-Name": "observation",
}
CHIA_TYPES = {
    "Condition": "condition",
    "Drug": "drug",
    "Procedure": "procedure",
    "Measurement": "measurement",
    "Observation": "observation",
    "Device": "device",
}
# the lexicon's categories: every mention category but the fallback "other" and "biomarker"
# (no corpus annotates a biomarker category)
CATEGORIES = [c for c in MENTION_CATEGORIES if c not in ("other", "biomarker")]

# Short strings worth keeping: common abbreviations in eligibility text.
SHORT_OK = {
    "af", "bp", "ca", "cd", "ct", "ms", "mi", "ra", "tb", "uc", "hb", "gi", "ad", "pe", "dm",
    "cf", "ic", "ln", "pd", "sle", "iv", "rt", "ef", "ekg", "ecg", "hiv", "copd", "hbv", "hcv",
}  # fmt: skip
# Annotated, but not concepts by themselves: they would tag half of every criterion.
STOP = {
    "patient", "patients", "subject", "subjects", "participant", "participants", "study",
    "studies", "any", "other", "others", "disease", "diseases", "condition", "conditions",
    "disorder", "disorders", "illness", "treatment", "treatments", "therapy", "therapies",
    "drug", "drugs", "medication", "medications", "agent", "agents", "procedure",
    "procedures", "history", "use", "status", "level", "levels", "value", "values", "result",
    "results", "evidence", "criteria", "diagnosis", "medical condition", "medical conditions",
    "the", "and", "or", "with", "without", "signs", "symptoms", "type", "stage", "grade",
    "treated", "documented", "histologically", "operative", "ill", "known", "severe", "all",
    "stable", "pathology", "renal", "cardiac", "hepatic", "blood", "care", "health", "cause",
    "causes", "factors", "family", "findings", "event", "evaluation", "examination",
    "laboratory", "molecular", "move", "gold", "egg", "metal", "medically", "managed",
    "duration", "measurements", "intervention", "interventions", "administration",
    "assessment", "diagnoses", "diagnostic", "indication", "neurologic", "neurological",
    "gastrointestinal", "cardiovascular", "endocrinologic", "hemodynamic", "histological",
    "histology", "active", "chronic", "acute", "current", "recent", "positive", "negative",
    "normal", "abnormal", "significant", "uncontrolled", "clinically significant",
    "therapeutic",
}  # fmt: skip

# Acronyms that are also common English words: matched only as written in capitals ("WHO
# performance status", never the "who" of "patients who ...").
UPPER_ONLY = {"who"}

# Common eligibility concepts, written by hand (literal, category).
HAND_WRITTEN: list[tuple[str, str]] = [
    ("pregnancy", "condition"),
    ("pregnant", "condition"),
    ("breast feeding", "condition"),
    ("breast-feeding", "condition"),
    ("breastfeeding", "condition"),
    ("lactating", "condition"),
    ("lactation", "condition"),
    ("nursing", "condition"),
    ("hiv", "condition"),
    ("human immunodeficiency virus", "condition"),
    ("hiv infection", "condition"),
    ("hiv antibody", "test"),
    ("hepatitis", "condition"),
    ("hepatitis b", "condition"),
    ("hepatitis c", "condition"),
    ("hepatitis b or c", "condition"),
    ("hbv", "condition"),
    ("hcv", "condition"),
    ("tuberculosis", "condition"),
    ("tb", "condition"),
    ("latent tb", "condition"),
    ("dialysis", "procedure"),
    ("renal dialysis", "procedure"),
    ("hemodialysis", "procedure"),
    ("haemodialysis", "procedure"),
    ("peritoneal dialysis", "procedure"),
    ("transplant", "procedure"),
    ("transplantation", "procedure"),
    ("solid organ transplant", "procedure"),
    ("organ transplant", "procedure"),
    ("hematopoietic cell transplant", "procedure"),
    ("stem cell transplant", "procedure"),
    ("myocardial infarction", "condition"),
    ("angina", "condition"),
    ("unstable angina", "condition"),
    ("arrhythmia", "condition"),
    ("arrhythmias", "condition"),
    ("heart failure", "condition"),
    ("congestive heart failure", "condition"),
    ("hypertension", "condition"),
    ("uncontrolled hypertension", "condition"),
    ("malignancy", "condition"),
    ("malignancies", "condition"),
    ("cancer", "condition"),
    ("infection", "condition"),
    ("infections", "condition"),
    ("active infection", "condition"),
    ("contraception", "procedure"),  # a method: both corpora annotate it a procedure
    ("contraceptive", "drug"),
    ("contraceptive precautions", "procedure"),
    ("stroke", "condition"),
    ("diabetes", "condition"),
    ("diabetes mellitus", "condition"),
    ("cirrhosis", "condition"),
    ("liver disease", "condition"),
    ("renal disease", "condition"),
    ("kidney disease", "condition"),
    ("asthma", "condition"),
    ("chronic obstructive pulmonary disease", "condition"),
    ("pulmonary embolism", "condition"),
    ("deep vein thrombosis", "condition"),
    ("seizure", "condition"),
    ("seizures", "condition"),
    ("epilepsy", "condition"),
    ("dementia", "condition"),
    ("alcohol abuse", "condition"),
    ("drug abuse", "condition"),
    ("substance abuse", "condition"),
    ("covid-19", "condition"),
    ("sars-cov-2", "condition"),
    ("sars-cov-2 test", "test"),
    ("pregnancy test", "test"),
    ("serum pregnancy test", "test"),
    ("urine pregnancy test", "test"),
    ("surgery", "procedure"),
    ("major surgery", "procedure"),
    ("chemotherapy", "drug"),
    ("radiotherapy", "procedure"),
    ("radiation therapy", "procedure"),
    ("immunotherapy", "drug"),
    ("corticosteroids", "drug"),
    ("corticosteroid", "drug"),
    ("steroids", "drug"),
    ("prednisone", "drug"),
    ("immunosuppressive therapy", "drug"),
    ("investigational drug", "drug"),
    ("investigational product", "drug"),
    ("biopsy", "procedure"),
    ("kidney biopsy", "procedure"),
    ("renal biopsy", "procedure"),
    ("platelet count", "measurement"),
    ("hemoglobin", "measurement"),
    ("absolute neutrophil count", "measurement"),
    ("white blood cell count", "measurement"),
    ("creatinine clearance", "measurement"),
    ("serum creatinine", "measurement"),
    ("bilirubin", "measurement"),
    ("total bilirubin", "measurement"),
    ("alanine aminotransferase", "measurement"),
    ("aspartate aminotransferase", "measurement"),
    ("ejection fraction", "measurement"),
    ("egfr", "measurement"),
    ("hba1c", "measurement"),
    ("body mass index", "measurement"),
    ("bmi", "measurement"),
    ("qtc", "measurement"),
    ("blood pressure", "measurement"),
    ("ecog performance status", "measurement"),
    ("karnofsky performance status", "measurement"),
    # not "informed consent": the corpora annotate it at 1 in 10 of its occurrences, and on the
    # dev trials 27 of the 29 mentions it added were not annotated
    ("childbearing potential", "observation"),
    ("pacemaker", "device"),
    ("lupus", "condition"),
    ("lupus nephritis", "condition"),
    ("systemic lupus erythematosus", "condition"),
    ("cellular therapy", "drug"),
    ("cell therapy", "drug"),
    ("car-t", "drug"),
    ("car t-cell therapy", "drug"),
    ("antinuclear antibodies", "test"),
    ("anti-dsdna", "test"),
    ("anti-smith", "test"),
    ("anti-sm", "test"),
    ("anti-ro", "test"),
    ("anti-la", "test"),
    ("anti-rnp", "test"),
    ("anti-ccp", "test"),
    ("anca", "test"),
    ("rheumatoid factor", "test"),
    ("antiphospholipid antibodies", "test"),
    ("anticardiolipin antibodies", "test"),
    ("lupus anticoagulant", "test"),
    ("immunosuppressant", "drug"),
    ("immunosuppressants", "drug"),
    ("immunosuppressive", "drug"),
    ("immunosuppressives", "drug"),
    ("immunomodulator", "drug"),
    ("immunomodulators", "drug"),
    ("immunomodulatory agent", "drug"),
    ("immunomodulatory agents", "drug"),
    ("corticosteroid", "drug"),
    ("corticosteroids", "drug"),
    ("hepatitis b surface antigen", "test"),
    ("hiv test", "test"),
    ("tuberculin skin test", "test"),
    ("interferon gamma release assay", "test"),
]

# Token patterns (JSON, matched by spaCy's Matcher) for families of names: (literal, category,
# pattern). "anti-PLA2R antibodies", "anti-HCV antibody", "anti-dsDNA antibodies".
PATTERNS: list[tuple[str, str, list[dict]]] = [
    (
        "anti-<target> antibodies",
        "test",
        [
            {"LOWER": "anti"},
            {"ORTH": "-", "OP": "?"},
            {"TEXT": {"REGEX": "^[A-Za-z0-9]+$"}},
            {"LOWER": {"IN": ["antibody", "antibodies", "ab", "abs"]}},
        ],
    ),
]

_JUNK = re.compile(r"^[\W\d_]+$")  # numbers, punctuation, nothing else
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _SPACES.sub(" ", text).strip().lower().strip(" .,;:()[]")


def keep(literal: str) -> bool:
    if not literal or _JUNK.match(literal) or literal in STOP:
        return False
    if len(literal) <= 2 and literal not in SHORT_OK:
        return False
    if len(literal.split()) > MAX_TOKENS:
        return False
    # unbalanced brackets are cut-off spans
    return literal.count("(") == literal.count(")")


def read_entities(ann: Path, types: dict[str, str]) -> list[tuple[str, str]]:
    """``(string, category)`` of each continuous entity of the wanted types in a brat file."""
    out = []
    with ann.open(encoding="utf-8", newline="") as fh:
        for line in fh:
            if not line.startswith("T"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 3:
                continue
            kind, _, offsets = parts[1].partition(" ")
            if kind not in types or ";" in offsets:
                continue
            out.append((parts[2], types[kind]))
    return out


def annotated_spans(ann: Path, types: dict[str, str]) -> list[tuple[int, int]]:
    """Character spans of the wanted types (every fragment of a discontinuous entity)."""
    out = []
    with ann.open(encoding="utf-8", newline="") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if not line.startswith("T") or len(parts) < 3:
                continue
            kind, _, offsets = parts[1].partition(" ")
            if kind in types:
                for frag in offsets.split(";"):
                    start, end = frag.split()
                    out.append((int(start), int(end)))
    return out


class Texts:
    """All the corpus texts, lower-cased and joined, with which characters are annotated."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.marked: list[tuple[int, int]] = []

    def add(self, text: str, spans: list[tuple[int, int]]) -> None:
        """``text`` as the annotation offsets count it (Chia's count the ``\\r`` of ``\\r\\n``)."""
        self.marked.extend((self.size + s, self.size + e) for s, e in spans)
        lower = text.lower()
        if len(lower) != len(text):  # "İ" lower-cases to two characters: keep the offsets
            lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        self.parts.append(lower + "\n\x00\n")
        self.size += len(text) + 3

    def freeze(self) -> None:
        self.text = "".join(self.parts)
        flags = bytearray(self.size + 1)
        for s, e in self.marked:
            flags[s:e] = b"\x01" * (e - s)
        self.before = [0]  # annotated characters before each offset
        for f in flags:
            self.before.append(self.before[-1] + f)

    def precision(self, literal: str) -> float:
        """The share of the literal's whole-word occurrences that overlap an annotation."""
        seen = hit = 0
        i = self.text.find(literal)
        while i >= 0:
            j = i + len(literal)
            if not (i and self.text[i - 1].isalnum()) and not self.text[j : j + 1].isalnum():
                seen += 1
                hit += self.before[j] > self.before[i]
            i = self.text.find(literal, i + 1)
        return hit / seen if seen else 1.0


def collect(corpora: Path, min_precision: float = 0.0) -> dict[str, tuple[str, int]]:
    """literal → (category, number of distinct trials annotating it)."""
    docs: dict[str, set[str]] = defaultdict(set)
    cats: dict[str, Counter[str]] = defaultdict(Counter)
    texts = Texts()
    sources = [("lct", LCT_TYPES), ("chia", CHIA_TYPES)]
    for name, types in sources:
        for ann in sorted((corpora / name).glob("*.ann")):
            trial = ann.stem.split("_")[0]
            for text, category in read_entities(ann, types):
                literal = normalise(text)
                if not keep(literal):
                    continue
                docs[literal].add(f"{name}:{trial}")
                cats[literal][category] += 1
            if min_precision:
                body = ann.with_suffix(".txt").read_bytes().decode("utf-8")  # keeps CR LF
                texts.add(body, annotated_spans(ann, types))
    if min_precision:
        texts.freeze()
    out = {}
    for literal, trials in docs.items():
        if len(trials) < MIN_DOCS:
            continue
        if min_precision and literal not in UPPER_ONLY and texts.precision(literal) < min_precision:
            continue
        counts = cats[literal]
        best = max(CATEGORIES, key=lambda c: (counts[c], -CATEGORIES.index(c)))
        if re.search(r"\btest(ing|s)?$", literal):
            best = "test"
        out[literal] = (best, len(trials))
    return out


def build(corpora: Path, min_precision: float = MIN_PRECISION) -> list[dict[str, str]]:
    rows = {lit: {"literal": lit, "category": c, "source": "corpus", "docs": str(n)}
            for lit, (c, n) in collect(corpora, min_precision).items()}  # fmt: skip
    for literal, category in HAND_WRITTEN:
        rows[literal] = {"literal": literal, "category": category, "source": "hand", "docs": ""}
    for row in rows.values():
        row["pattern"] = ""
        if row["literal"] in UPPER_ONLY:
            row["pattern"] = json.dumps([{"ORTH": row["literal"].upper()}])
    for literal, category, pattern in PATTERNS:
        rows[literal] = {"literal": literal, "category": category, "source": "hand", "docs": "",
                         "pattern": json.dumps(pattern)}  # fmt: skip
    return [rows[k] for k in sorted(rows)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--corpora",
        type=Path,
        default=os.environ.get("ELIGO_CORPORA"),
        help="folder holding lct/ and chia/ (default: $ELIGO_CORPORA)",
    )
    root = Path(__file__).resolve().parents[1]
    ap.add_argument("--out", type=Path, default=root / "nlp" / "rules" / "mentions.csv")
    args = ap.parse_args()
    if args.corpora is None:
        ap.error("no corpora: pass --corpora DIR or set ELIGO_CORPORA (a folder with lct/, chia/)")
    rows = build(Path(args.corpora))
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["literal", "category", "source", "docs", "pattern"])
        writer.writeheader()
        writer.writerows(rows)
    by_cat = Counter(r["category"] for r in rows)
    print(f"{len(rows)} rows → {args.out}: {dict(sorted(by_cat.items()))}")


if __name__ == "__main__":
    main()
