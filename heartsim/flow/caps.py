"""Geometry of a planar inlet cap and the parabolic-like profile on it (pure NumPy).

A CT-derived cap is planar but not circular. Its velocity profile here is built from the distance
``d`` of a point to the cap's rim (the polyline of the cap triangles' boundary edges):

    w(x) = d (2 d_max - d),    d_max = the largest distance from the rim (the cap's inradius),

which is zero on the rim, positive inside, smooth where the distance is, and exactly the Poiseuille
profile R^2 - r^2 on a circle of radius R (d = R - r, d_max = R). The runner scales ``w`` so that
its flux through the cap equals the prescribed flow rate.
"""

from __future__ import annotations

import numpy as np


def _dedupe(triangles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unique vertices (m, 3) and triangles as vertex indices (k, 3), duplicates removed."""
    points = triangles.reshape(-1, 3)
    scale = max(float(np.ptp(points, axis=0).max()), 1e-300)
    keys = np.round(points / scale * 1e9).astype(np.int64)
    _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    tris = np.sort(inverse.reshape(-1, 3), axis=1)
    tris = np.unique(tris, axis=0)
    return points[first], tris


def rim_segments(triangles: np.ndarray) -> np.ndarray:
    """Boundary edges (s, 2, 3) of a triangulated surface given as vertex coordinates (n, 3, 3):
    the edges that belong to exactly one triangle (duplicate triangles count once)."""
    vertices, tris = _dedupe(np.asarray(triangles, float))
    edges = np.sort(np.concatenate([tris[:, [0, 1]], tris[:, [1, 2]], tris[:, [0, 2]]]), axis=1)
    unique, counts = np.unique(edges, axis=0, return_counts=True)
    rim = unique[counts == 1]
    return vertices[rim]


def distance_to_segments(points: np.ndarray, segments: np.ndarray, chunk: int = 2048) -> np.ndarray:
    """Euclidean distance of every point (n, 3) to the nearest of the segments (s, 2, 3)."""
    points = np.asarray(points, float)
    a, b = segments[:, 0], segments[:, 1]
    ab = b - a
    length2 = np.maximum(np.einsum("ij,ij->i", ab, ab), 1e-300)
    out = np.empty(len(points))
    for start in range(0, len(points), chunk):
        p = points[start:start + chunk, None, :]
        s = np.clip(np.einsum("psj,sj->ps", p - a[None], ab) / length2, 0.0, 1.0)
        nearest = a[None] + s[..., None] * ab[None]
        out[start:start + chunk] = np.sqrt(np.min(np.sum((p - nearest) ** 2, axis=-1), axis=1))
    return out


def rim_profile(points: np.ndarray, segments: np.ndarray, d_max: float) -> np.ndarray:
    """w = d (2 d_max - d) at ``points`` (mm^2), d the distance to the rim ``segments``, clipped at 0."""
    d = np.minimum(distance_to_segments(points, segments), d_max)
    return np.maximum(d * (2.0 * d_max - d), 0.0)


def inradius(segments: np.ndarray, centroid: np.ndarray, samples: np.ndarray | None = None) -> float:
    """Largest distance to the rim among the centroid and ``samples`` (points on the cap)."""
    candidates = np.asarray(centroid, float)[None]
    if samples is not None and len(samples):
        candidates = np.concatenate([candidates, np.asarray(samples, float)])
    return float(distance_to_segments(candidates, segments).max())
