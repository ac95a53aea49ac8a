"""Several labels of one label map -> one conforming tetrahedral mesh, a cell tag per label and a
facet tag per interface.

The union of the labels is meshed as one closed smooth surface (``labels.mask_surface``) filled with
tetrahedra; each tetrahedron takes the label whose smoothed indicator (the label's mask blurred with
the same Gaussian as the surface, sigma 0.5 mm) is largest at its centroid. Facets between
tetrahedra of labels A < B are tagged ``label_A|label_B``; boundary facets of label A are tagged
``label_A|background``. Interfaces between labels therefore follow element faces: they are
resolved to the target edge length (a staircase at that scale, whose area is over-estimated), while
the outer surface is smooth.
"""

from __future__ import annotations

import numpy as np

from heartsim.config.errors import ConfigError
from heartsim.mesh.labels import LabelMap, mask_surface
from heartsim.mesh.meshdata import MeshData

BACKGROUND = "background"


def assign_labels(labels: LabelMap, points: np.ndarray, present: list[int], sigma_mm: float = 0.5) -> np.ndarray:
    """Label with the largest smoothed indicator at each point (mm)."""
    from scipy import ndimage

    ijk = (points - labels.affine[:3, 3]) @ np.linalg.inv(labels.affine[:3, :3]).T
    lo = np.maximum(np.floor(ijk.min(axis=0)).astype(int) - 3, 0)
    hi = np.minimum(np.ceil(ijk.max(axis=0)).astype(int) + 4, labels.data.shape)
    crop = labels.data[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]]
    score = np.empty((len(present), len(points)))
    for k, value in enumerate(present):
        field = ndimage.gaussian_filter((crop == value).astype(float), sigma=sigma_mm / labels.spacing)
        score[k] = ndimage.map_coordinates(field, (ijk - lo).T, order=1, mode="nearest")
    return np.asarray(present)[np.argmax(score, axis=0)]


def interface_facets(cells: np.ndarray, cell_label: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Faces shared by two tetrahedra of different labels: (faces (m, 3), label pairs (m, 2), sorted)."""
    local = ((0, 1, 2), (0, 1, 3), (0, 2, 3), (1, 2, 3))
    faces = np.sort(np.concatenate([cells[:, list(f)] for f in local]), axis=1)
    owner = np.tile(np.arange(len(cells)), 4)
    order = np.lexsort(faces.T[::-1])
    faces, owner = faces[order], owner[order]
    same = np.all(faces[1:] == faces[:-1], axis=1)
    first = np.flatnonzero(same)
    a, b = cell_label[owner[first]], cell_label[owner[first + 1]]
    differ = a != b
    return faces[first[differ]], np.sort(np.column_stack([a[differ], b[differ]]), axis=1)


def multilabel_mesh(labels: LabelMap, size: float) -> tuple[MeshData, dict]:
    """See the module docstring; the report gives each label's voxel volume."""
    from scipy import ndimage

    from heartsim.mesh.meshdata import signed_volumes
    from heartsim.mesh.volume import tetrahedralise

    present = labels.labels()
    union = labels.data > 0
    components, count = ndimage.label(union)
    if count > 1:
        sizes = np.bincount(components.ravel())[1:]
        union = components == 1 + int(np.argmax(sizes))
    union = ndimage.binary_fill_holes(union)
    points, triangles = mask_surface(union, labels.affine, size)
    data = tetrahedralise(points, triangles, size, feature_angle=180.0, name=labels.path.name)
    kept = [v for v in present if np.any(labels.data[union] == v)]
    if len(kept) < len(present):
        raise ConfigError([f"{labels.path.name}: labels {[v for v in present if v not in kept]} do not touch the "
                           "largest connected region of the other labels: mesh them separately with --label"])
    cell_label = assign_labels(labels, data.points[data.cells].mean(axis=1), kept)
    missing = [v for v in kept if not np.any(cell_label == v)]
    if missing:
        raise ConfigError([f"{labels.path.name}: labels {missing} are thinner than the mesh size {size} mm "
                           "(no tetrahedron took them): use a smaller --size"])
    data.cell_values = cell_label.astype(np.int32)
    data.cell_names = {f"label_{v}": int(v) for v in kept}
    owner_label = _boundary_owner_labels(data.cells, cell_label, data.facets)
    faces, pairs = interface_facets(data.cells, cell_label)
    names: dict[str, int] = {}
    values_b = np.empty(len(data.facets), np.int32)
    for v in kept:
        names[f"label_{v}|{BACKGROUND}"] = len(names) + 1
        values_b[owner_label == v] = names[f"label_{v}|{BACKGROUND}"]
    values_i = np.empty(len(faces), np.int32)
    for a, b in sorted({tuple(p) for p in pairs.tolist()}):
        names[f"label_{a}|label_{b}"] = len(names) + 1
        values_i[(pairs[:, 0] == a) & (pairs[:, 1] == b)] = names[f"label_{a}|label_{b}"]
    data.facets = np.concatenate([data.facets, faces])
    data.facet_values = np.concatenate([values_b, values_i])
    data.facet_names = {k: v for k, v in names.items() if np.any(data.facet_values == v)}
    voxel = float(abs(np.linalg.det(labels.affine[:3, :3])))
    vols = signed_volumes(data.points, data.cells, "tetra")
    return data, {"label_volume_mm3": float(union.sum()) * voxel,
                  "labels": {int(v): {"voxel_volume_mm3": float(np.count_nonzero(labels.data[union] == v)) * voxel,
                                      "mesh_volume_mm3": float(vols[cell_label == v].sum())} for v in kept}}


def _boundary_owner_labels(cells: np.ndarray, cell_label: np.ndarray, facets: np.ndarray) -> np.ndarray:
    local = ((0, 1, 2), (0, 1, 3), (0, 2, 3), (1, 2, 3))
    faces = np.sort(np.concatenate([cells[:, list(f)] for f in local]), axis=1)
    owner = np.tile(np.arange(len(cells)), 4)
    lookup = {tuple(f): o for f, o in zip(faces.tolist(), owner.tolist())}
    return np.array([cell_label[lookup[tuple(f)]] for f in np.sort(facets, axis=1).tolist()])
