"""The FEM adapter's transfers, point evaluation and dof keys are exact where they must be: a linear
field survives P1 -> quadrature points, mesh -> mesh and point evaluation unchanged; dof keys of
mixed spaces are unique over all ranks. Runs serially and under mpirun -n 2 (same assertions)."""

import numpy as np
import pytest
from mpi4py import MPI

from heartsim import fem

COMM = MPI.COMM_WORLD
# every test runs on 1 rank (serial suite) and on 2 (``-m mpi`` under mpirun -n 2)
RANKS = pytest.mark.parametrize("ranks", [1, pytest.param(2, marks=pytest.mark.mpi)])


def linear(x):
    return 1.0 + 2.0 * x[0] - 3.0 * x[1] + 0.5 * x[2]


def _p1(mesh):
    f = fem.function(fem.lagrange_space(mesh, 1))
    f.interpolate(linear)
    return f


@RANKS
def test_linear_field_through_quadrature_points_meshes_and_points(ranks):
    coarse = fem.create_box(COMM, [0, 0, 0], [1, 1, 1], [2, 2, 2])
    fine = fem.create_box(COMM, [0, 0, 0], [1, 1, 1], [3, 4, 3])
    f = _p1(coarse)
    q = fem.function(fem.quadrature_space(coarse, 2))
    fem.to_quadrature(q, f)
    points = fem.quadrature_point_coordinates(coarse, 2)
    assert np.allclose(q.x.array, linear(points.T), atol=1e-12)
    g = fem.function(fem.lagrange_space(fine, 1))
    fem.between_meshes(g, f)
    assert np.allclose(g.x.array, linear(fem.dof_coordinates(g.function_space).T), atol=1e-12)
    probes = np.array([[0.1, 0.2, 0.3], [0.5, 0.5, 0.5], [1.0, 1.0, 1.0], [2.0, 0.0, 0.0]])
    values = fem.evaluate(f, probes)
    assert values.shape == (4, 1) and np.isnan(values[3, 0])
    assert np.allclose(values[:3, 0], linear(probes[:3].T), atol=1e-12)


@RANKS
@pytest.mark.parametrize("degree, mixed", [(2, True), (1, False), (2, False)])
def test_scalar_dof_keys_are_unique_and_cover_every_dof(degree, mixed, ranks):
    mesh = fem.create_box(COMM, [0, 0, 0], [1, 1, 1], [2, 2, 2])
    space = fem.taylor_hood_space(mesh, degree, mixed)
    keys, owned = fem.scalar_dof_keys(space)
    everyone = np.concatenate(COMM.allgather(keys[:owned]))
    assert len(np.unique(keys)) == len(keys)
    assert len(np.unique(everyone)) == len(everyone) == fem.global_size(space)
