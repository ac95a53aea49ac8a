"""Vessel label -> tetrahedral lumen mesh with flat, tagged inlet and outlet caps.

WORK IN PROGRESS (not yet behind a CLI command; see docs/meshing.md): the ends and cut planes are
found reliably on the shared aortas, but the flat caps do not yet survive the surface smoothing and
Gmsh's reparametrisation as separate patches, so ``tag_caps`` can miss them.

Ends of the vessel (where the segmentation stops) are found as extremities of the geodesic distance
inside the mask: starting from the voxel deepest inside the vessel (largest distance to the wall),
voxels whose geodesic distance is the largest within ``end_radius`` mm are branch ends. At each end
the local centreline direction is the principal axis of the branch's last max(15 mm, 3 radii),
oriented towards the end. The surface is cut flat by the plane perpendicular to that
direction, ``cap_offset`` mm inside the end, only within a ball around the end (so that other parts
of the vessel crossing the same plane are untouched), and the hole is closed by a planar cap.
After volume meshing, boundary facets on a cap plane with the plane's normal are that cap; the
rest is ``wall``. The inlet is the end nearest to an ``inlet_hint`` point (for an aorta: the left
ventricle's centroid when its label is given), else the largest cap; the others are
``outlet_1..k`` in decreasing order of area.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from heartsim.config.errors import ConfigError
from heartsim.mesh.labels import LabelMap, largest_component, mask_surface
from heartsim.mesh.meshdata import MeshData
from heartsim.mesh.volume import facet_geometry, tetrahedralise


@dataclass
class Cap:
    centre: np.ndarray  # point on the cut plane (mm)
    normal: np.ndarray  # outward unit normal of the cap
    radius: float  # radius of the ball within which the cut applies (mm)


def geodesic_distance(mask: np.ndarray, spacing: np.ndarray, seed: tuple[int, int, int]) -> np.ndarray:
    """Shortest-path distance (mm) inside ``mask`` from ``seed`` over the 26-neighbour voxel graph."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import dijkstra

    index = -np.ones(mask.shape, dtype=np.int64)
    voxels = np.argwhere(mask)
    index[tuple(voxels.T)] = np.arange(len(voxels))
    rows, cols, weights = [], [], []
    for d in np.array([(a, b, c) for a in (0, 1) for b in (-1, 0, 1) for c in (-1, 0, 1)
                       if (a, b, c) > (0, 0, 0)]):
        shifted = voxels + d
        ok = np.all((shifted >= 0) & (shifted < mask.shape), axis=1)
        src, dst = np.flatnonzero(ok), index[tuple(shifted[ok].T)]
        keep = dst >= 0
        rows.append(src[keep])
        cols.append(dst[keep])
        weights.append(np.full(keep.sum(), float(np.linalg.norm(d * spacing))))
    n = len(voxels)
    graph = coo_matrix((np.concatenate(weights), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n))
    start = index[seed]
    dist = dijkstra(graph, directed=False, indices=int(start))
    out = np.full(mask.shape, np.inf)
    out[tuple(voxels.T)] = dist
    return out


def find_caps(mask: np.ndarray, affine: np.ndarray, end_radius: float = 8.0, cap_offset: float = 3.0,
              min_branch: float = 15.0) -> list[Cap]:
    """Cut planes at the ends of a vessel mask (see the module docstring)."""
    from scipy import ndimage

    spacing = np.linalg.norm(affine[:3, :3], axis=0)
    depth = ndimage.distance_transform_edt(mask, sampling=spacing)
    seed = np.unravel_index(np.argmax(depth), mask.shape)
    geo = geodesic_distance(mask, spacing, seed)
    finite = np.where(np.isfinite(geo), geo, -1.0)
    size = np.maximum(1, np.round(2 * end_radius / spacing).astype(int)) | 1
    local_max = ndimage.maximum_filter(finite, size=tuple(size)) == finite
    ends = np.argwhere(local_max & mask & (finite >= min_branch))
    reach = np.ceil((3 * end_radius + 20.0) / spacing).astype(int)
    found: list[tuple[float, Cap]] = []
    for end in ends:
        d_end = finite[tuple(end)]
        lo, hi = np.maximum(end - reach, 0), np.minimum(end + reach + 1, mask.shape)
        box = tuple(slice(a, b) for a, b in zip(lo, hi))
        g = finite[box]
        # local radius: the deepest point of the last 15 mm of the branch
        labelled, _ = ndimage.label(g >= d_end - 15.0, structure=np.ones((3, 3, 3)))
        near_end = labelled == labelled[tuple(end - lo)]
        radius_est = float(depth[box][near_end].max())
        # the branch: voxels within max(15, 3 r) mm (geodesic) of the end, connected to it; its
        # principal axis is the local centreline direction, oriented towards the end
        length = max(15.0, 3.0 * radius_est)
        labelled, _ = ndimage.label(g >= d_end - length, structure=np.ones((3, 3, 3)))
        branch = labelled == labelled[tuple(end - lo)]
        xyz = (np.argwhere(branch) + lo) @ affine[:3, :3].T + affine[:3, 3]
        if len(xyz) < 10:
            continue
        centre = xyz.mean(axis=0)
        _, _, vt = np.linalg.svd(xyz - centre, full_matrices=False)
        normal = vt[0]
        end_xyz = end @ affine[:3, :3].T + affine[:3, 3]
        if (end_xyz - centre) @ normal < 0:
            normal = -normal
        s = (xyz - centre) @ normal
        ring = xyz[np.abs(s - (s.max() - cap_offset)) <= 0.75]
        if len(ring) == 0:
            continue
        at = ring.mean(axis=0)
        radius = float(np.linalg.norm((ring - at) - np.outer((ring - at) @ normal, normal), axis=1).max())
        if radius > 2.5 * radius_est + 2.0:  # not a clean cross-section (a bulge, not a vessel end)
            continue
        found.append((d_end, Cap(at, normal, radius)))
    # ends closer than their radii are one end (a bulge with two maxima): keep the farthest
    found.sort(key=lambda item: -item[0])
    caps: list[Cap] = []
    for _, cap in found:
        if all(np.linalg.norm(cap.centre - c.centre) > max(end_radius, cap.radius + c.radius) for c in caps):
            caps.append(cap)
    for cap in caps:
        cap.radius = 1.5 * cap.radius + 2.0  # the ball of the cut: the cross-section and a margin
    if len(caps) < 2:
        raise ConfigError([f"found {len(caps)} vessel end(s); a vessel needs an inlet and at least one outlet"])
    return caps


