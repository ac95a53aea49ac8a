"""Physical quantities in configs.

A quantity is given either as a bare number, read in the field's documented default unit, or as a
string with a unit (``"0.2 mm"``, ``"15 kPa"``, ``"1400 1/cm"``) converted on load with pint.
A string whose unit has the wrong dimension is an error that names the expected unit.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema


@lru_cache(maxsize=1)
def unit_registry():
    """The one pint registry (built lazily: it takes a fraction of a second)."""
    import pint

    return pint.UnitRegistry()


def to_unit(value: Any, unit: str) -> float:
    """Convert ``value`` (number or quantity string) to a float in ``unit``.

    Raises ValueError with a one-line reason on a bad string or a wrong dimension.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a number or a quantity string in {unit}, got {value!r}")
    if isinstance(value, (int, float)):
        return float(value)
    if not isinstance(value, str):
        raise ValueError(f"expected a number or a quantity string in {unit}, got {value!r}")
    text = value.strip().replace("µ", "u").replace("μ", "u")
    try:
        return float(text)
    except ValueError:
        pass
    import pint

    ureg = unit_registry()
    try:
        quantity = ureg.Quantity(text)
    except Exception as exc:  # pint raises several unrelated types for unparsable text
        raise ValueError(f"cannot read {value!r} as a quantity in {unit}: {exc}") from None
    try:
        return float(quantity.to(unit).magnitude)
    except pint.DimensionalityError:
        raise ValueError(
            f"{value!r} has the wrong unit dimension: expected {unit} "
            f"({ureg.Quantity(1, unit).dimensionality}), got {quantity.dimensionality}"
        ) from None


def Quantity(unit: str, **constraints: Any) -> Any:
    """Annotated float type for a config field measured in ``unit``.

    ``constraints`` are pydantic numeric bounds (gt, ge, lt, le) in that unit.
    """
    schema = {
        "anyOf": [{"type": "number"}, {"type": "string"}],
        "x-unit": unit,
    }
    return Annotated[
        float,
        BeforeValidator(lambda v: to_unit(v, unit)),
        Field(**constraints),
        WithJsonSchema(schema),
    ]


def unit_of(annotation: Any) -> str | None:
    """The unit of a field annotation made by :func:`Quantity`, if any (for the docs)."""
    for meta in getattr(annotation, "__metadata__", ()):
        if isinstance(meta, WithJsonSchema) and meta.json_schema:
            return meta.json_schema.get("x-unit")
    return None
