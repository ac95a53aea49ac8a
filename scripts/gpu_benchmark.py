#!/usr/bin/env python3
"""Every GPU number the project owes, in one run (< 5 minutes on one H100/H200): one JSON file and
one markdown table for docs/benchmarks.md.

1. Device: name, memory, CuPy/NVRTC versions, measured device-to-device copy bandwidth
   (``b[...] = a`` on 1 GiB, bytes read + written per second).
2. Ionic kernels: TT06 and ORd (Rush-Larsen, dt 0.01 ms) at 1e6 and 1e7 cells in FP64 and FP32:
   cell-steps/s after a warm-up, the bytes a cell-step must move (each state read and written once)
   and the fraction of the measured copy bandwidth that rate uses.
3. Agreement with NumPy: every model and integrator, fused kernel against the NumPy array code
   (FP64 on the host) after 1000 steps of 0.01 ms on 1000 cells (FP64: max relative difference,
   FP32: max |dv| in mV); the runner on the first case until ``--agreement-end`` (40 ms), GPU
   against NumPy (FP64; NumPy with the host-compiled ionic kernel where cc exists) and FP32 against
   FP64: activation times, max |difference| in ms.
4. The DOLFINx-free runner (``heartsim.kernels.bench``) on exported Niederer cases: nodes, warm
   throughput (node-steps/s), phase split (ionic / diffusion / rest per step), CG iterations and
   host reads per step, GPU memory per node (memory-pool bytes after warm-up / nodes), wall time of
   the whole case (run when projected under ``--max-run-s``, else projected from the timed steps).

The cases come from a machine with DOLFINx (the GPU node needs only CuPy and heartsim)::

    scripts/heartsim ep export configs/niederer.yaml n05.npz --set mesh.resolution=0.5 --set time.dt=0.05
    scripts/heartsim ep export configs/niederer.yaml n02.npz --set mesh.resolution=0.2 --set time.dt=0.01
    scripts/heartsim ep export configs/niederer.yaml n01.npz --set mesh.resolution=0.1 --set time.dt=0.005

then on the GPU node ``python3 scripts/gpu_benchmark.py n05.npz n02.npz n01.npz --out gpu-bench``.
Without case files it uses DOLFINx-free slabs of the same size (:mod:`heartsim.kernels.slab`, a
finite-volume stand-in: timings comparable, activation times not the benchmark's).
``--backend numpy --tiny`` runs every part on the CPU at a tiny size (CI runs it, so it cannot rot);
its numbers are not GPU numbers.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from heartsim.kernels.backend import Backend, select_backend  # noqa: E402
from heartsim.kernels.ionic import MODELS  # noqa: E402
from heartsim.kernels.ionic.generated_model import METHODS  # noqa: E402
from heartsim.kernels.ionic.parameters import region_values  # noqa: E402

KERNEL_MODELS = ("tentusscher_panfilov_2006", "ohara_rudy_2011")
SLABS = {"0.5": (0.5, 0.05), "0.2": (0.2, 0.01), "0.1": (0.1, 0.005)}


def _sync(xp) -> None:
    cuda = getattr(xp, "cuda", None)
    if cuda is not None:
        cuda.Device().synchronize()


def _timed(run, xp, repeats: int) -> float:
    """Seconds per call of ``run`` after one untimed call (compilation, pools)."""
    run()
    _sync(xp)
    start = time.perf_counter()
    for _ in range(repeats):
        run()
    _sync(xp)
    return (time.perf_counter() - start) / repeats


def device_info(backend: Backend, nbytes: int) -> dict:
    """Device description and measured copy bandwidth (bytes read + written per second)."""
    xp = backend.xp
    a = xp.ones(nbytes // 8, dtype=np.float64)
    b = xp.empty_like(a)

    def copy():
        b[...] = a

    per = _timed(copy, xp, 10)
    info = {"backend": backend.name, "reason": backend.reason, "copy_bandwidth_Bps": 2 * a.nbytes / per}
    if backend.name == "cupy":
        dev = xp.cuda.Device()
        props = xp.cuda.runtime.getDeviceProperties(dev.id)
        name = props["name"]
        info.update(device=name.decode() if isinstance(name, bytes) else name, memory_bytes=int(props["totalGlobalMem"]),
                    compute_capability=dev.compute_capability, cupy=xp.__version__,
                    nvrtc=".".join(map(str, xp.cuda.nvrtc.getVersion())))
    else:
        info["device"] = "host (NumPy)"
    del a, b
    return info


def _states(model, p, n: int, xp, dtype):
    y = np.array(model.initial_state(p), dtype=np.float64)[:, None].repeat(n, axis=1)
    y[0] += np.linspace(0.0, 100.0, n)  # every branch: rest to plateau
    return xp.asarray(np.ascontiguousarray(y.astype(dtype)))


def kernel_throughput(backend: Backend, sizes, steps: int, bandwidth: float) -> list[dict]:
    """Cell-steps/s of the ionic update per model, size and precision (see the module docstring)."""
    xp, rows = backend.xp, []
    for name in KERNEL_MODELS:
        model = MODELS[name].with_integrator("rush_larsen")
        p = region_values(model, model.default_variant)
        for n in sizes:
            for precision, dtype in (("fp64", np.float64), ("fp32", np.float32)):
                y = _states(model, p, n, xp, dtype)
                with np.errstate(all="ignore"):
                    per = _timed(lambda: model.step(y, 0.01, p, xp), xp, steps)
                nbytes = 2 * len(model.state_names) * np.dtype(dtype).itemsize
                rate = n / per
                rows.append({"model": name, "cells": n, "precision": precision, "cell_steps_per_s": rate,
                             "bytes_per_cell_step": nbytes, "fraction_of_copy_bandwidth": rate * nbytes / bandwidth})
                del y
    return rows


def kernel_agreement(backend: Backend, cells: int, steps: int) -> list[dict]:
    """Fused kernel (or the backend's array code) against the NumPy array code in FP64."""
    xp, rows = backend.xp, []
    for name in KERNEL_MODELS:
        for method in METHODS:
            model = MODELS[name].with_integrator(method)
            p = region_values(model, model.default_variant)
            dt = 0.001 if method == "forward_euler" else 0.01
            ref = _states(model, p, cells, np, np.float64)
            runs = {prec: _states(model, p, cells, xp, dtype) for prec, dtype in (("fp64", np.float64),
                                                                                 ("fp32", np.float32))}
            with np.errstate(all="ignore"):
                for _ in range(steps):
                    model.step(ref, dt, p, np)
                    for y in runs.values():
                        model.step(y, dt, p, xp)
            got = {k: np.asarray(backend.to_host(y), dtype=np.float64) for k, y in runs.items()}
            scale = np.maximum(np.abs(ref), 1e-12)
            rows.append({"model": name, "method": method, "steps": steps, "dt_ms": dt,
                         "fp64_max_rel_diff": float(np.max(np.abs(got["fp64"] - ref) / scale)),
                         "fp32_max_abs_dv_mV": float(np.max(np.abs(got["fp32"][0] - ref[0])))})
    return rows


def _load(path: Path) -> dict:
    with np.load(path) as npz:
        return {k: npz[k] for k in npz.files}


def run_case(label: str, data: dict, backend: Backend, steps: int, max_run_s: float,
             precision: str = "fp64") -> tuple[dict, np.ndarray | None]:
    """Runner figures of one case (and its activation map when it ran to the end)."""
    from heartsim.kernels.bench import BenchCase

    xp = backend.xp
    pool = xp.get_default_memory_pool() if backend.name == "cupy" else None
    start = time.perf_counter()
    case = BenchCase(data, backend, precision)
    setup = time.perf_counter() - start
    warm = case.warm_up()
    memory = pool.used_bytes() if pool is not None else None
    phases = case.phase_times(max(1, steps // 4))
    timed = min(steps, case.steps)
    per_step = case.run(timed) / timed
    n = int(data["coordinates"].shape[0])
    total = case.steps
    row = {"case": label, "precision": precision, "nodes": n, "dt_ms": case.dt, "end_ms": case.end, "steps": total,
           "setup_s": setup, "warm_up_s": warm, "timed_steps": timed, "s_per_step": per_step,
           "node_steps_per_s": n / per_step, "ionic_s_per_step": phases["ionic_s"],
           "diffusion_s_per_step": phases["diffusion_s"],
           "rest_s_per_step": max(0.0, per_step - phases["ionic_s"] - phases["diffusion_s"]),
           "cg_iterations_per_step": case.diffusion.iterations / max(1, case.diffusion.solves),
           "host_reads_per_step": case.diffusion.host_reads / max(1, case.diffusion.solves),
           "memory_bytes_per_node": None if memory is None else memory / n,
           "projected_wall_s": per_step * total}
    activation = None
    if per_step * (total - timed) <= max_run_s:
        row["wall_s"] = per_step * timed + case.run()
        activation = case.maps()["activation_time"]
        row["activated"] = int(np.isfinite(activation).sum())
    return row, activation


def activation(data: dict, backend: Backend, precision: str = "fp64", end: float | None = None) -> np.ndarray:
    """Activation map (ms) of a case run to ``end`` (default: its own); on NumPy with the
    host-compiled ionic kernel where a C compiler exists (the same numbers, 2-3 times faster)."""
    from heartsim.kernels.bench import BenchCase
    from heartsim.kernels.ionic import native

    if end is not None:
        data = {**data, "end": np.array(min(end, float(data["end"])))}
    cpu_kernel = "native" if backend.name == "numpy" and native.available() else None
    case = BenchCase(data, backend, precision, cpu_kernel=cpu_kernel)
    case.run()
    return case.maps()["activation_time"]


def _max_diff(a, b) -> float | None:
    both = np.isfinite(a) & np.isfinite(b)
    if not both.any() or not np.array_equal(np.isfinite(a), np.isfinite(b)):
        return None
    return float(np.max(np.abs(a[both] - b[both])))


def markdown(report: dict) -> str:
    dev = report["device"]
    out = [f"`{report['command']}` — {report['date']}, {dev['device']} ({dev['backend']}), copy bandwidth "
           f"{dev['copy_bandwidth_Bps'] / 1e9:.0f} GB/s", "",
           "| model | cells | precision | cell-steps/s | B/cell-step | fraction of copy bandwidth |",
           "| --- | --- | --- | --- | --- | --- |"]
    out += [f"| {r['model']} | {r['cells']:.0e} | {r['precision']} | {r['cell_steps_per_s']:.3g} | "
            f"{r['bytes_per_cell_step']} | {r['fraction_of_copy_bandwidth']:.1%} |" for r in report["kernels"]]
    out += ["", "| model | method | steps | FP64 max rel. diff vs NumPy | FP32 max abs dv (mV) |",
            "| --- | --- | --- | --- | --- |"]
    out += [f"| {r['model']} | {r['method']} | {r['steps']} | {r['fp64_max_rel_diff']:.2g} | "
            f"{r['fp32_max_abs_dv_mV']:.3g} |" for r in report["agreement"]]
    out += ["", "| case | precision | nodes | dt (ms) | node-steps/s | ms/step (ionic / diffusion / rest) | "
            "CG its/step | host reads/step | bytes/node | wall (s) for end |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in report["runner"]:
        mem = "-" if r["memory_bytes_per_node"] is None else f"{r['memory_bytes_per_node']:.0f}"
        wall = f"{r['wall_s']:.1f} (run)" if "wall_s" in r else f"{r['projected_wall_s']:.1f} (projected)"
        out.append(f"| {r['case']} | {r['precision']} | {r['nodes']} | {r['dt_ms']} | {r['node_steps_per_s']:.3g} | "
                   f"{1e3 * r['s_per_step']:.3g} ({1e3 * r['ionic_s_per_step']:.3g} / "
                   f"{1e3 * r['diffusion_s_per_step']:.3g} / {1e3 * r['rest_s_per_step']:.3g}) | "
                   f"{r['cg_iterations_per_step']:.1f} | {r['host_reads_per_step']:.2f} | {mem} | {wall} |")
    a = report["runner_agreement"]
    fmt = lambda v: "not comparable (different nodes activated)" if v is None else f"{v:.3g} ms"  # noqa: E731
    out += ["", f"Activation agreement, {a['case']} until {a['until_ms']} ms ({a['activated_nodes']} nodes activated): "
            f"FP32 vs FP64 max |diff| {fmt(a['fp32_vs_fp64_max_abs_ms'])}"
            + (f"; GPU vs NumPy (FP64) max |diff| {fmt(a['gpu_vs_numpy_fp64_max_abs_ms'])}"
               if "gpu_vs_numpy_fp64_max_abs_ms" in a else "") + "."]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cases", nargs="*", type=Path, help="exported .npz cases (heartsim ep export), coarse first")
    ap.add_argument("--out", type=Path, default=Path("results/gpu-benchmark"), help="folder for report.json/.md")
    ap.add_argument("--backend", choices=["cupy", "numpy"], default="cupy")
    ap.add_argument("--tiny", action="store_true", help="tiny sizes (CI: checks the script, not the device)")
    ap.add_argument("--steps", type=int, default=200, help="timed runner steps per case")
    ap.add_argument("--max-run-s", type=float, default=60.0, help="run a case to its end when projected below")
    ap.add_argument("--agreement-end", type=float, default=40.0,
                    help="ms of the first case run for the activation agreement (GPU vs NumPy, FP32 vs FP64)")
    args = ap.parse_args(argv)
    for path in args.cases:
        if not path.is_file():
            print(f"gpu_benchmark: error: {path}: no such file (make it with `heartsim ep export`, see --help)",
                  file=sys.stderr)
            return 2
    try:
        backend = select_backend("gpu" if args.backend == "cupy" else "numpy")
    except RuntimeError as exc:
        print(f"gpu_benchmark: error: --backend cupy: {exc}", file=sys.stderr)
        return 2
    tiny = args.tiny
    report = {"command": " ".join(["scripts/gpu_benchmark.py", *(argv if argv is not None else sys.argv[1:])]),
              "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    report["device"] = device_info(backend, 2 ** 20 if tiny else 2 ** 30)
    bandwidth = report["device"]["copy_bandwidth_Bps"]
    report["kernels"] = kernel_throughput(backend, (1000, 4000) if tiny else (10 ** 6, 10 ** 7), 2 if tiny else 20,
                                          bandwidth)
    report["agreement"] = kernel_agreement(backend, 20 if tiny else 1000, 10 if tiny else 1000)
    if args.cases:
        cases = [(path.stem, _load(path)) for path in args.cases]
    else:
        from heartsim.kernels.slab import slab_case

        sizes = {"0.5": (2.0, 1.0, 1.0)} if tiny else {k: (20.0, 7.0, 3.0) for k in SLABS}
        cases = [(f"slab dx {k} mm (stand-in)", slab_case(size, SLABS[k][0], dt=SLABS[k][1],
                                                           end=4.0 if tiny else 100.0)) for k, size in sizes.items()]
    steps = 5 if tiny else args.steps
    report["runner"] = []
    for label, data in cases:
        row, _ = run_case(label, data, backend, steps, args.max_run_s)
        report["runner"].append(row)
        print(f"{label}: {row['node_steps_per_s']:.3g} node-steps/s", file=sys.stderr, flush=True)
    label, data = cases[0]
    report["runner"].append(run_case(label, data, backend, steps, args.max_run_s, "fp32")[0])
    end = 2.0 if tiny else args.agreement_end
    act64 = activation(data, backend, "fp64", end)
    agreement = {"case": label, "until_ms": min(end, float(data["end"])), "activated_nodes": int(np.isfinite(act64).sum()),
                 "fp32_vs_fp64_max_abs_ms": _max_diff(activation(data, backend, "fp32", end), act64)}
    if backend.name == "cupy":
        agreement["gpu_vs_numpy_fp64_max_abs_ms"] = _max_diff(act64, activation(data, Backend("numpy", np, "host"),
                                                                                 "fp64", end))
    report["runner_agreement"] = agreement
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.json").write_text(json.dumps(report, indent=1, default=float) + "\n")
    (args.out / "report.md").write_text(markdown(report))
    print(markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
