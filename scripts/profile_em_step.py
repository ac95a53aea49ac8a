#!/usr/bin/env python3
"""Where one Newton iteration of the coupled beat's mechanics goes: builds the mechanics problem of a
beat config exactly as the runner does (mesh, fibres, Land tension at the quadrature points, named
cavity), inflates it to a small pressure with a few Newton solves, then times each piece separately:
form compilation (JIT), residual assembly, Jacobian assembly, the linear solve (factorisation or
Krylov setup + solve) with the config's solver options and with an alternative, the cavity-volume
integral, the stretch interpolation of the tension model. Prints wall and CPU seconds per piece and the
estimated quadrature degree of every form.

    scripts/in-env nice -n 10 python3 scripts/profile_em_step.py configs/lv-beat.yaml
    scripts/in-env mpirun -n 2 python3 scripts/profile_em_step.py configs/lv-beat.yaml --set solver.mechanics.ksp_type=gmres
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from mpi4py import MPI


def timed(label, fn, rows, comm, repeat=1):
    comm.Barrier()
    w0, c0 = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        out = fn()
    comm.Barrier()
    w, c = (time.perf_counter() - w0) / repeat, (time.process_time() - c0) / repeat
    rows.append((label, comm.allreduce(w, op=MPI.MAX), comm.allreduce(c, op=MPI.SUM)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("config")
    parser.add_argument("--set", action="append", default=[], dest="overrides")
    parser.add_argument("--pressure", type=float, default=0.02, help="cavity pressure of the state (kPa)")
    parser.add_argument("--only", nargs="*", help="alternative linear solvers to time (default all)")
    args = parser.parse_args()

    import ufl
    from dolfinx.fem.petsc import assemble_matrix, assemble_vector

    from heartsim import fem
    from heartsim.config import load_config
    from heartsim.config.mechanics import DEFAULT_MECHANICS_PETSC
    from heartsim.electromechanics.quadrature import QuadratureTension
    from heartsim.electromechanics.tension import substeps_for
    from heartsim.mechanics.boundary import tag_values
    from heartsim.mechanics.problem import MechanicsProblem
    from heartsim.mesh import build_mesh
    from heartsim.simulation.electromechanics_run import land_parameters
    from heartsim.simulation.mechanics_run import material_fibers

    comm = MPI.COMM_WORLD
    rows: list = []
    cfg = load_config(args.config, args.overrides)
    em, mech = cfg.physics.electromechanics, cfg.physics.mechanics
    tagged = timed("mesh", lambda: build_mesh(cfg.mesh, comm), rows, comm)
    fibers, _ = timed("fibres", lambda: material_fibers(cfg, tagged), rows, comm)
    q = mech.formulation.quadrature_degree
    tension = QuadratureTension(tagged.mesh, q, land_parameters(em.tension), em.dt, substeps_for(em.dt, em.tension.substep))
    tags = tuple(tag_values(tagged, em.coupling.cavity_tags, "cavity"))
    problem = None
    n = tagged.mesh.topology.index_map(3).size_global

    def build():
        nonlocal problem
        problem = MechanicsProblem(tagged, mech, fibers, {**DEFAULT_MECHANICS_PETSC, **cfg.solver.mechanics},
                                   active_field=tension.ta_of, cavities={em.coupling.chamber: tags})

    timed("problem + form compilation (JIT)", build, rows, comm)
    s = problem.solver
    degrees = {name: sorted({(itg.integral_type(), itg.metadata().get("quadrature_degree")) for itg in f.integrals()})
               for name, f in (("residual", s.forms[0]), ("jacobian", s.forms[1]))}
    cav = next(iter(problem.cavities.values()))
    if comm.rank == 0:
        print(f"{n} cells, {problem.n_global} dofs, {comm.size} rank(s); options {s.options}")
        print(f"quadrature degree per integral: {degrees}")
        for name, f in (("residual", s.L), ("jacobian", s.a), ("cavity volume", cav.volume_form)):
            ints = f._cpp_object
            print(f"  compiled {name}: integral types {[str(t) for t in ints.integral_types]}")

    problem.set_cavity_pressures({em.coupling.chamber: args.pressure})
    res = timed(f"Newton solve to p = {args.pressure} kPa", problem._newton, rows, comm)
    if comm.rank == 0:
        print(res.detail, f"; {s.linear_iterations} Krylov iterations, {s.pc_setups} preconditioner set-ups")
    x = fem.petsc_vec(problem.w)
    # a real Newton right-hand side: the residual of the converged state at twice the pressure
    problem.set_cavity_pressures({em.coupling.chamber: 2 * args.pressure})
    timed("residual assembly", lambda: s._F(s.snes, x, s.b), rows, comm, repeat=3)
    timed("Jacobian assembly", lambda: s._J(s.snes, x, s.A, s.A), rows, comm, repeat=2)
    dx = s.b.duplicate()
    ksp = s.snes.getKSP()
    timed("linear solve (config's solver: setup + solve)", lambda: ksp.solve(s.b, dx), rows, comm)
    its = ksp.getIterationNumber()
    timed("linear solve, same operator (PC reused)", lambda: ksp.solve(s.b, dx), rows, comm)
    reference = dx.copy()
    from heartsim.mechanics.solver import AMG, LU, rigid_body_modes

    alternatives = {"MUMPS LU": LU, "GMRES + GAMG": AMG,
                    "GMRES + hypre BoomerAMG": {**{k: v for k, v in AMG.items() if not k.startswith(("pc_gamg", "mg_"))},
                                                "pc_type": "hypre", "pc_hypre_type": "boomeramg",
                                                "pc_hypre_boomeramg_strong_threshold": 0.7,
                                                "pc_hypre_boomeramg_nodal_coarsen": 6, "pc_hypre_boomeramg_vec_interp_variant": 3}}
    if args.only:
        alternatives = {k: v for k, v in alternatives.items() if k in args.only}
    A = s.A
    A.setNearNullSpace(rigid_body_modes(problem.space))
    extra = []
    for name, opts in alternatives.items():
        k = fem.ksp(comm, A, opts, "profile")
        y = dx.duplicate()
        timed(f"{name}: setup + solve", lambda: k.solve(s.b, y), rows, comm)
        timed(f"{name}: solve, PC reused", lambda: k.solve(s.b, y), rows, comm)
        y.axpy(-1.0, reference)
        extra.append(f"{name}: {k.getIterationNumber()} iterations ({k.getConvergedReason()}), "
                     f"|x - x_config| / |x_config| = {y.norm() / max(reference.norm(), 1e-300):.2e}")
        k.destroy()
    timed("cavity volume integral", problem.cavity_volumes, rows, comm, repeat=5)
    timed("tension stretch (interpolation)", tension.stretch, rows, comm, repeat=2)
    if comm.rank == 0:
        print(f"KSP {ksp.getType()} / PC {ksp.getPC().getType()}: {its} iterations")
        print("\n".join(extra))
        print(f"{'piece':45s} {'wall s':>9s} {'CPU s (all ranks)':>18s}")
        for label, w, c in rows:
            print(f"{label:45s} {w:9.3f} {c:18.3f}")


if __name__ == "__main__":
    main()
