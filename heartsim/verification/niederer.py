"""Niederer et al. 2011 N-version benchmark (Phil Trans R Soc A 369:4331, doi:10.1098/rsta.2011.0139).

The case is ``configs/niederer.yaml``; this module runs it at a given dx and dt until the whole slab
is activated and returns the activation times (ms) at the benchmark's points P1-P9 (corners of the
slab and its centre), interpolated in the P1 activation map. Shared by ``scripts/niederer.py``,
``scripts/bench_ep_step.py`` and the test at dx = 0.5 mm.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from mpi4py import MPI

from heartsim import fem
from heartsim.config import load_config
from heartsim.ep.monodomain import Monodomain
from heartsim.kernels.backend import select_backend
from heartsim.mesh import build_mesh

CONFIG = Path(__file__).resolve().parents[2] / "configs" / "niederer.yaml"
LX, LY, LZ = 20.0, 7.0, 3.0
POINTS = {"P1": (0, 0, 0), "P2": (0, LY, 0), "P3": (LX, 0, 0), "P4": (LX, LY, 0), "P5": (0, 0, LZ),
          "P6": (0, LY, LZ), "P7": (LX, 0, LZ), "P8": (LX, LY, LZ), "P9": (LX / 2, LY / 2, LZ / 2)}

#: Niederer et al. 2011, section 6 (Discussion): at the finest resolution of the study (dx 0.1 mm,
#: dt 0.005 ms) "the time of last activation ... still differs across the codes between 37.8 and
#: 48.7 ms"; the last point to activate is the far corner P8 (Fig. 1, section 5b). Quoted from the
#: open-access text (PMC3263775) as transcribed in svcHeidi/omniD, benchmarks/niederer2011.json; the
#: per-code values at P1-P9 are in the paper's electronic supplementary material, not retrieved here.
PUBLISHED_P8_RANGE = {(0.1, 0.005): (37.8, 48.7)}

#: fenicsx-beat 0.7 (a peer DOLFINx code, same benchmark), activation times at P1-P9 (ms) as listed in
#: its demos/niederer_benchmark.py; (dx mm, dt ms) -> values in POINTS order
FENICSX_BEAT = {
    (0.5, 0.05): (1.25, 51.1, 34.9, 58.9, 14.1, 49.5, 34.0, 56.65, 26.05),
    (0.5, 0.01): (1.22, 50.85, 33.96, 58.05, 13.98, 49.36, 33.07, 55.91, 25.64),
    (0.5, 0.005): (1.215, 50.775, 33.825, 57.96, 13.97, 49.345, 32.945, 55.825, 25.595),
    (0.2, 0.05): (1.25, 29.7, 32.9, 40.2, 9.55, 30.0, 32.95, 39.9, 18.9),
    (0.2, 0.01): (1.24, 29.09, 31.25, 38.66, 9.34, 29.4, 31.29, 38.42, 18.14),
    (0.2, 0.005): (1.235, 29.015, 31.05, 38.475, 9.315, 29.32, 31.08, 38.235, 18.045),
    (0.1, 0.05): (1.25, 26.85, 33.3, 40.35, 8.4, 27.5, 33.85, 40.55, 18.95),
    (0.1, 0.01): (1.23, 25.64, 31.46, 38.08, 8.03, 26.24, 31.94, 38.21, 17.95),
    (0.1, 0.005): (1.225, 25.5, 31.26, 37.81, 7.99, 26.09, 31.72, 37.93, 17.835),
}


def niederer_config(dx: float, dt: float, end: float = 100.0, extra: tuple[str, ...] = ()):
    """The validated benchmark config at cell size ``dx`` (mm) and time step ``dt`` (ms)."""
    return load_config(CONFIG, [f"mesh.resolution={dx}", f"time.dt={dt}", f"time.end={end}", *extra])


def run_niederer(dx: float, dt: float, comm: MPI.Comm = MPI.COMM_WORLD, backend: str = "numpy",
                 end: float = 100.0, log=None, stop_when_activated: bool = True,
                 extra: tuple[str, ...] = ()) -> dict:
    """Run the benchmark until every node is activated (or ``end``); activation times at P1-P9 and timings.

    ``extra``: further ``--set``-style overrides (e.g. ``physics.ep.ionic.cpu_kernel=native``)."""
    cfg = niederer_config(dx, dt, end, extra)
    start = time.perf_counter()
    problem = Monodomain(build_mesh(cfg.mesh, comm), cfg.physics.ep, cfg.time.dt, cfg.solver.ep_options(),
                         select_backend(backend))
    setup = time.perf_counter() - start
    check = max(1, round(1.0 / dt))
    loop_start = time.perf_counter()
    steps = cfg.time.steps()
    while problem.step_count < steps:
        problem.advance()
        if problem.step_count % check == 0:
            _, _, missing = problem.activation_range()
            if log is not None:
                log(f"dx {dx} dt {dt}: t = {problem.t:.1f} ms, {missing} nodes not activated")
            if missing == 0 and stop_when_activated:
                break
    loop = time.perf_counter() - loop_start
    act = problem.activation_function()
    values = fem.evaluate(act, np.array(list(POINTS.values()), dtype=float))[:, 0]
    result = {"dx": dx, "dt": dt, "nodes": problem.n_global, "ranks": comm.size, "steps": problem.step_count,
              "setup_s": setup, "loop_s": loop, "times": dict(zip(POINTS, values.tolist()))}
    problem.destroy()
    return result
