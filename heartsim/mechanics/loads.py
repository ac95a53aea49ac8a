"""Load history: the value of each load at pseudo-time t in [0, end] (pure Python).

A constant ``value`` ramps linearly, value * t / end; a ``curve`` of [t, value] pairs is
interpolated linearly and held constant outside its range.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class History:
    """value(t) = final * t / end, or the piecewise-linear ``curve``."""

    final: float = 0.0
    end: float = 1.0
    curve: tuple[tuple[float, float], ...] | None = None

    def __call__(self, t: float) -> float:
        if self.curve is not None:
            times, values = np.array(self.curve, dtype=float).T
            return float(np.interp(t, times, values))
        return self.final * min(max(t / self.end, 0.0), 1.0)


def volume_history(cavity_cfg, end: float, v0: float) -> History:
    """Target cavity volume: from the reference volume ``v0`` linearly to ``volume``, or the curve."""
    if cavity_cfg.curve is not None:
        return History(curve=tuple(cavity_cfg.curve))
    return _Offset(v0, History(cavity_cfg.volume - v0, end))


@dataclass(frozen=True)
class _Offset:
    base: float
    ramp: History

    def __call__(self, t: float) -> float:
        return self.base + self.ramp(t)
