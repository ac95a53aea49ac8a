"""Quantities: unit strings are converted to heartsim's units; bare numbers are taken as they are."""

import math

import pytest

from heartsim.config.quantities import to_unit


@pytest.mark.parametrize("value,unit,expected", [
    ("0.2 mm", "mm", 0.2),
    ("2 cm", "mm", 20.0),
    ("1 m", "mm", 1000.0),
    ("15 kPa", "kPa", 15.0),
    ("112.5 mmHg", "kPa", 14.9987),
    ("1 s", "ms", 1000.0),
    ("1400 1/cm", "1/mm", 140.0),
    ("1 uF/cm^2", "uF/mm^2", 0.01),
    ("1 µF/cm^2", "uF/mm^2", 0.01),
    ("0.17 S/m", "mS/mm", 0.17),
    ("50000 uA/cm^3", "uA/mm^3", 50.0),
    (3, "mm", 3.0),
    ("7", "ms", 7.0),
])
def test_conversion(value, unit, expected):
    assert math.isclose(to_unit(value, unit), expected, rel_tol=1e-4)


@pytest.mark.parametrize("value,unit", [("1 kPa", "mm"), ("2 mm", "ms"), ("1 mS/mm", "uF/mm^2")])
def test_wrong_dimension_is_an_error(value, unit):
    with pytest.raises(ValueError, match="wrong unit dimension"):
        to_unit(value, unit)


@pytest.mark.parametrize("value", ["ten mm", True, None, [1]])
def test_not_a_quantity(value):
    with pytest.raises(ValueError):
        to_unit(value, "mm")