def tag_caps(data: MeshData, caps: list[Cap], inlet_hint: np.ndarray | None, size: float) -> MeshData:
    """Facet tags: 1 = wall, 2 = inlet, 3.. = outlet_1.. (by decreasing area).

    Gmsh splits the surface into patches at sharp edges, so each flat cap is its own patch: a patch is
    cap i when its area-weighted centroid lies within the cap's ball, on the plane (within half the
    target size) and its mean normal is the plane's. Every other patch is wall.
    """
    from heartsim.mesh.quality import facet_areas

    centroid, normal = facet_geometry(data)
    areas = facet_areas(data.points, data.facets)
    patch_cap = {}
    for patch in np.unique(data.facet_values):
        sel = data.facet_values == patch
        w = areas[sel] / areas[sel].sum()
        c = (centroid[sel] * w[:, None]).sum(axis=0)
        n = (normal[sel] * w[:, None]).sum(axis=0)
        n /= np.linalg.norm(n) or 1.0
        for i, cap in enumerate(caps):
            if (np.linalg.norm(c - cap.centre) < cap.radius and abs((c - cap.centre) @ cap.normal) < 0.5 * size
                    and n @ cap.normal > 0.9):
                patch_cap[int(patch)] = i
    on_cap = np.array([patch_cap.get(int(v), -1) for v in data.facet_values])
    cap_area = np.array([areas[on_cap == i].sum() for i in range(len(caps))])
    found = np.flatnonzero(cap_area > 0)
    if len(found) < 2:
        raise ConfigError([f"only {len(found)} flat cap(s) survived meshing; expected {len(caps)}"])
    if inlet_hint is not None:
        inlet = found[np.argmin([np.linalg.norm(caps[i].centre - inlet_hint) for i in found])]
    else:
        inlet = found[np.argmax(cap_area[found])]
    outlets = sorted((i for i in found if i != inlet), key=lambda i: -cap_area[i])
    values = np.ones(len(data.facets), np.int32)
    values[on_cap == inlet] = 2
    names = {"wall": 1, "inlet": 2}
    for k, i in enumerate(outlets, start=1):
        values[on_cap == i] = 2 + k
        names[f"outlet_{k}"] = 2 + k
    data.facet_values = values
    data.facet_names = names
    data.cell_names = {"lumen": 1}
    return data


def vessel_mesh(labels: LabelMap, label: int, size: float, cap_offset: float = 3.0,
                inlet_hint: np.ndarray | None = None) -> tuple[MeshData, dict]:
    """Lumen mesh of ``label`` with inlet/outlet_k/wall facet tags, and a report of what was done."""
    mask = largest_component(labels.mask(label))
    caps = find_caps(mask, labels.affine, cap_offset=cap_offset)
    points, triangles = mask_surface(mask, labels.affine, size, cuts=[(c.centre, c.normal, c.radius) for c in caps])
    data = tetrahedralise(points, triangles, size, feature_angle=40.0, name=labels.path.name)
    data = tag_caps(data, caps, inlet_hint, size)
    voxel_volume = float(abs(np.linalg.det(labels.affine[:3, :3])))
    return data, {"ends": len(caps), "label_volume_mm3": float(mask.sum()) * voxel_volume}
