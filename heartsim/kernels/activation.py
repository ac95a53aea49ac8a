"""Activation time, repolarisation time and APD per node, tracked step by step (NumPy or CuPy).

Activation: the first upward crossing of ``threshold`` by v. Between two steps (t0, v0) and
(t1, v1) with v0 < threshold <= v1 the crossing time is linearly interpolated,

    t = t0 + (t1 - t0) (threshold - v0) / (v1 - v0).

Repolarisation (first beat): after activation the peak v_peak = max v is tracked; the node is
repolarised at the first downward crossing of

    v_X = v_peak - X/100 (v_peak - v_rest)          (X = 90 for APD90)

with v_rest the node's potential at the start of the run, interpolated in the same way.
APD_X = repolarisation time - activation time. Nodes never crossing stay NaN.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np


def _interpolate(t0: float, t1: float, level, a, b):
    return t0 + (t1 - t0) * (level - a) / (b - a)


class ActivationTimes:
    """First-crossing times for n nodes (arrays of the namespace ``xp``, NumPy by default)."""

    def __init__(self, n: int, threshold: float, xp: ModuleType = np):
        self.threshold = threshold
        self.xp = xp
        self.times = xp.full(n, xp.nan)

    def update(self, v0, v1, t0: float, t1: float) -> None:
        """Record crossings between the states v0 at t0 and v1 at t1."""
        thr = self.threshold
        crossed = self.xp.isnan(self.times) & (v0 < thr) & (v1 >= thr)
        self.times[...] = self.xp.where(crossed, _interpolate(t0, t1, thr, v0, self.xp.where(crossed, v1, v0 + 1.0)),
                                        self.times)


class Repolarisation:
    """Repolarisation times at X % recovery (first beat) for n nodes, given their activation times."""

    def __init__(self, v_rest, percent: float, xp: ModuleType = np):
        self.xp = xp
        self.fraction = percent / 100.0
        self.v_rest = xp.array(v_rest, dtype=np.float64, copy=True)
        self.peak = self.v_rest.copy()
        self.times = xp.full(self.v_rest.shape, xp.nan)

    def update(self, v0, v1, t0: float, t1: float, activation) -> None:
        """Track peaks of activated nodes and record their downward crossing of v_X in (t0, t1]."""
        xp = self.xp
        active = ~xp.isnan(activation) & xp.isnan(self.times)
        self.peak[...] = xp.where(active, xp.maximum(self.peak, v1), self.peak)
        level = self.peak - self.fraction * (self.peak - self.v_rest)
        crossed = active & (v0 > level) & (v1 <= level) & (v1 < self.peak)
        safe_v1 = xp.where(crossed, v1, v0 - 1.0)
        self.times[...] = xp.where(crossed, _interpolate(t0, t1, level, v0, safe_v1), self.times)
