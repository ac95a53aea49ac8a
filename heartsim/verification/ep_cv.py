"""Planar-wave conduction velocity on a thin strip, through the full monodomain pipeline.

A strip [0, L] x [0, h] x [0, h] (one cell across) is stimulated at x <= 1 mm; the wave runs along
x. With the fiber along x the speed is the longitudinal one, with the fiber along y the transverse
one. In the continuum the speed scales with sqrt(sigma), so CV_l / CV_t -> sqrt(sigma_l / sigma_t).
The speed is 1 / slope of a least-squares line through the activation times of the nodes with
3 mm <= x <= L - 2 mm (away from the stimulus and the far end).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from mpi4py import MPI

from heartsim.config.loader import validate_data
from heartsim.ep.monodomain import Monodomain
from heartsim.kernels.backend import select_backend
from heartsim.mesh import build_mesh


def strip_config(h: float, length: float, fiber, sigma_l: float, sigma_t: float, dt: float, end: float,
                 model: str = "mitchell_schaeffer", lumped: bool = False, solver: dict | None = None) -> dict:
    """Raw config mapping of the strip case (``solver``: PETSc options of the EP solve, over the defaults)."""
    return {
        "solver": {"ep": dict(solver or {})},
        "name": "cv-strip",
        "mesh": {"generate": "box", "size": [length, h, h], "resolution": h},
        "physics": {"ep": {
            "ionic": {"model": model},
            "conductivity": {"longitudinal": sigma_l, "transverse": sigma_t},
            "fiber": list(fiber),
            "stimuli": [{"region": {"box": {"min": [0, 0, 0], "max": [1.0, h, h]}},
                         "amplitude": 50.0, "duration": 2.0}],
            "numerics": {"splitting": "strang", "theta": 0.5, "lumped_mass": lumped},
        }},
        "time": {"dt": dt, "end": end},
    }


def conduction_velocity(h: float, fiber=(1, 0, 0), sigma_l: float = 0.1334, sigma_t: float = 0.0176,
                        length: float = 10.0, dt: float = 0.01, end: float | None = None,
                        comm: MPI.Comm = MPI.COMM_SELF, **kw) -> float:
    """Conduction velocity (mm/ms) of a planar wave along x on a strip of cell size ``h`` (mm)."""
    sigma_along_x = sigma_l if abs(fiber[0]) > 0.5 else sigma_t
    if end is None:  # generous bound; the loop stops once the far end is activated
        end = 5.0 + 3.0 * length / (1.0 * (sigma_along_x / 0.1334) ** 0.5)
    cfg = validate_data(strip_config(h, length, fiber, sigma_l, sigma_t, dt, end, **kw), Path.cwd())
    ep = cfg.physics.ep
    problem = Monodomain(build_mesh(cfg.mesh, comm), ep, cfg.time.dt, cfg.solver.ep_options(),
                         select_backend("numpy"))
    x = problem.space.tabulate_dof_coordinates()[:, 0]
    far = x >= length - 2.0
    for _ in range(cfg.time.steps()):
        problem.advance()
        done = comm.allreduce(bool(np.all(~np.isnan(problem.activation.times[far]))), op=MPI.LAND)
        if done:
            break
    times = problem.activation.times
    owned = slice(0, problem.n_owned)
    sel = (x[owned] >= 3.0) & (x[owned] <= length - 2.0)
    xs = np.concatenate(comm.allgather(x[owned][sel]))
    ts = np.concatenate(comm.allgather(times[owned][sel]))
    problem.destroy()
    if np.isnan(ts).any():
        raise RuntimeError("the wave did not reach the end of the strip")
    slope = np.polyfit(xs, ts, 1)[0]
    return 1.0 / slope
