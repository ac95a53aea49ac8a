#!/usr/bin/env python3
"""Mechanics performance: Newton iterations, assembly and solve time per load step against dofs
(Land 2015 problem 2 on the geometry module's ellipsoid), and, with ``--pulse``, fenicsx-pulse 0.12.0
side by side on the same mesh, elements (P2-P1), material, quadrature degree and load steps.

    scripts/in-env python3 scripts/bench_mechanics.py --sizes 5 3.5 2.5 --pulse
    scripts/in-env mpirun -n 2 python3 scripts/bench_mechanics.py --sizes 5 3.5 2.5 --pulse

Both solvers take the same fixed load steps (``--steps`` equal pressure increments to 10 kPa).
Prints a Markdown table (one row per size and solver) and writes a CSV.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np
from mpi4py import MPI

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from heartsim import dolfinx_api as dx  # noqa: E402
from heartsim.verification.land2015 import APEX, GUCCIONE_2, ellipsoid_mesh, run_problem  # noqa: E402


def run_pulse(tagged, steps: int) -> dict:
    """Land problem 2 with fenicsx-pulse 0.12.0 (mesh in mm, pressure in kPa, base fixed)."""
    import dolfinx.fem
    import pulse

    start = time.perf_counter()
    mesh = tagged.mesh
    markers = {name.upper(): (value, 2) for name, value in tagged.facet_names.items()}
    geo = pulse.Geometry(mesh=mesh, facet_tags=tagged.facet_tags, markers=markers,
                         metadata={"quadrature_degree": 4})
    const = lambda v: dolfinx.fem.Constant(mesh, v)  # noqa: E731
    e = [dolfinx.fem.Constant(mesh, np.array(v, dtype=float)) for v in np.eye(3)]
    material = pulse.Guccione(f0=e[0], s0=e[1], n0=e[2], C=pulse.Variable(const(GUCCIONE_2["C"]), "kPa"),
                              bf=const(1.0), bt=const(1.0), bfs=const(1.0))
    model = pulse.CardiacModel(material=material, active=pulse.active_model.Passive(),
                               compressibility=pulse.Incompressible())
    traction = pulse.Variable(const(0.0), "kPa")
    bcs = pulse.BoundaryConditions(neumann=(pulse.NeumannBC(traction=traction, marker=markers["ENDO"][0]),))
    problem = pulse.StaticProblem(model=model, geometry=geo, bcs=bcs,
                                  parameters={"base_bc": pulse.BaseBC.fixed, "mesh_unit": "mm"})
    setup = time.perf_counter() - start
    solve_start = time.perf_counter()
    for k in range(1, steps + 1):
        traction.assign(10.0 * k / steps)
        if not problem.solve():
            raise RuntimeError(f"fenicsx-pulse did not converge at step {k}")
    solve = time.perf_counter() - solve_start
    u = problem.u if hasattr(problem, "u") else problem.state.sub(0).collapse()
    apex = APEX + dx.evaluate_at_points(u, APEX, mesh.comm)
    return {"apex": apex[:, 2], "setup_s": setup, "solve_s": solve, "wall_s": time.perf_counter() - start}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[5.0, 3.5, 2.5], help="ellipsoid edge sizes (mm)")
    parser.add_argument("--steps", type=int, default=4, help="equal load steps to 10 kPa")
    parser.add_argument("--pulse", action="store_true", help="also run fenicsx-pulse 0.12.0 on the same meshes")
    parser.add_argument("--csv", type=Path, default=None)
    args = parser.parse_args()
    comm = MPI.COMM_WORLD
    rows = []
    say = (lambda *a: print(*a, flush=True)) if comm.rank == 0 else (lambda *a: None)
    for size in args.sizes:
        tagged = ellipsoid_mesh(comm, size)
        # warm the form cache so that JIT compilation is not timed
        run_problem(2, tagged, initial_step=1.0 / args.steps) if size == args.sizes[0] else None
        comm.barrier()
        start = time.perf_counter()
        ours = run_problem(2, tagged, initial_step=1.0 / args.steps)
        wall = comm.allreduce(time.perf_counter() - start, op=MPI.MAX)
        n = max(1, ours.load_steps)
        row = {"ranks": comm.size, "size_mm": size, "dofs": ours.dofs, "solver": "heartsim",
               "load_steps": ours.load_steps, "newton_its": ours.newton_iterations,
               "its_per_step": round(ours.newton_iterations / n, 2),
               "assembly_s_per_step": round(ours.assembly_s / n, 3),
               "linear_solve_s_per_step": round((ours.newton_s - ours.assembly_s) / n, 3),
               "wall_s": round(wall, 2), "z_apex_endo": round(ours.values["z_apex_endo"], 6),
               "z_apex_epi": round(ours.values["z_apex_epi"], 6)}
        rows.append(row)
        say(row)
        if args.pulse:
            try:
                other = run_pulse(tagged, args.steps)
                rows.append({"ranks": comm.size, "size_mm": size, "dofs": ours.dofs, "solver": "fenicsx-pulse 0.12.0",
                             "load_steps": args.steps, "wall_s": round(other["solve_s"], 2),
                             "z_apex_endo": round(float(other["apex"][0]), 6),
                             "z_apex_epi": round(float(other["apex"][1]), 6)})
                say(rows[-1])
            except Exception as exc:  # reported, the benchmark goes on
                say(f"fenicsx-pulse failed: {type(exc).__name__}: {exc}")
    if comm.rank == 0:
        keys = list(dict.fromkeys(k for r in rows for k in r))
        print("\n| " + " | ".join(keys) + " |")
        print("|" + " --- |" * len(keys))
        for r in rows:
            print("| " + " | ".join(str(r.get(k, "")) for k in keys) + " |")
        if args.csv:
            args.csv.parent.mkdir(parents=True, exist_ok=True)
            with open(args.csv, "w", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=keys)
                writer.writeheader()
                writer.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
