"""Activation-time map of an EP case run in-process, gathered and sorted by node position.

Sorting by coordinates makes maps from different partitions (1 or N ranks) or from the exported,
DOLFINx-free runner comparable node by node.
"""

from __future__ import annotations

import numpy as np
from mpi4py import MPI

from heartsim.config.loader import validate_data
from heartsim.ep.monodomain import Monodomain
from heartsim.kernels.backend import select_backend
from heartsim.mesh import build_mesh


def sort_by_position(coords: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(coords, values) reordered lexicographically by (x, y, z) rounded to 1e-6 mm."""
    order = np.lexsort(np.round(coords, 6).T[::-1])
    return coords[order], values[order]


def run_case(case: dict, comm: MPI.Comm = MPI.COMM_SELF, end: float | None = None) -> Monodomain:
    """The problem of the config mapping ``case`` (NumPy backend) advanced to ``end`` (default: its end time)."""
    cfg = validate_data(case, None)
    problem = Monodomain(build_mesh(cfg.mesh, comm), cfg.physics.ep, cfg.time.dt, cfg.solver.ep_options(),
                         select_backend("numpy"))
    steps = cfg.time.steps() if end is None else round(end / cfg.time.dt)
    for _ in range(steps):
        problem.advance()
    return problem


def activation_map(case: dict, comm: MPI.Comm = MPI.COMM_SELF) -> tuple[np.ndarray, np.ndarray]:
    """(coordinates, activation times) of every node after running the config mapping ``case`` to its end."""
    problem = run_case(case, comm)
    n = problem.n_owned
    coords, times = problem.space.tabulate_dof_coordinates()[:n], np.array(problem.activation.times[:n])
    problem.destroy()
    return sort_by_position(np.concatenate(comm.allgather(coords)), np.concatenate(comm.allgather(times)))
