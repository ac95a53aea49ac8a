#!/usr/bin/env python3
"""Land et al. 2015 (Proc R Soc A 471:20150641) mechanics benchmark, problems 1-3, at several
refinements, against the published values; prints a Markdown table and writes a CSV.

    scripts/in-env python3 scripts/verify_mechanics.py                      # all problems, default levels
    scripts/in-env python3 scripts/verify_mechanics.py --problems 1 --beam 1.0 0.5 0.25
    scripts/in-env python3 scripts/verify_mechanics.py --problems 2 3 --ellipsoid 4 3 2 --order 2

Problem 1 on the beam of dolfinx's box (tetrahedra of ``--beam`` mm); problems 2 and 3 on the
geometry module's Land ellipsoid (``--ellipsoid`` mm edges, ``--order 2`` for curved quadratic
geometry). Incompressible Taylor-Hood P2-P1. Problem 3's fibers: the Land rule at the quadrature points
(``--p1-fibers``: interpolated P1 vectors, which lose the mid-wall fibers on coarse meshes). The published
column comes from ``PUBLISHED`` in heartsim/verification/land2015.py (value or range across codes, with
its source, printed below the table).
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from mpi4py import MPI

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from heartsim.verification.land2015 import PUBLISHED, beam_mesh, ellipsoid_mesh, run_problem  # noqa: E402


def outside(value: float, ref) -> float:
    """Signed distance of ``value`` from the published range (0 inside it)."""
    return value - ref.high if value > ref.high else value - ref.low if value < ref.low else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--beam", type=float, nargs="+", default=[1.0, 0.5, 0.25], help="beam cell sizes (mm)")
    parser.add_argument("--ellipsoid", type=float, nargs="+", default=[4.0, 3.0, 2.0], help="ellipsoid edge sizes (mm)")
    parser.add_argument("--order", type=int, default=1, help="ellipsoid geometry order (2: curved)")
    parser.add_argument("--degree", type=int, default=2, help="displacement degree (pressure: degree - 1)")
    parser.add_argument("--quadrature", type=int, default=4, help="quadrature degree of the forms (and of problem 3's fiber points)")
    parser.add_argument("--p1-fibers", action="store_true", help="problem 3: P1-interpolated fibers instead of quadrature points")
    parser.add_argument("--csv", type=Path, default=Path("results/verify_mechanics.csv"))
    args = parser.parse_args()
    comm = MPI.COMM_WORLD
    say = (lambda *a: print(*a, flush=True)) if comm.rank == 0 else (lambda *a: None)
    rows = []
    for problem in args.problems:
        levels = args.beam if problem == 1 else args.ellipsoid
        for h in levels:
            tagged = beam_mesh(comm, h) if problem == 1 else ellipsoid_mesh(comm, h, args.order)
            result = run_problem(problem, tagged, args.degree, log=say, p1_fibers=args.p1_fibers,
                                 quadrature_degree=args.quadrature)
            for key, value in result.values.items():
                ref = PUBLISHED.get((problem, key))
                rows.append({"problem": problem, "h_mm": h, "order": 1 if problem == 1 else args.order,
                             "dofs": result.dofs, "quantity": key, "value": round(value, 4),
                             "reference": None if ref is None else ref.text(),
                             "difference": None if ref is None else round(outside(value, ref), 4),
                             "newton_iterations": result.newton_iterations, "load_steps": result.load_steps,
                             "wall_s": round(result.wall_s, 2), "ranks": comm.size})
            say(f"problem {problem}, h = {h} mm, {result.dofs} dofs: "
                + ", ".join(f"{k} = {v:.4f}" for k, v in result.values.items()) + f" ({result.wall_s:.1f} s)")
    if comm.rank == 0:
        args.csv.parent.mkdir(parents=True, exist_ok=True)
        with open(args.csv, "w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        print("\n| problem | h (mm) | dofs | quantity | heartsim | published | difference | Newton its | s |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for r in rows:
            ref = "n/a" if r["reference"] is None else r["reference"]
            diff = "" if r["difference"] is None else f"{r['difference']:+.3f}"
            print(f"| {r['problem']} | {r['h_mm']} | {r['dofs']} | {r['quantity']} | {r['value']:.3f} | {ref} | {diff} "
                  f"| {r['newton_iterations']} | {r['wall_s']} |")
        print("\ndifference: heartsim minus the published value (or the nearest end of the published range; 0 inside it)")
        for (problem, key), ref in sorted(PUBLISHED.items()):
            print(f"published, problem {problem} {key}: {ref.text()} mm -- {ref.source}")
        missing = sorted({(r["problem"], r["quantity"]) for r in rows if r["reference"] is None})
        if missing:
            print("n/a (no published number in PUBLISHED, heartsim/verification/land2015.py): "
                  + ", ".join(f"problem {p} {q}" for p, q in missing))
        print(f"\nCSV: {args.csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
