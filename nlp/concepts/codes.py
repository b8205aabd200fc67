"""Codes for concepts: LOINC for measures, DrugBank for drugs (WHO ATC for drug classes),
ICD-10-CM and HPO for conditions.

Offline, deterministic and exact: a name is coded only when, once normalised
(:func:`nlp.concepts.normalize.key`), it *is* a name of the concept in a vocabulary or in the
hand-curated tables of ``nlp/rules/``; nothing is guessed by similarity. A wrong code is worse
than none, so an unknown name gets ``[]``.

- :func:`code_measure` ("platelet count", "ANC", "CrCl", "haemoglobin") → LOINC, from the
  measure lexicon ``nlp/rules/measure_codes.json``; abbreviations are matched as written
  ("ALT", "Hb"), other names case-insensitively.
- :func:`code_mention` (text, category): ``drug`` → DrugBank, or for a class ("SSRIs",
  "statins", "systemic corticosteroids") its ATC group from ``nlp/rules/drug_class_codes.json``
  (hand-curated, each code and name checked against WHO's index). A name is listed only where
  it and the group mean the same drugs both ways: not "antibiotics" or "corticosteroids" alone
  (ATC splits them by route), "oral contraceptives" (G03A also holds implants), "opioids"
  (N02A leaves out methadone for dependence, N07BC), "antipsychotics" (N05A holds lithium) or
  "vaccine" (mostly a word of "vaccine trial"); ``condition`` → ICD-10-CM and HPO. The
  curated table (``nlp/rules/condition_codes.json``) adds no class name whose only ICD-10-CM
  code is an "unspecified" member ("liver disease" K76.9, "infection" B99.9: none is listed;
  names the vocabulary itself files, "hepatitis" K75.9, keep its code). Plain "diabetes" gets
  HPO's Diabetes mellitus only (ICD-10-CM's index files it under type 2), and a myocardial
  infarction of no stated age only HPO's term (ICD-10-CM splits I21 acute, I25.2 old);
  ``measurement`` / ``test`` → LOINC through the measure lexicon.

Call :func:`load_vocabularies` when the pipeline is built: it reads the compiled indexes
(:mod:`nlp.concepts.vocab`) so that the first criterion does not pay for them. Look-ups are
dictionary probes behind an LRU cache.

System URIs are FHIR's: LOINC and ICD-10-CM as in the FHIR terminology list; HPO as
registered in HL7 Terminology (THO, CodeSystem ``HPO``: ``http://human-phenotype-ontology.org``);
DrugBank has no THO entry, so its web home ``http://www.drugbank.ca`` is used, as the schema's
``models.Code`` documents; ATC is THO's ``http://www.whocc.no/atc``.

>>> [c.code for c in code_measure("Platelet count")]
['777-3']
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from models import Code
from nlp.concepts import vocab
from nlp.concepts.abbreviations import without_short_forms
from nlp.concepts.normalize import greek_spelled, hyphenated, key, singular
from nlp.rulefiles import (
    biomarker_rules,
    condition_code_rules,
    drug_class_code_rules,
    measure_code_rules,
)

LOINC = "http://loinc.org"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
DRUGBANK = "http://www.drugbank.ca"
HPO = "http://human-phenotype-ontology.org"
ATC = "http://www.whocc.no/atc"

_Coding = tuple[str, str, str | None]

_QUALIFIERS = re.compile(
    r"^(?:(?:known|active|uncontrolled|untreated|documented|confirmed|diagnosed|current|prior"
    r"|previous|previously treated|ongoing|clinically significant|significant|symptomatic"
    r"|a history of|history of|diagnosis of|a diagnosis of|presence of|evidence of)\s+)+"
)
_PARENS = re.compile(r"\s*\(([^()]*)\)\s*")


@cache
def _codings() -> dict[str, _Coding]:
    """Row id → its LOINC coding, for the rows of ``measure_codes.json`` that have one."""
    return {r.id: (LOINC, r.loinc, r.loinc_name) for r in measure_code_rules() if r.loinc}


@cache
def _measure_tables() -> tuple[dict[str, str], dict[str, str]]:
    """(abbreviation as written → row id, alias key → row id)."""
    exact: dict[str, str] = {}
    folded: dict[str, str] = {}
    for row in measure_code_rules():
        for a in row.abbreviations:
            _put(exact, a, row.id)
        for a in row.aliases:
            _put(folded, key(a), row.id)
    return exact, folded


def _put(table: dict[str, str], name: str, row_id: str) -> None:
    codings = _codings()
    if name in table and codings.get(table[name]) != codings.get(row_id):
        raise ValueError(f"measure name {name!r} of {row_id} already names another measure")
    table.setdefault(name, row_id)


def _measure(text: str) -> str | None:
    """The row id of a measure name as written, or None for an unknown name."""
    exact, folded = _measure_tables()
    stripped = text.strip()
    return exact.get(stripped) or folded.get(key(stripped))


_TRAILING_WORD = re.compile(r"\s+(?:levels?|values?|concentrations?|results?)$", re.I)
_LEAD_IN = re.compile(r"(?:(?:must|should|to|have|has|had|having|with|a|an|the)\s+)+", re.I)
"""Words the quantity reader keeps before a measure ("must have a HAMD24 score") that name
nothing of it."""


@lru_cache(maxsize=65536)
def _row_id(measure: str) -> str | None:
    """The row of ``measure_codes.json`` that a measure, as the quantity reader writes it, names."""
    found = _measure(measure)
    if found is None and _TRAILING_WORD.search(measure):
        found = _measure(_TRAILING_WORD.sub("", measure))  # "hemoglobin levels"
    if found is None and (lead := _LEAD_IN.match(measure)) and lead.end() < len(measure):
        return _row_id(measure[lead.end() :])  # "A platelet count", "have a serum creatinine"
    if found is not None:
        return found
    # "absolute neutrophil count (ANC)", "ANC (absolute neutrophil count)": the parts agree
    m = _PARENS.search(measure)
    if m:
        codings = _codings()
        outside = _measure(_PARENS.sub(" ", measure))
        inside = _measure(m.group(1))
        if outside is not None and (inside is None or codings.get(inside) == codings.get(outside)):
            return outside
        if inside is not None and outside is None and not _PARENS.sub(" ", measure).strip():
            return inside
    return None


def _code_measure(measure: str) -> tuple[_Coding, ...]:
    coding = _codings().get(_row_id(measure) or "")
    return (coding,) if coding else ()


def code_measure(measure: str) -> list[Code]:
    """LOINC codes of a measure as the quantity reader writes it ("ANC", "serum creatinine").

    >>> code_measure("ALT")[0].display
    'Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma'
    >>> code_measure("creatinine clearance")  # calculated or measured: no code is verified
    []
    """
    return [Code.model_construct(system=s, code=c, display=d) for s, c, d in _code_measure(measure)]


@cache
def _kept_with() -> dict[str, tuple[str, ...]]:
    """Row id → the words that keep it from being refined (``kept_with``)."""
    rows = measure_code_rules()
    return {r.id: tuple(w.lower() for w in r.kept_with) for r in rows if r.kept_with}


@cache
def _quantity_tables() -> tuple[
    dict[str, tuple[str, _Coding]], dict[str, dict[str, str]], dict[str, _Coding]
]:
    """(name → (unit, coding)) of ``measured_as``; (row id → {word: finer row id}); (row id →
    coding)."""
    by_id = {r.id: r for r in measure_code_rules()}
    coding = _codings()
    by_unit: dict[str, tuple[str, _Coding]] = {}
    refined: dict[str, dict[str, str]] = {}
    for row in by_id.values():
        for name in row.measured_as:
            if row.id in coding:
                by_unit[key(name)] = (row.unit or "", coding[row.id])
        if row.refined_by:
            refined[row.id] = {w.lower(): target for w, target in row.refined_by.items()}
    return by_unit, refined, coding


@cache
def _row_unit(row_id: str | None) -> str | None:
    """The unit of a row of ``measure_codes.json`` (Cockcroft-Gault is in mL/min, an eGFR per
    1.73 m²)."""
    return next((r.unit for r in measure_code_rules() if r.id == row_id), None)


@cache
def _by_unit() -> dict[str, dict[str, str]]:
    """Row id → {UCUM unit: finer row id} (``refined_by_unit``)."""
    return {r.id: dict(r.refined_by_unit) for r in measure_code_rules() if r.refined_by_unit}


_ANNOTATION = re.compile(r"\{[^}]*\}")


def _refined_by_unit(row_id: str | None, unit: str) -> str | None:
    """The finer row a limit's unit names (FEV1 in mL is the volume), or None. Units with
    different annotations do not match, though UCUM converts them: mL/min is no eGFR per
    1.73 m² (mL/min/{1.73_m2}); nor do two ratios: HbA1c in mmol/mol (IFCC) is no HbA1c in %
    (NGSP), a scale of its own, not a tenth of it."""
    from nlp.units import same_dimension

    for row_unit, finer in _by_unit().get(row_id or "", {}).items():
        if unit == row_unit or (
            _ANNOTATION.findall(unit) == _ANNOTATION.findall(row_unit)
            and not same_dimension(row_unit, "1")
            and same_dimension(unit, row_unit)
        ):
            return finer
    return None


def _has_word(text: str, words: str) -> bool:
    return re.search(rf"(?<![a-z]){re.escape(words)}(?![a-z])", text) is not None


_CLAUSE_END = re.compile(r"[;,]|\band\b|\bor\b|\.\s")
_INNERMOST_BRACKET = re.compile(r"\([^()]*\)")
_UNCLOSED_BRACKET = re.compile(r"\([^()]*$")


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group())


def _masked(text: str, open_end: bool = False) -> str:
    """``text`` with its brackets blanked out, the same length: a clause does not end inside
    "(Fridericia or Bazett)", nor (``open_end``: the text after a quantity) inside a bracket the
    reach cuts before it closes."""
    while True:
        blanked = _INNERMOST_BRACKET.sub(_blank, text)
        if blanked == text:
            break
        text = blanked
    return _UNCLOSED_BRACKET.sub(_blank, text) if open_end else text


def _text_after(text: str, end: int, reach: int) -> str:
    """Up to ``reach`` characters after ``end``, and on to where a bracket opened in them
    closes (at most ``3 * reach``): "≥ 60 mL/min (24-hour urine collection or Cockcroft-Gault)"
    keeps its whole bracket."""
    stop, limit = min(len(text), end + reach), min(len(text), end + 3 * reach)
    depth, i = 0, end
    while i < limit and (i < stop or depth > 0):
        depth = max(0, depth + (text[i] == "(") - (text[i] == ")"))
        i += 1
    return text[end:i]


def quantity_context(text: str, span: tuple[int, int] | None, reach: int = 40) -> str:
    """The words around a quantity that still belong to it: up to ``reach`` characters either
    side of ``span`` (and on to the end of a bracket opened after it), cut at the nearest
    comma, semicolon, "and", "or" or sentence end outside brackets.

    >>> t = "SpO2 >= 92% and resting heart rate < 100 bpm"
    >>> quantity_context(t, (0, 11))
    'SpO2 >= 92% '
    """
    if span is None:
        return text
    start, end = span
    before = text[max(0, start - reach) : start]
    cuts = list(_CLAUSE_END.finditer(_masked(before)))
    if cuts:
        before = before[cuts[-1].end() :]
    after = _text_after(text, end, reach)
    cut = _CLAUSE_END.search(_masked(after, open_end=True))
    if cut:
        after = after[: cut.start()]
    return before + text[start:end] + after


def code_quantity(measure: str, unit: str | None, context: str, following: str = "") -> list[Code]:
    """LOINC codes of a quantity: its measure's (:func:`code_measure`), made more specific by a
    whole word of ``context`` (``refined_by``: QTc with "Fridericia" is the QTcF), or read from
    a name that means the measure only in its unit (``measured_as``: proteinuria in g/day).
    ``context`` is the quantity's own clause (:func:`quantity_context`), not the criterion:
    "SpO2 ≥ 92% and resting heart rate < 100" does not make the SpO2 a resting one.
    ``following`` is the text after the quantity up to the next limit: another method named
    there ("measured by 24-hour urine collection or estimated by Cockcroft-Gault") keeps the
    generic code, since the clause alone ends at the "or".

    >>> [c.code for c in code_quantity("proteinuria", "g/d", "proteinuria ≥ 1.5 g/day")]
    ['2889-4']
    >>> code_quantity("proteinuria", None, "proteinuria 2+ by dipstick")
    []
    """
    from nlp.units import same_dimension

    codings = _code_measure(measure)
    by_unit, refined, coding_of = _quantity_tables()
    row_id = first_row = _row_id(measure)
    low, after = hyphenated(context.lower()), hyphenated(following.lower())
    for _ in range(3):  # "oxygen saturation" → by pulse oximetry → resting
        kept = _kept_with().get(row_id or "", ())
        if any(_has_word(low, w) or _has_word(after, w) for w in kept):
            break  # "QTc (Fridericia or Bazett)": either correction, the generic code
        finer_rows = refined.get(row_id or "", {})
        named = {t for w, t in finer_rows.items() if _has_word(low, w)}
        if len(named) != 1 or any(
            t not in named and _has_word(after, w) for w, t in finer_rows.items()
        ):
            break  # no method named, or two ("Cockcroft-Gault or 24-hour urine"): the generic
        finer = named.pop()
        row_id = finer
        # a finer row without a code takes the code away: the age of a "caregiver" or the
        # "bone age" is not the participant's age
        codings = (coding_of[finer],) if finer in coding_of else ()
    # the unit of the row a method refined the measure to, then of the row the text names
    # when both are in the same unit: "eGFR (CKD-EPI) ≥ 30 mL/min" is no per-1.73 m² value
    if unit and (
        (by_unit_row := _refined_by_unit(row_id, unit))
        or (
            _row_unit(row_id) == _row_unit(first_row)
            and (by_unit_row := _refined_by_unit(first_row, unit))
        )
    ):
        # "FEV1 < 70% predicted" is the percent of predicted, "FEV1 > 0.8 L" the volume
        codings = (coding_of[by_unit_row],) if by_unit_row in coding_of else ()
    if not codings and unit and key(measure) in by_unit:
        row_unit, coding = by_unit[key(measure)]
        if same_dimension(unit, row_unit):
            codings = (coding,)
    if unit:
        codings = tuple(c for c in codings if fits_property(c[2], unit))
    return [Code.model_construct(system=s, code=c, display=d) for s, c, d in codings]


_PROPERTY = re.compile(r"\[(Mass/volume|Moles/volume|Units/volume)\]")
_PROPERTY_UNIT = {
    "Mass/volume": ("g/L",),
    "Moles/volume": ("mol/L",),
    "Units/volume": ("[IU]/L", "U/L"),
}
"""A LOINC property a printed unit can be checked against, and units of that property. Units
per volume are international units or units: criteria print TSH in mU/L as often as in mIU/L,
which UCUM keeps apart. Not [Enzymatic activity/volume], for the same reason (ALT in IU/L)."""


@cache
def fits_property(loinc_name: str, unit: str) -> bool:
    """Whether a unit is of the property a LOINC name states: "Creatinine [Mass/volume]"
    (2160-0) is no creatinine in µmol/L, "Hemoglobin [Mass/volume] in Blood" no haemoglobin in
    mmol/L, a creatinine "increase of 50%" is no concentration at all, and "Follitropin
    [Units/volume]" no FSH dose in IU/day. A name stating no
    such property fits any unit."""
    from nlp.units import same_dimension

    stated = _PROPERTY.search(loinc_name)
    return stated is None or any(same_dimension(unit, u) for u in _PROPERTY_UNIT[stated.group(1)])


@cache
def _condition_table() -> dict[str, tuple[_Coding, ...]]:
    table: dict[str, tuple[_Coding, ...]] = {}
    for row in condition_code_rules():
        codings: list[_Coding] = []
        if row.icd10cm:
            codings.append((ICD10CM, row.icd10cm, row.icd10cm_name))
        if row.hpo:
            codings.append((HPO, row.hpo, row.hpo_name))
        for a in row.aliases:
            k = key(a)
            if k in table and table[k] != tuple(codings):
                raise ValueError(f"condition name {a!r} already names another condition")
            table[k] = tuple(codings)
    return table


@cache
def _stop(category: str) -> frozenset[str]:
    return frozenset(vocab.stoplist(category))


def _condition(k: str) -> tuple[_Coding, ...]:
    curated = _condition_table().get(k)
    if curated is not None:
        return curated
    if k in _stop("condition"):
        return ()
    out: list[_Coding] = []
    icd = vocab.icd_index().get(k)
    if icd and icd[0]:
        out.append((ICD10CM, icd[0], icd[1]))
    hpo = vocab.hpo_index().get(k)
    if hpo and hpo[0]:
        out.append((HPO, hpo[0], hpo[1]))
    return tuple(out)


@cache
def _drug_class_table() -> dict[str, _Coding]:
    return {
        key(a): (ATC, row.atc, row.atc_name) for row in drug_class_code_rules() for a in row.aliases
    }


@cache
def _gene_names() -> frozenset[str]:
    """Keys of the genes and markers of ``biomarker_genes.json``: DrugBank has entries named
    after some ("PIK3CA"), but a criterion naming a gene tests it, it takes no drug."""
    return frozenset(
        key(name)
        for row in biomarker_rules()
        for name in (*row.symbols, *row.aliases, *row.aliases_ci)
    )


def _drug(k: str) -> tuple[_Coding, ...]:
    """A drug's DrugBank id, or a class's ATC group; the stop list keeps class words ("insulin",
    "opioids") from the one DrugBank drug of that name, not from their curated group, and a
    gene's name is never a drug (:func:`_gene_names`)."""
    group = _drug_class_table().get(k)
    if group:
        return (group,)
    if k in _stop("drug") or k in _gene_names():
        return ()
    found = vocab.drug_index().get(k)
    return ((DRUGBANK, found[1], found[0]),) if found and found[1] else ()


