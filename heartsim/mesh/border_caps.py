"""Cap plane of a short field-of-view end: a vessel that leaves the image a few mm after it stops
touching its parent (a branch close to the border it leaves through, or the parent beside it).

Where the image's border slices show the end's own vessel for only a few slices before it joins
another (``vessel.track_from_border`` stops at the junction), the slice centroids cannot give the
axis, and a section profile along a wrong axis never looks complete. Here instead:

1. **Axis from the wall normals.** On a straight tube every wall normal is perpendicular to the axis,
   so the axis is the eigenvector of least eigenvalue of sum_i n_i n_i^T over the tube's wall voxels
   (n_i: the normalised gradient of the mask smoothed by a Gaussian of sigma = 1 mm, extended past
   the image border by its nearest values, so that the field-of-view cut is no wall). A stub one
   diameter long suffices: its wall covers every direction around the axis.
2. **A complete section.** Along that axis, every 0.25 mm, the voxels of the whole mask within
   1.25 r of the axis (r: the inscribed radius of the border cut, the vessel's own radius) are counted
   with a hat kernel one voxel wide (the area A), and those between 1.25 r and 1.75 r (the ring R).
   A station is complete when 0.75 <= A / (pi r^2) <= 1.3, R <= 0.1 pi r^2 (no sibling in the
   plane near the vessel) and the disc of radius r there lies inside the image (not truncated by
   the field of view). The cap goes in the middle of the longest run of complete stations (the
   farthest from both the border and the junction), moved inward by ``extra`` mm at most to the
   run's inner end.

Returns None when there is no complete station (the caller then names the end and why).
"""

from __future__ import annotations

import numpy as np


def wall_axis(mask: np.ndarray, affine: np.ndarray, tube: np.ndarray, sigma: float = 1.0) -> np.ndarray | None:
    """Unit axis of the tube (voxel set) from its wall voxels' normals (module docstring, step 1)."""
    from scipy import ndimage

    spacing = np.linalg.norm(affine[:3, :3], axis=0)
    smooth = ndimage.gaussian_filter(mask.astype(float), sigma / spacing, mode="nearest")
    grads = np.gradient(smooth, *spacing)
    wall = tube & ~ndimage.binary_erosion(mask, border_value=1)
    ijk = np.argwhere(wall)
    if len(ijk) < 12:
        return None
    g = np.stack([gr[tuple(ijk.T)] for gr in grads], axis=1) @ (affine[:3, :3] / spacing).T
    norm = np.linalg.norm(g, axis=1)
    keep = norm > 1e-3
    if keep.sum() < 12:
        return None
    n = g[keep] / norm[keep, None]
    w, v = np.linalg.eigh(n.T @ n)
    return v[:, 0]


def border_stations(mask: np.ndarray, affine: np.ndarray, tube: np.ndarray, radius: float,
                    tip: np.ndarray, faces, cap_offset: float = 2.0):
    """Candidate cap planes of a short field-of-view end (module docstring), best first: (centre,
    unit normal pointing out of the vessel, area of the section there, mm^2). ``tube``: the end's
    own vessel followed from its border section; ``tip``: the end's point on the border (mm);
    ``faces``: the image's border faces (axis, index) on the grid of ``mask``. Empty when no station
    is complete."""
    axis = wall_axis(mask, affine, tube)
    if axis is None:
        return []
    xyz_tube = np.argwhere(tube) @ affine[:3, :3].T + affine[:3, 3]
    origin = xyz_tube.mean(axis=0)
    if (tip - origin) @ axis < 0:
        axis = -axis  # out of the vessel, towards the border it leaves through
    spacing = np.linalg.norm(affine[:3, :3], axis=0)
    ijk = np.argwhere(mask)
    xyz = ijk @ affine[:3, :3].T + affine[:3, 3]
    s = (xyz - origin) @ axis
    radial = np.linalg.norm(xyz - origin - np.outer(s, axis), axis=1)
    near = radial <= 1.25 * radius
    s = s[near]
    half = float(spacing.max())
    voxel_volume = float(abs(np.linalg.det(affine[:3, :3])))
    reach = 4.0 * radius + 2.0 * half
    stations = np.arange(-reach, reach + 0.125, 0.25)
    exact = np.pi * radius ** 2
    e1 = np.cross(axis, [1.0, 0.0, 0.0] if abs(axis[0]) < 0.9 else [0.0, 1.0, 0.0])
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(axis, e1)
    turn = np.linspace(0.0, 2.0 * np.pi, 48, endpoint=False)
    rim = radius * (np.outer(np.cos(turn), e1) + np.outer(np.sin(turn), e2))
    inverse = np.linalg.inv(affine[:3, :3])
    complete = np.zeros(len(stations), bool)
    areas = np.zeros(len(stations))
    for k, t in enumerate(stations):
        areas[k] = float(np.clip(1.0 - np.abs(s - t) / half, 0.0, None).sum()) * voxel_volume / half
        disc = (origin + t * axis + rim - affine[:3, 3]) @ inverse.T
        inside = all((disc[:, a] >= 0.5).all() if index == 0 else (disc[:, a] <= index - 0.5).all()
                     for a, index in faces)
        complete[k] = inside and 0.75 <= areas[k] / exact <= 1.3
    if not complete.any():
        return []
    # the outermost run of complete stations (nearest the border), ``cap_offset`` inside its outer end
    # (at most to its middle), then the rest of the run by distance from there, every 0.5 mm
    edges = np.diff(np.concatenate([[0], complete.astype(int), [0]]))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    lo, hi = stations[starts[-1]], stations[stops[-1] - 1]
    t0 = max(hi - cap_offset, 0.5 * (lo + hi))
    run = np.flatnonzero((stations >= lo) & (stations <= hi))[::2]
    order = run[np.argsort(np.abs(stations[run] - t0), kind="stable")]
    return [(origin + stations[k] * axis, axis, float(areas[k])) for k in order]
