"""``omop-sql``: a cohort query over the OMOP CDM v5.4 tables: the persons who meet the
criteria that can be checked on the data, at an index date.

The query selects ``person_id`` from ``person``, observed at the index date
(``observation_period``), within the record's age and sex limits, then one predicate per
criterion: ``EXISTS`` for an inclusion part, ``NOT`` of it for an exclusion. Concepts are found
in ``concept`` by ``vocabulary_id`` + ``concept_code`` (ICD10CM with its sub-codes, LOINC,
SNOMED, RxNorm, ATC for a drug class), expanded through ``concept_relationship`` ('Maps to')
and ``concept_ancestor`` (descendants); a drug known only by a DrugBank code is found by its
name, and the query says so.
A quantity is checked on the person's most recent measurement of the concept on or before the
index date (within the window when one binds to it), in the measurement's own unit: the limit
is converted by UCUM (:func:`nlp.units.convert`) into every unit of ``rules/units.json`` it
converts to. Time windows before an anchor that is a study event (screening, first dose,
lymphodepletion...) or before nothing named (a look-back) count back from the index date.

Every criterion is in the file: as a predicate with a comment giving its coverage and what it
loses, or as a comment alone (text only). Written for DuckDB and PostgreSQL (CAST, INTERVAL
literals, MAKE_DATE, correlated subqueries; no dialect functions); the tests run it on DuckDB.
Field by field in docs/interop.md.

Why the SQL is written as text rather than built with sqlglot: the query is one fixed template
whose comments carry each criterion's text and losses (sqlglot's generator drops comments
inside expressions), and its portability is checked by running it, not by transpiling it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from models import Code, Criterion, Group, Mention, Protocol, Quantity, TimeWindow
from nlp.export.interop import (
    RESULT_CODES,
    Coverage,
    CriterionCoverage,
    InteropExporter,
    Part,
    Rendered,
    children_logic,
    criterion_losses,
    criterion_parts,
    note_unexpressed_windows,
    unexpressed_windows,
)

VOCABULARIES = {
    "http://loinc.org": "LOINC",
    "http://hl7.org/fhir/sid/icd-10-cm": "ICD10CM",
    "http://snomed.info/sct": "SNOMED",
    "http://www.nlm.nih.gov/research/umls/rxnorm": "RxNorm",
    "http://www.whocc.no/atc": "ATC",  # a class: its drugs are its descendants
}
"""FHIR code systems → OMOP ``vocabulary_id``; codes of other systems are not matched."""


@cache
def index_anchors() -> frozenset[str]:
    """Anchors that are study events (``study_event`` in ``rules/anchors.json``): the index
    date stands for them."""
    from nlp.rulefiles import anchor_rules

    return frozenset(a.id for a in anchor_rules().anchors if a.study_event)


TABLES = {
    # category: (table, concept column, source concept column, date column)
    "condition": (
        "condition_occurrence",
        "condition_concept_id",
        "condition_source_concept_id",
        "condition_start_date",
    ),
    "drug": (
        "drug_exposure",
        "drug_concept_id",
        "drug_source_concept_id",
        "drug_exposure_start_date",
    ),
    "procedure": (
        "procedure_occurrence",
        "procedure_concept_id",
        "procedure_source_concept_id",
        "procedure_date",
    ),
    "measurement": (
        "measurement",
        "measurement_concept_id",
        "measurement_source_concept_id",
        "measurement_date",
    ),
    "observation": (
        "observation",
        "observation_concept_id",
        "observation_source_concept_id",
        "observation_date",
    ),
}
LEVEL_WORDS = {"full": "full", "partial": "partly", "text": "text only"}
MEASURED = frozenset({"measurement", "test", "biomarker"})
_DOMAINS = {"condition": "Condition", "drug": "Drug", "procedure": "Procedure"}
_PERSON_DOB = (
    "COALESCE(CAST(p.birth_datetime AS DATE), "
    "MAKE_DATE(p.year_of_birth, COALESCE(p.month_of_birth, 1), COALESCE(p.day_of_birth, 1)))"
)


class OmopSqlExporter(InteropExporter):
    name = "omop-sql"
    suffix = ".sql"
    description = "OMOP CDM v5.4 cohort query (SQL for DuckDB and PostgreSQL); --index-date"

    def render(self, protocols: Sequence[Protocol], **options: Any) -> Rendered:
        """One query per protocol; ``index_date`` (a ``datetime.date``, default today)."""
        index_date = options.get("index_date") or dt.date.today()
        coverage = Coverage(self.name)
        queries = [cohort_query(p, index_date, coverage) for p in protocols]
        return Rendered("\n\n".join(queries), coverage)


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _comment(text: str) -> str:
    return " ".join(text.split()).replace("*/", "* /")


def _number(value: float) -> str:
    """A plain decimal (no exponent), rounded to 10 places: 100000 / 1000 → ``100``."""
    text = format(round(float(value), 10), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass
class _Query:
    """What one protocol's query collects while its predicates are written."""

    index_date: dt.date
    concept_sets: list[str] = field(default_factory=list)

    def concept_set(self, codes: Sequence[Code], name: str, category: str) -> tuple[int, bool]:
        """A concept set for ``codes`` (or ``name``, by name in its domain), its number, and
        whether it is matched by name."""
        number = len(self.concept_sets) + 1
        matches = []
        for c in codes:
            vocabulary = VOCABULARIES.get(c.system)
            if vocabulary is None:
                continue
            code = _sql_text(c.code)
            if vocabulary == "ICD10CM":
                prefix = _sql_text(c.code + ".%") if "." not in c.code else _sql_text(c.code + "%")
                matches.append(
                    f"(vocabulary_id = 'ICD10CM' AND (concept_code = {code} "
                    f"OR concept_code LIKE {prefix}))"
                )
            else:
                matches.append(
                    f"(vocabulary_id = {_sql_text(vocabulary)} AND concept_code = {code})"
                )
        by_name = not matches
        if by_name:
            display = next((c.display for c in codes if c.display), None) or name
            domain = _DOMAINS.get(category, "Observation")
            matches.append(
                f"(domain_id = {_sql_text(domain)} AND standard_concept = 'S' "
                f"AND LOWER(concept_name) = LOWER({_sql_text(display)}))"
            )
        how = "by name" if by_name else "by code"
        self.concept_sets.append(
            f"  -- {number}: {_comment(name)} ({how})\n"
            f"  SELECT {number}, concept_id FROM concept WHERE {' OR '.join(matches)}"
        )
        return number, by_name