@lru_cache(maxsize=262144)
def _code_mention(text: str, category: str) -> tuple[_Coding, ...]:
    if category in ("measurement", "test"):
        return _code_measure(text)
    if category not in ("drug", "condition"):
        return ()
    look = _drug if category == "drug" else _condition
    k = key(text)
    candidates = [k, _QUALIFIERS.sub("", k)]
    if "(" in k or "[" in k:  # "atazanavir (ATV)": a short form in brackets changes no code
        bare = key(without_short_forms(text))
        if bare != k:
            candidates += [bare, _QUALIFIERS.sub("", bare)]
    spelled = greek_spelled(k) if len(k) > 4 else None  # "β2", "PKCα": a target, not a drug
    if spelled is not None:  # "Interferon α2a", "β-thalassemia"
        candidates += [spelled, _QUALIFIERS.sub("", spelled)]
    for candidate in candidates:
        if not candidate:
            continue
        found = look(candidate)
        if not found and category == "condition":
            plain = singular(candidate)
            found = look(plain) if plain else ()
        if found:
            return found
    return ()


def code_mention(text: str, category: str) -> list[Code]:
    """Codes of a mention of ``category`` (module docstring); [] when nothing is certain.

    >>> [c.code for c in code_mention("History of type 2 diabetes mellitus", "condition")]
    ['E11']
    >>> [c.code for c in code_mention("pembrolizumab", "drug")]
    ['DB09037']
    >>> [c.code for c in code_mention("SSRIs", "drug")]
    ['N06AB']
    """
    return [
        Code.model_construct(system=s, code=c, display=d)
        for s, c, d in _code_mention(text, category)
    ]


def load_vocabularies() -> None:
    """Read every vocabulary now (at pipeline build), not on the first mention."""
    _measure_tables()
    _quantity_tables()
    _condition_table()
    _drug_class_table()
    _gene_names()
    vocab.drug_index()
    vocab.icd_index()
    vocab.hpo_index()
