"""The Eligo encoding: the contract between the parser, rule files, audits and other tools.

Pydantic v2 models only; nothing here imports NLP code. Every model forbids unknown fields so
that a typo in a hand-written rule file is an error rather than a silently dropped value.

Offsets: every ``span`` is ``[start, end)`` in the *eligibility text* of the record (the
``Protocol.eligibility_text``), as found in the source, markdown escapes included. The ``text``
fields are what a user reads: markdown escapes (``\\<``, ``\\>``, ``\\^``, ``1\\.``) undone and
continuation lines joined by a single space.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

SCHEMA_VERSION = "1.4"
"""1.1: optional parts and exceptions carry their trigger as ``cue``. 1.2: ``remarks`` on groups
and criteria (text kept but not a criterion), ``anchor_text`` on time windows, ``condition`` on
quantities, quantity kind ``stage``. 1.3: ``codes`` on mentions and quantities, mention category
``biomarker`` with ``gene`` and a ``result`` of its own. 1.4: ``variant`` on biomarker mentions."""
SUPPORTED_SCHEMA_VERSIONS = ("1.0", "1.1", "1.2", "1.3", "1.4")

# Forms a person types by hand, read as the canonical value (what Eligo writes back). They are
# the contract's own vocabulary, not a lexicon: the symbols on a keyboard or in a protocol.
COMPARATOR_FORMS = {"≤": "<=", "⩽": "<=", "=<": "<=", "≥": ">=", "⩾": ">=", "=>": ">=", "==": "="}
LOGIC_FORMS = {"or": "any", "and": "all"}


def _canonical(forms: dict[str, str]) -> Any:
    """A before-validator mapping a hand-typed form (``≤``, ``or``) to the canonical value."""

    def read(value: Any) -> Any:
        if isinstance(value, str):
            typed = value.strip()
            return forms.get(typed.casefold(), forms.get(typed, typed))
        return value

    return BeforeValidator(read)


Comparator = Annotated[Literal["<", "<=", ">", ">=", "=", "range"], _canonical(COMPARATOR_FORMS)]
"""How a value limits a measure. ``range`` uses ``low`` and ``high`` (both inclusive).
``≤``, ``=<``, ``≥``, ``=>`` are read as ``<=`` and ``>=``."""

Assertion = Literal["present", "negated", "historical", "hypothetical"]
Logic = Annotated[Literal["all", "any"], _canonical(LOGIC_FORMS)]
"""``any`` (or), ``all`` (and); ``or`` and ``and`` are read as these."""
Relation = Literal["before", "after", "at", "during", "around"]
GroupKind = Literal["inclusion", "exclusion"]
QuantityKind = Literal["value", "count", "score", "titre", "class", "grade", "stage", "age"]
MentionCategory = Literal[
    "condition",
    "drug",
    "procedure",
    "measurement",
    "test",
    "biomarker",
    "observation",
    "device",
    "other",
]
MentionResult = Literal[
    "positive",
    "negative",
    "mutated",
    "wild_type",
    "amplified",
    "rearranged",
    "high",
    "low",
    "deficient",
    "proficient",
]
Sex = Literal["all", "female", "male"]

Span = Annotated[
    tuple[int, int],
    Field(description="[start, end) character offsets into Protocol.eligibility_text"),
]


class Model(BaseModel):
    """Base: strict about unknown keys, so hand-written encodings fail loudly on typos."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class TextSpan(Model):
    """A piece of the criterion's text, e.g. an exception or an optional part."""

    text: str
    span: Span | None = None


RemarkKind = Literal["preamble", "note", "definition", "connector", "heading"]
"""Why a line is kept as a remark: an intro sentence ("Participants must meet all of the
following:"), a note or disclaimer ("Other protocol-defined criteria may apply"), a definition
of a term the criteria use ("Substantial LVI is defined as ≥ 3 foci"), a connector line between
items ("OR"), or a heading judged not to open a list (a stray ``Exclusion Criteria:`` typed
inside an inclusion item)."""


class Remark(TextSpan):
    """Text of the eligibility section that is kept, but is not a criterion."""

    kind: RemarkKind


class Code(Model):
    """A concept in a standard vocabulary, as FHIR writes a Coding.

    ``system`` is the vocabulary's canonical URI (``http://loinc.org``,
    ``http://hl7.org/fhir/sid/icd-10-cm``, ``http://www.drugbank.ca``,
    ``http://human-phenotype-ontology.org``, ``http://www.whocc.no/atc``,
    ``http://id.nlm.nih.gov/mesh``); ``code`` its identifier there; ``display`` its name there.
    A code is given only when the text means that concept: a wrong code is worse than none.
    """

    system: str
    code: str
    display: str | None = None