def cohort_query(protocol: Protocol, index_date: dt.date, coverage: Coverage) -> str:
    """The cohort query of one protocol; each criterion's coverage is added to ``coverage``."""
    query = _Query(index_date)
    where: list[tuple[list[str], str]] = [
        (
            ["-- observed at the index date"],
            "EXISTS (SELECT 1 FROM observation_period op WHERE op.person_id = p.person_id\n"
            "      AND op.observation_period_start_date <= params.index_date\n"
            "      AND op.observation_period_end_date >= params.index_date)",
        )
    ]
    where += _demographics(protocol)
    comments_only: list[str] = []
    for group in protocol.groups:
        for criterion in group.criteria:
            predicate, lines = _criterion(criterion, group, query, coverage)
            if predicate is None:
                comments_only.extend(lines)
            else:
                where.append((lines, predicate))
    trial = protocol.trial_id or protocol.org_study_id or "trial"
    sets = query.concept_sets or [
        "  SELECT CAST(NULL AS INTEGER), CAST(NULL AS INTEGER) WHERE 1 = 0"
    ]
    header = [
        f"-- Eligo cohort query (OMOP CDM v5.4): {_comment(trial)}"
        + (f", {_comment(protocol.title)}" if protocol.title else ""),
        f"-- index date {index_date.isoformat()}; time windows before a study event count back "
        "from it",
        "-- DuckDB and PostgreSQL; criteria not in the query are listed at the end",
    ]
    body = [
        "WITH params AS (",
        f"  SELECT CAST('{index_date.isoformat()}' AS DATE) AS index_date",
        "),",
        "concept_sets (set_id, concept_id) AS (",
        "\n  UNION ALL\n".join(sets),
        "),",
        "mapped (set_id, concept_id) AS (",
        "  SELECT set_id, concept_id FROM concept_sets",
        "  UNION SELECT s.set_id, cr.concept_id_2 FROM concept_sets s",
        "    JOIN concept_relationship cr ON cr.concept_id_1 = s.concept_id"
        " AND cr.relationship_id = 'Maps to'",
        "),",
        "expanded (set_id, concept_id) AS (",
        "  SELECT set_id, concept_id FROM mapped",
        "  UNION SELECT m.set_id, ca.descendant_concept_id FROM mapped m",
        "    JOIN concept_ancestor ca ON ca.ancestor_concept_id = m.concept_id",
        ")",
        "SELECT p.person_id",
        "FROM person p CROSS JOIN params",
        "WHERE" + "\n  AND".join(f"{_indent(lines)}{pred}" for lines, pred in where),
        "ORDER BY p.person_id;",
    ]
    tail = (
        ["-- criteria kept as text only (not in the query):", *comments_only]
        if comments_only
        else []
    )
    return "\n".join([*header, *body, *tail]) + "\n"


