"""Run an exported EP case without DOLFINx: ``python -m heartsim.kernels.bench CASE.npz --backend numpy|cupy``.

``CASE.npz`` comes from ``heartsim ep export CONFIG CASE.npz`` (assembled on a machine with the FE
stack). This runner rebuilds the theta-scheme operators from the mass and stiffness matrices,
the leads from their masks and onsets, and the ionic model from its name and parameters, and runs
the same time loop as the finite-element run (:class:`heartsim.kernels.ep_loop.EPLoop`), with the
diffusion solved by Jacobi-preconditioned CG on SciPy (NumPy) or CuPy sparse matrices. It writes
the activation, repolarisation and APD maps (and the node coordinates, for comparing files) to
``--out`` (.npz) and prints one JSON line with timings (after a warm-up on copies of the state, so
that kernel compilation is not timed). Nothing here imports DOLFINx.

``--precision fp32`` runs states and operators in single precision (to measure what FP32 costs in
activation-time accuracy against an FP64 run of the same file).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from heartsim.kernels.array_diffusion import ArrayDiffusion, sparse_module, theta_operators
from heartsim.kernels.backend import select_backend
from heartsim.kernels.ep_loop import EPLoop, NodalLead
from heartsim.kernels.ionic import MODELS
from heartsim.kernels.pacing import PulseTrain


def exported_ionic(data, xp, cpu_kernel: str | None = None):
    """(model with the exported integrator, per-node parameters) of an exported case."""
    from heartsim.kernels.ionic.generated_model import GeneratedModel
    from heartsim.kernels.ionic.parameters import NodeParameters

    model = MODELS[str(data["ionic_model"])]
    if isinstance(model, GeneratedModel) and str(data["ionic_method"]):
        kernel = cpu_kernel or str(data.get("ionic_cpu_kernel", "numpy"))
        model = model.with_integrator(str(data["ionic_method"]), int(data["ionic_substeps"]), kernel)
    table = np.asarray(data["parameter_table"])
    region = np.asarray(data["parameter_region"]) if table.shape[0] > 1 else None
    return model, NodeParameters(model, table, region, xp)


class BenchCase:
    """An exported case on an array backend: the loop, its diffusion step and the clock."""

    def __init__(self, data, backend, precision: str = "fp64", rtol: float | None = None,
                 cpu_kernel: str | None = None):
        xp = backend.xp
        self.backend = backend
        dtype = np.float32 if precision == "fp32" else np.float64
        n = data["coordinates"].shape[0]
        sparse = sparse_module(xp)

        def csr(name):
            return sparse.csr_matrix((xp.asarray(data[f"{name}_data"].astype(dtype)),
                                      xp.asarray(data[f"{name}_indices"].astype(np.int32)),
                                      xp.asarray(data[f"{name}_indptr"].astype(np.int32))), shape=(n, n))

        self.dt = float(data["dt"])
        self.end = float(data["end"])
        chi_cm = float(data["chi_cm"])
        A, B = theta_operators(csr("mass"), csr("stiffness"), chi_cm, self.dt, float(data["theta"]),
                               bool(data["lumped_mass"]))
        if rtol is None:
            rtol = float(data["rtol"]) if precision == "fp64" else 1e-6
        self.diffusion = ArrayDiffusion(A, B, xp, rtol=rtol)
        model, params = exported_ionic(data, xp, cpu_kernel)
        leads = []
        for mask, onsets, width, amp in zip(data["lead_masks"], data["lead_onsets"], data["lead_duration"],
                                            data["lead_amplitude"]):
            train = PulseTrain(onsets[~np.isnan(onsets)], float(width), float(amp))
            leads.append(NodalLead(train, xp.asarray(np.flatnonzero(mask).astype(np.int32))))
        weights = data["ecg_weights"] if "ecg_weights" in data else None
        self.loop = EPLoop(model, params, n, backend, leads, chi_cm, self.dt, str(data["splitting"]),
                           float(data["activation_threshold"]), float(data["apd_percent"]), weights,
                           initial=data["initial_states"], dtype=dtype)
        self.steps = max(1, int(np.ceil(self.end / self.dt - 1e-9)))

    def synchronize(self) -> None:
        """Wait for the device (nothing on NumPy): the end of every timed interval."""
        cuda = getattr(self.backend.xp, "cuda", None)
        if cuda is not None:
            cuda.Device().synchronize()

    def _scratch(self):
        """Copies of the ionic states and of v, for timing without advancing the run."""
        return self.loop.states.copy(), self.loop.states[0].copy()

    def warm_up(self) -> float:
        """One ionic step and one diffusion solve on copies of the state, so that kernel compilation
        (NVRTC, 1-3 s per kernel on a GPU), the first memory-pool allocations and the CG block
        length happen before any timing; the run itself does not advance. Returns its wall time (s)."""
        start = time.perf_counter()
        states, v = self._scratch()
        self.loop.model.step(states, self.dt, self.loop.params, self.backend.xp)
        counters = self.diffusion.counters()
        self.diffusion(v)
        self.diffusion.restore(counters)
        self.synchronize()
        return time.perf_counter() - start

    def phase_times(self, steps: int) -> dict[str, float]:
        """Wall time per step (s) of the ionic update (two half-steps under Strang, as in the loop)
        and of the diffusion solve, each timed alone on copies of the current state; the rest of
        a full step (stimuli, trackers, copies) is the full step's time minus these."""
        states, v = self._scratch()
        halves = 2 if self.loop.splitting == "strang" else 1
        self.synchronize()
        start = time.perf_counter()
        for _ in range(steps * halves):
            self.loop.model.step(states, self.dt / halves, self.loop.params, self.backend.xp)
        self.synchronize()
        ionic = (time.perf_counter() - start) / steps
        counters = self.diffusion.counters()
        start = time.perf_counter()
        for _ in range(steps):
            self.diffusion(v)
        self.synchronize()
        diffusion = (time.perf_counter() - start) / steps
        self.diffusion.restore(counters)
        return {"ionic_s": ionic, "diffusion_s": diffusion}

    def run(self, steps: int | None = None, progress=None) -> float:
        """Advance ``steps`` steps (default: to the end); returns the wall time of the loop (s)."""
        steps = self.steps - self.loop.step_count if steps is None else steps
        self.synchronize()
        start = time.perf_counter()
        for k in range(steps):
            self.loop.advance(self.diffusion)
            if progress is not None:
                progress(k + 1, steps)
        self.synchronize()
        return time.perf_counter() - start

    def maps(self) -> dict[str, np.ndarray]:
        """Activation, repolarisation and APD maps (ms, NaN where not reached) on the host."""
        host = lambda a: np.asarray(self.backend.to_host(a), dtype=np.float64)  # noqa: E731
        act, rep = host(self.loop.activation.times), host(self.loop.repolarisation.times)
        return {"activation_time": act, "repolarisation_time": rep, "apd": rep - act}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m heartsim.kernels.bench", description=__doc__.splitlines()[0])
    parser.add_argument("case", type=Path, help=".npz written by heartsim ep export")
    parser.add_argument("--backend", choices=["numpy", "cupy"], default="numpy")
    parser.add_argument("--precision", choices=["fp64", "fp32"], default="fp64")
    parser.add_argument("--cpu-kernel", choices=["numpy", "native"],
                        help="CPU code of physiological ionic models (default: as exported)")
    parser.add_argument("--steps", type=int, help="number of steps (default: to the exported end time)")
    parser.add_argument("--out", type=Path, help="write maps to this .npz (default: CASE.<backend>.maps.npz)")
    args = parser.parse_args(argv)
    if not args.case.is_file():
        print(f"bench: error: {args.case}: no such file", file=sys.stderr)
        return 2
    try:
        backend = select_backend("gpu" if args.backend == "cupy" else "numpy")
    except RuntimeError as exc:
        print(f"bench: error: --backend cupy: {exc}", file=sys.stderr)
        return 2
    with np.load(args.case) as npz:
        data = {k: npz[k] for k in npz.files}
    if str(data["ionic_model"]) not in MODELS:
        print(f"bench: error: {args.case}: ionic model {data['ionic_model']} is not in this build", file=sys.stderr)
        return 2
    setup = time.perf_counter()
    case = BenchCase(data, backend, args.precision, cpu_kernel=args.cpu_kernel)
    setup = time.perf_counter() - setup
    last = [time.perf_counter()]

    def progress(k: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 10.0 or k == total:
            last[0] = now
            print(f"step {k}/{total}, t = {case.loop.t:.2f} ms", file=sys.stderr, flush=True)

    warm = case.warm_up()
    wall = case.run(args.steps, progress)
    maps = case.maps()
    out = args.out or args.case.with_name(f"{args.case.stem}.{args.backend}.maps.npz")
    np.savez(out, coordinates=data["coordinates"], **maps)
    n = data["coordinates"].shape[0]
    steps = case.loop.step_count
    act = maps["activation_time"]
    print(json.dumps({"backend": backend.name, "reason": backend.reason, "precision": args.precision, "nodes": n,
                      "steps": steps, "setup_s": round(setup, 3), "warm_up_s": round(warm, 3), "loop_s": round(wall, 3),
                      "node_steps_per_s": round(n * steps / wall, 1) if wall > 0 else None,
                      "cg_iterations_per_step": round(case.diffusion.iterations / max(1, case.diffusion.solves), 2),
                      "host_reads_per_step": round(case.diffusion.host_reads / max(1, case.diffusion.solves), 3),
                      "activation_ms": [float(np.nanmin(act)), float(np.nanmax(act))] if np.isfinite(act).any()
                      else None, "not_activated": int(np.isnan(act).sum()), "maps": str(out)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
