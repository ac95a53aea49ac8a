"""A valve annulus: a closed ring of points x_i (mm), in order around the ring.

Per time: the best-fit plane (centroid c and unit normal n: the right singular vector of the centred
points with the smallest singular value); the ring projected onto it (in-plane axes e1, e2) gives

    area A = |1/2 sum_i (u_i v_{i+1} - u_{i+1} v_i)|     (shoelace; mm^2)
    perimeter P = sum_i |x_{i+1} - x_i|                   (closed polyline; mm)
    d_A = 2 sqrt(A / pi),  d_P = P / pi                   (area- and perimeter-derived diameters)
    eccentricity = 1 - D_min / D_max                      (Feret: D_max the largest point distance,
                                                            D_min the least width of the convex hull)

plane tilt = angle between n(t) and n(0) (deg), excursion = (c(t) - c(0)) . n(0) (mm, along the
reference normal; the annular plane systolic excursion when the ring is an annulus).
For an ellipse of semi-axes a, b sampled at n equal parameter steps the polygon area is
(n/2) a b sin(2 pi / n) -> pi a b, the perimeter tends to 4 a E(1 - b^2/a^2) (complete elliptic
integral of the second kind), both with relative error O(n^-2).
"""

from __future__ import annotations

import numpy as np

from heartsim.devices.result import SiteError, SiteResult


def fit_plane(points: np.ndarray, name: str = "ring") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(centroid, unit normal, in-plane axes (2, 3)); SiteError naming ``name`` for fewer than 3 points
    or collinear points."""
    points = np.asarray(points, float)
    if points.ndim != 2 or len(points) < 3:
        raise SiteError(f"devices.sites.{name}: a ring needs at least 3 points (got {len(points)})")
    c = points.mean(axis=0)
    _, sv, vt = np.linalg.svd(points - c)
    if sv[0] <= 0 or sv[1] <= 1e-9 * sv[0]:
        raise SiteError(f"devices.sites.{name}: the ring's points are collinear (no plane)")
    return c, vt[2], vt[:2]


def polygon_area(uv: np.ndarray) -> float:
    """|1/2 sum (u_i v_{i+1} - u_{i+1} v_i)| of a closed planar polygon (mm^2)."""
    u, v = uv[:, 0], uv[:, 1]
    return 0.5 * abs(float(np.dot(u, np.roll(v, -1)) - np.dot(np.roll(u, -1), v)))


def feret(uv: np.ndarray) -> tuple[float, float]:
    """(least width, largest point distance) of planar points (mm)."""
    from scipy.spatial import ConvexHull

    hull = uv[ConvexHull(uv).vertices]
    diff = hull[:, None, :] - hull[None, :, :]
    dmax = float(np.sqrt((diff**2).sum(axis=2)).max())
    edges = np.roll(hull, -1, axis=0) - hull
    normals = np.stack([-edges[:, 1], edges[:, 0]], axis=1) / np.linalg.norm(edges, axis=1)[:, None]
    proj = hull @ normals.T
    return float((proj.max(axis=0) - proj.min(axis=0)).min()), dmax


def ring_shape(points: np.ndarray, name: str = "ring") -> dict[str, float]:
    """Area, perimeter, diameters and eccentricity of one ring (see the module text)."""
    c, n, axes = fit_plane(points, name)
    uv = (np.asarray(points, float) - c) @ axes.T
    area = polygon_area(uv)
    perimeter = float(np.linalg.norm(np.roll(points, -1, axis=0) - points, axis=1).sum())
    dmin, dmax = feret(uv)
    return {"area_mm2": area, "perimeter_mm": perimeter, "diameter_area_mm": 2 * np.sqrt(area / np.pi),
            "diameter_perimeter_mm": perimeter / np.pi, "min_diameter_mm": dmin, "max_diameter_mm": dmax,
            "eccentricity": 1.0 - dmin / dmax}


def annulus_metrics(name: str, times: np.ndarray, positions: np.ndarray) -> SiteResult:
    """Metrics of a ring tracked at ``positions`` (nt, n, 3) at ``times`` (ms)."""
    positions = np.asarray(positions, float)
    c0, n0, _ = fit_plane(positions[0], name)
    rows = []
    for x in positions:
        shape = ring_shape(x, name)
        c, n, _ = fit_plane(x, name)
        shape["tilt_deg"] = float(np.degrees(np.arccos(min(1.0, abs(float(n @ n0))))))
        shape["excursion_mm"] = float((c - c0) @ n0)
        shape["centroid_displacement_mm"] = float(np.linalg.norm(c - c0))
        rows.append(shape)
    cols = {"time_ms": np.asarray(times, float)}
    cols.update({k: np.array([r[k] for r in rows]) for k in rows[0]})
    units = {k: ("mm2" if k.endswith("mm2") else "mm" if k.endswith("mm") else "deg" if k.endswith("deg") else "1")
             for k in cols}
    units["time_ms"] = "ms"
    scalars = {f"{k}_range": float(v.max() - v.min()) for k, v in cols.items() if k != "time_ms"}
    sunits = {f"{k}_range": units[k] for k in cols if k != "time_ms"}
    return SiteResult("annulus", cols, units, scalars, sunits, positions,
                      {"displacement_mm": positions - positions[0]}, "ring")
