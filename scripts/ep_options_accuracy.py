"""What the EP speed options cost in accuracy: Niederer P8 and planar conduction velocity per option.

    scripts/in-env python3 scripts/ep_options_accuracy.py                 # dx 0.5 and 0.2, dt 0.05
    scripts/in-env python3 scripts/ep_options_accuracy.py --dx 0.5 --options default lumped

Options (each against the defaults: consistent mass, CG + Jacobi at rtol 1e-10):
- ``lumped``: ``physics.ep.numerics.lumped_mass: true`` (row-sum mass matrix);
- ``rtol1e-6``, ``rtol1e-8``: ``solver.ep.ksp_rtol`` loosened;
- ``hypre``: ``solver.ep.pc_type: hypre`` (BoomerAMG, the default before 2026-12-06; same rtol).
Prints, per option, P8 of the Niederer benchmark (ms, heartsim's loop time) at each ``--dx`` and
the conduction velocity (mm/ms, Mitchell-Schaeffer strip, dt 0.01 ms, heartsim.verification.ep_cv)
along and across the fiber at h = 0.2, 0.1, 0.05 mm, with the change against ``default``.
"""

from __future__ import annotations

import argparse

from mpi4py import MPI

from heartsim.verification.ep_cv import conduction_velocity
from heartsim.verification.niederer import run_niederer

OPTIONS = {
    "default": ((), {}, False),
    "lumped": (("physics.ep.numerics.lumped_mass=true",), {}, True),
    "rtol1e-8": (("solver.ep.ksp_rtol=1e-8",), {"ksp_rtol": 1e-8}, False),
    "rtol1e-6": (("solver.ep.ksp_rtol=1e-6",), {"ksp_rtol": 1e-6}, False),
    "hypre": (("solver.ep.pc_type=hypre",), {"pc_type": "hypre"}, False),
}
SIGMA_L, SIGMA_T = 0.1334, 0.0176


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dx", type=float, nargs="*", default=[0.5, 0.2])
    parser.add_argument("--dt", type=float, default=0.05)
    parser.add_argument("--h", type=float, nargs="*", default=[0.2, 0.1, 0.05], help="cell sizes of the CV strips")
    parser.add_argument("--options", nargs="+", default=list(OPTIONS), choices=list(OPTIONS))
    args = parser.parse_args()
    comm = MPI.COMM_WORLD
    say = print if comm.rank == 0 else (lambda *a, **k: None)
    head = [*(f"P8 dx {dx}" for dx in args.dx), *(f"loop s dx {dx}" for dx in args.dx),
            *(f"CV_l h {h}" for h in args.h), *(f"CV_t h {h}" for h in args.h)]
    say("| option | " + " | ".join(head) + " |\n|---|" + "---|" * len(head))
    base = None
    for name in args.options:
        overrides, solver, lumped = OPTIONS[name]
        runs = [run_niederer(dx, args.dt, comm, end=100.0, extra=overrides) for dx in args.dx]
        cv = [conduction_velocity(h, fiber=f, sigma_l=SIGMA_L, sigma_t=SIGMA_T, lumped=lumped, solver=solver)
              for f in ((1, 0, 0), (0, 1, 0)) for h in args.h]
        values = [r["times"]["P8"] for r in runs] + cv
        base = base or (values if name == "default" else None)
        cells = []
        for k, v in enumerate(values):
            delta = f" ({v - base[k]:+.3g})" if base is not None and name != "default" else ""
            cells.append(f"{v:.4f}{delta}" if k >= len(runs) else f"{v:.2f}{delta}")
        cells[len(runs):len(runs)] = [f"{r['loop_s']:.1f}" for r in runs]
        say(f"| {name} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
