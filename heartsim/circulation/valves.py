"""Valves as pressure-dependent resistances (Regazzoni et al. 2022, eq. for R_i(p_1, p_2)).

    Q = (p_in - p_out) / R,      R = R_min if p_in > p_out (open), else R_max (closed)

Q is continuous (zero at p_in = p_out) and piecewise linear in the pressures, so Newton's
method on an implicit step converges once the open/closed state of every valve is right.
Units: p in kPa, R in kPa ms/mm^3, Q in mm^3/ms.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Valve:
    """A diode-like valve from chamber/compartment ``inlet`` to ``outlet``."""

    name: str
    R_min: float
    R_max: float

    def conductance(self, p_in: float, p_out: float) -> float:
        """1/R (mm^3/(ms kPa)): dQ/dp_in = -dQ/dp_out."""
        return 1.0 / (self.R_min if p_in > p_out else self.R_max)

    def flow(self, p_in: float, p_out: float) -> float:
        """Q (mm^3/ms) from inlet to outlet."""
        return (p_in - p_out) * self.conductance(p_in, p_out)
