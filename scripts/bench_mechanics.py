#!/usr/bin/env python3
"""Mechanics performance: Newton iterations, assembly and solve time per load step against dofs
(Land 2015 problem 2 on the geometry module's ellipsoid), and, with ``--pulse``, fenicsx-pulse 0.12.0
side by side on the same mesh, elements (P2-P1), material, quadrature degree and load steps; heartsim
then also runs with ``formulation.isochoric`` (W(J^(-1/3) F) + p(J - 1)), the form fenicsx-pulse uses.

    scripts/in-env python3 scripts/bench_mechanics.py --sizes 5 3.5 2.5 --pulse
    scripts/in-env mpirun -n 2 python3 scripts/bench_mechanics.py --sizes 5 3.5 2.5 --pulse
    scripts/in-env python3 scripts/bench_mechanics.py --problem 3 --order 2 --sizes 5 4 --pulse --steps 40

Both start from the same load step (``--steps`` equal increments of the pressure, and for problem 3 of
the active tension with it); heartsim's adaptive stepping may then take larger steps, fenicsx-pulse
takes them all.
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

from heartsim import fem  # noqa: E402
from heartsim.verification.land2015 import (  # noqa: E402
    APEX, GUCCIONE_1_3, GUCCIONE_2, ellipsoid_mesh, land_fiber_vectors, run_problem)


def run_pulse(tagged, steps: int, problem: int = 2, petsc: dict | None = None) -> dict:
    """Land problem 2 (or 3) with fenicsx-pulse 0.12.0 (mesh in mm, kPa, base fixed, P2-P1, quadrature 4);
    ``steps`` equal steps of the pressure (and, problem 3, the active tension with it, as in the paper);
    ``petsc`` overrides fenicsx-pulse's SNES options (its default line search is ``l2``)."""
    import dolfinx.fem
    import pulse

    start = time.perf_counter()
    mesh = tagged.mesh
    markers = {name.upper(): (value, 2) for name, value in tagged.facet_names.items()}
    geo = pulse.Geometry(mesh=mesh, facet_tags=tagged.facet_tags, markers=markers,
                         metadata={"quadrature_degree": 4})
    const = lambda v: dolfinx.fem.Constant(mesh, v)  # noqa: E731
    if problem == 3:
        fibers = land_fiber_vectors(tagged)
        law, pressure, tension = GUCCIONE_1_3, 15.0, 60.0
    else:
        fibers = [dolfinx.fem.Constant(mesh, np.array(v, dtype=float)) for v in np.eye(3)]
        law, pressure, tension = GUCCIONE_2, 10.0, 0.0
    material = pulse.Guccione(f0=fibers[0], s0=fibers[1], n0=fibers[2], C=pulse.Variable(const(law["C"]), "kPa"),
                              bf=const(law["b_f"]), bt=const(law["b_t"]), bfs=const(law["b_fs"]))
    Ta = pulse.Variable(const(0.0), "kPa")
    active = pulse.ActiveStress(fibers[0], activation=Ta) if problem == 3 else pulse.active_model.Passive()
    model = pulse.CardiacModel(material=material, active=active, compressibility=pulse.Incompressible())
    traction = pulse.Variable(const(0.0), "kPa")
    bcs = pulse.BoundaryConditions(neumann=(pulse.NeumannBC(traction=traction, marker=markers["ENDO"][0]),))
    parameters = {"base_bc": pulse.BaseBC.fixed, "mesh_unit": "mm"}
    if petsc:
        parameters["petsc_options"] = {**pulse.StaticProblem.default_parameters()["petsc_options"], **petsc}
    solver = pulse.StaticProblem(model=model, geometry=geo, bcs=bcs, parameters=parameters)
    setup = time.perf_counter() - start
    solve_start = time.perf_counter()
    for k in range(1, steps + 1):
        traction.assign(pressure * k / steps)
        Ta.assign(tension * k / steps)
        if not solver.solve():
            raise RuntimeError(f"fenicsx-pulse did not converge at step {k}")
    solve = time.perf_counter() - solve_start
    apex = APEX + fem.evaluate(solver.u, APEX)
    return {"apex": apex[:, 2], "setup_s": setup, "solve_s": solve, "wall_s": time.perf_counter() - start}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[5.0, 3.5, 2.5], help="ellipsoid edge sizes (mm)")
    parser.add_argument("--steps", type=int, default=20, help="equal load steps to the final load (fenicsx-pulse needs about 20 on problem 2)")
    parser.add_argument("--pulse", action="store_true", help="also run fenicsx-pulse 0.12.0 on the same meshes")
    parser.add_argument("--problem", type=int, choices=[2, 3], default=2, help="Land problem (3: pressure and active tension ramped together)")
    parser.add_argument("--order", type=int, default=1, help="ellipsoid geometry order (2: curved)")
    parser.add_argument("--pulse-linesearch", default=None, help="fenicsx-pulse's SNES line search (its default: l2)")
    parser.add_argument("--csv", type=Path, default=None)
    args = parser.parse_args()
    comm = MPI.COMM_WORLD
    rows = []
    say = (lambda *a: print(*a, flush=True)) if comm.rank == 0 else (lambda *a: None)
    for size in args.sizes:
        tagged = ellipsoid_mesh(comm, size, args.order)
        # warm the form cache so that JIT compilation is not timed
        if size == args.sizes[0]:
            run_problem(args.problem, tagged, initial_step=1.0 / args.steps)
            if args.pulse:
                run_problem(args.problem, tagged, initial_step=1.0 / args.steps, isochoric=True)
        comm.barrier()
        start = time.perf_counter()
        ours = run_problem(args.problem, tagged, initial_step=1.0 / args.steps)
        wall = comm.allreduce(time.perf_counter() - start, op=MPI.MAX)
        n = max(1, ours.load_steps)
        row = {"ranks": comm.size, "problem": args.problem, "size_mm": size, "dofs": ours.dofs, "solver": "heartsim",
               "load_steps": ours.load_steps, "newton_its": ours.newton_iterations,
               "its_per_step": round(ours.newton_iterations / n, 2),
               "assembly_s_per_step": round(ours.assembly_s / n, 3),
               "linear_solve_s_per_step": round((ours.newton_s - ours.assembly_s) / n, 3),
               "wall_s": round(wall, 2), "z_apex_endo": round(ours.values["z_apex_endo"], 6),
               "z_apex_epi": round(ours.values["z_apex_epi"], 6)}
        rows.append(row)
        say(row)
        if args.pulse:
            # the formulation fenicsx-pulse 0.12 uses: isochoric passive energy W(J^(-1/3) F) + p (J - 1)
            start = time.perf_counter()
            iso = run_problem(args.problem, tagged, initial_step=1.0 / args.steps, isochoric=True)
            wall_iso = comm.allreduce(time.perf_counter() - start, op=MPI.MAX)
            rows.append({**row, "solver": "heartsim, isochoric", "load_steps": iso.load_steps,
                         "newton_its": iso.newton_iterations, "its_per_step": round(iso.newton_iterations / max(1, iso.load_steps), 2),
                         "assembly_s_per_step": round(iso.assembly_s / max(1, iso.load_steps), 3),
                         "linear_solve_s_per_step": round((iso.newton_s - iso.assembly_s) / max(1, iso.load_steps), 3),
                         "wall_s": round(wall_iso, 2), "z_apex_endo": round(iso.values["z_apex_endo"], 6),
                         "z_apex_epi": round(iso.values["z_apex_epi"], 6)})
            say(rows[-1])
            try:
                petsc = {"snes_linesearch_type": args.pulse_linesearch} if args.pulse_linesearch else None
                other = run_pulse(tagged, args.steps, args.problem, petsc)
                rows.append({"ranks": comm.size, "problem": args.problem, "size_mm": size, "dofs": ours.dofs, "solver": "fenicsx-pulse 0.12.0",
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
