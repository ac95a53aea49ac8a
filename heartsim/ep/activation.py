"""Activation time: the first upward crossing of a threshold by v, per node.

Between two steps (t0, v0) and (t1, v1) with v0 < threshold <= v1, the crossing time is linearly
interpolated: t = t0 + (t1 - t0) (threshold - v0) / (v1 - v0). Nodes never crossing stay NaN.
"""

from __future__ import annotations

import numpy as np


class ActivationTimes:
    """Tracks first-crossing times for n nodes (NumPy arrays)."""

    def __init__(self, n: int, threshold: float):
        self.threshold = threshold
        self.times = np.full(n, np.nan)

    def update(self, v0: np.ndarray, v1: np.ndarray, t0: float, t1: float) -> None:
        """Record crossings between the states v0 at t0 and v1 at t1."""
        thr = self.threshold
        crossed = np.isnan(self.times) & (v0 < thr) & (v1 >= thr)
        if crossed.any():
            a, b = v0[crossed], v1[crossed]
            self.times[crossed] = t0 + (t1 - t0) * (thr - a) / (b - a)
