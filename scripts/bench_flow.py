"""Benchmark of the Navier-Stokes step: time per step against dofs, linear iterations per step.

    scripts/in-env python3 scripts/bench_flow.py [--sizes 0.5 0.35 0.25] [--steps 10]
    scripts/in-env mpirun -n 2 python3 scripts/bench_flow.py [--sizes ...]

Case: pulsatile flow (aortic-like Reynolds number ~ 500 at peak) in a tube of radius 2 mm and length
16 mm (heartsim.geometry.vessels.tube) with an RCR outlet; blood (rho 1.06, mu 3.5 mPa s);
dt = 0.5 ms. The first two steps are not timed (JIT, first BDF1 step). Prints one row per size
and appends it to --csv (default results/bench-flow.csv).
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
    parser.add_argument("--csv", type=Path, default=Path("results/bench-flow.csv"))
    args = parser.parse_args()
    cfg = FlowConfig.model_validate({
        "inlet": {"waveform": {"fourier": {"mean": 5.0, "sin": [5.0]}, "period": 800.0}},
        "outlets": {"outlet": {"type": "rcr", "proximal_resistance": "0.1 mmHg*s/mL",
                               "compliance": "1 mL/mmHg", "distal_resistance": "1 mmHg*s/mL"}}})
    rows = []
    for size in args.sizes:
        start = time.perf_counter()
        tagged = vessels.generate("tube", COMM, radius=2.0, length=16.0, size=size)
        ns = NavierStokes(tagged, cfg, 0.5, {})
        for _ in range(2):
            ns.advance()
        setup = time.perf_counter() - start
        before = dict(ns.iterations)
        COMM.barrier()
        start = time.perf_counter()
        for _ in range(args.steps):
            ns.advance()
        COMM.barrier()
        per_step = (time.perf_counter() - start) / args.steps
        its = {k: (ns.iterations[k] - before[k]) / args.steps for k in ns.iterations}
        dofs = ns.n_velocity_dofs + ns.n_pressure_dofs
        rows.append([COMM.size, size, dofs, round(setup, 2), round(per_step, 4), round(per_step / dofs * 1e6, 3),
                     its["momentum"], its["pressure"], its["correction"]])
        if COMM.rank == 0:
            print(f"ranks {COMM.size}  h {size:5.3f} mm  dofs {dofs:8d}  setup {setup:6.1f} s  "
                  f"{per_step:7.3f} s/step ({per_step / dofs * 1e6:6.2f} us/dof)  iterations/step: momentum "
                  f"{its['momentum']:.1f}, pressure {its['pressure']:.1f}, correction {its['correction']:.1f}",
                  flush=True)
        ns.destroy()
    if COMM.rank == 0:
        args.csv.parent.mkdir(parents=True, exist_ok=True)
        new = not args.csv.exists()
        with args.csv.open("a", newline="") as f:
            w = csv.writer(f)
            if new:
                w.writerow(["ranks", "size_mm", "dofs", "setup_s", "s_per_step", "us_per_dof_step",
                            "momentum_its", "pressure_its", "correction_its"])
            w.writerows(rows)


if __name__ == "__main__":
    main()
