"""Non-matching interpolation to quadrature points (calcium from an EP mesh to a mechanics mesh) is exact
for a linear field, both ways (coarse -> fine, fine -> coarse), also at points slightly outside the
source mesh (extrapolated from the nearest cell); ``distance_outside`` measures how far points lie out.
Serially and under mpirun -n 2 (the two meshes partitioned independently)."""

import numpy as np
import pytest
from mpi4py import MPI

from heartsim import fem

COMM = MPI.COMM_WORLD
RANKS = pytest.mark.parametrize("ranks", [1, pytest.param(2, marks=pytest.mark.mpi)])


def linear(x):
    return 0.1 + 0.02 * x[0] - 0.03 * x[1] + 0.05 * x[2]


@RANKS
@pytest.mark.parametrize("source_cells, target_cells", [((2, 2, 3), (5, 4, 6)), ((5, 4, 6), (2, 3, 2))])
def test_linear_field_to_quadrature_points_of_another_mesh(ranks, source_cells, target_cells):
    source = fem.create_box(COMM, [0, 0, 0], [10, 10, 10], list(source_cells))
    # the target sticks out by 2 at x = 10: its outer quadrature points lie outside the source
    target = fem.create_box(COMM, [0, 0, 0], [12, 10, 10], list(target_cells))
    f = fem.function(fem.lagrange_space(source, 1))
    f.interpolate(linear)
    q = fem.function(fem.quadrature_space(target, 2))
    fem.NonmatchingInterpolation(q.function_space, f.function_space, padding=3.0)(q, f)
    points = fem.quadrature_point_coordinates(target, 2)
    outside = points[:, 0] > 10
    assert COMM.allreduce(int(outside.sum())) > 0
    assert np.abs(q.x.array - linear(points.T)).max() < 1e-12


@RANKS
def test_distance_outside(ranks):
    mesh = fem.create_box(COMM, [0, 0, 0], [1, 1, 1], [3, 3, 3])
    pts = np.array([[0.5, 0.5, 0.5], [1.2, 0.5, 0.5], [1.0, 1.0, 1.3]]) if COMM.rank == 0 else np.zeros((0, 3))
    worst, missing, at = fem.distance_outside(mesh, pts, padding=0.5)
    assert missing == 0 and abs(worst - 0.3) < 1e-12 and np.allclose(at, [1.0, 1.0, 1.3])
    worst, missing, at = fem.distance_outside(mesh, pts, padding=0.1)
    assert missing == 2 and worst == np.inf
