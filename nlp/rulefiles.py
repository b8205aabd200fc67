"""Every rule file under ``nlp/rules/``: its pydantic schema and its loader, in one place.

A rule file is read once per process and validated on load, so a typo in a rule is a clear
error naming the file and the field at start-up, never a rule that quietly does nothing. Code
derives what it needs from these models; nothing restates a rule file's contents.
"""

from __future__ import annotations

import csv
import importlib.resources
import json
import re
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from models.encoding import MentionCategory, MentionResult
from nlp.errors import E_RULE_FILE, EligoError

MENTION_CATEGORIES: tuple[str, ...] = get_args(MentionCategory)


class RuleFileError(EligoError):
    """A rule file that is missing, malformed or breaks its schema; names the file."""

    code = E_RULE_FILE


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def rule_text(name: str) -> str:
    """The text of a packaged rule file (``nlp/rules/<name>``)."""
    return (importlib.resources.files("nlp") / "rules" / name).read_text(encoding="utf-8")


def _read_json(name: str, path: str | Path | None = None) -> Any:
    where = str(path) if path is not None else f"nlp/rules/{name}"
    try:
        text = Path(path).read_text(encoding="utf-8") if path is not None else rule_text(name)
        return json.loads(text)
    except (OSError, ValueError) as exc:
        raise RuleFileError(f"{where}: cannot read rule file: {exc}") from None


