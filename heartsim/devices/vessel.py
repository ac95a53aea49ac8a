"""A vessel segment (stent, stent-graft site): stations along a centreline, each a ring of wall nodes.

Selection (reference configuration): station k at centreline point c_k with unit tangent t_k takes
the wall nodes w with |(w - c_k) . t_k| <= h/2 (a slab of thickness h, default the mean station
spacing) and radial distance at most ``max_radius`` (default twice the median radial distance of
the slab's nodes, which drops the far side of a curved vessel). A station with no wall node is an
error naming the site (the centreline range is not on the vessel).

Per time, from the tracked ring nodes of every station:

- centreline point = ring centroid c_k(t); tangent t_k(t) along the centroid curve;
- lumen area A_k: the ring projected on the plane normal to t_k, ordered by angle around c_k, shoelace;
  diameter d_k = 2 sqrt(A_k / pi), diameter strain d_k / d_k(0) - 1;
- axial strain L(t) / L(0) - 1 with L the length of the centroid polyline;
- curvature kappa_k of the centroid curve (``curve.curvature``), bending radius 1 / kappa; with 5 or more
  stations the two end stations are left out (their one-sided differences are O(h) and amplify the noise
  of ring centroids on a coarse mesh);
- twist: with a rotation-minimising frame (double reflection, Wang et al. 2008, ACM TOG 27:2) carried
  along the centroid curve from the direction of the first station's first node, each ring's in-plane
  rotation phi_k = atan2(sum p0 x p, sum p0 . p) against its reference; twist = phi_last - phi_first (deg),
  twist per length = twist / L(t) (deg/mm).

A homogeneous stretch x -> (l_r x, l_r y, l_z z) of a straight tube along z gives diameter strain
l_r - 1 and axial strain l_z - 1 exactly; a twist theta(z) = g z gives g (z_last - z_first).
"""

from __future__ import annotations

import numpy as np

from heartsim.devices import curve
from heartsim.devices.result import SiteError, SiteResult
from heartsim.devices.ring import polygon_area


def _station_tangents(points: np.ndarray) -> np.ndarray:
    if len(points) == 2:
        t = points[1] - points[0]
        return np.tile(t / np.linalg.norm(t), (2, 1))
    return curve.tangents(points)


def select_rings(name: str, centreline: np.ndarray, wall: np.ndarray, slab: float | None = None,
                 max_radius: float | None = None) -> list[np.ndarray]:
    """Indices into ``wall`` (k, 3) of every station's ring (see the module text)."""
    centreline = np.asarray(centreline, float)
    if len(centreline) < 2:
        raise SiteError(f"devices.sites.{name}.centreline: give at least 2 points")
    steps = np.linalg.norm(np.diff(centreline, axis=0), axis=1)
    if np.any(steps <= 1e-12):
        raise SiteError(f"devices.sites.{name}.centreline: two consecutive points coincide")
    h = slab if slab is not None else float(steps.mean())
    rings = []
    for k, (c, t) in enumerate(zip(centreline, _station_tangents(centreline))):
        rel = wall - c
        axial = rel @ t
        radial = np.linalg.norm(rel - np.outer(axial, t), axis=1)
        near = np.abs(axial) <= h / 2
        limit = max_radius if max_radius is not None else (2 * np.median(radial[near]) if near.any() else 0)
        idx = np.flatnonzero(near & (radial <= limit))
        if len(idx) < 3:
            raise SiteError(f"devices.sites.{name}.centreline: point {k} ({", ".join(f"{v:.4g}" for v in c)}) is not on the vessel "
                            f"(no wall around it within {h / 2:.3g} mm along the centreline)")
        rings.append(idx)
    return rings


def _frames(centroids: np.ndarray, tangents: np.ndarray, r0: np.ndarray) -> np.ndarray:
    """Rotation-minimising reference vectors r_k (double reflection) starting from r0 (made normal to t_0)."""
    r = r0 - (r0 @ tangents[0]) * tangents[0]
    out = [r / np.linalg.norm(r)]
    for k in range(len(centroids) - 1):
        v1 = centroids[k + 1] - centroids[k]
        c1 = v1 @ v1
        rl = out[-1] - (2 / c1) * (v1 @ out[-1]) * v1
        tl = tangents[k] - (2 / c1) * (v1 @ tangents[k]) * v1
        v2 = tangents[k + 1] - tl
        c2 = v2 @ v2
        rn = rl - (2 / c2) * (v2 @ rl) * v2 if c2 > 1e-30 else rl
        out.append(rn / np.linalg.norm(rn))
    return np.array(out)


