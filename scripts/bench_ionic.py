#!/usr/bin/env python3
"""Ionic update throughput (cell-steps per second) of every ionic model.

Paths: ``numpy`` (generated array code / hand-written step), ``native`` (the kernel source compiled
for the host with cc; physiological models), ``cupy`` (the fused CUDA kernel, FP64 and FP32, where a
GPU exists; for the phenomenological models the array code on CuPy). Run it on one rank and under
``mpirun -n 2`` (each rank updates its half; the figure is the total over ranks). States start at
rest with a spread of potentials so that every branch is exercised; Rush-Larsen, dt = 0.01 ms.

The memory-bound figure for the GPU: one cell-step reads and writes every state once, so it moves
``2 x n_states x bytes_per_value`` bytes (parameters are uniform and stay in cache); at the H200's
4.8 TB/s HBM3e bandwidth that bounds the rate at 4.8e12 / bytes cell-steps/s.

    scripts/in-env python3 scripts/bench_ionic.py [--nodes 200000] [--steps 20]
    scripts/in-env mpirun -n 2 python3 scripts/bench_ionic.py --nodes 200000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from heartsim.kernels.ionic import MODELS, GeneratedModel, native  # noqa: E402
from heartsim.kernels.ionic.parameters import region_values  # noqa: E402

H200_BANDWIDTH = 4.8e12  # bytes/s, NVIDIA H200 SXM HBM3e (datasheet)


def _comm():
    try:
        from mpi4py import MPI

        return MPI.COMM_WORLD
    except Exception:  # pragma: no cover - mpi4py missing
        return None


def _states(model, p, n, xp, dtype):
    y = np.array(model.initial_state(p), dtype=np.float64)[:, None].repeat(n, axis=1)
    y[0] += np.linspace(0.0, 100.0, n)
    return xp.asarray(np.ascontiguousarray(y.astype(dtype)))


def _time(run, steps, sync=lambda: None, comm=None):
    run()  # warm-up (compilation, caches)
    sync()
    if comm is not None:
        comm.Barrier()
    start = time.perf_counter()
    for _ in range(steps):
        run()
    sync()
    wall = time.perf_counter() - start
    return comm.allreduce(wall, op=__import__("mpi4py").MPI.MAX) if comm is not None else wall


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=200_000, help="total nodes (split over ranks)")
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--gpu-nodes", type=int, default=10_000_000)
    args = ap.parse_args()
    comm = _comm()
    size, rank = (comm.size, comm.rank) if comm is not None else (1, 0)
    n = args.nodes // size
    dt = 0.01
    rows = []
    for name, model in MODELS.items():
        variant = model.default_variant if isinstance(model, GeneratedModel) else None
        p = region_values(model, variant)
        nstates = len(model.state_names)
        y = _states(model, p, n, np, np.float64)
        with np.errstate(all="ignore"):
            wall = _time(lambda: model.step(y, dt, p, np), args.steps, comm=comm)
        rows.append((name, f"numpy x{size} rank(s)", n * size * args.steps / wall, nstates, ""))
        if isinstance(model, GeneratedModel) and native.available():
            fast = model.with_integrator(cpu_kernel="native")
            y = _states(model, p, n, np, np.float64)
            wall = _time(lambda: fast.step(y, dt, p, np), args.steps, comm=comm)
            rows.append((name, f"native C x{size} rank(s)", n * size * args.steps / wall, nstates, ""))
    if size == 1:
        from heartsim.kernels.backend import probe_gpu

        cupy, why = probe_gpu()
        if cupy is None:
            print(f"# GPU: skipped ({why})")
        else:
            for name, model in MODELS.items():
                variant = model.default_variant if isinstance(model, GeneratedModel) else None
                p = region_values(model, variant)
                nstates = len(model.state_names)
                for dtype, label in ((np.float64, "fp64"), (np.float32, "fp32")):
                    if dtype is np.float32 and not isinstance(model, GeneratedModel):
                        continue
                    y = _states(model, p, args.gpu_nodes, cupy, dtype)
                    sync = cupy.cuda.Device().synchronize
                    wall = _time(lambda: model.step(y, dt, p, cupy), args.steps, sync)
                    rate = args.gpu_nodes * args.steps / wall
                    nbytes = 2 * nstates * np.dtype(dtype).itemsize
                    bound = H200_BANDWIDTH / nbytes
                    rows.append((name, f"cupy fused {label}" if isinstance(model, GeneratedModel) else "cupy array code",
                                 rate, nstates, f"{nbytes} B/cell-step, bound {bound:.3g}/s, {rate / bound:.0%} of bound"))
                    del y
    if rank == 0:
        print(f"# {args.nodes} nodes in total, {args.steps} steps of {dt} ms, Rush-Larsen")
        print("| model | path | cell-steps/s | states | note |")
        print("| --- | --- | --- | --- | --- |")
        for name, path, rate, nstates, note in rows:
            print(f"| {name} | {path} | {rate:.3g} | {nstates} | {note} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
