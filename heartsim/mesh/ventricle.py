"""Left-ventricular myocardium from a blood-pool (cavity) label: a wall of given thickness around the
cavity, cut by a base plane, meshed with tetrahedra tagged ``endo``, ``epi`` and ``base``.

What this approximation is: the wall is the set of points within ``thickness`` mm of the cavity
(a Euclidean dilation), so it has uniform thickness everywhere, follows the cavity's shape (the
trabeculated endocardium smoothed by the surface step), and ends at a flat base plane perpendicular
to the cavity's long axis. What it is not: a segmentation of the real myocardium. Real walls are
thicker at the base than at the apex, the septum is shared with the right ventricle, and the valve
annuli are not planar. Use it for device and method studies, not for patient-specific wall stress.

Long axis: the principal axis of the cavity voxels. The basal end is the one nearer to ``base_hint``
(e.g. the aorta label's voxels, which meet the cavity at the outflow tract), else the end with the
larger cross-section. The base plane is ``base_offset`` mm (default: the wall thickness plus 10% of
the cavity length) below the cavity's basal extreme, so that the cut opens the cavity.
"""

from __future__ import annotations

import numpy as np

from heartsim.config.errors import ConfigError
from heartsim.mesh.labels import LabelMap, largest_component, mask_surface
from heartsim.mesh.meshdata import MeshData
from heartsim.mesh.volume import facet_geometry, tetrahedralise


def long_axis(mask: np.ndarray, affine: np.ndarray, base_hint: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(centroid, unit axis pointing from apex to base, projections of the cavity voxels on it)."""
    xyz = np.argwhere(mask) @ affine[:3, :3].T + affine[:3, 3]
    centre = xyz.mean(axis=0)
    _, _, vt = np.linalg.svd(xyz - centre, full_matrices=False)
    axis = vt[0]
    s = (xyz - centre) @ axis
    if base_hint is not None:
        if (base_hint - centre) @ axis < 0:
            axis, s = -axis, -s
    else:
        lo, hi = np.quantile(s, [0.15, 0.85])
        if (s <= lo).sum() > (s >= hi).sum():  # the wider end (more voxels per slab) is the base
            axis, s = -axis, -s
    return centre, axis, s


def lv_mesh(cavity: LabelMap, label: int, thickness: float, size: float, base_hint: np.ndarray | None = None,
            base_offset: float | None = None) -> tuple[MeshData, dict]:
    """Myocardium mesh around the cavity ``label`` with endo/epi/base facet tags, and a report."""
    from scipy import ndimage

    if thickness <= 0:
        raise ConfigError([f"--thickness {thickness}: must be positive (mm)"])
    spacing = cavity.spacing
    cav = largest_component(cavity.mask(label))
    pad = int(np.ceil(thickness / spacing.min())) + 3
    index = np.argwhere(cav)  # the cavity's bounding box, padded by the wall: the same physical points
    lo, hi = index.min(axis=0), index.max(axis=0) + 1
    cav = np.pad(cav[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]], pad)
    affine = cavity.affine.copy()
    affine[:3, 3] += affine[:3, :3] @ (lo - pad)
    centre, axis, s = long_axis(cav, affine, base_hint)
    length = float(s.max() - s.min())
    offset = thickness + 0.1 * length if base_offset is None else base_offset
    s_base = float(s.max()) - offset
    outside = ndimage.distance_transform_edt(~cav, sampling=spacing)
    wall = (outside > 0) & (outside <= thickness)
    xyz = np.indices(cav.shape).reshape(3, -1).T @ affine[:3, :3].T + affine[:3, 3]
    below = ((xyz - centre) @ axis <= s_base).reshape(cav.shape)
    wall &= below
    wall = largest_component(wall)
    points, triangles = mask_surface(wall, affine, size)
    data = tetrahedralise(points, triangles, size, feature_angle=180.0, name=cavity.path.name)
    # tags: base = facets on the plane facing +axis; endo = facets nearer the cavity than the outer
    # surface; epi = the rest
    centroid, normal = facet_geometry(data)
    height = (centroid - centre) @ axis - s_base
    base = (np.abs(height) < 0.6 * size) & (normal @ axis > 0.8)
    inv = np.linalg.inv(affine)
    ijk = np.clip(np.round(centroid @ inv[:3, :3].T + inv[:3, 3]).astype(int), 0, np.array(cav.shape) - 1)
    dist_cavity = outside[tuple(ijk.T)]
    endo = ~base & (dist_cavity < 0.5 * thickness)
    values = np.full(len(data.facets), 2, np.int32)  # epi
    values[endo] = 1
    values[base] = 3
    data.facet_values = values
    data.facet_names = {"endo": 1, "epi": 2, "base": 3}
    data.cell_names = {"myocardium": 1}
    voxel = float(abs(np.linalg.det(affine[:3, :3])))
    return data, {"wall_volume_mm3": float(wall.sum()) * voxel, "axis": axis.tolist(), "length_mm": length,
                  "base_plane_mm_from_centroid": s_base}
