"""MPI: the activation-time map on 2 ranks equals the 1-rank map to within one time step."""

import numpy as np
import pytest
from mpi4py import MPI

from heartsim.config.loader import validate_data
from heartsim.ep.monodomain import Monodomain
from heartsim.kernels.backend import select_backend
from heartsim.mesh import build_mesh

pytestmark = pytest.mark.mpi

CASE = {
    "mesh": {"generate": "box", "size": [8, 4, 1], "resolution": 0.25},
    "physics": {"ep": {
        "ionic": {"model": "mitchell_schaeffer"},
        "fiber": [1, 1, 0],
        "stimuli": [{"region": {"sphere": {"center": [1, 1, 0.5], "radius": 0.8}}}],
    }},
    "time": {"dt": 0.05, "end": 30},
}


def _activation(comm):
    cfg = validate_data(CASE, None)
    problem = Monodomain(build_mesh(cfg.mesh, comm), cfg.physics.ep, cfg.time.dt, cfg.solver.ep_options(),
                         select_backend("numpy"))
    for _ in range(cfg.time.steps()):
        problem.advance()
    n = problem.n_owned
    coords = problem.space.tabulate_dof_coordinates()[:n]
    times = problem.activation.times[:n]
    problem.destroy()
    coords = np.concatenate(comm.allgather(coords))
    times = np.concatenate(comm.allgather(times))
    order = np.lexsort(np.round(coords, 6).T[::-1])
    return coords[order], times[order]


def test_activation_two_ranks_matches_one_rank():
    world = MPI.COMM_WORLD
    assert world.size == 2
    x2, t2 = _activation(world)
    x1, t1 = _activation(MPI.COMM_SELF)
    assert np.allclose(x1, x2)
    assert np.array_equal(np.isnan(t1), np.isnan(t2))
    assert np.isnan(t1).sum() < t1.size // 2  # the wave covered most of the tissue
    diff = np.nanmax(np.abs(t1 - t2))
    assert diff <= CASE["time"]["dt"], diff


def test_manufactured_solution_error_same_on_two_ranks():
    from heartsim.verification.ep_mms import mms_error

    e1 = mms_error(8, dt=0.01, end=0.05, theta=0.5, splitting="strang", comm=MPI.COMM_SELF)
    e2 = mms_error(8, dt=0.01, end=0.05, theta=0.5, splitting="strang", comm=MPI.COMM_WORLD)
    assert abs(e1 - e2) <= 1e-8 * e1, (e1, e2)
