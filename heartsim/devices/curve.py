"""Differential geometry of a sampled space curve (pure NumPy); units mm and 1/mm.

For points x_i (i = 0..n-1) along a curve with arc length s_i = sum_{j<=i} |x_j - x_{j-1}|, the
derivatives x', x'', x''' with respect to s are second-order finite differences on the (possibly
non-uniform) s grid (``numpy.gradient``, one-sided second order at the ends), and

    curvature  kappa = |x' x x''| / |x'|^3                     (1/mm)
    torsion    tau   = (x' x x'') . x''' / |x' x x''|^2          (1/mm; NaN where kappa ~ 0)

Both formulas hold for any parameter, so the small departure of |x'| from 1 on a discrete curve
does not bias them. Errors are O(h^2) inside the curve (h = point spacing) and O(h) at the ends.
A helix (a cos t, a sin t, b t) has kappa = a / (a^2 + b^2) and tau = b / (a^2 + b^2).
"""

from __future__ import annotations

import numpy as np


def arc_length(points: np.ndarray) -> np.ndarray:
    """Cumulative arc length s_i (mm) of the polyline through ``points`` (n, 3); s_0 = 0."""
    points = np.asarray(points, float)
    steps = np.linalg.norm(np.diff(points, axis=0), axis=1)
    return np.concatenate([[0.0], np.cumsum(steps)])


def length(points: np.ndarray) -> float:
    """Length of the polyline (mm)."""
    return float(arc_length(points)[-1])


def _derivatives(points: np.ndarray, order: int) -> list[np.ndarray]:
    points = np.asarray(points, float)
    s = arc_length(points)
    if np.any(np.diff(s) <= 0):
        raise ValueError("two consecutive curve points coincide")
    out, current = [], points
    for _ in range(order):
        current = np.gradient(current, s, axis=0, edge_order=2 if len(s) > 2 else 1)
        out.append(current)
    return out


def curvature(points: np.ndarray) -> np.ndarray:
    """kappa_i (1/mm) at every point; needs at least 3 points (0 for fewer)."""
    points = np.asarray(points, float)
    if len(points) < 3:
        return np.zeros(len(points))
    d1, d2 = _derivatives(points, 2)
    speed = np.linalg.norm(d1, axis=1)
    return np.linalg.norm(np.cross(d1, d2), axis=1) / speed**3


def torsion(points: np.ndarray, min_curvature: float = 1e-9) -> np.ndarray:
    """tau_i (1/mm) at every point; NaN where the curve is straight (kappa < ``min_curvature``)
    or has fewer than 4 points."""
    points = np.asarray(points, float)
    if len(points) < 4:
        return np.full(len(points), np.nan)
    d1, d2, d3 = _derivatives(points, 3)
    cross = np.cross(d1, d2)
    c2 = np.einsum("ij,ij->i", cross, cross)
    kappa = np.sqrt(c2) / np.linalg.norm(d1, axis=1) ** 3
    with np.errstate(invalid="ignore", divide="ignore"):
        tau = np.einsum("ij,ij->i", cross, d3) / c2
    return np.where(kappa >= min_curvature, tau, np.nan)


def tangents(points: np.ndarray) -> np.ndarray:
    """Unit tangents (n, 3) at every point."""
    (d1,) = _derivatives(points, 1)
    return d1 / np.linalg.norm(d1, axis=1)[:, None]
