"""Mesh quality measures (Verdict conventions), computed on arrays.

* scaled Jacobian: at each corner, det[e1, e2, e3] / (|e1| |e2| |e3|) of its three edges; the cell's
  value is the minimum over corners. Tetrahedra are multiplied by sqrt(2) so the regular
  tetrahedron scores 1; a right-angled hexahedron scores 1; negative means inverted.
* aspect ratio: tetrahedra L_max A / (6 sqrt(6) V) (longest edge over 2 sqrt(6) times the inradius;
  1 for the regular tetrahedron); hexahedra longest over shortest edge.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from heartsim.mesh.meshdata import MeshData, corner_jacobians, signed_volumes

_TET_EDGES = ((0, 1), (1, 2), (2, 0), (0, 3), (1, 3), (2, 3))
_HEX_EDGES = ((0, 1), (1, 2), (2, 3), (3, 0), (4, 5), (5, 6), (6, 7), (7, 4), (0, 4), (1, 5), (2, 6), (3, 7))
_TET_FACES = ((0, 1, 2), (0, 1, 3), (1, 2, 3), (0, 2, 3))


@dataclass
class Quality:
    min_scaled_jacobian: float
    max_aspect_ratio: float
    inverted: int
    degenerate: int
    volume: float


def scaled_jacobian(points: np.ndarray, cells: np.ndarray, cell_type: str) -> np.ndarray:
    sj = corner_jacobians(points, cells, cell_type, scaled=True).min(axis=0)
    return sj * math.sqrt(2.0) if cell_type.startswith("tetra") else sj


def aspect_ratio(points: np.ndarray, cells: np.ndarray, cell_type: str) -> np.ndarray:
    tet = cell_type.startswith("tetra")
    edges = np.array([np.linalg.norm(points[cells[:, b]] - points[cells[:, a]], axis=1)
                      for a, b in (_TET_EDGES if tet else _HEX_EDGES)])
    if not tet:
        return edges.max(axis=0) / np.maximum(edges.min(axis=0), 1e-300)
    area = sum(0.5 * np.linalg.norm(np.cross(points[cells[:, b]] - points[cells[:, a]],
                                             points[cells[:, c]] - points[cells[:, a]]), axis=1)
               for a, b, c in _TET_FACES)
    volume = np.abs(signed_volumes(points, cells, cell_type))
    return edges.max(axis=0) * area / np.maximum(6.0 * math.sqrt(6.0) * volume, 1e-300)


def quality(data: MeshData) -> Quality:
    corners = data.cells[:, :8] if data.cell_type.startswith("hexa") else data.cells[:, :4]
    kind = "hexahedron" if data.cell_type.startswith("hexa") else "tetra"
    sj = scaled_jacobian(data.points, corners, kind)
    vol = signed_volumes(data.points, corners, kind)
    size = float(np.abs(vol).max()) if vol.size else 1.0
    return Quality(float(sj.min()), float(aspect_ratio(data.points, corners, kind).max()),
                   int((sj < 0).sum()), int((np.abs(vol) <= 1e-12 * size).sum()), float(np.abs(vol).sum()))


def facet_areas(points: np.ndarray, facets: np.ndarray) -> np.ndarray:
    """Area of each linear triangle (first 3 nodes) or quadrilateral (first 4, as two triangles)."""
    def tri(a, b, c):
        return 0.5 * np.linalg.norm(np.cross(points[b] - points[a], points[c] - points[a]), axis=1)
    if facets.shape[1] in (3, 6):
        return tri(facets[:, 0], facets[:, 1], facets[:, 2])
    return tri(facets[:, 0], facets[:, 1], facets[:, 2]) + tri(facets[:, 0], facets[:, 2], facets[:, 3])
