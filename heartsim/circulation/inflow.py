"""Prescribed inflow waveforms Q(t) (mm^3/ms = mL/s, t in ms) for a standalone Windkessel.

    sine:       Q = mean + amplitude sin(2 pi t / period)
    half_sine:  Q = amplitude sin(pi tau / T_ej) for tau = t mod period < T_ej, else 0
                (an idealised ventricular ejection; mean = 2 amplitude T_ej / (pi period))
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class SineInflow:
    mean: float
    amplitude: float
    period: float

    @property
    def omega(self) -> float:
        """Angular frequency (rad/ms)."""
        return 2.0 * math.pi / self.period

    def __call__(self, t: float) -> float:
        return self.mean + self.amplitude * math.sin(self.omega * t)

    def average(self) -> float:
        return self.mean


@dataclass(frozen=True)
class HalfSineInflow:
    amplitude: float
    period: float
    ejection_time: float

    def __call__(self, t: float) -> float:
        tau = t % self.period
        return self.amplitude * math.sin(math.pi * tau / self.ejection_time) if tau < self.ejection_time else 0.0

    def average(self) -> float:
        return 2.0 * self.amplitude * self.ejection_time / (math.pi * self.period)
