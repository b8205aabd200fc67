"""The data files of the concepts package, validated by pydantic rule models.

- ``nlp/rules/measure_codes.json``: one row per lab or vital measure the parser limits
  (id, aliases matched case-insensitively, abbreviations matched as written, LOINC code with
  the LOINC long common name it was checked against and where, default UCUM unit, plausible
  bounds in that unit). A row may carry no LOINC code: the measure is known, but no code was
  verified for it, and a wrong code is worse than none.
- ``nlp/rules/condition_codes.json``: hand-curated condition names (aliases) with the
  ICD-10-CM code and/or HPO term they mean, each with the name it has in that vocabulary.
- ``nlp/rules/biomarker_genes.json``: genes, proteins and tumour signatures that criteria
  test for, with their HGNC symbols and the names criteria use.

Every model forbids unknown keys, so a typo in a data file fails the load, not silently.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

LOINC_RE = re.compile(r"^[1-9][0-9]{0,5}-[0-9]$")
ICD10CM_RE = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
HPO_RE = re.compile(r"^HP:[0-9]{7}$")
Result = Literal[
    "positive", "negative", "mutated", "wild_type", "amplified", "rearranged",
    "high", "low", "deficient", "proficient",
]  # fmt: skip
"""The values of ``models.Mention.result`` a biomarker can take."""


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


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MeasureRow(_Rule):
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

    @model_validator(mode="after")
    def _consistent(self) -> MeasureRow:
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


class ConditionRow(_Rule):
    """Names of one condition and the codes they mean (at least one vocabulary)."""

    aliases: list[str] = Field(min_length=1)
    icd10cm: str | None = None
    icd10cm_name: str | None = None
    hpo: str | None = None
    hpo_name: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ConditionRow:
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


class GeneRow(_Rule):
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
    implied: dict[str, Result] = Field(
        default_factory=dict, description="aliases that carry their result: dMMR → deficient"
    )

    @model_validator(mode="after")
    def _named(self) -> GeneRow:
        if not self.aliases and not self.aliases_ci:
            raise ValueError(f"{self.marker}: no alias")
        unknown = set(self.implied) - set(self.aliases) - set(self.aliases_ci)
        if unknown:
            raise ValueError(f"{self.marker}: implied results for unknown aliases {unknown}")
        return self


def _read(name: str) -> list[dict]:
    text = resources.files("nlp").joinpath("rules", name).read_text(encoding="utf-8")
    return json.loads(text)


@cache
def measure_rows() -> tuple[MeasureRow, ...]:
    rows = tuple(MeasureRow.model_validate(r) for r in _read("measure_codes.json"))
    _unique([r.id for r in rows], "measure id")
    return rows


@cache
def condition_rows() -> tuple[ConditionRow, ...]:
    return tuple(ConditionRow.model_validate(r) for r in _read("condition_codes.json"))


@cache
def gene_rows() -> tuple[GeneRow, ...]:
    rows = tuple(GeneRow.model_validate(r) for r in _read("biomarker_genes.json"))
    _unique([r.marker for r in rows], "biomarker marker")
    return rows


def _unique(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for v in values:
        if v in seen:
            raise ValueError(f"duplicate {what} {v!r}")
        seen.add(v)