def _validate(model: type[BaseModel], data: Any, where: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise RuleFileError(
            f"{where}: {field}: {first['msg']} ({exc.error_count()} error(s))"
        ) from None


# --- context_rules.json ----------------------------------------------------------------------


class ContextRuleSpec(_Strict):
    """One ConText rule as written in ``context_rules.json`` (medspaCy's keys, validated)."""

    literal: str
    category: Literal[
        "NEGATED_EXISTENCE", "POSSIBLE_EXISTENCE", "HISTORICAL", "HYPOTHETICAL", "FAMILY",
        "TERMINATE", "PSEUDO", "CURRENT", "REASON",
    ]  # fmt: skip
    direction: Literal["FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO"]
    pattern: list[dict[str, Any]] | str | None = None
    max_scope: int | None = Field(None, gt=0)
    max_targets: int | None = Field(None, gt=0)
    allowed_types: list[str] | None = None
    excluded_types: list[str] | None = None
    metadata: dict[str, Any] | None = None


class ContextRuleFile(_Strict):
    """``context_rules.json``: changes to medspaCy's default English ConText rules."""

    description: str = ""
    remove_default: list[str] = Field(default_factory=list)
    context_rules: list[ContextRuleSpec]
    terminated_by: dict[str, list[str]] = Field(default_factory=dict)


def load_context_rules(path: str | Path | None = None) -> ContextRuleFile:
    """Read and validate ``rules/context_rules.json`` (or a file of the same shape)."""
    where = str(path) if path is not None else "nlp/rules/context_rules.json"
    return _validate(ContextRuleFile, _read_json("context_rules.json", path), where)


# --- mentions.csv ----------------------------------------------------------------------------


class LexiconRow(_Strict):
    """One concept of ``mentions.csv`` (built by ``scripts/build_lexicon.py``)."""

    literal: str = Field(min_length=1)
    category: MentionCategory
    source: str = ""
    docs: str = ""
    pattern: str = ""  # optional JSON token pattern; empty → phrase match on the literal


def load_lexicon(path: str | Path | None = None) -> list[LexiconRow]:
    """Read and validate ``rules/mentions.csv`` (or a CSV with the same columns)."""
    where = str(path) if path is not None else "nlp/rules/mentions.csv"
    try:
        text = (
            Path(path).read_text(encoding="utf-8")
            if path is not None
            else rule_text("mentions.csv")
        )
    except OSError as exc:
        raise RuleFileError(f"{where}: cannot read rule file: {exc}") from None
    rows = []
    for line, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        rows.append(_validate(LexiconRow, row, f"{where}:{line}"))
    return rows


@cache
def packaged_lexicon() -> tuple[LexiconRow, ...]:
    return tuple(load_lexicon())


# --- small shared shapes -----------------------------------------------------------------------

Comparator = Literal["<", "<=", ">", ">=", "="]


class _Doc(_Strict):
    """A rule file with a ``_doc`` string saying what it holds."""

    doc: str = Field("", alias="_doc")


# --- numbers.json ----------------------------------------------------------------------------

NumberGroup = Literal[
    "cardinal", "zero", "none", "multiplicative", "single", "article", "half", "fraction"
]  # fmt: skip


class NumberWord(_Strict):
    word: str = Field(min_length=1)
    value: float
    group: NumberGroup


class RomanNumeral(_Strict):
    numeral: str = Field(min_length=1)
    value: int = Field(gt=0)


class NumberRules(_Doc):
    """``numbers.json``: number words by group and Roman numerals, for every reader."""

    words: list[NumberWord]
    roman_numerals: list[RomanNumeral]

    def words_in(self, *groups: NumberGroup) -> dict[str, float]:
        """Word → value for the words of ``groups``, in file order."""
        return {w.word: w.value for w in self.words if w.group in groups}

    def roman(self) -> dict[str, int]:
        return {r.numeral: r.value for r in self.roman_numerals}


@cache
def number_rules() -> NumberRules:
    return _validate(NumberRules, _read_json("numbers.json"), "nlp/rules/numbers.json")


# --- comparators.json ------------------------------------------------------------------------


class ComparatorForms(_Strict):
    comparator: Comparator
    forms: list[str]
    quantity_forms: list[str] = Field(default_factory=list)
    time_forms: list[str] = Field(default_factory=list)


class ComparatorRules(_Doc):
    """``comparators.json``: comparator words before and after a value, quantities and time."""

    before: list[ComparatorForms]
    after: list[ComparatorForms]

    def table(self, position: Literal["before", "after"], reader: Literal["quantity", "time"]):
        """(written form, comparator) pairs one reader uses at one position, in file order."""
        rows = self.before if position == "before" else self.after
        extra = "quantity_forms" if reader == "quantity" else "time_forms"
        return [(f, row.comparator) for row in rows for f in (*row.forms, *getattr(row, extra))]


@cache
def comparator_rules() -> ComparatorRules:
    return _validate(ComparatorRules, _read_json("comparators.json"), "nlp/rules/comparators.json")


# --- logic.json ------------------------------------------------------------------------------


class ExceptionTrigger(_Strict):
    phrase: str = Field(min_length=1)
    ends_context_scope: bool = False


class OptionalTrigger(_Strict):
    phrase: str = Field(min_length=1)
    context_pseudo: bool = False


class LogicRules(_Doc):
    """``logic.json``: the words that say how a criterion's parts combine (:mod:`nlp.logic`)."""

    exception_triggers: list[ExceptionTrigger]
    optional_triggers: list[OptionalTrigger]
    or_words: list[str]
    and_words: list[str]
    comparative_after_or: list[str]
    scope_openers: list[str]
    allowance_subjects: list[str]
    allowance_verbs: list[str]
    allowance_words: list[str]
    allowance_between: list[str]
    """Words between the verb and the allowance word: "may be considered eligible"."""
    excepted_item_end: list[str]
    """Words that end the item an exception names, where its clause goes on ("other than GTG
    to translate ..."), as a comma or semicolon does (nlp/assertion.py)."""
    optional_stop: list[str]

    def context_rules(self) -> list[ContextRuleSpec]:
        """The ConText rules these triggers imply: TERMINATE for exceptions that end a cue's
        scope, PSEUDO for optional triggers ("with or without" negates nothing)."""
        terminate = [
            ContextRuleSpec(literal=t.phrase, category="TERMINATE", direction="TERMINATE")
            for t in self.exception_triggers
            if t.ends_context_scope
        ]
        pseudo = [
            ContextRuleSpec(literal=t.phrase, category="PSEUDO", direction="PSEUDO")
            for t in self.optional_triggers
            if t.context_pseudo
        ]
        return pseudo + terminate


@cache
def logic_rules() -> LogicRules:
    return _validate(LogicRules, _read_json("logic.json"), "nlp/rules/logic.json")


# --- temporal.json and anchors.json ----------------------------------------------------------


class TimeUnit(_Strict):
    ucum: Literal["min", "h", "d", "wk", "mo", "a", "{half-lives}"]
    forms: list[str]


class RelationForms(_Strict):
    relation: Literal["before", "after", "of", "at", "during"]
    forms: list[str]


class ImpliedAnchorRules(_Doc):
    heads: list[str]
    not_modifiers: list[str]
    negations: list[str]
    ended: list[str]
    fillers: list[str]


class TemporalRules(_Doc):
    """``temporal.json``: the cue words of time windows (:mod:`nlp.temporal`)."""

    units: list[TimeUnit]
    duration_cues: list[str]
    lookback: list[str]
    lookahead: list[str]
    first: list[str]
    relations: list[RelationForms]
    bare_relations: list[RelationForms]
    anchor_fillers: list[str]
    age_after: list[str]
    age_before: list[str]
    whichever: dict[str, Literal["shorter", "longer", "earlier", "later"]]
    measure_nouns: list[str]
    unit_adjectives: list[str]
    implied_anchor: ImpliedAnchorRules


@cache
def temporal_rules() -> TemporalRules:
    return _validate(TemporalRules, _read_json("temporal.json"), "nlp/rules/temporal.json")


class AnchorEvent(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str
    study_event: bool = Field(
        False, description="an event of the study itself, dated when eligibility is judged"
    )
    forms: list[str]
    abbreviations: list[str] = Field(default_factory=list)


class AnchorRules(_Doc):
    """``anchors.json``: the anchor events of time windows and their written forms."""

    anchors: list[AnchorEvent]


@cache
def anchor_rules() -> AnchorRules:
    return _validate(AnchorRules, _read_json("anchors.json"), "nlp/rules/anchors.json")


# --- units.json ------------------------------------------------------------------------------


class UnitRow(_Strict):
    ucum: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)


@cache
def unit_rules() -> tuple[UnitRow, ...]:
    """``units.json``: UCUM codes and their written forms (:mod:`nlp.units`)."""
    data = _read_json("units.json")
    if not isinstance(data, list):
        raise RuleFileError("nlp/rules/units.json: expected a list of units")
    return tuple(
        _validate(UnitRow, row, f"nlp/rules/units.json: unit {i}") for i, row in enumerate(data)
    )


# --- quantity_measures.json ------------------------------------------------------------------


class MeasureRow(_Strict):
    id: str
    aliases: list[str]
    kind: Literal["score", "class", "grade", "stage", "age", "value"]
    low: float | None = None
    high: float | None = None
    unit: str | None = None
    letters: bool = False


@cache
def measure_rules() -> tuple[MeasureRow, ...]:
    """``quantity_measures.json``: named scales and measures (ECOG, NYHA class, age...)."""
    data = _read_json("quantity_measures.json")
    if not isinstance(data, list):
        raise RuleFileError("nlp/rules/quantity_measures.json: expected a list of measures")
    return tuple(
        _validate(MeasureRow, row, f"nlp/rules/quantity_measures.json: measure {i}")
        for i, row in enumerate(data)
    )


# --- mention_edges.json ----------------------------------------------------------------------


class MentionEdges(_Doc):
    """Tokens, as written, that a model mention never ends or begins with."""

    not_last: list[Annotated[str, Field(min_length=1)]] = Field(min_length=1)
    not_first: list[Annotated[str, Field(min_length=1)]] = Field(min_length=1)


@cache
def mention_edges() -> MentionEdges:
    """``mention_edges.json``: tokens a model mention never begins or ends with."""
    rules: MentionEdges = _validate(
        MentionEdges, _read_json("mention_edges.json"), "nlp/rules/mention_edges.json"
    )
    return rules


# --- measure_methods.json --------------------------------------------------------------------


class MeasureMethodRules(_Doc):
    methods: list[Annotated[str, Field(min_length=2)]] = Field(min_length=1)
    method_words: list[Annotated[str, Field(min_length=1)]]


@cache
def measure_method_rules() -> MeasureMethodRules:
    """``measure_methods.json``: methods printed in brackets between a measure and its limit."""
    rules: MeasureMethodRules = _validate(
        MeasureMethodRules, _read_json("measure_methods.json"), "nlp/rules/measure_methods.json"
    )
    return rules


# --- headings.json ---------------------------------------------------------------------------


class HeadingRule(_Strict):
    """One pattern of ``headings.json``, with the examples it must match (tested)."""

    kind: Literal["inclusion", "exclusion"] | None = None
    pattern: str
    examples: list[str] = Field(default_factory=list)

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None
        return pattern


class HeadingRules(_Strict):
    """``headings.json``: section headings, intro sentences, sub-headings, remarks."""

    about: str = ""
    kind_headings: list[HeadingRule]
    intro_sentences: list[HeadingRule]
    subheadings: list[HeadingRule]
    cohort_nouns: list[str]
    mixed_headings: list[HeadingRule]
    block_headings: list[HeadingRule]
    preamble_words: list[str]
    preamble_words_exclusion: list[str]
    preamble_markers: list[str]
    notes: list[HeadingRule]
    connectors: list[HeadingRule]
    definitions: list[HeadingRule]


@cache
def heading_rules() -> HeadingRules:
    return _validate(HeadingRules, _read_json("headings.json"), "nlp/rules/headings.json")


# --- concept codes: measure_codes, condition_codes, drug_class_codes, biomarker_genes.json -

LOINC_RE = re.compile(r"^[1-9][0-9]{0,5}-[0-9]$")
ICD10CM_RE = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
HPO_RE = re.compile(r"^HP:[0-9]{7}$")
ATC_RE = re.compile(r"^[ABCDGHJLMNPRSV]([0-9]{2}([A-Z]([A-Z]([0-9]{2})?)?)?)?$")
"""A WHO ATC code of any level; the first letter is one of the 14 anatomical main groups."""


def loinc_check_digit(number: str) -> int:
    """The LOINC mod-10 check digit of the part before the hyphen.

    >>> loinc_check_digit("777"), loinc_check_digit("2160")
    (3, 0)
    """
    digits = [int(c) for c in reversed(number)]
    total = 0
    for i, d in enumerate(digits):
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return (10 - total % 10) % 10


class MeasureCodeRow(_Strict):
    """A lab or vital measure: how criteria name it and which LOINC term it is."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    aliases: list[str] = Field(min_length=1)
    abbreviations: list[str] = Field(default_factory=list)
    loinc: str | None = None
    loinc_name: str | None = Field(None, description="LOINC long common name, as verified")
    verified_at: str | None = Field(None, description="where the code and its name were checked")
    unit: str | None = Field(None, description="default UCUM unit of the bounds")
    low: float | None = None
    high: float | None = None
    measured_as: list[str] = Field(
        default_factory=list,
        description="names that mean this measure only with a unit of the kind of ``unit``: "
        "'proteinuria' in g/day is a 24-hour urine protein, 'proteinuria 2+' is not",
    )
    refined_by: dict[str, str] = Field(
        default_factory=dict,
        description="a word of the criterion → the id of a more specific measure it names: "
        "QTc with 'Fridericia' is the QTcF",
    )
    kept_with: list[str] = Field(
        default_factory=list,
        description="words that keep the measure as it is even where a ``refined_by`` word is "
        "printed: QTc 'by Fridericia or Bazett' may be either correction",
    )
    refined_by_unit: dict[str, str] = Field(
        default_factory=dict,
        description="the UCUM unit of a limit → the id of the more specific measure it names: "
        "FEV1 in L is the volume, FEV1 in % the percent of predicted",
    )

    @model_validator(mode="after")
    def _consistent(self) -> MeasureCodeRow:
        if self.measured_as and self.unit is None:
            raise ValueError(f"{self.id}: measured_as needs the row's unit")
        if self.loinc is not None:
            if not LOINC_RE.match(self.loinc):
                raise ValueError(f"{self.id}: {self.loinc!r} is not a LOINC code")
            number, check = self.loinc.split("-")
            if loinc_check_digit(number) != int(check):
                raise ValueError(f"{self.id}: {self.loinc} fails the LOINC check digit")
            if not self.loinc_name or not self.verified_at:
                raise ValueError(f"{self.id}: a LOINC code needs its verified name and source")
        elif self.loinc_name or self.verified_at:
            raise ValueError(f"{self.id}: a LOINC name without a code")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"{self.id}: low {self.low} > high {self.high}")
        return self


class ConditionCodeRow(_Strict):
    """Names of one condition and the codes they mean (at least one vocabulary)."""

    aliases: list[str] = Field(min_length=1)
    icd10cm: str | None = None
    icd10cm_name: str | None = None
    hpo: str | None = None
    hpo_name: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ConditionCodeRow:
        if self.icd10cm is None and self.hpo is None:
            raise ValueError(f"{self.aliases[0]}: no code")
        if (self.icd10cm is None) != (self.icd10cm_name is None):
            raise ValueError(f"{self.aliases[0]}: ICD-10-CM code and name go together")
        if (self.hpo is None) != (self.hpo_name is None):
            raise ValueError(f"{self.aliases[0]}: HPO id and name go together")
        if self.icd10cm is not None and not ICD10CM_RE.match(self.icd10cm):
            raise ValueError(f"{self.aliases[0]}: {self.icd10cm!r} is not an ICD-10-CM code")
        if self.hpo is not None and not HPO_RE.match(self.hpo):
            raise ValueError(f"{self.aliases[0]}: {self.hpo!r} is not an HPO id")
        return self


class BiomarkerRow(_Strict):
    """A biomarker criteria test for: a gene or protein, or a signature (MSI, TMB, MMR).

    ``symbols`` are HGNC symbols (empty for a signature; several for a family or a pair
    such as BRCA1/2). ``aliases`` are matched as written (case-sensitive: "EGFR" is the gene,
    "eGFR" the filtration rate); ``aliases_ci`` case-insensitively (spelled-out names).
    ``implied``: aliases that carry their result ("dMMR", "MSI-H"). ``needs_result``: the name
    alone is too ambiguous to be a biomarker ("ER" is also the emergency room, "PR" a partial
    response), so it counts only with a result or variant.
    """

    marker: str
    kind: Literal["gene", "protein", "signature"] = "gene"
    symbols: list[Annotated[str, Field(pattern=r"^[A-Z0-9][A-Z0-9-]*$")]] = Field(
        default_factory=list
    )
    aliases: list[str] = Field(default_factory=list)
    aliases_ci: list[str] = Field(default_factory=list)
    needs_result: bool = False
    implied: dict[str, MentionResult] = Field(
        default_factory=dict, description="aliases that carry their result: dMMR → deficient"
    )

    @model_validator(mode="after")
    def _named(self) -> BiomarkerRow:
        if not self.aliases and not self.aliases_ci:
            raise ValueError(f"{self.marker}: no alias")
        unknown = set(self.implied) - set(self.aliases) - set(self.aliases_ci)
        if unknown:
            raise ValueError(f"{self.marker}: implied results for unknown aliases {unknown}")
        return self


def _rows(model: Any, name: str) -> tuple[Any, ...]:
    data = _read_json(name)
    if not isinstance(data, list):
        raise RuleFileError(f"nlp/rules/{name}: expected a list")
    return tuple(_validate(model, row, f"nlp/rules/{name}: row {i}") for i, row in enumerate(data))


def _unique(values: list[str], what: str, name: str) -> None:
    seen: set[str] = set()
    for v in values:
        if v in seen:
            raise RuleFileError(f"nlp/rules/{name}: duplicate {what} {v!r}")
        seen.add(v)


@cache
def measure_code_rules() -> tuple[MeasureCodeRow, ...]:
    """``measure_codes.json``: lab and vital measures and their verified LOINC codes."""
    rows = _rows(MeasureCodeRow, "measure_codes.json")
    _unique([r.id for r in rows], "measure id", "measure_codes.json")
    ids = {r.id for r in rows}
    for r in rows:
        for field, table in (("refined_by", r.refined_by), ("refined_by_unit", r.refined_by_unit)):
            for word, target in table.items():
                if target not in ids:
                    raise RuleFileError(
                        f"nlp/rules/measure_codes.json: {r.id}: {field} {word!r} names no "
                        f"measure {target!r}"
                    )
    return rows


class DrugClassCodeRow(_Strict):
    """Names of one drug class and its WHO ATC group (a class has no DrugBank id)."""

    aliases: list[str] = Field(min_length=1)
    atc: str
    atc_name: str = Field(min_length=1, description="the group's name as WHO's ATC index writes it")

    @model_validator(mode="after")
    def _atc_code(self) -> DrugClassCodeRow:
        if not ATC_RE.match(self.atc):
            raise ValueError(f"{self.aliases[0]}: {self.atc!r} is not an ATC code")
        return self


@cache
def drug_class_code_rules() -> tuple[DrugClassCodeRow, ...]:
    """``drug_class_codes.json``: hand-curated drug-class names and their ATC groups."""
    from nlp.concepts.normalize import key

    name = "drug_class_codes.json"
    rows = _rows(DrugClassCodeRow, name)
    _unique([key(a) for r in rows for a in r.aliases], "alias (once normalised)", name)
    return rows


@cache
def condition_code_rules() -> tuple[ConditionCodeRow, ...]:
    """``condition_codes.json``: hand-curated condition names and their ICD-10-CM/HPO codes."""
    return _rows(ConditionCodeRow, "condition_codes.json")


@cache
def biomarker_rules() -> tuple[BiomarkerRow, ...]:
    """``biomarker_genes.json``: genes, proteins and signatures criteria test for."""
    rows = _rows(BiomarkerRow, "biomarker_genes.json")
    _unique([r.marker for r in rows], "biomarker marker", "biomarker_genes.json")
    return rows


class ConceptStoplist(BaseModel):
    """``concept_stoplist.json``: words a vocabulary codes but criteria use generically."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    comment: str = Field("", alias="_comment")
    drug: list[str] = Field(default_factory=list)
    condition: list[str] = Field(default_factory=list)
    measurement: list[str] = Field(default_factory=list)


@cache
def concept_stoplist() -> ConceptStoplist:
    name = "concept_stoplist.json"
    return _validate(ConceptStoplist, _read_json(name), f"nlp/rules/{name}")


# --- drug_classes.json ------------------------------------------------------------------------


class DrugHead(_Strict):
    word: str = Field(min_length=2, pattern=r"^[a-z]+$")
    alone: bool
    """Whether the head is a drug without a modifier ("inhibitors") or only with one
    ("study drug": "drug" alone is mostly "drug abuse")."""


class AntibodyTargets(_Doc):
    """Clotting factors whose "inhibitors" are the patient's antibodies, not drugs."""

    heads: list[str] = Field(min_length=1)
    targets: list[str] = Field(min_length=1)


class DrugClassRules(_Doc):
    """``drug_classes.json``: head nouns, class names and modifier stops of drug classes
    (:mod:`nlp.concepts.drug_classes`), and the antibodies a head can name."""

    heads: list[DrugHead] = Field(min_length=1)
    names: list[str] = Field(min_length=1)
    not_modifiers: list[str]
    antibody_targets: AntibodyTargets

    @model_validator(mode="after")
    def _unique(self) -> DrugClassRules:
        for what, values in (
            ("head", [h.word for h in self.heads]),
            ("name", self.names),
            ("not_modifier", self.not_modifiers),
        ):
            seen: set[str] = set()
            for v in values:
                if v in seen:
                    raise ValueError(f"duplicate {what} {v!r}")
                seen.add(v)
        return self


@cache
def drug_class_rules() -> DrugClassRules:
    name = "drug_classes.json"
    return _validate(DrugClassRules, _read_json(name), f"nlp/rules/{name}")


# --- interop.json ------------------------------------------------------------------------------


class InteropRules(_Doc):
    """``interop.json``: words the interoperable exports read (:mod:`nlp.export.interop`)."""

    not_exposure_cues: list[str] = Field(min_length=1)


@cache
def interop_rules() -> InteropRules:
    return _validate(InteropRules, _read_json("interop.json"), "nlp/rules/interop.json")


# --- every rule file ---------------------------------------------------------------------------

_SCHEMAS: dict[str, Any] = {
    "anchors.json": AnchorRules,
    "biomarker_genes.json": list[BiomarkerRow],
    "concept_stoplist.json": ConceptStoplist,
    "condition_codes.json": list[ConditionCodeRow],
    "drug_class_codes.json": list[DrugClassCodeRow],
    "drug_classes.json": DrugClassRules,
    "measure_codes.json": list[MeasureCodeRow],
    "measure_methods.json": MeasureMethodRules,
    "mention_edges.json": MentionEdges,
    "comparators.json": ComparatorRules,
    "context_rules.json": ContextRuleFile,
    "headings.json": HeadingRules,
    "interop.json": InteropRules,
    "logic.json": LogicRules,
    "numbers.json": NumberRules,
    "temporal.json": TemporalRules,
    "quantity_measures.json": list[MeasureRow],
    "units.json": list[UnitRow],
}
RULE_FILES = (*sorted(_SCHEMAS), "mentions.csv")
"""Every file under ``nlp/rules/``; each has a schema here."""


def validate_rule_file(path: str | Path) -> None:
    """Check an edited copy of a rule file against the schema its name selects.

    Raises :class:`RuleFileError` naming the file (and line, for ``mentions.csv``) and the
    first field that breaks the schema.
    """
    name = Path(path).name
    if name == "mentions.csv":
        load_lexicon(path)
        return
    if name not in _SCHEMAS:
        raise RuleFileError(f"{path}: not a rule file name (one of {', '.join(RULE_FILES)})")
    schema = _SCHEMAS[name]
    data = _read_json(name, path)
    if isinstance(schema, type):
        _validate(schema, data, str(path))
    else:
        from pydantic import TypeAdapter

        try:
            TypeAdapter(schema).validate_python(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"])
            raise RuleFileError(f"{path}: {field}: {first['msg']}") from None
