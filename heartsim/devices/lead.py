"""A lead (pacing/CRT lead, or a coronary artery) embedded in the tissue: a polyline tracked with the
tissue motion (positions x_i(t), mm).

Per time t: length L(t) and length strain L/L0 - 1; curvature kappa(s, t) (``curve.curvature``) with its
maximum over the curve and the largest change |kappa(s, t) - kappa(s, 0)|; bending strain
eps_b = kappa r (lead radius r: the strain of the outer fibre of a rod bent to curvature kappa);
torsion (max |tau| over the curve where defined); tip displacement |x_tip(t) - x_tip(0)| (the last point
is the tip). Over the run: curvature change per beat max_s (max_t kappa - min_t kappa), bending-strain
amplitude r max_s (max_t kappa - min_t kappa) / 2, and, given a fatigue strain limit, the safety
factor = limit / max_{s,t} eps_b.
"""

from __future__ import annotations

import numpy as np

from heartsim.devices import curve
from heartsim.devices.result import SiteError, SiteResult


def check_points(name: str, points: np.ndarray) -> None:
    if len(points) < 3:
        raise SiteError(f"devices.sites.{name}: a lead needs at least 3 points (got {len(points)})")
    if np.any(np.linalg.norm(np.diff(points, axis=0), axis=1) <= 1e-12):
        raise SiteError(f"devices.sites.{name}: two consecutive lead points coincide")


def lead_metrics(name: str, times: np.ndarray, positions: np.ndarray, radius: float,
                 strain_limit: float | None = None) -> SiteResult:
    """Metrics of a lead of ``radius`` (mm) whose points are at ``positions`` (nt, n, 3) at ``times`` (ms)."""
    positions = np.asarray(positions, float)
    check_points(name, positions[0])
    kappa = np.array([curve.curvature(x) for x in positions])           # (nt, n)
    tau = np.array([curve.torsion(x) for x in positions])
    lengths = np.array([curve.length(x) for x in positions])
    change = kappa - kappa[0]
    tip = np.linalg.norm(positions[:, -1] - positions[0, -1], axis=1)
    with np.errstate(invalid="ignore"):
        tau_max = np.array([np.nanmax(np.abs(t)) if np.any(np.isfinite(t)) else np.nan for t in tau])
    cols = {
        "time_ms": np.asarray(times, float),
        "length_mm": lengths,
        "length_strain": lengths / lengths[0] - 1.0,
        "max_curvature_1_mm": kappa.max(axis=1),
        "max_curvature_change_1_mm": np.abs(change).max(axis=1),
        "max_bending_strain": radius * kappa.max(axis=1),
        "max_abs_torsion_1_mm": tau_max,
        "tip_displacement_mm": tip,
    }
    units = {"time_ms": "ms", "length_mm": "mm", "length_strain": "1", "max_curvature_1_mm": "1/mm",
             "max_curvature_change_1_mm": "1/mm", "max_bending_strain": "1", "max_abs_torsion_1_mm": "1/mm",
             "tip_displacement_mm": "mm"}
    per_beat = kappa.max(axis=0) - kappa.min(axis=0)
    scalars = {"curvature_change_per_beat_1_mm": float(per_beat.max()),
               "bending_strain_amplitude": float(radius * per_beat.max() / 2),
               "max_bending_strain": float(radius * kappa.max())}
    sunits = {"curvature_change_per_beat_1_mm": "1/mm", "bending_strain_amplitude": "1", "max_bending_strain": "1"}
    if strain_limit is not None:
        peak = radius * kappa.max()
        scalars["safety_factor"] = float(strain_limit / peak) if peak > 0 else float("inf")
        sunits["safety_factor"] = "1"
    s = np.array([curve.arc_length(x) for x in positions])
    return SiteResult("lead", cols, units, scalars, sunits, positions,
                      {"curvature_1_mm": kappa, "curvature_change_1_mm": change, "bending_strain": radius * kappa,
                       "arc_length_mm": s, "displacement_mm": positions - positions[0]}, "line")
