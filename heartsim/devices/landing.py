"""A stent-graft landing zone: the displacement force the blood exerts on the wall region S it lies on.

    F(t) = int_S (p n - mu D(u) n) dA            (mN; n out of the fluid; pressure part + shear part)

(the flow runner integrates it, ``heartsim.flow.metrics.DisplacementForce``; :func:`pressure_force`
is the pressure part on a triangulated surface, pure NumPy: sum_f p_f A_f n_f). Reported per time:
|F|, the force per unit area |F| / |S| (kPa = mN/mm^2), the axial component |F . a| and the angle
between F and the local centreline axis a (deg, 0 = along the vessel, 90 = radial); over the run the
fixation margin = pull-out force / max_t |F| (the graft's measured pull-out force, given).

The axis a, unless given, is the direction least aligned with the wall normals of S: the eigenvector
of sum_f A_f n_f n_f^T with the smallest eigenvalue (normals of a tube are perpendicular to its axis).
For a uniformly pressurised 90-degree bend with end sections of area A, the closed surface has
sum_f A_f n_f = 0, so the wall carries |F| = sqrt(2) p A.
"""

from __future__ import annotations

import numpy as np

from heartsim.devices.result import SiteResult


def triangle_normals(points: np.ndarray, triangles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(areas (m,), unit normals (m, 3)) of triangles (m, 3) by the right-hand rule of their node order."""
    p = np.asarray(points, float)[np.asarray(triangles)]
    cross = np.cross(p[:, 1] - p[:, 0], p[:, 2] - p[:, 0])
    area = 0.5 * np.linalg.norm(cross, axis=1)
    return area, cross / (2 * area[:, None])


def pressure_force(points: np.ndarray, triangles: np.ndarray, pressure: np.ndarray) -> np.ndarray:
    """sum_f pbar_f A_f n_f (mN for kPa and mm): the pressure part of F on triangles whose normals point out of
    the fluid; ``pressure`` is given at the points (linear on each triangle, so pbar is the vertex mean)."""
    area, normal = triangle_normals(points, triangles)
    pbar = np.asarray(pressure, float)[np.asarray(triangles)].mean(axis=1)
    return (pbar * area) @ normal


def centreline_axis(points: np.ndarray, triangles: np.ndarray) -> np.ndarray:
    """Unit axis of a tubular wall patch (see the module text)."""
    area, normal = triangle_normals(points, triangles)
    tensor = (normal * area[:, None]).T @ normal
    return np.linalg.eigh(tensor)[1][:, 0]


def landing_metrics(times: np.ndarray, force: np.ndarray, area: float, axis: np.ndarray,
                    pull_out: float | None = None) -> SiteResult:
    """Metrics from F(t) (nt, 3) in mN on a region of ``area`` (mm^2) around unit ``axis``."""
    force = np.asarray(force, float)
    axis = np.asarray(axis, float) / np.linalg.norm(axis)
    mag = np.linalg.norm(force, axis=1)
    axial = np.abs(force @ axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        angle = np.degrees(np.arccos(np.clip(axial / mag, 0.0, 1.0)))
    cols = {"time_ms": np.asarray(times, float), "Fx_mN": force[:, 0], "Fy_mN": force[:, 1], "Fz_mN": force[:, 2],
            "magnitude_mN": mag, "force_per_area_kPa": mag / area, "axial_mN": axial, "angle_to_axis_deg": angle}
    units = {"time_ms": "ms", "Fx_mN": "mN", "Fy_mN": "mN", "Fz_mN": "mN", "magnitude_mN": "mN",
             "force_per_area_kPa": "kPa", "axial_mN": "mN", "angle_to_axis_deg": "deg"}
    scalars = {"area_mm2": float(area), "peak_force_mN": float(mag.max())}
    sunits = {"area_mm2": "mm2", "peak_force_mN": "mN"}
    if pull_out is not None:
        scalars["fixation_margin"] = float(pull_out / mag.max()) if mag.max() > 0 else float("inf")
        sunits["fixation_margin"] = "1"
    return SiteResult("landing_zone", cols, units, scalars, sunits)