def _indent(lines: list[str]) -> str:
    """Comment lines, each on its own line, before a predicate of the WHERE clause."""
    return "".join(f"\n  {line}" for line in lines) + "\n  "


def _interval(value: float, unit: str | None) -> str | None:
    """An INTERVAL literal, or None for a unit that is not a time (half-lives)."""
    units = {
        "d": "days",
        "wk": "days",
        "mo": "months",
        "a": "years",
        "h": "hours",
        "min": "minutes",
    }
    if unit not in units:
        return None
    amount = value * 7 if unit == "wk" else value
    if not float(amount).is_integer():
        if unit in ("mo", "a"):
            amount, unit = round(value * (30.4375 if unit == "mo" else 365.25)), "d"
        else:
            amount = round(amount)
    return f"INTERVAL '{int(amount)} {units[unit or 'd']}'"


def _before(days: str) -> str:
    return f"CAST(params.index_date - {days} AS DATE)"


def _age_limits(low: tuple[float, str] | None, high: tuple[float, str] | None) -> list[str]:
    """Birth date limits: at least ``low`` old, at most ``high`` (in completed units) old."""
    out = []
    if low is not None:
        interval = _interval(*low)
        if interval:
            out.append(f"{_PERSON_DOB} <= {_before(interval)}")
    if high is not None:
        interval = _interval(high[0] + 1, high[1])
        if interval:
            out.append(f"{_PERSON_DOB} > {_before(interval)}")
    return out


def _demographics(protocol: Protocol) -> list[tuple[list[str], str]]:
    demo = protocol.demographics
    out: list[tuple[list[str], str]] = []
    limits = _age_limits(
        (demo.min_age.value, demo.min_age.unit) if demo.min_age else None,
        (demo.max_age.value, demo.max_age.unit) if demo.max_age else None,
    )
    if limits:
        out.append((["-- demographics: age at the index date"], "\n  AND ".join(limits)))
    if demo.sex in ("female", "male"):
        code = 8532 if demo.sex == "female" else 8507
        out.append(([f"-- demographics: sex {demo.sex}"], f"p.gender_concept_id = {code}"))
    return out


def _criterion(
    criterion: Criterion, group: Group, query: _Query, coverage: Coverage
) -> tuple[str | None, list[str]]:
    """A criterion's predicate (None when nothing is expressed) and its comment lines; the
    sub-items' predicates combine in as the kind says."""
    tally = CriterionCoverage(criterion.id)
    coverage.criteria.append(tally)
    parts = criterion_parts(criterion)
    atoms: list[str] = []
    expressed: list[Part] = []
    for part in parts:
        atom = _part(part, query, tally)
        if atom is not None:
            atoms.append(atom)
            expressed.append(part)
    tally.expressed = len(atoms)
    tally.lost.extend(criterion_losses(criterion))
    note_unexpressed_windows(tally, unexpressed_windows(criterion, parts, expressed))
    tally.lost[:] = dict.fromkeys(tally.lost)  # one note per loss
    joiner = "\n      OR " if criterion.logic == "any" else "\n      AND "
    own = None if not atoms else atoms[0] if len(atoms) == 1 else "(" + joiner.join(atoms) + ")"
    lines = [f"-- {criterion.id} [{LEVEL_WORDS[tally.level]}]: {_comment(criterion.text)}"]
    lines += [f"--   not expressed: {_comment(reason)}" for reason in tally.lost]
    pieces = [own] if own else []
    for child in criterion.children:
        predicate, child_lines = _criterion(child, group, query, coverage)
        if predicate is None:  # text only: its comment goes with the parent's
            lines.extend(child_lines)
        else:  # its comment goes right before its predicate
            pieces.append("\n      ".join([*child_lines, predicate]))
    if not pieces:
        return None, lines
    if len(pieces) == 1:
        condition = pieces[0]
    else:
        glue = "\n      AND " if children_logic(group) == "all" else "\n      OR "
        condition = "(" + glue.join(pieces) + ")"
    top = any(c is criterion for c in group.criteria)
    if top and group.kind == "exclusion":
        condition = f"NOT {condition}"
    return condition, lines


