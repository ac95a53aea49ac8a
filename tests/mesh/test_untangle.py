"""Quality lift of tetrahedral meshes: interior nodes moved, flat boundary slivers removed."""

import numpy as np

from heartsim.mesh.quality import scaled_jacobian
from heartsim.mesh.surfaces import boundary_facets
from heartsim.mesh.untangle import improve, peel


def _ball():
    """An icosahedron split into 20 tetrahedra around its centre (the one interior node, last)."""
    from scipy.spatial import ConvexHull

    g = (1 + 5 ** 0.5) / 2
    ico = np.array([(0, s1, s2 * g) for s1 in (-1, 1) for s2 in (-1, 1)], float)
    ico = np.vstack([ico, np.roll(ico, 1, axis=1), np.roll(ico, 2, axis=1)])
    points = np.vstack([ico, [[0.0, 0.0, 0.0]]])
    cells = np.column_stack([ConvexHull(ico).simplices, np.full(20, 12)]).astype(np.int64)
    p = points[cells]
    det = np.einsum("ij,ij->i", p[:, 1] - p[:, 0], np.cross(p[:, 2] - p[:, 0], p[:, 3] - p[:, 0]))
    cells[det < 0] = cells[det < 0][:, [0, 2, 1, 3]]
    return points, cells


def test_interior_node_moved_to_lift_the_minimum():
    points, cells = _ball()
    face = points[cells[0, :3]].mean(axis=0)
    points[12] = 0.97 * face  # close to one face of the hull: a flat tetrahedron
    before = scaled_jacobian(points, cells, "tetra").min()
    fixed = np.zeros(len(points), bool)
    fixed[:12] = True
    moved, count = improve(points, cells, fixed, 0.3)
    after = scaled_jacobian(moved, cells, "tetra").min()
    assert count == 1 and before < 0.15 and after > 0.5, (before, after)
    assert np.array_equal(moved[:12], points[:12])  # the boundary does not move


def test_flat_boundary_sliver_removed_with_its_faces_retagged():
    # two tetrahedra: a good one and a flat one on its face 1-2-3 (all nodes on the boundary)
    points = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1], [0.52, 0.52, 0.02]], float)  # x + y + z = 1.06: nearly on the face 1-2-3
    cells = np.array([[0, 1, 2, 3], [1, 4, 2, 3]])
    p = points[cells]
    det = np.einsum("ij,ij->i", p[:, 1] - p[:, 0], np.cross(p[:, 2] - p[:, 0], p[:, 3] - p[:, 0]))
    cells[det < 0] = cells[det < 0][:, [0, 2, 1, 3]]
    facets = boundary_facets(cells)
    values = np.ones(len(facets), np.int32)
    assert scaled_jacobian(points, cells, "tetra").min() < 0.15
    cells2, facets2, values2, removed = peel(points, cells, facets, values, 0.15)
    assert removed == 1 and len(cells2) == 1
    assert {tuple(sorted(f)) for f in facets2} == {tuple(sorted(f)) for f in boundary_facets(cells2)}
    outer = [i for i, f in enumerate(facets) if 4 in f]
    values[outer[0]] = 2  # faces of two tags (a cap's rim): the commonest, 1, goes to the new face
    _, facets3, values3, removed = peel(points, cells, facets, values, 0.15)
    assert removed == 1 and values3[-1] == 1 and 2 not in values3


def test_flip_replaces_a_flat_pair_by_three_good_tetrahedra():
    # a flat tetrahedron (apex a just above face p q r) and its neighbour below: the edge a-b crosses p q r
    points = np.array([[0, 0, 0], [1, 0, 0], [0.5, 0.9, 0], [0.5, 0.3, 0.05], [0.5, 0.3, -0.8]], float)
    from heartsim.mesh.untangle import _positive, flip23

    cells, _ = _positive(points, np.array([[0, 1, 2, 3], [0, 1, 2, 4]]))
    before = scaled_jacobian(points, cells, "tetra").min()
    flipped, flips = flip23(points, cells, 0.3)
    assert flips == 1 and len(flipped) == 3
    assert scaled_jacobian(points, flipped, "tetra").min() > before
    assert np.isclose(_positive(points, flipped)[1].sum(), _positive(points, cells)[1].sum())


def _slab():
    """A 2 x 2 x 1 block of unit cubes, each split into 6 tetrahedra (Kuhn): every node on the boundary."""
    from heartsim.mesh.untangle import _positive

    points = np.array([(i, j, k) for i in range(3) for j in range(3) for k in range(2)], float)
    index = {tuple(p.astype(int)): n for n, p in enumerate(points)}
    kuhn = [(0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)]
    cells = []
    for i in range(2):
        for j in range(2):
            for order in kuhn:
                corner = [i, j, 0]
                path = [index[tuple(corner)]]
                for axis in order:
                    corner[axis] += 1
                    path.append(index[tuple(corner)])
                cells.append(path)
    cells, _ = _positive(points, np.array(cells))
    facets = boundary_facets(cells)
    return points, cells, facets


def test_boundary_nodes_slide_within_their_face_and_along_a_rim():
    from heartsim.mesh.surface_moves import surface_moves

    points, cells, facets = _slab()
    centroid = points[facets].mean(axis=1)
    values = np.where(np.isclose(centroid[:, 2], 0.0), 2, 1).astype(np.int32)  # bottom: a "cap" (2)
    bottom_middle, rim_node = 8, 6  # (1, 1, 0) inside the bottom face; (1, 0, 0) on the bottom's rim
    assert tuple(points[bottom_middle]) == (1, 1, 0) and tuple(points[rim_node]) == (1, 0, 0)
    bent = points.copy()
    bent[bottom_middle] = (1.92, 1.9, 0.0)  # within the bottom plane, next to its corner: flat tetrahedra
    bent[rim_node] = (1.93, 0.0, 0.0)  # along the rim
    before = scaled_jacobian(bent, cells, "tetra").min()
    moved, count = surface_moves(bent, cells, facets, values, 0.3)
    after = scaled_jacobian(moved, cells, "tetra").min()
    assert before < 0.1 and after > 0.3 and count >= 2, (before, after, count)
    assert moved[bottom_middle, 2] == 0.0 and np.all(moved[rim_node, 1:] == 0.0)  # in the cap plane, on the rim
    corners = [n for n, p in enumerate(points) if p[0] in (0, 2) and p[1] in (0, 2)]
    assert np.array_equal(moved[corners], bent[corners])  # corners (three faces meet) never move
    # the same node without the tag boundary: a sharp crease (the side meets the bottom at 90 deg) stays
    moved2, _ = surface_moves(bent, cells, facets, np.ones(len(facets), np.int32), 0.3)
    assert np.array_equal(moved2[rim_node], bent[rim_node])
