"""Run a coupled electromechanics case: EP -> calcium -> Land 2017 -> mechanics <-> closed loop.

Builds the mesh and fibres, the tension model at the mechanics quadrature points, the mechanics
problem with the named cavity, the calcium source (EP or a transient) and the closed loop with the
chamber replaced by the 3D cavity; preloads the cavity; then steps (physics.electromechanics.dt)
to time.end. Outputs (``out``):

- ``displacement.xdmf`` (P1 ``u``: Warp By Vector), ``fields.xdmf`` (cell-wise ``Ta`` and ``lambda``
  (averages over the cell's quadrature points), ``E_ff``, ``sigma_ff`` (Cauchy stress along the
  deformed fibre, kPa)), with EP ``v.xdmf`` (P1 ``v``, ``cai``) and ``activation.xdmf`` (activation time);
- ``pv.csv`` per step: t, cavity volume and pressure, phase, every 0D pressure/volume/flow (mmHg, mL,
  mL/s), mean and max Ta; ``convergence.csv`` per step: pressure iterations, Newton iterations,
  |V_3D - V_0D|; ``pv_loop.png``, ``traces.png``;
- ``summary.json``: per beat EDV, ESV, SV, EF, peak pressure, dP/dt max, time to peak Ta and the
  beat-to-beat change; wall time split EP / tension / mechanics / 0D. A step that does not converge
  ends the run with status ``failed`` naming its time (the last converged step written).
"""

from __future__ import annotations

import csv
import logging
import time
from pathlib import Path

import numpy as np
from mpi4py import MPI

from heartsim import fem
from heartsim.config.errors import ConfigError
from heartsim.config.mechanics import DEFAULT_MECHANICS_PETSC
from heartsim.electromechanics import report
from heartsim.electromechanics.beat import Heartbeat
from heartsim.electromechanics.calcium import EPCalcium, MissingCalcium, TransientCalcium
from heartsim.electromechanics.cavity0d import ChamberCoupling, CoupledStepFailure
from heartsim.electromechanics.quadrature import QuadratureTension
from heartsim.electromechanics.tension import land, substeps_for
from heartsim.io.outputs import config_hash, write_json_atomic
from heartsim.mechanics import kinematics as kin
from heartsim.mechanics.boundary import plane_normal, tag_box_faces, tag_values
from heartsim.mechanics.problem import MechanicsProblem
from heartsim.mesh import build_mesh
from heartsim.runtime.collective import on_root
from heartsim.runtime.status import write_status
from heartsim.simulation.mechanics_run import material_fibers
from heartsim.simulation.run_folder import record_failure, start_run_folder
from heartsim.versions import stack_versions

KEY = "physics.electromechanics"


def land_parameters(cfg):
    """The tension model's parameters (ConfigError naming the key on an unknown preset or name)."""
    try:
        return land.LandParameters.from_preset(cfg.preset, dict(cfg.parameters))
    except (land.LandParameterError, KeyError, TypeError, ValueError) as exc:
        raise ConfigError([f"{KEY}.tension: {exc}"]) from None


def check_cavity_closes(tagged, tags, base_refs, comm, tol: float = 0.05) -> None:
    """ConfigError unless the cavity surface, closed by the base plane, is closed: the in-plane part of
    ∫ N dA over the surface must vanish (relative to its area)."""
    import ufl

    mesh = tagged.mesh
    ds = ufl.Measure("ds", domain=mesh, subdomain_data=tagged.facet_tags)
    base = tag_values(tagged, base_refs, "physics.mechanics.boundary.base")
    n_base = plane_normal(mesh, ds(tuple(base)), comm)
    N = ufl.FacetNormal(mesh)
    a = np.array([fem.assemble_scalar(N[i] * ds(tuple(tags)), comm) for i in range(3)])
    area = fem.assemble_scalar(ufl.as_ufl(1.0) * ds(tuple(tags)), comm)
    gap = np.linalg.norm(a - (a @ n_base) * n_base) / max(area, 1e-300)
    if gap > tol or not area > 0:
        raise ConfigError([f"{KEY}.coupling.cavity_tags: the surface does not close with the base plane "
                           f"(open fraction {gap:.3f} of its area); give all endocardial tags"])


def _cell_average(target, values: np.ndarray, qspace) -> None:
    """DG0 ``target`` <- mean of quadrature-point ``values`` over each cell."""
    qmap = qspace.dofmap.list
    target.x.array[target.function_space.dofmap.list[:, 0]] = values[qmap].mean(axis=1)


