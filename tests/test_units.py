"""Written unit forms → UCUM, and conversion through ucumvert."""

from __future__ import annotations

import pytest

from nlp.units import normalise_unit


@pytest.mark.parametrize(
    ("written", "ucum"),
    [
        ("gm/dL", "g/dL"),
        ("g / dl", "g/dL"),
        ("mg/day", "mg/d"),
        ("g/day", "g/d"),
        ("mg /dL", "mg/dL"),
        ("mmol/ l", "mmol/L"),
        ("µmol/L", "umol/L"),
        ("μmol/L", "umol/L"),
        ("IU/mL", "[IU]/mL"),
        ("U/L", "U/L"),
        ("cells/µL", "/uL"),
        ("/mm^3", "/mm3"),
        ("/mm³", "/mm3"),
        ("mL/min/1.73 m^2", "mL/min/{1.73_m2}"),
        ("ml/min/1.73m²", "mL/min/{1.73_m2}"),
        ("kg/m²", "kg/m2"),
        ("kg / m2", "kg/m2"),
        ("mmHg", "mm[Hg]"),
        ("mm Hg", "mm[Hg]"),
        ("msec", "ms"),
        ("%", "%"),
        ("pack/year", "{pack-years}"),
        ("°C", "Cel"),
    ],
)
def test_written_forms(written, ucum):
    assert normalise_unit(written) == ucum


@pytest.mark.parametrize(
    ("written", "ucum"),
    [
        ("x 10^9/L", "10*9/L"),
        ("× 10^9 /L", "10*9/L"),
        ("x10^12/L", "10*12/L"),
        ("x 109/L", "10*9/L"),
        ("10E9/L", "10*9/L"),
        ("10^3/µL", "10*3/uL"),
    ],
)
def test_powers_of_ten(written, ucum):
    assert normalise_unit(written) == ucum


@pytest.mark.parametrize(
    ("written", "ucum"),
    [("G/L", "10*9/L"), ("g/L", "g/L"), ("g/l", "g/L"), ("mM", "mmol/L"), ("mm", "mm"), ("d", "d")],
)
def test_case_decides_between_units(written, ucum):
    assert normalise_unit(written) == ucum


def test_unknown_unit():
    assert normalise_unit("furlongs") is None
    assert normalise_unit("") is None


def test_every_table_code_is_ucum():
    import json
    from importlib import resources

    from nlp.units import is_valid_ucum

    rows = json.loads((resources.files("nlp") / "rules" / "units.json").read_text("utf-8"))
    assert [r["ucum"] for r in rows if not is_valid_ucum(r["ucum"])] == []
