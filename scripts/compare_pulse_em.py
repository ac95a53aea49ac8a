#!/usr/bin/env python3
"""Side by side, in one run: fenicsx-pulse 0.12.0 and heartsim on a beating LV ellipsoid coupled to the
closed-loop circulation, both driven by the same prescribed active tension Ta(t); prints the PV-loop
difference and the wall-time ratio.

The set-up follows fenicsx-pulse's ``time_dependent_land_circ_lv`` demo (read, not copied): an LV
ellipsoid with a +60/-60 degree helix rule, transversely isotropic Holzapfel-Ogden (a 2.280 kPa, b 9.726,
a_f 1.685 kPa, b_f 15.779, a_s = a_fs = 0; pulse's ``transversely_isotropic_parameters``), isochoric
passive energy plus kappa/4 (J^2 - 1 - 2 ln J) with kappa 1000 kPa (pulse's ``Compressible2``), active
second Piola-Kirchhoff stress S_a = Ta f0 (x) f0 (pulse's ``ActiveStress``; heartsim
``along: reference_fibre``), a normal spring on the epicardium,
the Regazzoni closed loop with its LV replaced by the 3D cavity, and a prescribed Ta(t) curve.

What is matched, and what is not (it cannot be, or was not worth it, here):

- mesh and fibres: both tools get heartsim's human-size Land ellipsoid (``meshes/lv_ellipsoid_human.xdmf``,
  the mesh of ``configs/lv-ellipsoid-beat.yaml``, mm) and the same fibre functions (heartsim's analytic
  rule at the quadrature points). The demo builds its own ellipsoid (endo 25/90 mm, epi 35/97 mm) with
  ``cardiac_geometries``, which cannot be imported in this environment (it needs ``adios2``).
- base and epicardium: base fixed, epicardial normal spring 0.05 kPa/mm (``configs/lv-ellipsoid-beat.yaml``)
  in both. The demo leaves the base free on a 1e5 Pa/m spring with a 1e8 Pa/m (100 kPa/mm) epicardial
  spring; heartsim's named cavity closes the volume with the base plane only when it has a base point,
  which a free base does not give it, and with a fixed base the demo's epicardial spring leaves the
  wall nearly rigid (0.6 mL filling at 8 mmHg).
- springs along the reference normal in both (pulse ``RobinNormal.reference``; its default is the current
  normal).
- elements: P1 displacement, quadrature degree 2 in both (the demo: P2, degree 6), so that it runs in a
  few minutes on the shared 2-core machine; ``--degree 2 --quadrature 4`` for a closer match.
- Ta(t): the demo pre-solves the ToR-ORd-Land cell model (gotranx + numba, ``TorOrdLand.ode``, not in this
  environment) and scales its Ta by 5; here an analytic twitch Ta(t) = Tpeak (s e^(1-s))^3, s = t/t_peak,
  restarted every cycle, is given to both.
- circulation and coupling: the demo uses the ``circulation`` package's Regazzoni 2020 model (not installed)
  and prescribes the 0D volume to a volume-constrained 3D solve. Here both tools sit inside the same
  heartsim 3D-0D coupling (``heartsim.electromechanics.cavity0d.ChamberCoupling``: the closed loop of
  ``configs/lv-ellipsoid-beat.yaml``, Newton on the cavity pressure until |V_3D - V_0D| <= 1 mm^3), each
  3D solve being the tool's own Newton solve with the cavity pressure as a follower load (pulse
  ``NeumannBC``). The PV-loop difference is then the difference of the two 3D mechanics solvers alone.
  heartsim's side by default (``--heartsim-coupling monolithic``) solves each coupled step instead as one
  bordered Newton on displacement and cavity pressure (``heartsim.electromechanics.bordered``, the
  Jacobian's LU factors kept across steps): the same equations to the same tolerances, so the loops
  differ by the tolerances; ``--heartsim-coupling pressure_iteration`` puts it in the pressure iteration too.
- cavity volume: the same surface integral (closed at the base plane) evaluated on each tool's
  displacement.

Timing: each tool's coupled loop (preload and time steps) after a warm-up solve (JIT compilation
excluded), wall and CPU seconds of the process (CPU time is the steadier figure on a shared machine),
Newton on MUMPS LU in both (pulse's default); heartsim by default keeps the Jacobian and its LU factors
across the Newton iterations and pressure iterates of a step while Newton converges fast
(``--heartsim-linear modified``: ``reuse_jacobian``, see heartsim.mechanics.solver), ``reuse`` keeps only
the factors (GMRES on the current Jacobian), ``lu`` is pulse's solver.

    scripts/in-env nice -n 10 python3 scripts/compare_pulse_em.py                # one beat, dt 5 ms
    scripts/in-env nice -n 10 python3 scripts/compare_pulse_em.py --end 40 --dt 10  # smallest (CI)
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np
from mpi4py import MPI

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from heartsim.config.loader import load_config  # noqa: E402
from heartsim.electromechanics.cavity0d import ChamberCoupling  # noqa: E402
from heartsim.electromechanics.report import MMHG  # noqa: E402

CONFIG = ROOT / "configs" / "lv-ellipsoid-beat.yaml"
PULSE_HO = {"a": 2.280, "b": 9.726, "a_f": 1.685, "b_f": 15.779, "a_s": 0.0, "b_s": 1.0, "a_fs": 0.0, "b_fs": 1.0}


def ta_curve(t: float, peak: float, t_peak: float, period: float) -> float:
    """Prescribed active tension (kPa) at t (ms): Tpeak (s e^(1-s))^3, s = (t mod period)/t_peak."""
    s = (t % period) / t_peak
    return float(peak * (s * np.exp(1.0 - s)) ** 3)


def heartsim_config(args):
    """The config both tools are built from (the beat config with the demo's material and springs)."""
    mech = "physics.mechanics"
    sets = [f"{mech}.material.holzapfel_ogden.{k}={v}" for k, v in PULSE_HO.items() if v > 0]
    sets += [f"{mech}.material.holzapfel_ogden.a_s=0", f"{mech}.material.holzapfel_ogden.a_fs=0",
             f"{mech}.formulation.degree={args.degree}", f"{mech}.formulation.quadrature_degree={args.quadrature}",
             f"{mech}.formulation.kappa=1000", f"{mech}.active.along=reference_fibre",
             f"{mech}.boundary.robin[0].stiffness={args.epi_spring}"]
    if args.preload_steps:
        sets.append(f"physics.electromechanics.preload.steps={args.preload_steps}")
    return load_config(CONFIG, sets)


class HeartsimSide:
    """heartsim's MechanicsProblem with a named cavity and Ta a Constant."""

    name = "heartsim"

    def __init__(self, cfg, tagged, fibers, endo, linear: str = "reuse", coupling: str = "monolithic"):
        import dolfinx.fem as fem

        from heartsim.config.mechanics import DEFAULT_MECHANICS_PETSC
        from heartsim.mechanics.problem import MechanicsProblem

        self.Ta = fem.Constant(tagged.mesh, 0.0)
        options = {**DEFAULT_MECHANICS_PETSC, **cfg.solver.mechanics}
        if linear == "reuse":  # LU factors kept across the Newton iterations and pressure iterates of a step
            options["reuse_preconditioner"] = True
        elif linear == "modified":  # the Jacobian and its factors kept (modified Newton)
            options["reuse_jacobian"] = True
        self.problem = MechanicsProblem(tagged, cfg.physics.mechanics, fibers, options, active_field=self.Ta,
                                        cavities={"LV": endo})
        self.problem.solver.keep_preconditioner = linear in ("reuse", "modified")
        self.dofs = self.problem.n_global
        self.bordered = None
        if coupling == "monolithic":  # the coupled step as one bordered Newton (heartsim.electromechanics.bordered)
            from heartsim.electromechanics.bordered import BorderedNewton

            self.bordered = BorderedNewton(self.problem, ("LV",))

    def set_ta(self, value: float) -> None:
        self.Ta.value = value
        self.problem.solver.refresh()  # a new step: fresh factors at its first solve

    def solve(self, p: float):
        self.problem.set_cavity_pressures({"LV": p})
        r = self.problem._newton()
        if not r.converged:
            self.problem.restore()
            self.problem.set_cavity_pressures({"LV": p})
            r = self.problem._newton()
        return r.converged, self.problem.cavity_volumes()["LV"], r.iterations, r.detail

    def save(self) -> None:
        self.problem.save()


class PulseSide:
    """fenicsx-pulse 0.12.0's StaticProblem, the cavity pressure a Neumann (follower) load."""

    name = "fenicsx-pulse 0.12.0"

    def __init__(self, cfg, tagged, fibers, endo, args):
        import dolfinx.fem as fem
        import pulse
        import ufl

        from heartsim.mechanics.boundary import base_point, tag_values
        from heartsim.mechanics.cavity import cavity_volume_form

        mesh = tagged.mesh
        self.comm = mesh.comm
        markers = {name.upper(): (value, 2) for name, value in tagged.facet_names.items()}
        geo = pulse.Geometry(mesh=mesh, facet_tags=tagged.facet_tags, markers=markers,
                             metadata={"quadrature_degree": args.quadrature})
        var = lambda v, unit: pulse.Variable(fem.Constant(mesh, float(v)), unit)  # noqa: E731
        params = {k: var(v, "kPa" if k.startswith("a") else "dimensionless") for k, v in PULSE_HO.items()}
        material = pulse.HolzapfelOgden(f0=fibers[0], s0=fibers[1], **params)
        self.Ta = var(0.0, "kPa")
        model = pulse.CardiacModel(material=material, active=pulse.ActiveStress(fibers[0], activation=self.Ta),
                                   compressibility=pulse.compressibility.Compressible2(kappa=var(1000.0, "kPa")))
        self.p = var(0.0, "kPa")
        spring = cfg.physics.mechanics.boundary.robin[0]
        epi = tag_values(tagged, spring.tags, "robin")[0]
        bcs = pulse.BoundaryConditions(
            neumann=(pulse.NeumannBC(traction=self.p, marker=endo[0]),),
            robin=(pulse.RobinBC(value=var(spring.stiffness, "kPa/mm"), marker=epi,
                                 normal=pulse.boundary_conditions.RobinNormal.reference),))
        parameters = {"base_bc": pulse.BaseBC.fixed, "mesh_unit": "mm", "u_space": f"P_{args.degree}"}
        self.problem = pulse.StaticProblem(model=model, geometry=geo, bcs=bcs, parameters=parameters)
        quad = {"quadrature_degree": args.quadrature}
        ds = ufl.Measure("ds", domain=mesh, subdomain_data=tagged.facet_tags, metadata=quad)
        base = tag_values(tagged, cfg.physics.mechanics.boundary.base, "base")
        x0 = base_point(mesh, ds(tuple(base)), self.comm)
        self.volume_form = fem.form(cavity_volume_form(self.problem.u, x0, ds(tuple(endo))))
        self.dofs = self.problem.u.function_space.dofmap.index_map.size_global * 3
        self._saved = self.problem.u.x.array.copy()

    def set_ta(self, value: float) -> None:
        self.Ta.assign(value)

    def volume(self) -> float:
        import dolfinx.fem as fem

        return self.comm.allreduce(fem.assemble_scalar(self.volume_form), op=MPI.SUM)

    def solve(self, p: float):
        self.p.assign(p)
        ok = bool(self.problem.solve())
        if not ok:
            self.problem.u.x.array[:] = self._saved
            ok = bool(self.problem.solve())
        return ok, self.volume(), 0, "fenicsx-pulse Newton did not converge"  # (its count is not exposed)

    def save(self) -> None:
        self._saved = self.problem.u.x.array.copy()


def run(side, cfg, args, say) -> dict:
    """Warm-up, preload, then the coupled steps; returns the PV trace and the loop's wall time."""
    comm = MPI.COMM_WORLD
    ok, v_unloaded, _, detail = side.solve(0.0)  # warm-up (JIT), the unloaded state
    if not ok:
        raise RuntimeError(f"{side.name}: warm-up solve failed: {detail}")
    side.save()
    comm.barrier()
    start, cpu_start = time.perf_counter(), time.process_time()
    em = cfg.physics.electromechanics
    p_ed = em.preload.pressure
    for k in range(1, em.preload.steps + 1):
        ok, v, _, detail = side.solve(p_ed * k / em.preload.steps)
        if not ok:
            raise RuntimeError(f"{side.name}: preload failed: {detail}")
        side.save()
    coupling = ChamberCoupling(cfg.physics.circulation, "LV", em.coupling.volume_tolerance, em.coupling.max_iterations)
    coupling.start(v, p_ed)
    period = cfg.physics.circulation.cycle_period()
    t, rows, newton, pressure_its = 0.0, [(0.0, v, p_ed, 0.0)], 0, 0
    steps = int(round(args.end / args.dt))
    for n in range(1, steps + 1):
        ta = ta_curve(t + args.dt, args.ta_peak, args.t_peak, period)
        side.set_ta(ta)
        bordered = getattr(side, "bordered", None)
        info = bordered.step(coupling, args.dt, side.solve) if bordered is not None else coupling.step(args.dt, side.solve)
        side.save()
        t += args.dt
        newton += info.newton_iterations
        pressure_its += info.iterations
        o = coupling.outputs()
        rows.append((t, o["V_LV"], o["p_LV"], ta))
        if n % max(1, steps // 10) == 0:
            say(f"  {side.name}: t = {t:.0f} ms, V = {o['V_LV'] / 1e3:.2f} mL, p = {o['p_LV'] * MMHG:.1f} mmHg, Ta {ta:.1f} kPa")
    wall = comm.allreduce(time.perf_counter() - start, op=MPI.MAX)
    cpu = comm.allreduce(time.process_time() - cpu_start, op=MPI.SUM)
    trace = np.array(rows)
    return {"trace": trace, "wall_s": wall, "cpu_s": cpu, "newton": newton, "pressure_its": pressure_its, "dofs": side.dofs,
            "unloaded_mL": v_unloaded / 1e3}


def loop_metrics(trace: np.ndarray) -> dict:
    v, p = trace[1:, 1] / 1e3, trace[1:, 2] * MMHG
    return {"EDV_mL": float(v.max()), "ESV_mL": float(v.min()), "peak_p_mmHg": float(p.max())}


def main(argv: list[str] | None = None) -> dict:
    """Run the comparison (``argv``: the command-line arguments); returns the metrics it prints."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--end", type=float, default=800.0, help="simulated time (ms); the cycle is 800 ms")
    parser.add_argument("--dt", type=float, default=5.0, help="coupled step (ms)")
    parser.add_argument("--ta-peak", type=float, default=60.0, help="peak of the prescribed Ta (kPa)")
    parser.add_argument("--t-peak", type=float, default=150.0, help="time to peak of Ta (ms)")
    parser.add_argument("--degree", type=int, default=1, help="displacement degree (both tools)")
    parser.add_argument("--quadrature", type=int, default=2, help="quadrature degree (both tools)")
    parser.add_argument("--epi-spring", type=float, default=0.05,
                        help="epicardial normal spring (kPa/mm; the beat config's 0.05, the demo's 100 with a free base)")
    parser.add_argument("--csv", type=Path, default=None, help="write both PV traces here")
    parser.add_argument("--only", choices=["heartsim", "pulse"], default=None, help="run one side only")
    parser.add_argument("--heartsim-linear", choices=["modified", "reuse", "lu"], default="modified",
                        help="heartsim's Newton: the Jacobian and its LU factors kept within a coupled step while Newton "
                             "converges fast (modified, default), LU factors kept under GMRES (reuse), or MUMPS LU every "
                             "Newton iteration (lu: fenicsx-pulse's default)")
    parser.add_argument("--heartsim-coupling", choices=["monolithic", "pressure_iteration"], default="monolithic",
                        help="heartsim's coupled step: one bordered Newton on displacement and cavity pressure "
                             "(monolithic, default) or the pressure iteration around its Newton solve (as pulse's side)")
    parser.add_argument("--preload-steps", type=int, default=None, help="preload steps (default: the config's)")
    args = parser.parse_args(argv)
    comm = MPI.COMM_WORLD
    say = (lambda *a: print(*a, flush=True)) if comm.rank == 0 else (lambda *a: None)

    from heartsim.mechanics.boundary import tag_values
    from heartsim.mesh import build_mesh
    from heartsim.simulation.mechanics_run import material_fibers

    cfg = heartsim_config(args)
    tagged = build_mesh(cfg.mesh, comm)
    fibers, _ = material_fibers(cfg, tagged)
    endo = tuple(tag_values(tagged, cfg.physics.electromechanics.coupling.cavity_tags, "cavity_tags"))
    results, metrics = {}, {}
    for name in ("heartsim", "pulse"):
        if args.only and args.only != name:
            continue
        side = HeartsimSide(cfg, tagged, fibers, endo, args.heartsim_linear, args.heartsim_coupling) if name == "heartsim" else PulseSide(cfg, tagged, fibers, endo, args)
        say(f"{side.name}: {side.dofs} displacement dofs, {comm.size} rank(s)")
        results[name] = run(side, cfg, args, say)

    say(f"\nLV ellipsoid (heartsim's 7 mm mesh), P{args.degree}, quadrature {args.quadrature}, dt {args.dt:g} ms, "
        f"{args.end:g} ms, Ta peak {args.ta_peak:g} kPa at {args.t_peak:g} ms, {comm.size} rank(s)")
    say("| solver | dofs | unloaded (mL) | EDV (mL) | ESV (mL) | peak p (mmHg) | Newton its | 3D solves | loop wall (s) | loop CPU (s) |")
    say("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, r in results.items():
        m = metrics[name] = {**loop_metrics(r["trace"]), "wall_s": r["wall_s"]}
        say(f"| {name} | {r['dofs']} | {r['unloaded_mL']:.2f} | {m['EDV_mL']:.2f} | {m['ESV_mL']:.2f} | "
            f"{m['peak_p_mmHg']:.2f} | {r['newton'] or '-'} | {r['pressure_its']} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} |")
    if len(results) == 2:
        a, b = results["heartsim"]["trace"], results["pulse"]["trace"]
        dv = np.abs(a[:, 1] - b[:, 1]).max() / 1e3
        dp = np.abs(a[:, 2] - b[:, 2]).max() * MMHG
        ratio = results["pulse"]["wall_s"] / results["heartsim"]["wall_s"]
        cpu_ratio = results["pulse"]["cpu_s"] / results["heartsim"]["cpu_s"]
        metrics.update(max_dV_mL=dv, max_dp_mmHg=dp, wall_ratio=ratio, cpu_ratio=cpu_ratio)
        say(f"PV loop: max |dV| = {dv:.4f} mL, max |dp| = {dp:.4f} mmHg over {len(a) - 1} steps; "
            f"wall time fenicsx-pulse / heartsim = {ratio:.2f}x (CPU time {cpu_ratio:.2f}x)")
    if args.csv and comm.rank == 0:
        args.csv.parent.mkdir(parents=True, exist_ok=True)
        with open(args.csv, "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["solver", "t_ms", "V_LV_mL", "p_LV_mmHg", "Ta_kPa"])
            for name, r in results.items():
                for t, v, p, ta in r["trace"]:
                    w.writerow([name, t, v / 1e3, p * MMHG, ta])
    return metrics


if __name__ == "__main__":
    main()
    sys.exit(0)