def _part(part: Part, query: _Query, tally: CriterionCoverage) -> str | None:
    """One part as a predicate on person ``p``, or None (and a note) when not expressed."""
    window = _window(part.window, tally) if part.window is not None else None
    if part.window is not None and window is None:
        return None
    if part.quantity is not None:
        return _quantity(part.quantity, query, tally, window)
    assert part.mention is not None
    return _mention(part.mention, query, tally, window)


Window = tuple[str, ...]
"""The bounds of a time window on an event date column, as templates of the column ``{d}``."""


def _window(w: TimeWindow, tally: CriterionCoverage) -> Window | None:
    """A window as the bounds of an event date column ``{d}``, or None when it cannot be
    checked at the index date."""
    if w.relation != "before" or (w.anchor is not None and w.anchor not in index_anchors()):
        tally.lost.append(
            f"time window {w.text!r}: {w.relation or 'a duration'} {w.anchor or ''}".rstrip()
            + " is not relative to the index date"
        )
        return None
    if w.comparator == "range" and w.low is not None and w.high is not None:
        near, far = _interval(w.low, w.unit), _interval(w.high, w.unit)
        if near and far:
            return f"{{d}} >= {_before(far)}", f"{{d}} <= {_before(near)}"
    elif w.value is not None and w.comparator in ("<", "<=", ">", ">="):
        span = _interval(w.value, w.unit)
        if span:
            if w.comparator in ("<", "<="):
                op = ">" if w.comparator == "<" else ">="
                return f"{{d}} {op} {_before(span)}", "{d} <= params.index_date"
            op = "<" if w.comparator == ">" else "<="
            return (f"{{d}} {op} {_before(span)}",)
    tally.lost.append(f"time window {w.text!r}: {w.comparator} {w.value} {w.unit} not checked")
    return None


def _dated(column: str, window: Window | None) -> str:
    """The bounds of ``window`` on a date column; no window: on or before the index date."""
    if window is None:
        return f"{column} <= params.index_date"
    return " AND ".join(bound.format(d=column) for bound in window)


def _quantity(
    q: Quantity, query: _Query, tally: CriterionCoverage, window: Window | None
) -> str | None:
    label = q.text or q.measure or "quantity"
    if q.kind == "age":
        low = high = None
        if q.comparator in (">=", ">") and q.value is not None:
            low = (q.value + (1 if q.comparator == ">" else 0), q.unit or "a")
        elif q.comparator in ("<=", "<") and q.value is not None:
            high = (q.value - (1 if q.comparator == "<" else 0), q.unit or "a")
        elif q.comparator == "range" and q.low is not None and q.high is not None:
            low, high = (q.low, q.unit or "a"), (q.high, q.unit or "a")
        limits = _age_limits(low, high)
        if not limits:
            tally.lost.append(f"age {label!r}: not expressed")
            return None
        return "(" + " AND ".join(limits) + ")"
    if not q.codes:
        tally.lost.append(f"quantity {label!r} ({q.measure}): the measure has no code")
        return None
    if q.kind == "count":
        tally.lost.append(f"count {label!r}: a number of events is not a measurement")
        return None
    if q.kind == "stage" or (q.relative_to and q.relative_to.upper() != "ULN"):
        tally.lost.append(f"limit {label!r}: not expressed on measurement values")
        return None
    number, by_name = query.concept_set(q.codes, q.measure or label, "measurement")
    if by_name:
        tally.lost.append(f"{q.measure!r} found by name, not by code")
    value = _value_test(q, tally)
    if value is None:
        return None
    concept = f"IN (SELECT concept_id FROM expanded WHERE set_id = {number})"
    dated = _dated("x.measurement_date", window)
    latest = (
        "(SELECT MAX(y.measurement_date) FROM measurement y WHERE y.person_id = p.person_id "
        f"AND y.measurement_concept_id {concept} AND {_dated('y.measurement_date', window)})"
    )
    return (
        "EXISTS (SELECT 1 FROM measurement x\n"
        "        LEFT JOIN concept u ON u.concept_id = x.unit_concept_id\n"
        f"        WHERE x.person_id = p.person_id AND x.measurement_concept_id {concept}\n"
        f"        AND {dated} AND x.measurement_date = {latest}\n"
        f"        AND {value})"
    )


Operand = float | str | None
"""A number, or SQL that computes one (``3 * x.range_high``)."""


def _operand(value: float | str) -> str:
    return value if isinstance(value, str) else _number(value)


def _compare(column: str, comparator: str, value: Operand, low: Operand, high: Operand) -> str:
    if comparator == "range":
        assert low is not None and high is not None
        return f"{column} BETWEEN {_operand(low)} AND {_operand(high)}"
    assert value is not None
    return f"{column} {comparator} {_operand(value)}"