def run_electromechanics(cfg, out: Path, comm: MPI.Comm, log: logging.Logger, restart: bool = False,
                         stop=None) -> dict:
    """Run ``cfg`` (physics.electromechanics) into ``out``; returns the summary (also in summary.json)."""

    wall_start = time.perf_counter()
    fem.check_version()
    if restart:
        raise ConfigError([f"--restart {out}: electromechanics runs have no checkpoints yet (rerun)"])
    em, mech, circ = cfg.physics.electromechanics, cfg.physics.mechanics, cfg.physics.circulation
    if mech.active is None or mech.active.source != "field":
        raise ConfigError(["physics.mechanics.active: electromechanics needs active: {source: field} "
                           "(Ta comes from the tension model)"])
    if mech.boundary.cavity is not None:
        raise ConfigError(["physics.mechanics.boundary.cavity: the cavity volume comes from the circulation "
                           f"in electromechanics; remove it (the cavity is {KEY}.coupling.cavity_tags)"])
    params = land_parameters(em.tension)
    tagged = build_mesh(cfg.mesh, comm)
    if tagged.facet_tags is None and cfg.mesh.generate == "box":
        tag_box_faces(tagged)
    chamber = em.coupling.chamber
    tags = tuple(tag_values(tagged, em.coupling.cavity_tags, f"{KEY}.coupling.cavity_tags"))
    check_cavity_closes(tagged, tags, mech.boundary.base, comm)
    fibers, _ = material_fibers(cfg, tagged)
    q = mech.formulation.quadrature_degree
    tension = QuadratureTension(tagged.mesh, q, params, em.dt, substeps_for(em.dt, em.tension.substep))
    options = {**DEFAULT_MECHANICS_PETSC, **cfg.solver.mechanics}
    problem = MechanicsProblem(tagged, mech, fibers, options, active_field=tension.ta_of, cavities={chamber: tags})
    period = circ.cycle_period()

    ep = None
    if em.calcium.source == "ep":
        from heartsim.ep.monodomain import Monodomain
        from heartsim.kernels.backend import select_backend

        try:
            backend = select_backend(cfg.backend.kind)
        except RuntimeError as exc:
            raise ConfigError([str(exc)]) from None
        ep_fibers = None
        if cfg.fibers is not None:
            from heartsim.fibers import compute_fibers

            ep_fibers = compute_fibers(tagged, cfg.fibers, comm)
        ep = Monodomain(tagged, cfg.physics.ep, cfg.time.dt, cfg.solver.ep_options(), backend, fibers=ep_fibers)
        try:
            calcium = EPCalcium(ep, fem.function(tension.space, "cai"))
        except MissingCalcium as exc:
            raise ConfigError([f"physics.ep.ionic.model: {exc} (needed by {KEY}.calcium.source: ep; "
                               "use e.g. tentusscher_panfilov_2006 or ohara_rudy_2011)"]) from None
    else:
        calcium = TransientCalcium(em.calcium, period, tension.n)
    tension.points.rest_at(calcium(0.0))
    tension.push()

    coupling = ChamberCoupling(circ, chamber, em.coupling.volume_tolerance, em.coupling.max_iterations)
    beat = Heartbeat(problem, tension, coupling, calcium, em.dt, chamber)
    v_ref = problem.cavity_volumes()[chamber]
    log.info("electromechanics: %d mechanics dofs, %d tension points on %d rank(s); %s cavity %.1f mL unloaded; "
             "EP %s", problem.n_global, tension.n_global(), comm.size, chamber, v_ref / 1e3,
             f"{ep.n_global} nodes, dt {cfg.time.dt:g} ms" if ep is not None else "off (prescribed calcium)")

    resolved = cfg.model_dump(mode="json")
    on_root(comm, lambda: start_run_folder(out, resolved))

    # ---- outputs
    mesh = tagged.mesh
    u_out = fem.function(fem.lagrange_space(mesh, 1, (3,)), "u")
    V0 = fem.dg_space(mesh)
    cell = {name: fem.function(V0, name) for name in ("Ta", "lambda", "E_ff", "sigma_ff")}
    # E_ff and sigma_ff at the quadrature points (where Ta and the problem's fibres live), then cell averages
    exprs = {"E_ff": kin.fiber_strain(problem.F, fibers[0]),
             "sigma_ff": kin.fiber_stress(problem.cauchy(), problem.F, fibers[0])}
    at_points = fem.function(tension.space)
    writers = [fem.FunctionSeriesWriter(comm, out, "displacement", [u_out], cfg.output.formats),
               fem.FunctionSeriesWriter(comm, out, "fields", list(cell.values()), cfg.output.formats)]
    if ep is not None:
        writers.append(fem.FunctionSeriesWriter(comm, out, "v", [ep.v, calcium.p1], cfg.output.formats))

    written = []

    def write_fields(t: float) -> None:
        if written and abs(written[-1] - t) < 1e-9:
            return
        written.append(t)
        u_out.interpolate(problem.displacement())
        _cell_average(cell["Ta"], tension.Ta.x.array, tension.space)
        _cell_average(cell["lambda"], tension.lmbda.x.array, tension.space)
        for name, expr in exprs.items():
            fem.interpolate_expression(at_points, expr)
            _cell_average(cell[name], at_points.x.array, tension.space)
        if ep is not None:
            ep.sync()
        for w in writers:
            w.write(t)

    rows, conv = [], []
    n_owned_q = tension.space.dofmap.index_map.size_local

    def ta_stats() -> tuple[float, float]:
        owned = tension.Ta.x.array[:n_owned_q]
        total = comm.allreduce(float(owned.sum()), op=MPI.SUM)
        count = comm.allreduce(int(owned.size), op=MPI.SUM)
        return total / max(count, 1), comm.allreduce(float(owned.max()) if owned.size else 0.0, op=MPI.MAX)

    def record(info) -> None:
        o = coupling.outputs()
        p, v = o[f"p_{chamber}"], o[f"V_{chamber}"]
        inflow, outflow = ("MV", "AV") if chamber == "LV" else ("TV", "PV")
        dpdt = (p - rows[-1]["_p"]) / em.dt if rows else 0.0
        ta_mean, ta_max = ta_stats()
        row = {"t_ms": round(beat.t, 9), f"V_{chamber}_mL": v / 1e3, f"p_{chamber}_mmHg": p * report.MMHG,
               "V_3D_mL": (info.volume if info else v) / 1e3,
               "phase": report.phase(o[f"Q_{inflow}"], o[f"Q_{outflow}"], dpdt),
               "Ta_mean_kPa": ta_mean, "Ta_max_kPa": ta_max}
        for key, value in o.items():
            if key.startswith("p_") and key != f"p_{chamber}":
                row[f"{key}_mmHg"] = value * report.MMHG
            elif key.startswith("V_") and key != f"V_{chamber}":
                row[f"{key}_mL"] = value / 1e3
            elif key.startswith("Q_"):
                row[f"{key}_mL_per_s"] = value
        row["_p"], row["_v"] = p, v
        rows.append(row)
        if info is not None:
            conv.append({"t_ms": round(beat.t, 9), "pressure_iterations": info.iterations,
                         "newton_iterations": info.newton_iterations, "volume_residual_mm3": info.residual,
                         "pressure_kPa": info.pressure})

    failure = None
    steps = max(1, int(round(cfg.time.end / em.dt)))
    every = max(1, int(round(em.output_interval / em.dt)))
    try:
        v_ed = beat.preload(em.preload.pressure, em.preload.steps)
        log.info("preload to %.3g kPa: %s volume %.2f mL", em.preload.pressure, chamber, v_ed / 1e3)
        record(None)
        write_fields(0.0)
        loop_start = time.perf_counter()
        for n in range(1, steps + 1):
            info = beat.step()
            record(info)
            signum = stop.pending(comm) if stop is not None else 0
            if signum and n < steps:  # no checkpoints yet: stop cleanly, outputs of the steps so far written
                raise CoupledStepFailure(beat.t + em.dt, f"stopped by signal {signum} (no checkpoint: rerun)")
            if n % every == 0 or n == steps:
                write_fields(beat.t)
            if n % max(1, int(round(10 / em.dt))) == 0 or n == steps:
                r = rows[-1]
                log.info("t = %.1f ms | %s | V = %.2f mL, p = %.1f mmHg, Ta max %.1f kPa | %d pressure its, %d Newton its",
                         beat.t, r["phase"], r[f"V_{chamber}_mL"], r[f"p_{chamber}_mmHg"], r["Ta_max_kPa"],
                         info.iterations, info.newton_iterations)
    except CoupledStepFailure as exc:
        failure = exc
        problem.restore()
        write_fields(beat.t)
    finally:
        for w in writers:
            w.close()
    activation_paths = []
    if ep is not None:
        act = fem.FunctionSeriesWriter(comm, out, "activation", [ep.activation_function()], cfg.output.formats)
        act.write(0.0)
        act.close()
        activation_paths = act.paths

    t_arr = np.array([r["t_ms"] for r in rows])
    p_arr = np.array([r["_p"] for r in rows])
    v_arr = np.array([r["_v"] for r in rows])
    ta_arr = np.array([r["Ta_mean_kPa"] for r in rows])
    per_beat = report.beats(t_arr[1:], v_arr[1:], p_arr[1:], ta_arr[1:], period, [r["phase"] for r in rows[1:]])
    timings = beat.timings.as_dict()
    if ep is not None:
        timings["ep"] = round(calcium.ep_time, 3)
        timings["calcium"] = round(timings["calcium"] - calcium.ep_time, 3)

    def write_tables() -> list[Path]:
        for name, table in (("pv.csv", rows), ("convergence.csv", conv)):
            keys = [k for k in dict.fromkeys(k for r in table for k in r) if not k.startswith("_")]
            with open(out / name, "w", newline="") as fh:
                w = csv.DictWriter(fh, fieldnames=keys, extrasaction="ignore")
                w.writeheader()
                w.writerows(table)
        if len(rows) < 2:  # failed before the first step: tables only
            return []
        others = {name: np.array([r.get(name, np.nan) for r in rows]) / report.MMHG
                  for name in ("p_LA_mmHg", "p_AR_SYS_mmHg") if name in rows[0]}
        return report.plot(out, t_arr, v_arr, p_arr, others, chamber, period)

    pngs = on_root(comm, write_tables) or []
    pngs = comm.bcast(pngs, root=0)
    last = per_beat[-1] if per_beat else {}
    summary = {
        "status": "failed" if failure else "completed",
        "name": cfg.name,
        "physics": "electromechanics",
        "mechanics_dofs": problem.n_global,
        "tension_points": tension.n_global(),
        "ep_nodes": ep.n_global if ep is not None else None,
        "ranks": comm.size,
        "dt_ms": em.dt,
        "ep_dt_ms": cfg.time.dt if ep is not None else None,
        "steps": len(conv),
        "end_time_ms": beat.t,
        "unloaded_volume_mL": round(v_ref / 1e3, 3),
        "preload_volume_mL": round(float(v_arr[0]) / 1e3, 3) if len(v_arr) else None,
        "beats": per_beat,
        "pressure_iterations": int(sum(c["pressure_iterations"] for c in conv)),
        "newton_iterations": int(sum(c["newton_iterations"] for c in conv)),
        "max_pressure_iterations": int(max((c["pressure_iterations"] for c in conv), default=0)),
        "volume_tolerance_mm3": em.coupling.volume_tolerance,
        "time_s": timings,
        "wall_time_s": round(time.perf_counter() - wall_start, 3),
        "config_hash": config_hash(resolved),
        "versions": stack_versions(),
        "outputs": sorted({p.name for w in writers for p in w.paths} | {p.name for p in activation_paths}
                          | {"pv.csv", "convergence.csv"} | {Path(p).name for p in pngs}),
    }
    if failure:
        summary["error"] = str(failure)
        summary["failed_at_time_ms"] = failure.t
        summary["last_converged_time_ms"] = beat.t
    summary["headline"] = (
        f"{'FAILED at t = %.4g ms' % failure.t if failure else 'done'} in {summary['wall_time_s']:.1f} s: "
        f"{len(conv)} steps"
        + (f"; beat {last['beat']}: EDV {last['EDV_mL']:.1f} mL, ESV {last['ESV_mL']:.1f} mL, EF {last['EF_percent']:.1f} %, "
           f"peak {last['peak_pressure_mmHg']:.0f} mmHg" if last else ""))
    problem.destroy()
    if ep is not None:
        ep.destroy()

    def finish() -> None:
        write_json_atomic(out / "summary.json", summary)
        write_status(out, "failed" if failure else "completed", t_ms=beat.t, step=len(conv),
                     **({"reason": str(failure)} if failure else {}))

    on_root(comm, finish)
    if failure:
        raise RuntimeError(f"{failure}; the last converged state (t = {beat.t:.6g} ms) is written to {out}")
    return summary
