"""Periodic steady state: the cycle-to-cycle change of the state, and per-cycle haemodynamics.

The change of cycle k is  max_i |y_i(t_k) - y_i(t_{k-1})| / max_{t in cycle k} |y_i(t)|  over the
unknowns i, where t_k ends cycle k; the run is periodic once it falls below a tolerance.
"""

from __future__ import annotations

import numpy as np


class CycleMonitor:
    """Follows a trajectory step by step and reports each completed cycle's change."""

    def __init__(self, steps_per_cycle: int, y0: np.ndarray):
        self.steps_per_cycle = steps_per_cycle
        self.start = np.asarray(y0, dtype=float).copy()
        self.scale = np.abs(self.start)
        self.steps = 0
        self.cycles = 0
        self.changes: list[float] = []

    def update(self, y: np.ndarray) -> float | None:
        """Record the state after a step; at the end of a cycle return its change, else None."""
        self.scale = np.maximum(self.scale, np.abs(y))
        self.steps += 1
        if self.steps % self.steps_per_cycle:
            return None
        scale = np.where(self.scale > 0, self.scale, 1.0)
        change = float(np.max(np.abs(y - self.start) / scale))
        self.start = np.asarray(y, dtype=float).copy()
        self.scale = np.abs(self.start)
        self.cycles += 1
        self.changes.append(change)
        return change


def cycle_metrics(rows: dict[str, np.ndarray], period: float) -> dict[str, float]:
    """Haemodynamic numbers of one cycle from its output columns (heartsim units).

    For every chamber X with ``V_X`` and ``p_X``: EDV (max volume), ESV (min volume), stroke volume,
    ejection fraction (SV/EDV) and peak pressure; for every pressure column its min, max and mean;
    the cardiac output is the LV stroke volume over the period (mm^3/ms = mL/s).
    """
    out: dict[str, float] = {}
    for name, values in rows.items():
        if name.startswith("p_"):
            out[f"{name}_min"] = float(np.min(values))
            out[f"{name}_max"] = float(np.max(values))
            out[f"{name}_mean"] = float(np.mean(values))
    for chamber in ("LA", "LV", "RA", "RV"):
        if f"V_{chamber}" in rows:
            V = rows[f"V_{chamber}"]
            edv, esv = float(np.max(V)), float(np.min(V))
            out[f"{chamber}_EDV"], out[f"{chamber}_ESV"] = edv, esv
            out[f"{chamber}_SV"] = edv - esv
            out[f"{chamber}_EF"] = (edv - esv) / edv if edv > 0 else float("nan")
    if "LV_SV" in out:
        out["cardiac_output"] = out["LV_SV"] / period
    return out