def _value_test(q: Quantity, tally: CriterionCoverage) -> str | None:
    """The value limit on ``x.value_as_number`` in the measurement's unit ``u``."""
    if q.relative_to:
        return "x.range_high IS NOT NULL AND " + _compare(
            "x.value_as_number", q.comparator, *_scaled(q, "x.range_high")
        )
    if not q.unit:
        return _compare("x.value_as_number", q.comparator, q.value, q.low, q.high)
    alternatives = []
    for unit, factor in _commensurable(q.unit):
        scale = [None if v is None else v * factor for v in (q.value, q.low, q.high)]
        alternatives.append(
            f"(u.concept_code = {_sql_text(unit)} AND "
            f"{_compare('x.value_as_number', q.comparator, *scale)})"
        )
    if not alternatives:
        tally.lost.append(f"unit {q.unit!r} of {q.text!r} is not a UCUM unit Eligo converts")
        return None
    return "u.vocabulary_id = 'UCUM' AND (" + "\n          OR ".join(alternatives) + ")"


def _scaled(q: Quantity, reference: str) -> tuple[str | None, str | None, str | None]:
    """A limit relative to the upper limit of normal as SQL: ``3 * x.range_high``."""
    low, value, high = (
        None if v is None else f"{_number(v)} * {reference}" for v in (q.low, q.value, q.high)
    )
    return value, low, high


def _arbitrary(unit: str) -> bool:
    """International units, annotations (``{copies}``) and other bracketed units: pint reads
    them as plain numbers, so they would "convert" to any count."""
    return "[" in unit or "{" in unit


def _dimensionless(unit: str) -> bool:
    from nlp.units import convert

    return convert(1.0, unit, "1") is not None


def _same_ratio(unit: str, other: str) -> bool:
    """Two ratios of the same kind (``g/g`` and ``mg/g``), where pint would also "convert"
    ``%`` into ``mmol/mol`` (HbA1c in % and in mmol/mol are not proportional)."""
    from nlp.units import convert

    if "/" not in unit or "/" not in other:
        return False
    top, below = unit.split("/", 1)
    other_top, other_below = other.split("/", 1)
    return convert(1.0, top, other_top) is not None and convert(1.0, below, other_below) is not None


@cache
def _commensurable(unit: str) -> tuple[tuple[str, float], ...]:
    """``unit`` and every unit of ``rules/units.json`` it converts to, with the factor."""
    from nlp.rulefiles import unit_rules
    from nlp.units import convert

    out: list[tuple[str, float]] = [(unit, 1.0)]
    for rule in unit_rules():
        other = rule.ucum
        if other == unit or _arbitrary(unit) or _arbitrary(other):
            continue
        if _dimensionless(unit) and not _same_ratio(unit, other):
            continue
        factor = convert(1.0, unit, other)
        if factor is not None and factor > 0:
            out.append((other, factor))
    return tuple(out) if convert(1.0, unit, unit) is not None else ()


def _mention(
    m: Mention, query: _Query, tally: CriterionCoverage, window: Window | None
) -> str | None:
    if not m.codes:
        tally.lost.append(f"{m.text!r} ({m.category}) has no code")
        return None
    category = "measurement" if m.category in MEASURED else m.category
    if category not in TABLES:
        tally.lost.append(f"{m.text!r} ({m.category}): no CDM table of this export holds it")
        return None
    if m.result is not None and m.result not in RESULT_CODES:
        tally.lost.append(f"result {m.result!r} of {m.text!r}: not matched")
        return None
    table, concept_column, source_column, date_column = TABLES[category]
    number, by_name = query.concept_set(m.codes, m.text, category)
    if by_name:
        tally.lost.append(f"{m.text!r} found by concept name, not by code")
    concept = f"IN (SELECT concept_id FROM expanded WHERE set_id = {number})"
    test = (
        f"EXISTS (SELECT 1 FROM {table} x WHERE x.person_id = p.person_id\n"
        f"        AND (x.{concept_column} {concept} OR x.{source_column} {concept})\n"
        f"        AND {_dated('x.' + date_column, window)}"
    )
    if m.result is not None:
        test += (
            "\n        AND x.value_as_concept_id IN (SELECT concept_id FROM concept "
            f"WHERE vocabulary_id = 'SNOMED' AND concept_code = '{RESULT_CODES[m.result][0]}')"
        )
    test += ")"
    return f"NOT {test}" if m.assertion == "negated" else test


EXPORTER = OmopSqlExporter()