class Quantity(Model):
    """One numeric limit on one measure: ``platelet count < 100,000/mm^3`` → one Quantity.

    ``kind`` separates plain values from counts ("≥ 2 prior therapies"), scores on a scale
    ("≥4/24": value 4, ``scale_max`` 24), titres ("≥ 1:80": value 80), classes and grades
    ("Class III": value 3), stages ("stage IIIB": value 3.2, a sub-stage letter A/B/C as
    tenths, so stages order as numbers) and ages. A limit relative to a reference ("≥ 3 × ULN")
    has ``value`` 3, ``relative_to`` "ULN" and no unit. ``condition`` says whom or when a limit
    is for, where the text restricts it ("QTc ≤ 470 ms (females)" → "females").
    """

    kind: QuantityKind = "value"
    measure: str | None = Field(None, description="what is measured, as written")
    comparator: Comparator
    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str | None = Field(None, description="UCUM code, e.g. mg/d, g/dL, /mm3, %, mm[Hg]")
    relative_to: str | None = Field(None, description="reference of a relative limit, e.g. ULN")
    scale_max: float | None = Field(None, description="top of the scale for scores: 4/24 → 24")
    condition: str | None = Field(
        None, description="whom or when the limit is for, as written: 'females', 'for HCC'"
    )
    codes: list[Code] = Field(
        default_factory=list, description="codes of the measure: LOINC for labs and vitals"
    )
    text: str | None = None
    span: Span | None = None
    notes: str | None = None

    @model_validator(mode="after")
    def _value_matches_comparator(self) -> Quantity:
        if self.comparator == "range":
            if self.low is None or self.high is None:
                raise ValueError("a 'range' quantity needs both low and high")
        elif self.value is None:
            raise ValueError(f"a {self.comparator!r} quantity needs a value")
        return self


class TimeWindow(Model):
    """When something must (not) have happened, relative to an anchor event.

    "within 12 weeks prior to the first dose" → comparator ``<=``, value 12, unit ``wk``,
    relation ``before``, anchor ``first_dose``. "for at least 90 days" → ``>=`` 90 ``d`` with
    no anchor (a duration). "during screening" → relation ``during``, anchor ``screening``, no
    value. Alternatives ("within 14 days or 5 half-lives, whichever is shorter") are two
    windows that share ``whichever``.
    """

    comparator: Comparator | None = None
    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str | None = Field(None, description="UCUM: min, h, d, wk, mo, a, or {half-lives}")
    relation: Relation | None = None
    anchor: str | None = Field(
        None, description="normalised event id: screening, first_dose, lymphodepletion, ..."
    )
    anchor_text: str | None = Field(
        None, description="the anchor as printed: 'Visit 1', 'the final injection'"
    )
    whichever: Literal["shorter", "longer", "earlier", "later"] | None = None
    text: str | None = None
    span: Span | None = None
    notes: str | None = None


class Mention(Model):
    """A concept named in a criterion, with its ConText assertion.

    ``result`` records a required test outcome: "Negative SARS-CoV-2 test" is a present
    mention of the test with result ``negative``, not a negated criterion. A ``biomarker``
    ("EGFR mutation", "HER2-positive", "KRAS G12C") names its ``gene`` and its ``result``
    (``positive``, ``negative``, ``mutated``, ``wild_type``, ``amplified``, ``rearranged``,
    ``high``, ``low``, ``deficient``, ``proficient``) where printed, and the ``variant`` where
    one is named ("KRAS G12C": gene KRAS, variant G12C, result mutated).
    """

    text: str
    category: MentionCategory
    span: Span | None = None
    assertion: Assertion = "present"
    cue: TextSpan | None = Field(
        None, description="the words that set the assertion: 'no', 'history of'"
    )
    result: MentionResult | None = None
    gene: str | None = Field(None, description="the gene or protein of a biomarker: EGFR, HER2")
    variant: str | None = Field(
        None, description="the variant of a biomarker's gene as printed: G12C, V600E, exon 19"
    )
    codes: list[Code] = Field(
        default_factory=list,
        description="the concept in standard vocabularies: ICD-10-CM, HPO, DrugBank, LOINC",
    )


class Part(TextSpan):
    """A part of a criterion that a trigger word sets apart: an exception or an optional part.

    "Malignancy ..., with the exception of basal cell carcinoma" → text ``basal cell
    carcinoma``, cue ``with the exception of``. The cue is the evidence a reviewer checks;
    it is None where no single trigger is printed ("Subjects with X ... are allowed").
    """

    cue: TextSpan | None = Field(
        None, description="the trigger as printed: 'except', 'other than', 'with or without'"
    )


