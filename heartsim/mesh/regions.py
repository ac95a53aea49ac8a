"""Point-in-region tests for config regions (boxes and spheres), vectorised over points."""

from __future__ import annotations

import numpy as np

from heartsim.config.model import Region

#: tolerance (mm) so that points on a region's boundary count as inside
TOL = 1e-9


def points_in_region(points: np.ndarray, region: Region) -> np.ndarray:
    """Boolean mask of ``points`` (n, 3) inside a box or sphere region."""
    pts = np.asarray(points)[:, :3]
    if region.box is not None:
        lo, hi = np.asarray(region.box.min), np.asarray(region.box.max)
        return np.all((pts >= lo - TOL) & (pts <= hi + TOL), axis=1)
    if region.sphere is not None:
        c = np.asarray(region.sphere.center)
        return np.sum((pts - c) ** 2, axis=1) <= (region.sphere.radius + TOL) ** 2
    raise ValueError("points_in_region needs a box or sphere region")
