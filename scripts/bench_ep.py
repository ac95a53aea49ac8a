"""Monodomain performance benchmark: ionic-kernel and whole-step throughput, 1 rank vs 2 ranks.

    scripts/in-env python3 scripts/bench_ep.py [--sizes 0.5 0.25 0.125] [--steps 100]

Prints, in one run on one machine:
  * ionic update throughput (cell-steps/s) of every model, NumPy on one core (and CuPy where a GPU is);
  * whole monodomain steps per second and node-steps per second on a 20 x 7 x 3 mm slab
    (Mitchell-Schaeffer, Strang + Crank-Nicolson, CG + BoomerAMG) for each resolution, on 1 rank (the
    baseline) and on 2 ranks, with the speed-up and parallel efficiency against that baseline.
Results are recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np


def ionic_throughput(n: int, steps: int) -> list[dict]:
    from heartsim.kernels.backend import probe_gpu
    from heartsim.kernels.ionic import MODELS, resolve_parameters

    cupy, _ = probe_gpu()
    out = []
    for name, model in MODELS.items():
        p = resolve_parameters(model, {})
        backends = [("numpy", np)] + ([("cupy", cupy)] if cupy is not None else [])
        for label, xp in backends:
            y = xp.asarray(np.repeat(np.asarray(model.initial_state(p))[:, None], n, axis=1))
            y[0] += 30.0
            model.step(y, 0.01, p, xp)
            if label == "cupy":
                cupy.cuda.Device().synchronize()
            t0 = time.perf_counter()
            for _ in range(steps):
                model.step(y, 0.01, p, xp)
            if label == "cupy":
                cupy.cuda.Device().synchronize()
            dt = time.perf_counter() - t0
            out.append({"model": name, "backend": label, "cells": n, "cell_steps_per_s": n * steps / dt})
    return out


def worker(h: float, steps: int) -> None:
    from mpi4py import MPI

    from heartsim.config.loader import validate_data
    from heartsim.ep.monodomain import Monodomain
    from heartsim.kernels.backend import select_backend
    from heartsim.mesh import build_mesh

    comm = MPI.COMM_WORLD
    cfg = validate_data({
        "mesh": {"generate": "box", "size": [20, 7, 3], "resolution": h},
        "physics": {"ep": {"ionic": {"model": "mitchell_schaeffer"},
                           "stimuli": [{"region": {"box": {"min": [0, 0, 0], "max": [1.5, 1.5, 1.5]}}}]}},
        "time": {"dt": 0.05, "end": 1000},
    }, None)
    problem = Monodomain(build_mesh(cfg.mesh, comm), cfg.physics.ep, cfg.time.dt, cfg.solver.ep_options(),
                         select_backend("numpy"))
    for _ in range(10):
        problem.advance()
    comm.barrier()
    t0 = time.perf_counter()
    for _ in range(steps):
        problem.advance()
    comm.barrier()
    wall = time.perf_counter() - t0
    its = problem.diffusion.iterations / max(1, problem.diffusion.solves)
    if comm.rank == 0:
        print(json.dumps({"h": h, "ranks": comm.size, "nodes": problem.n_global, "steps_per_s": steps / wall,
                          "node_steps_per_s": problem.n_global * steps / wall, "ksp_iterations": its}))
    problem.destroy()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=float, nargs="+", default=[0.5, 0.25, 0.125])
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--worker", type=float, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker is not None:
        worker(args.worker, args.steps)
        return

    print(f"# heartsim EP benchmark, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs")
    print("\nIonic update (one step of 0.01 ms on every cell), 10^6 cells:\n")
    print("| model | backend | cell-steps/s |\n|---|---|---|")
    for row in ionic_throughput(1_000_000, 20):
        print(f"| {row['model']} | {row['backend']} (1 core) | {row['cell_steps_per_s']:.3e} |")

    print("\nWhole monodomain step, 20 x 7 x 3 mm slab, dt = 0.05 ms:\n")
    print("| h (mm) | nodes | ranks | steps/s | node-steps/s | KSP its/solve | speed-up vs 1 rank | efficiency |")
    print("|---|---|---|---|---|---|---|---|")
    for h in args.sizes:
        base = None
        for n in args.ranks:
            cmd = ["mpirun", "-n", str(n), sys.executable, __file__, "--worker", str(h), "--steps", str(args.steps)]
            res = subprocess.run(cmd, capture_output=True, text=True, check=True)
            row = json.loads(res.stdout.strip().splitlines()[-1])
            base = base or row["steps_per_s"]
            speedup = row["steps_per_s"] / base
            print(f"| {h:g} | {row['nodes']} | {n} | {row['steps_per_s']:.1f} | {row['node_steps_per_s']:.3e} | "
                  f"{row['ksp_iterations']:.1f} | {speedup:.2f} | {speedup / n:.0%} |", flush=True)


if __name__ == "__main__":
    main()
