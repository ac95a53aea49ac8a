"""Benchmark of the Navier-Stokes step: time per step against dofs, linear iterations per step.

    scripts/in-env python3 scripts/bench_flow.py [--sizes 0.5 0.35 0.25] [--steps 10]
    scripts/in-env mpirun -n 2 python3 scripts/bench_flow.py [--sizes ...]

Case: pulsatile flow (aortic-like Reynolds number ~ 500 at peak) in a tube of radius 2 mm and length
16 mm (heartsim.geometry.vessels.tube) with an RCR outlet; blood (rho 1.06, mu 3.5 mPa s);
dt = 0.5 ms. The first two steps are not timed (JIT, first BDF1 step). Every size runs with each
``--projection`` (default: discrete, then the pressure-Poisson baseline in the same run) and each
``--stabilisation``; prints one row per run, the time ratio against the first variant of that size,
and appends the rows to --csv (default results/bench-flow.csv).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

from mpi4py import MPI

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from heartsim.config.flow import FlowConfig  # noqa: E402
from heartsim.flow.ns import NavierStokes  # noqa: E402
from heartsim.geometry import vessels  # noqa: E402

COMM = MPI.COMM_WORLD


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[0.5, 0.35, 0.25])
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--projection", nargs="+", default=["discrete", "poisson"], choices=["discrete", "poisson"])
    parser.add_argument("--stabilisation", nargs="+", default=["none"], choices=["none", "supg"])
    parser.add_argument("--csv", type=Path, default=Path("results/bench-flow.csv"))
    args = parser.parse_args()
    variants = [(p, s) for p in args.projection for s in args.stabilisation]
    rows = []
    for size in args.sizes:
        first = None
        for projection, stabilisation in variants:
            first = run_one(size, projection, stabilisation, args.steps, rows, first)
    if COMM.rank == 0:
        args.csv.parent.mkdir(parents=True, exist_ok=True)
        new = not args.csv.exists()
        with args.csv.open("a", newline="") as f:
            w = csv.writer(f)
            if new:
                w.writerow(["ranks", "size_mm", "projection", "stabilisation", "dofs", "setup_s", "s_per_step",
                            "us_per_dof_step", "ratio_to_first", "momentum_its", "pressure_its", "correction_its",
                            "max_mass_imbalance"])
            w.writerows(rows)


def run_one(size, projection, stabilisation, steps, rows, first):
    """Time ``steps`` steps of one variant; append its row; return the first variant's s/step."""
    cfg = FlowConfig.model_validate({
        "inlet": {"waveform": {"fourier": {"mean": 5.0, "sin": [5.0]}, "period": 800.0}},
        "outlets": {"outlet": {"type": "rcr", "proximal_resistance": "0.1 mmHg*s/mL",
                               "compliance": "1 mL/mmHg", "distal_resistance": "1 mmHg*s/mL"}},
        "numerics": {"projection": projection, "stabilisation": stabilisation}})
    start = time.perf_counter()
    tagged = vessels.generate("tube", COMM, radius=2.0, length=16.0, size=size)
    ns = NavierStokes(tagged, cfg, 0.5, {})
    for _ in range(2):
        ns.advance()
    setup = time.perf_counter() - start
    before = dict(ns.iterations)
    COMM.barrier()
    start = time.perf_counter()
    imbalance = 0.0
    for _ in range(steps):
        ns.advance()
        inflow = -ns.flows["inlet"]
        imbalance = max(imbalance, abs(inflow - ns.flows["outlet"]) / abs(inflow))
    COMM.barrier()
    per_step = (time.perf_counter() - start) / steps
    its = {k: (ns.iterations[k] - before[k]) / steps for k in ns.iterations}
    dofs = ns.n_velocity_dofs + ns.n_pressure_dofs
    first = per_step if first is None else first
    rows.append([COMM.size, size, projection, stabilisation, dofs, round(setup, 2), round(per_step, 4),
                 round(per_step / dofs * 1e6, 3), round(per_step / first, 3), its["momentum"], its["pressure"],
                 its["correction"], f"{imbalance:.2e}"])
    if COMM.rank == 0:
        print(f"ranks {COMM.size}  h {size:5.3f} mm  {projection:8s} {stabilisation:4s} dofs {dofs:8d}  "
              f"setup {setup:6.1f} s  {per_step:7.3f} s/step ({per_step / dofs * 1e6:6.2f} us/dof, "
              f"x{per_step / first:.2f})  iterations/step: momentum {its['momentum']:.1f}, pressure "
              f"{its['pressure']:.1f}, correction {its['correction']:.1f}; max mass imbalance {imbalance:.1e}",
              flush=True)
    ns.destroy()
    return first


if __name__ == "__main__":
    main()
