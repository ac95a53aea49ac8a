"""Small tagged meshes written by the tests themselves, in every format heartsim reads."""

from __future__ import annotations

from pathlib import Path

import numpy as np

#: exact measures of the test block [0, 2] x [0, 1] x [0, 1]
CELL_VOLUMES = {1: 1.0, 2: 1.0}          # x < 1 ("left"), x > 1 ("right")
FACET_AREAS = {10: 1.0, 20: 1.0, 30: 8.0}  # x = 0 ("inlet"), x = 2 ("outlet"), the rest ("wall")


def block(n: int = 2, quadratic: bool = False):
    """Points, tetrahedra (positively oriented, 6 per cube), cell tags, boundary triangles and tags."""
    nx, ny, nz = 2 * n, n, n
    h = 1.0 / n
    idx = lambda i, j, k: (i * (ny + 1) + j) * (nz + 1) + k  # noqa: E731
    points = np.array([(i * h, j * h, k * h) for i in range(nx + 1) for j in range(ny + 1) for k in range(nz + 1)])
    tets = []
    for i in range(nx):
        for j in range(ny):
            for k in range(nz):
                v = [idx(i + a, j + b, k + c) for a, b, c in
                     ((0, 0, 0), (1, 0, 0), (1, 1, 0), (0, 1, 0), (0, 0, 1), (1, 0, 1), (1, 1, 1), (0, 1, 1))]
                for a, b in ((1, 2), (2, 3), (3, 7), (7, 4), (4, 5), (5, 1)):
                    tets.append([v[0], v[a], v[b], v[6]])
    tets = np.array(tets)
    vol = np.einsum("ij,ij->i", np.cross(points[tets[:, 1]] - points[tets[:, 0]], points[tets[:, 2]] - points[tets[:, 0]]),
                    points[tets[:, 3]] - points[tets[:, 0]])
    tets[vol < 0] = tets[vol < 0][:, [0, 2, 1, 3]]
    mid = points[tets].mean(axis=1)
    cell_tags = np.where(mid[:, 0] < 1.0, 1, 2).astype(np.int32)
    faces = np.sort(np.concatenate([tets[:, f] for f in ((0, 1, 2), (0, 1, 3), (1, 2, 3), (0, 2, 3))]), axis=1)
    uniq, counts = np.unique(faces, axis=0, return_counts=True)
    tris = uniq[counts == 1]
    c = points[tris].mean(axis=1)
    facet_tags = np.where(np.isclose(c[:, 0], 0), 10, np.where(np.isclose(c[:, 0], 2), 20, 30)).astype(np.int32)
    if not quadratic:
        return points, tets, cell_tags, tris, facet_tags
    # add edge midpoints: tetra10 and triangle6 in VTK order
    edges = {}
    pts = list(points)

    def mid_node(a, b):
        key = (min(a, b), max(a, b))
        if key not in edges:
            edges[key] = len(pts)
            pts.append(0.5 * (points[a] + points[b]))
        return edges[key]
    tets10 = [list(t) + [mid_node(t[a], t[b]) for a, b in ((0, 1), (1, 2), (2, 0), (0, 3), (1, 3), (2, 3))]
              for t in tets]
    tris6 = [list(t) + [mid_node(t[a], t[b]) for a, b in ((0, 1), (1, 2), (2, 0))] for t in tris]
    return np.array(pts), np.array(tets10), cell_tags, np.array(tris6), facet_tags


#: VTK tetra10 edge nodes 4..9 by their corners
TET10_EDGES = ((0, 1), (1, 2), (0, 2), (0, 3), (1, 3), (2, 3))


def sorted_vertex_order(cells: np.ndarray) -> np.ndarray:
    """Each cell's corners sorted by global index, as legacy DOLFIN stores them (about half the cells
    become negatively oriented); tetra10 edge nodes follow their corners."""
    order = np.argsort(cells[:, :4], axis=1)
    out = np.take_along_axis(cells[:, :4], order, axis=1)
    if cells.shape[1] == 10:
        edge = {frozenset(e): 4 + i for i, e in enumerate(TET10_EDGES)}
        mids = [[cells[c, edge[frozenset((order[c, a], order[c, b]))]] for a, b in TET10_EDGES]
                for c in range(len(cells))]
        out = np.hstack([out, np.array(mids)])
    return out


def write(path: Path, fmt: str, quadratic: bool = False, unit_scale: float = 1.0, sort_vertices: bool = False) -> Path:
    """Write the block with tags in ``fmt`` (a meshio format name) to ``path`` (``sort_vertices``: each
    cell's vertices sorted by index, so that about half the cells are negatively oriented)."""
    import meshio

    points, tets, ct, tris, ft = block(quadratic=quadratic)
    if sort_vertices:
        tets = sorted_vertex_order(tets)
    vol, fac = ("tetra10", "triangle6") if quadratic else ("tetra", "triangle")
    points = points * unit_scale
    names = {"left": [1, 3], "right": [2, 3], "inlet": [10, 2], "outlet": [20, 2], "wall": [30, 2]}
    if fmt in ("gmsh22", "gmsh"):
        point_data = {"gmsh:dim_tags": np.tile([3, 1], (len(points), 1))} if fmt == "gmsh" else {}
        mesh = meshio.Mesh(points, [(fac, tris), (vol, tets)], point_data=point_data,
                           cell_data={"gmsh:physical": [ft, ct], "gmsh:geometrical": [ft, ct]}, field_data=names)
    elif fmt == "medit":
        mesh = meshio.Mesh(points, [(fac, tris), (vol, tets)], cell_data={"medit:ref": [ft, ct]})
    elif fmt == "abaqus":
        left, right = np.flatnonzero(ct == 1), np.flatnonzero(ct == 2)
        mesh = meshio.Mesh(points, [(vol, tets)], cell_sets={"left": [left], "right": [right]})
    else:
        mesh = meshio.Mesh(points, [(fac, tris), (vol, tets)], cell_data={"tags": [ft, ct]},
                           point_data={"fiber": np.tile([1.0, 0.0, 0.0], (len(points), 1))})
    meshio.write(path, mesh, file_format=fmt)
    return path
