"""Clinical units for tables and summaries: pressures in mmHg, volumes in mL, flows in mL/s.

Output names follow the model's: ``p_*`` pressures (kPa inside), ``V_*`` volumes (mm^3), ``Q_*``
flows (mm^3/ms = mL/s); chamber metrics ``*_EDV``, ``*_ESV``, ``*_SV`` (mm^3), ``*_EF`` (fraction).
"""

from __future__ import annotations

from heartsim.circulation.units import ML, MMHG


def clinical_unit(name: str) -> tuple[str, float]:
    """(unit, divisor) that turns the heartsim value of output ``name`` into clinical units."""
    if name.startswith("p_"):
        return "mmHg", MMHG
    if name.startswith("V_") or name.endswith(("_EDV", "_ESV", "_SV")):
        return "mL", ML
    if name.startswith("Q_") or name == "cardiac_output":
        return "mL_per_s", 1.0
    if name.endswith("_EF"):
        return "percent", 0.01
    return "", 1.0


def column_name(name: str) -> str:
    """CSV column of output ``name``: ``p_LV_mmHg``, ``V_LV_mL``, ``Q_MV_mL_per_s``."""
    unit, _ = clinical_unit(name)
    return f"{name}_{unit}" if unit else name


def to_clinical(values: dict[str, float]) -> dict[str, float]:
    """The same mapping with every value in clinical units, keyed by :func:`column_name`."""
    out = {}
    for name, value in values.items():
        _, div = clinical_unit(name)
        out[column_name(name)] = value / div
    return out