def _section(points: np.ndarray, c: np.ndarray, t: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Ring points in the section plane's 2D frame (r, t x r), centred on c."""
    rel = points - c
    return np.stack([rel @ r, rel @ np.cross(t, r)], axis=1)


def _area(uv: np.ndarray) -> float:
    """Shoelace area of the section's points ordered by angle around the centroid."""
    return polygon_area(uv[np.argsort(np.arctan2(uv[:, 1], uv[:, 0]))])


def vessel_metrics(name: str, times: np.ndarray, rings: list[np.ndarray]) -> SiteResult:
    """Metrics of a segment whose station rings are at ``rings[k]`` (nt, n_k, 3) at ``times`` (ms)."""
    nt = len(times)
    per = {"area": [], "kappa": [], "phi": [], "centroid": []}
    ref_uv = None
    for i in range(nt):
        cents = np.array([ring[i].mean(axis=0) for ring in rings])
        tang = _station_tangents(cents)
        frames = _frames(cents, tang, rings[0][i][0] - cents[0])
        uvs = [_section(ring[i], c, t, r) for ring, c, t, r in zip(rings, cents, tang, frames)]
        if ref_uv is None:
            ref_uv = uvs
        phi = [np.arctan2(np.sum(p0[:, 0] * p[:, 1] - p0[:, 1] * p[:, 0]), np.sum(p0 * p)) for p0, p in zip(ref_uv, uvs)]
        per["area"].append([_area(uv) for uv in uvs])
        kappa = curve.curvature(cents) if len(cents) >= 3 else np.zeros(len(cents))
        if len(cents) >= 5:  # one-sided differences at the end stations are O(h) and amplify centroid noise
            kappa[[0, -1]] = np.nan
        per["kappa"].append(kappa)
        per["phi"].append(phi)
        per["centroid"].append(cents)
    area = np.array(per["area"])
    diam = 2 * np.sqrt(area / np.pi)
    dstrain = diam / diam[0] - 1
    kappa_all = np.array(per["kappa"])
    kappa = np.nan_to_num(kappa_all, nan=0.0)
    cents = np.array(per["centroid"])
    lengths = np.array([curve.length(c) for c in cents])
    twist = np.degrees(np.array([p[-1] - p[0] for p in per["phi"]]))
    with np.errstate(divide="ignore"):
        radius = np.where(kappa.max(axis=1) > 0, 1 / kappa.max(axis=1), np.inf)
    cols = {"time_ms": np.asarray(times, float), "length_mm": lengths, "axial_strain": lengths / lengths[0] - 1,
            "mean_diameter_mm": diam.mean(axis=1), "min_diameter_strain": dstrain.min(axis=1),
            "max_diameter_strain": dstrain.max(axis=1), "max_curvature_1_mm": kappa.max(axis=1),
            "min_bending_radius_mm": radius, "max_curvature_change_1_mm": np.abs(kappa - kappa[0]).max(axis=1),
            "twist_deg": twist, "twist_per_length_deg_mm": twist / lengths}
    for k in range(area.shape[1]):
        cols[f"lumen_area_{k}_mm2"] = area[:, k]
    units = {"time_ms": "ms", "length_mm": "mm", "axial_strain": "1", "mean_diameter_mm": "mm",
             "min_diameter_strain": "1", "max_diameter_strain": "1", "max_curvature_1_mm": "1/mm",
             "min_bending_radius_mm": "mm", "max_curvature_change_1_mm": "1/mm", "twist_deg": "deg",
             "twist_per_length_deg_mm": "deg/mm", **{f"lumen_area_{k}_mm2": "mm2" for k in range(area.shape[1])}}
    finite_r = radius[np.isfinite(radius)]
    bench = {"diameter_min_mm": float(diam.min()), "diameter_max_mm": float(diam.max()),
             "diameter_strain_min": float(dstrain.min()), "diameter_strain_max": float(dstrain.max()),
             "bending_radius_min_mm": float(finite_r.min()) if finite_r.size else float("inf"),
             "bending_radius_max_mm": float(finite_r.max()) if finite_r.size else float("inf"),
             "axial_strain_min": float(cols["axial_strain"].min()), "axial_strain_max": float(cols["axial_strain"].max()),
             "twist_per_length_min_deg_mm": float(cols["twist_per_length_deg_mm"].min()),
             "twist_per_length_max_deg_mm": float(cols["twist_per_length_deg_mm"].max())}
    bunits = {k: ("mm" if k.endswith("_mm") else "deg/mm" if k.endswith("deg_mm") else "1") for k in bench}
    return SiteResult("vessel_segment", cols, units, bench, bunits, cents,
                      {"diameter_mm": diam, "diameter_strain": dstrain, "curvature_1_mm": kappa_all,
                       "displacement_mm": cents - cents[0]}, "line")
