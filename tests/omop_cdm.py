"""A small OMOP CDM v5.4 database for the ``omop-sql`` tests: DuckDB, and PostgreSQL when
``ELIGO_POSTGRES`` names a server (a psql connection string).

The tables and column names are those of the CDM v5.4 DDL (person, observation_period,
condition_occurrence, drug_exposure, measurement, observation, procedure_occurrence and the
vocabulary tables concept, concept_relationship, concept_ancestor), with the columns the
exported queries read and the required ones around them; other columns are left out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

DDL = """
CREATE TABLE concept (concept_id INTEGER PRIMARY KEY, concept_name VARCHAR NOT NULL,
  domain_id VARCHAR NOT NULL, vocabulary_id VARCHAR NOT NULL, concept_class_id VARCHAR NOT NULL,
  standard_concept VARCHAR, concept_code VARCHAR NOT NULL, valid_start_date DATE NOT NULL,
  valid_end_date DATE NOT NULL, invalid_reason VARCHAR);
CREATE TABLE concept_relationship (concept_id_1 INTEGER NOT NULL, concept_id_2 INTEGER NOT NULL,
  relationship_id VARCHAR NOT NULL, valid_start_date DATE NOT NULL, valid_end_date DATE NOT NULL,
  invalid_reason VARCHAR);
CREATE TABLE concept_ancestor (ancestor_concept_id INTEGER NOT NULL,
  descendant_concept_id INTEGER NOT NULL, min_levels_of_separation INTEGER NOT NULL,
  max_levels_of_separation INTEGER NOT NULL);
CREATE TABLE person (person_id INTEGER PRIMARY KEY, gender_concept_id INTEGER NOT NULL,
  year_of_birth INTEGER NOT NULL, month_of_birth INTEGER, day_of_birth INTEGER,
  birth_datetime TIMESTAMP, race_concept_id INTEGER NOT NULL,
  ethnicity_concept_id INTEGER NOT NULL);
CREATE TABLE observation_period (observation_period_id INTEGER PRIMARY KEY,
  person_id INTEGER NOT NULL, observation_period_start_date DATE NOT NULL,
  observation_period_end_date DATE NOT NULL, period_type_concept_id INTEGER NOT NULL);
CREATE TABLE condition_occurrence (condition_occurrence_id INTEGER PRIMARY KEY,
  person_id INTEGER NOT NULL, condition_concept_id INTEGER NOT NULL,
  condition_start_date DATE NOT NULL, condition_type_concept_id INTEGER NOT NULL,
  condition_source_concept_id INTEGER);
CREATE TABLE drug_exposure (drug_exposure_id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL,
  drug_concept_id INTEGER NOT NULL, drug_exposure_start_date DATE NOT NULL,
  drug_exposure_end_date DATE NOT NULL, drug_type_concept_id INTEGER NOT NULL,
  drug_source_concept_id INTEGER);
CREATE TABLE procedure_occurrence (procedure_occurrence_id INTEGER PRIMARY KEY,
  person_id INTEGER NOT NULL, procedure_concept_id INTEGER NOT NULL, procedure_date DATE NOT NULL,
  procedure_type_concept_id INTEGER NOT NULL, procedure_source_concept_id INTEGER);
CREATE TABLE measurement (measurement_id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL,
  measurement_concept_id INTEGER NOT NULL, measurement_date DATE NOT NULL,
  measurement_type_concept_id INTEGER NOT NULL, value_as_number DOUBLE PRECISION,
  value_as_concept_id INTEGER, unit_concept_id INTEGER, range_low DOUBLE PRECISION,
  range_high DOUBLE PRECISION,
  measurement_source_concept_id INTEGER);
CREATE TABLE observation (observation_id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL,
  observation_concept_id INTEGER NOT NULL, observation_date DATE NOT NULL,
  observation_type_concept_id INTEGER NOT NULL, value_as_number DOUBLE PRECISION,
  value_as_concept_id INTEGER, observation_source_concept_id INTEGER);
"""

EHR = 32817  # type concept "EHR"
FEMALE, MALE = 8532, 8507
_DAY = dt.date(2000, 1, 1)


@dataclass
class Cdm:
    """Rows to load: concepts by (vocabulary, code), persons, events."""

    concepts: dict[tuple[str, str], int] = field(default_factory=dict)
    rows: dict[str, list[tuple]] = field(default_factory=dict)
    _next: int = 1000

    def concept(
        self, vocabulary: str, code: str, name: str, domain: str, standard: str | None = "S"
    ) -> int:
        key = (vocabulary, code)
        if key not in self.concepts:
            self._next += 1
            self.concepts[key] = self._next
            self.add(
                "concept",
                (
                    self._next,
                    name,
                    domain,
                    vocabulary,
                    "x",
                    standard,
                    code,
                    _DAY,
                    dt.date(2099, 12, 31),
                    None,
                ),
            )
        return self.concepts[key]

    def maps_to(self, source: int, standard: int) -> None:
        self.add(
            "concept_relationship", (source, standard, "Maps to", _DAY, dt.date(2099, 12, 31), None)
        )

    def ancestor(self, ancestor: int, descendant: int) -> None:
        self.add("concept_ancestor", (ancestor, descendant, 1, 1))

    def add(self, table: str, row: tuple) -> None:
        self.rows.setdefault(table, []).append(row)

    def person(self, pid: int, born: dt.date, sex: int, observed: tuple[dt.date, dt.date]) -> None:
        self.add("person", (pid, sex, born.year, born.month, born.day, None, 0, 0))
        self.add("observation_period", (pid, pid, observed[0], observed[1], EHR))

    def _id(self, table: str) -> int:
        return len(self.rows.get(table, [])) + 1

    def condition(self, pid: int, concept: int, day: dt.date, source: int | None = None) -> None:
        table = "condition_occurrence"
        self.add(table, (self._id(table), pid, concept, day, EHR, source))

    def drug(self, pid: int, concept: int, day: dt.date) -> None:
        self.add("drug_exposure", (self._id("drug_exposure"), pid, concept, day, day, EHR, None))

    def measurement(
        self,
        pid: int,
        concept: int,
        day: dt.date,
        value: float | None,
        unit: int | None = None,
        range_high: float | None = None,
        value_concept: int | None = None,
    ) -> None:
        self.add(
            "measurement",
            (
                self._id("measurement"),
                pid,
                concept,
                day,
                EHR,
                value,
                value_concept,
                unit,
                None,
                range_high,
                None,
            ),
        )

    def load(self, con) -> None:  # con: duckdb.DuckDBPyConnection
        con.execute(DDL)
        for table, rows in self.rows.items():
            marks = ", ".join("?" * len(rows[0]))
            con.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)

    def script(self) -> str:
        """The tables and rows as one SQL script (for psql)."""
        inserts = [
            f"INSERT INTO {table} VALUES ({', '.join(_literal(v) for v in row)});"
            for table, rows in self.rows.items()
            for row in rows
        ]
        return DDL + "\n".join(inserts) + "\n"


def _literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)
