"""Cardiac chambers as time-varying elastances (Regazzoni et al. 2022, J Comput Phys 457:111083).

    p(V, t) = E(t) (V - V_0),        E(t) = E_pass + E_act e(t)

with the activation e(t) in [0, 1] of a chamber that starts contracting at t_C (within each heart
period T_HB), contracts for T_C and relaxes for T_R (tau = (t - t_C) mod T_HB)::

    e = (1 - cos(pi tau / T_C)) / 2               for 0 <= tau < T_C
    e = (1 + cos(pi (tau - T_C) / T_R)) / 2       for T_C <= tau < T_C + T_R
    e = 0                                         otherwise

Units: E in kPa/mm^3, V in mm^3, p in kPa, times in ms.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Activation:
    """Cosine activation e(t) of one chamber (times in ms)."""

    period: float
    t_contract: float
    T_contract: float
    T_relax: float

    def __call__(self, t: float) -> float:
        tau = (t - self.t_contract) % self.period
        if tau < self.T_contract:
            return 0.5 * (1.0 - math.cos(math.pi * tau / self.T_contract))
        if tau < self.T_contract + self.T_relax:
            return 0.5 * (1.0 + math.cos(math.pi * (tau - self.T_contract) / self.T_relax))
        return 0.0


@dataclass(frozen=True)
class ElastanceChamber:
    """p = (E_pass + E_act e(t)) (V - V0); ``pressure`` returns (p, dp/dV)."""

    E_act: float
    E_pass: float
    V0: float
    activation: Activation

    def elastance(self, t: float) -> float:
        """E(t) (kPa/mm^3)."""
        return self.E_pass + self.E_act * self.activation(t)

    def pressure(self, V: float, t: float) -> tuple[float, float]:
        E = self.elastance(t)
        return E * (V - self.V0), E
