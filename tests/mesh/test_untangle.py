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