class Criterion(Model):
    """One printed item of the eligibility list, with its nested sub-items."""

    id: str = Field(description="stable readable path: group id + printed labels, e.g. exc.8.3")
    label: str | None = Field(None, description="numbering as printed: '8', 'a', 'iii', '•'")
    text: str
    span: Span | None = None
    quantities: list[Quantity] = Field(default_factory=list)
    time_windows: list[TimeWindow] = Field(default_factory=list)
    mentions: list[Mention] = Field(default_factory=list)
    assertion: Assertion = "present"
    logic: Logic | None = Field(None, description="how the parts combine: all (and) / any (or)")
    optional: list[Part] = Field(default_factory=list, description="parts after 'with or without'")
    exceptions: list[Part] = Field(
        default_factory=list, description="parts after 'with the exception of', 'except'"
    )
    children: list[Criterion] = Field(default_factory=list)
    remarks: list[Remark] = Field(
        default_factory=list, description="lines kept with the item that are not sub-criteria"
    )
    notes: str | None = None


class Group(Model):
    """A list of criteria under one heading (or one restarted numbering)."""

    id: str = Field(description="'inc', 'exc', then 'inc2', 'inc3' ... for further lists")
    kind: GroupKind
    label: str | None = Field(None, description="heading as printed, or null when none")
    cohort: str | None = Field(None, description="cohort inferred from the content, if honest")
    span: Span | None = None
    criteria: list[Criterion] = Field(default_factory=list)
    remarks: list[Remark] = Field(
        default_factory=list,
        description="intro sentences, notes, connectors and doubtful headings: kept, not criteria",
    )
    notes: str | None = None


AGE_UNITS = {
    "a": "a", "y": "a", "yr": "a", "yrs": "a", "year": "a", "years": "a",
    "mo": "mo", "month": "mo", "months": "mo",
    "wk": "wk", "week": "wk", "weeks": "wk",
    "d": "d", "day": "d", "days": "d",
    "h": "h", "hour": "h", "hours": "h",
}  # fmt: skip
"""Age units as typed → UCUM. The ages of a record are only ever in these units."""
_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$")


class AgeLimit(Model):
    """An age limit. By hand, ``min_age: 18`` and ``min_age: 40 years`` are accepted too."""

    value: float
    unit: str = Field("a", description="UCUM: a (years), mo, wk, d, h")
    text: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _typed_by_hand(cls, data: Any) -> Any:
        if isinstance(data, bool):
            return data  # not an age: let validation say so
        if isinstance(data, int | float):
            return {"value": data}
        if isinstance(data, str):
            m = _AGE.match(data)
            unit = AGE_UNITS.get(m.group(2).casefold() or "a") if m else None
            if m is None or unit is None:
                raise ValueError(f"{data!r} is not an age: write e.g. '18 years' or '6 months'")
            return {"value": float(m.group(1)), "unit": unit, "text": data.strip()}
        return data


class Demographics(Model):
    min_age: AgeLimit | None = None
    max_age: AgeLimit | None = None
    sex: Sex | None = None
    healthy_volunteers: bool | None = None
    notes: str | None = None


class ParseWarning(Model):
    """Something a careful reader would flag; ``code`` is stable (see docs/warnings.md)."""

    code: str
    message: str
    span: Span | None = None
    criterion_id: str | None = None


class Protocol(Model):
    """The encoding of one trial's eligibility criteria: the content of a rule file."""

    schema_version: str = SCHEMA_VERSION
    trial_id: str | None = Field(None, description="registry id, e.g. NCT06557265")
    org_study_id: str | None = None
    title: str | None = None
    source_format: str | None = Field(None, description="page | ctgov_json | ctgov_xml | text")
    demographics: Demographics = Field(default_factory=Demographics)
    groups: list[Group] = Field(default_factory=list)
    warnings: list[ParseWarning] = Field(default_factory=list)
    eligibility_text: str | None = Field(
        None, description="the eligibility text that every span points into"
    )
    notes: str | None = None

    @model_validator(mode="after")
    def _known_schema_version(self) -> Protocol:
        if self.schema_version not in SUPPORTED_SCHEMA_VERSIONS:
            raise ValueError(
                f"schema_version {self.schema_version!r} is not one this Eligo reads "
                f"({', '.join(SUPPORTED_SCHEMA_VERSIONS)})"
            )
        return self

    def iter_criteria(self) -> list[tuple[Group, Criterion, int]]:
        """All criteria depth-first with their group and depth (0 = top level)."""
        out: list[tuple[Group, Criterion, int]] = []

        def walk(group: Group, items: list[Criterion], depth: int) -> None:
            for item in items:
                out.append((group, item, depth))
                walk(group, item.children, depth + 1)

        for group in self.groups:
            walk(group, group.criteria, 0)
        return out
