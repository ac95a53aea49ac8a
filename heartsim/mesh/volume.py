"""Closed triangulated surfaces to tetrahedral volume meshes with Gmsh (PyPI gmsh, with Netgen).

The surface is classified into patches at sharp edges (``feature_angle``), reparametrised and
remeshed at the target edge length, then the enclosed volume is meshed (Delaunay) and optimised
(Gmsh and Netgen optimisers). The result is plain arrays (:class:`MeshData`) whose boundary facets
the caller tags.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from heartsim.config.errors import ConfigError
from heartsim.mesh.meshdata import MeshData
from heartsim.mesh.surfaces import boundary_facets

#: tetrahedra below this minimum scaled Jacobian get their interior nodes moved (the floor that
#: docs/meshing.md checks is 0.15; aiming higher leaves a margin)
QUALITY_FLOOR = 0.2


def tetrahedralise(points: np.ndarray, triangles: np.ndarray, size: float, feature_angle: float = 40.0,
                   name: str = "surface", patches: np.ndarray | None = None,
                   caps: np.ndarray | None = None, size_grid=None, floor: float = QUALITY_FLOOR) -> MeshData:
    """Tetrahedra filling the closed surface (points in mm), edge length about ``size`` mm.

    Gmsh runs in a child process (``gmsh_surface_worker.py``: its METIS clashes with PETSc's).
    ``caps``: (k, 6) planes (centre, unit normal) on which the (open) surface has planar rims; each is
    closed by a Gmsh plane surface, whose facets get tag ``cap_k`` (value k + 2; the rest ``wall``, 1).
    ``size_grid``: a :class:`heartsim.mesh.sizefield.SizeGrid` of local element sizes (mm), capped by
    ``size``. Gmsh's and Netgen's optimisers run after the volume meshing; tetrahedra still
    below ``floor`` (minimum scaled Jacobian) have their interior nodes moved (heartsim.mesh.untangle)
    and their boundary nodes moved within the surface (heartsim.mesh.surface_moves), and what is
    still below re-connected (``final_stage``), noted in ``MeshData.notes``."""
    import subprocess
    import sys

    worker = Path(__file__).with_name("gmsh_surface_worker.py")
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "in.npz", Path(tmp) / "out.npz"
        np.savez(src, points=np.asarray(points, float), triangles=np.asarray(triangles, np.int64),
                 size=float(size), feature_angle=float(feature_angle),
                 **({} if patches is None else {"patches": np.asarray(patches, np.int64)}),
                 **({} if caps is None else {"caps": np.asarray(caps, float)}),
                 **({} if size_grid is None else size_grid.arrays()))
        proc = subprocess.run([sys.executable, str(worker), str(src), str(dst)], capture_output=True, text=True)
        if proc.returncode != 0:
            lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
            reason = lines[-1] if lines else f"exit status {proc.returncode}"
            raise ConfigError([f"{name}: volume meshing failed in Gmsh: {reason}"])
        result = dict(np.load(dst))
    node_tags, xyz_all = result["nodes"], result["coords"]
    patches = [result[k] for k in sorted((k for k in result if k.startswith("patch_")), key=lambda k: int(k[6:]))]
    if "tets" not in result:
        raise ConfigError([f"{name}: Gmsh produced no tetrahedra (is the surface closed?)"])
    tets_flat = result["tets"].ravel()
    order = np.argsort(node_tags)
    xyz = xyz_all[order]
    index = np.searchsorted(np.asarray(node_tags)[order], np.asarray(tets_flat)).reshape(-1, 4)
    used = np.unique(index)
    renumber = np.full(len(xyz), -1)
    renumber[used] = np.arange(len(used))
    cells = renumber[index]
    pts = xyz[used]
    sorted_tags = np.asarray(node_tags)[order]
    facets = np.concatenate([renumber[np.searchsorted(sorted_tags, p)] for p in patches]) if patches else \
        boundary_facets(cells)
    values = np.concatenate([np.full(len(p), k + 1, np.int32) for k, p in enumerate(patches)]) if patches else \
        np.ones(len(facets), np.int32)
    facet_names = {f"patch_{k + 1}": k + 1 for k in range(len(patches))}
    if caps is not None:
        cap_keys = sorted((k for k in result if k.startswith("cap_")), key=lambda k: int(k[4:]))
        facets = np.concatenate([facets] + [renumber[np.searchsorted(sorted_tags, result[k])] for k in cap_keys])
        values = np.concatenate([np.ones(len(values), np.int32)]
                                + [np.full(len(result[k]), int(k[4:]) + 2, np.int32) for k in cap_keys])
        facet_names = {"wall": 1, **{k: int(k[4:]) + 2 for k in cap_keys}}
    data = MeshData(pts, "tetra", cells, np.ones(len(cells), np.int32), facets, values, facet_names=facet_names)
    # orient positively (Gmsh's tetrahedra are, but be sure)
    from heartsim.mesh.meshdata import signed_volumes

    negative = signed_volumes(pts, cells, "tetra") < 0
    data.cells[negative] = data.cells[negative][:, [0, 2, 1, 3]]
    if floor > 0:
        _lift_quality(data, floor)
    return data


#: rounds of the quality lift at most (another round while the minimum is below the floor)
LIFT_ROUNDS = 3
#: per round, the largest spread of a boundary node's facet normals (deg) for it to slide within its
#: facets (``surface_moves``): later rounds also slide nodes on the blunt creases of a smoothed wall
#: (a moved node stays on its original facets, so the wall moves by a crease's sagitta at most)
SURFACE_ANGLES = (35.0, 50.0, 65.0)


def _lift_quality(data: MeshData, floor: float) -> None:
    """Move interior nodes of the tetrahedra still below ``floor`` (heartsim.mesh.untangle), then
    boundary nodes within their surface (heartsim.mesh.surface_moves) and interior nodes again, flip
    faces (2-3), then remove flat tetrahedra lying wholly on the boundary; again (``LIFT_ROUNDS``)
    while the minimum is below ``floor``: a moved neighbour frees a node, and later rounds let nodes
    on blunter creases slide (``SURFACE_ANGLES``)."""
    from heartsim.mesh.quality import scaled_jacobian
    from heartsim.mesh.surface_moves import surface_moves
    from heartsim.mesh.untangle import flip23, improve, peel

    before = float(scaled_jacobian(data.points, data.cells, "tetra").min(initial=1.0))
    if before >= floor:
        return
    moved = slid = flips = peeled = 0
    for round_ in range(LIFT_ROUNDS):  # each round only raises the minimum; again while it still rises
        fixed = np.zeros(len(data.points), bool)
        fixed[boundary_facets(data.cells).ravel()] = True
        data.points, n_moved = improve(data.points, data.cells, fixed, floor)
        data.points, n_slid = surface_moves(data.points, data.cells, data.facets, data.facet_values, floor,
                                            max_angle=SURFACE_ANGLES[round_])
        if n_slid:
            data.points, again = improve(data.points, data.cells, fixed, floor)
            n_moved += again
        cells, n_flips = flip23(data.points, data.cells, floor)
        cells, data.facets, data.facet_values, n_peeled = peel(data.points, cells, data.facets, data.facet_values,
                                                              floor)
        data.cell_values = np.full(len(cells), data.cell_values[0] if len(data.cell_values) else 1, np.int32)
        data.cells = cells
        moved, slid, flips, peeled = moved + n_moved, slid + n_slid, flips + n_flips, peeled + n_peeled
        after = float(scaled_jacobian(data.points, data.cells, "tetra").min())
        if after >= floor:
            break
    data.notes.append(f"moved {moved} interior node(s), {slid} boundary node(s) within the surface, {flips} 2-3 flip(s), removed {peeled} flat boundary tetrahedra: "
                      f"minimum scaled Jacobian {before:.3f} -> {after:.3f}")
    if after < floor:
        final_stage(data, floor)


#: rounds of the final stage at most (edge removal, then node moves, while the minimum is below the floor)
FINAL_ROUNDS = 4
#: the most a boundary edge swap of the final stage may move the wall (mm): the distance between the
#: old and the new diagonal of the two wall triangles (a cap's triangles are coplanar: 0)
MAX_SURFACE_SHIFT = 0.1
#: the final stage's spread of facet normals for a boundary node to slide within its original facets
#: (the wall stays on its old piecewise-linear surface; how far the new triangles' chords leave it is
#: measured and noted: ``surface_deviation``)
FINAL_SURFACE_ANGLE = 80.0
#: the most a boundary node may move in the final stage (mm), from where the lift rounds left it: with
#: the swaps' ``MAX_SURFACE_SHIFT``, the wall moves by at most 0.3 mm in the final stage
FINAL_MAX_MOVE = 0.2


def final_stage(data: MeshData, floor: float) -> None:
    """What the lift rounds leave below ``floor`` (a flat tetrahedron on a badly shaped wall triangle,
    a needle of the surface mesh) is treated by changing the connectivity around it: edge removal on
    the edges of every tetrahedron below the floor (heartsim.mesh.edge_removal: interior edges, and
    boundary edges swapped on the surface within ``MAX_SURFACE_SHIFT``), then node moves (interior,
    within the surface up to ``FINAL_SURFACE_ANGLE`` and ``FINAL_MAX_MOVE`` from where the stage
    found them, interior again) and peeling (the surface moves by a peeled sliver's thickness); up to
    ``FINAL_ROUNDS`` rounds while the minimum is below ``floor`` and something changed. Every step
    only raises the local minimum, so the result does not depend on which local optimum the lift
    rounds reached; noted in ``MeshData.notes``."""
    from heartsim.mesh.edge_removal import remove_edges
    from heartsim.mesh.quality import scaled_jacobian
    from heartsim.mesh.surface_moves import surface_moves
    from heartsim.mesh.untangle import improve, peel

    before = float(scaled_jacobian(data.points, data.cells, "tetra").min())
    old_points, old_facets = data.points.copy(), data.facets.copy()
    removed = moved = slid = peeled = 0
    after = before
    for _ in range(FINAL_ROUNDS):
        cells, facets, values, n_removed, _ = remove_edges(data.points, data.cells, data.facets,
                                                                 data.facet_values, floor, MAX_SURFACE_SHIFT)
        data.cells, data.facets, data.facet_values = cells, facets, values
        fixed = np.zeros(len(data.points), bool)
        fixed[data.facets.ravel()] = True
        data.points, n_moved = improve(data.points, data.cells, fixed, floor)
        data.points, n_slid = surface_moves(data.points, data.cells, data.facets, data.facet_values, floor,
                                            max_angle=FINAL_SURFACE_ANGLE, max_move=FINAL_MAX_MOVE,
                                            anchor=old_points)
        data.points, again = improve(data.points, data.cells, fixed, floor)
        cells, data.facets, data.facet_values, n_peeled = peel(data.points, data.cells, data.facets,
                                                               data.facet_values, floor)
        data.cells = cells
        removed, moved, slid, peeled = removed + n_removed, moved + n_moved + again, slid + n_slid, peeled + n_peeled
        now = float(scaled_jacobian(data.points, data.cells, "tetra").min())
        if now >= floor or (now <= after and not (n_removed or n_moved or n_slid or again or n_peeled)):
            after = now
            break
        after = now
    data.cell_values = np.full(len(data.cells), data.cell_values[0] if len(data.cell_values) else 1, np.int32)
    deviation = surface_deviation(old_points, old_facets, data.points, data.facets)
    data.notes.append(f"final stage: {removed} edge(s) removed, moved {moved} interior and {slid} boundary "
                      f"node(s), removed {peeled} flat boundary tetrahedra (surface moved <= {deviation:.3f} mm): "
                      f"minimum scaled Jacobian {before:.3f} -> {after:.3f}")


def surface_deviation(old_points: np.ndarray, old_facets: np.ndarray, points: np.ndarray,
                      facets: np.ndarray) -> float:
    """Largest distance (mm) from the changed boundary triangles (new, or with a moved node) to the
    old boundary surface, sampled at their corners, edge midpoints and centroids."""
    from scipy.spatial import cKDTree

    from heartsim.mesh.surface_moves import closest_on_triangles

    old = {tuple(sorted(f)) for f in old_facets.tolist()}
    moved = np.flatnonzero(np.any(points != old_points[:len(points)], axis=1)) if len(points) else []
    moved_mask = np.zeros(len(points), bool)
    moved_mask[moved] = True
    changed = [f for f in facets.tolist() if tuple(sorted(f)) not in old or moved_mask[f].any()]
    if not changed:
        return 0.0
    tri = points[np.array(changed)]
    samples = np.concatenate([tri.reshape(-1, 3), (tri + np.roll(tri, 1, axis=1)).reshape(-1, 3) / 2,
                              tri.mean(axis=1)])
    old_tri = old_points[old_facets]
    tree = cKDTree(old_tri.mean(axis=1))
    _, near = tree.query(samples, k=min(24, len(old_tri)))
    near = np.atleast_2d(near)
    return max(float(np.linalg.norm(closest_on_triangles(q, old_tri[n]) - q)) for q, n in zip(samples, near))


def facet_geometry(data: MeshData) -> tuple[np.ndarray, np.ndarray]:
    """Centroids and outward unit normals of the boundary facets."""
    p = data.points
    f = data.facets
    centroid = p[f].mean(axis=1)
    normal = np.cross(p[f[:, 1]] - p[f[:, 0]], p[f[:, 2]] - p[f[:, 0]])
    normal /= np.linalg.norm(normal, axis=1, keepdims=True)
    # outward: away from the centroid of the cell that owns the facet
    owner = _facet_owner(data)
    inward = p[data.cells[owner]].mean(axis=1) - centroid
    flip = np.einsum("ij,ij->i", normal, inward) > 0
    normal[flip] *= -1
    return centroid, normal


def _facet_owner(data: MeshData) -> np.ndarray:
    faces = np.concatenate([np.sort(data.cells[:, list(f)], axis=1) for f in ((0, 1, 2), (0, 1, 3), (1, 2, 3), (0, 2, 3))])
    owners = np.tile(np.arange(len(data.cells)), 4)
    lookup = {tuple(f): o for f, o in zip(faces, owners)}
    return np.array([lookup[tuple(np.sort(f))] for f in data.facets])
