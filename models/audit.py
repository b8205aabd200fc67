"""The result of comparing two encodings of one trial: scores per field family and every diff.

An :class:`AuditReport` is what ``eligo audit --reference A --candidate B`` prints (as a table,
or as JSON with ``model_dump_json``). The *reference* is what is trusted: the record's text (as
the parser reads it), or a gold or reviewed encoding; the *candidate* is what is checked (a
hand-written rule file, or the parser's output). In JSON the reference's values are
``expected`` and the candidate's ``actual``.

Counting: a *fact* is one checkable statement (a criterion's place in the tree, one quantity,
one time window, ...). A fact stated the same way on both sides is a true positive; a fact
only on the expected side is a false negative (``missing``); only on the actual side a false
positive (``extra``); stated differently on the two sides, it is both (``differs``), and each
differing field is listed as its own :class:`Disagreement`. A reference fact the candidate's
file does not state at all (a field or list it leaves out) is ``not_stated``: listed apart and
not counted, unless the audit is strict. Families are defined in
``nlp/audit/__init__.py`` and docs/audit.md.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from models.encoding import ParseWarning, Span

FamilyName = Literal[
    "structure", "quantities", "time_windows", "assertions", "logic", "demographics", "concepts"
]
FAMILIES: tuple[FamilyName, ...] = (
    "structure",
    "quantities",
    "time_windows",
    "assertions",
    "logic",
    "demographics",
    "concepts",
)
DisagreementKind = Literal["missing", "extra", "differs", "not_stated"]
ReferenceKind = Literal["encoding", "parsed"]
"""What the reference is: an encoding (gold, reviewed, trusted), or a record read by the
parser, whose reading is then the reference (and may be the one in error)."""
AlignMethod = Literal["id", "text", "span", "similar", "id_only"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FamilyScore(_Model):
    """Counts and scores of one family: precision TP / (TP + FP), recall TP / (TP + FN), F1
    2·TP / (2·TP + FP + FN); a score is null when it is undefined (0 / 0). The audit computes
    them with ``nlp.scoring.family_score``."""

    family: FamilyName | Literal["overall"]
    tp: int = 0
    fp: int = 0
    fn: int = 0
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None


class Disagreement(_Model):
    """One field that differs, or one fact present on one side only.

    ``criterion_id`` is the reference's id (null for an ``extra`` criterion, or for
    demographics); ``actual_id`` the aligned id in the candidate. ``expected`` is the
    reference's value, ``actual`` the candidate's. ``reference`` says whether the reference
    value is the parser's reading of the text (``parsed``: the parser records no confidence,
    so none is given) or an encoding's. ``item`` names the part of
    the criterion concerned (``quantity 'QTc > 480 ms'``); ``span`` and ``text`` are the
    evidence a reviewer checks the values against (from the expected side when it has one).
    """

    family: FamilyName
    kind: DisagreementKind
    criterion_id: str | None = None
    actual_id: str | None = None
    field: str
    expected: Any = None
    actual: Any = None
    item: str | None = None
    span: Span | None = None
    text: str | None = None
    reference: ReferenceKind = "encoding"


class AlignedPair(_Model):
    """How an expected criterion was paired with an actual one."""

    expected_id: str
    actual_id: str
    method: AlignMethod


class AuditReport(_Model):
    """Scores per family (in :data:`FAMILIES` order), their micro-average, and every diff."""

    expected_source: str | None = Field(None, description="the reference's file")
    actual_source: str | None = Field(None, description="the candidate's file")
    reference_kind: ReferenceKind = "encoding"
    strict: bool = Field(False, description="not-stated facts counted as errors")
    trial_id: str | None = None
    families: list[FamilyScore] = Field(default_factory=list)
    overall: FamilyScore | None = None
    disagreements: list[Disagreement] = Field(
        default_factory=list, description="every disagreement, not_stated ones included"
    )
    alignment: list[AlignedPair] = Field(default_factory=list)
    warnings: list[ParseWarning] = Field(
        default_factory=list, description="W3xx: trials differ, invented criteria"
    )

    def errors(self) -> list[Disagreement]:
        """The disagreements that are claims (missing, extra, differs): not the silences."""
        return [d for d in self.disagreements if d.kind != "not_stated"]

    def not_stated(self) -> list[Disagreement]:
        return [d for d in self.disagreements if d.kind == "not_stated"]

    def family(self, name: FamilyName) -> FamilyScore:
        for score in self.families:
            if score.family == name:
                return score
        raise KeyError(name)

    def below(self, min_f1: float) -> list[FamilyScore]:
        """Families whose F1 is defined and below ``min_f1``."""
        return [s for s in self.families if s.f1 is not None and s.f1 < min_f1]


class CheckReport(_Model):
    """``eligo check``: one audit per gold trial, and the scores summed over all of them."""

    gold_dir: str
    trials: list[AuditReport] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list, description="trial folders not audited, why")
    families: list[FamilyScore] = Field(default_factory=list)
    overall: FamilyScore | None = None

    def below(self, min_f1: float) -> list[FamilyScore]:
        """Families (summed over trials) whose F1 is defined and below ``min_f1``."""
        return [s for s in self.families if s.f1 is not None and s.f1 < min_f1]
