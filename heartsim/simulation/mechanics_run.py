"""Run a quasi-static mechanics case: mesh, fibers, problem, adaptive load stepping, outputs.

Outputs (in ``out``): ``displacement.xdmf`` (P1 vector ``u``, ParaView: Warp By Vector),
``fields.xdmf`` (cell-wise E_ff, sigma_ff, von_mises, J), ``loadsteps.csv`` (one row per
reporting time: loads, cavity volume and pressure, Newton iterations, probe positions),
``summary.json`` with a headline. On a load level that no step can reach, the last converged state
is written (as the last time of the series), the summary names the failed level, and the run
raises (the CLI exits with status 1).
"""

from __future__ import annotations

import csv
import logging
import time
from pathlib import Path

import numpy as np
from mpi4py import MPI

from heartsim import dolfinx_api as dx
from heartsim.config.errors import ConfigError
from heartsim.config.mechanics import DEFAULT_MECHANICS_PETSC
from heartsim.config.model import Config
from heartsim.io.outputs import config_hash, write_json_atomic
from heartsim.mechanics import kinematics as kin
from heartsim.mechanics.boundary import tag_box_faces
from heartsim.mechanics.fiber_basis import basis, check_nonzero, constant_basis
from heartsim.mechanics.loads import History, volume_history
from heartsim.mechanics.loadstep import AdaptiveStepper, LoadStepFailure
from heartsim.mechanics.problem import Loads, MechanicsProblem
from heartsim.mesh import build_mesh
from heartsim.runtime.collective import on_root
from heartsim.runtime.status import write_status
from heartsim.simulation.run_folder import start_run_folder
from heartsim.versions import stack_versions


def material_fibers(cfg: Config, tagged):
    """(f0, s0, n0) of the problem and (f0, s0, n0) of the cell-wise outputs (usually the same): from the
    ``fibers:`` section (fiber module), the mesh file's fields, or constants. The analytic (Land) rule is
    evaluated where it is used, at the quadrature points of the forms and at the cell midpoints of the
    outputs, whatever ``fibers.space`` says (interpolated, its +-90 degree helix loses the mid-wall fibers)."""
    mech = cfg.physics.mechanics
    if cfg.fibers is not None:
        try:
            from heartsim.fibers import compute_fibers  # the fibers module (issue 5, section 1)
        except ImportError as exc:
            raise ConfigError([f"fibers: the fiber module is not available in this build ({exc})"]) from None
        if cfg.fibers.method == "analytic":
            from heartsim.fibers.analytic import rule_at_cell_midpoints, rule_at_quadrature_points

            at_points = rule_at_quadrature_points(tagged.mesh, cfg.fibers, mech.formulation.quadrature_degree)
            at_cells = rule_at_cell_midpoints(tagged.mesh, cfg.fibers)
            return basis(*at_points[:2]), basis(*at_cells[:2])
        field = compute_fibers(tagged, cfg.fibers, tagged.mesh.comm)
        fibers = basis(field.fiber, field.sheet)
        return fibers, fibers
    if mech.fiber_fields is not None:
        found = []
        for name in mech.fiber_fields:
            if name not in tagged.fields:
                have = ", ".join(sorted(tagged.fields)) or "none"
                raise ConfigError([f"physics.mechanics.fiber_fields: no vector field {name!r} in the mesh file (fields: {have})"])
            check_nonzero(tagged.fields[name], f"physics.mechanics.fiber_fields: {name}", tagged.mesh.comm)
            found.append(tagged.fields[name])
        fibers = basis(*found)
        return fibers, fibers
    fibers = constant_basis(mech.fiber, mech.sheet)
    return fibers, fibers


class LoadProgram:
    """Load values at pseudo-time t from the config's histories."""

    def __init__(self, mech, v0: float):
        end = mech.loading.end
        self.pressures = [History(p.value, end, p.curve) for p in mech.boundary.pressure]
        act = mech.active
        self.active = History(act.value if act else 0.0, end, act.curve if act else None)
        cav = mech.boundary.cavity
        self.volume = volume_history(cav, end, v0) if cav is not None else None
        self.end = end

    def at(self, t: float) -> Loads:
        return Loads([h(t) for h in self.pressures], self.active(t),
                     self.volume(t) if self.volume is not None else None, min(1.0, t / self.end))


class Outputs:
    """Displacement (P1) and cell-wise E_ff, sigma_ff, von Mises and J, written at reporting times."""

    def __init__(self, problem: MechanicsProblem, fibers, out: Path, formats):
        import dolfinx.fem as fem

        mesh = problem.mesh
        self.problem = problem
        self.u_out = fem.Function(dx.lagrange_space(mesh, 1, (3,)), name="u")
        V0 = dx.dg_space(mesh)
        self.fields = {name: fem.Function(V0, name=name) for name in ("E_ff", "sigma_ff", "von_mises", "J")}
        F = problem.F
        sigma = problem.cauchy(fibers)
        self.exprs = {"E_ff": kin.fiber_strain(F, fibers[0]), "sigma_ff": kin.fiber_stress(sigma, F, fibers[0]),
                      "von_mises": kin.von_mises(sigma), "J": problem.J}
        # J at the nodes of a DG space of the displacement degree, for max |J - 1|
        self.j_max = fem.Function(dx.dg_space(mesh, problem.cfg.formulation.degree))
        comm = mesh.comm
        self.writers = [dx.FunctionSeriesWriter(comm, out, "displacement", [self.u_out], formats, require_finite=True),
                        dx.FunctionSeriesWriter(comm, out, "fields", list(self.fields.values()), ["xdmf"])]

    def update(self) -> None:
        self.u_out.interpolate(self.problem.displacement())
        for name, f in self.fields.items():
            dx.interpolate_expression(f, self.exprs[name])

    def write(self, t: float) -> None:
        self.update()
        for w in self.writers:
            w.write(t)

    def max_j_error(self, comm) -> float:
        dx.interpolate_expression(self.j_max, self.problem.J)
        local = float(np.max(np.abs(self.j_max.x.array - 1.0))) if self.j_max.x.array.size else 0.0
        return comm.allreduce(local, op=MPI.MAX)

    @property
    def paths(self):
        return [p for w in self.writers for p in w.paths]

    def close(self) -> None:
        for w in self.writers:
            w.close()


def run_mechanics(cfg: Config, out: Path, comm: MPI.Comm, log: logging.Logger, restart: bool = False,
                  stop=None) -> dict:
    """Run ``cfg`` (physics.mechanics) into ``out``; returns the summary (also in summary.json)."""
    wall_start = time.perf_counter()
    dx.check_version()
    if restart:
        raise ConfigError([f"--restart {out}: mechanics runs have no checkpoints (rerun the load history)"])
    mech = cfg.physics.mechanics
    tagged = build_mesh(cfg.mesh, comm)
    if tagged.facet_tags is None and cfg.mesh.generate == "box":
        tag_box_faces(tagged)
    fibers, output_fibers = material_fibers(cfg, tagged)
    options = {**DEFAULT_MECHANICS_PETSC, **cfg.solver.mechanics}
    problem = MechanicsProblem(tagged, mech, fibers, options)
    v0 = problem.volume()
    program = LoadProgram(mech, v0)
    probes = {name: np.array(p, float) for name, p in mech.probes.items()}
    log.info("mechanics: %d dofs on %d rank(s); %s, %s (degree %d)%s", problem.n_global, comm.size,
             mech.material.model, mech.formulation.kind, mech.formulation.degree,
             f"; reference cavity volume {v0:.2f} mm^3" if np.isfinite(v0) else "")

    resolved = cfg.model_dump(mode="json")

    on_root(comm, lambda: start_run_folder(out, resolved))
    outputs = Outputs(problem, output_fibers, out, cfg.output.formats)
    rows: list[dict] = []
    step_log: list[dict] = []
    iterations_since = [0]

    def record(t: float) -> None:
        loads = program.at(t)
        row = {"t_ms": t}
        for i, p in enumerate(loads.pressures):
            row[f"pressure_{i}_kPa"] = p
        if mech.active is not None:
            row["active_tension_kPa"] = loads.active
        if problem.volume_form is not None:
            row["cavity_volume_mm3"] = problem.volume()
            row["cavity_pressure_kPa"] = (float(problem.cavity_pressure.value) if problem.cavity_pressure is not None
                                          else loads.pressures[0])
        if probes:
            values = dx.evaluate_vector_at_points(problem.displacement(), np.array(list(probes.values())), comm)
            for (name, x), u in zip(probes.items(), values):
                for c, axis in enumerate("xyz"):
                    row[f"{name}_{axis}_mm"] = float(x[c] + u[c])
        row["newton_iterations"] = iterations_since[0]
        row["max_abs_J_minus_1"] = outputs.max_j_error(comm)
        iterations_since[0] = 0
        rows.append(row)
        outputs.write(t)

    def attempt(t: float):
        problem.set_loads(program.at(t))
        return problem.solve()

    def on_step(t: float, h: float, result) -> None:
        iterations_since[0] += result.iterations
        loads = program.at(t)
        parts = [f"p = {', '.join(f'{p:.4g}' for p in loads.pressures)} kPa"] if loads.pressures else []
        if mech.active is not None:
            parts.append(f"Ta = {loads.active:.4g} kPa")
        if loads.volume is not None:
            parts.append(f"V = {loads.volume:.4g} mm^3")
        step_log.append({"t": t, "h": h, "iterations": result.iterations, "residual": result.residual,
                         "converged": result.converged})
        log.info("load t = %.4g / %.4g (step %.3g)%s: %s in %d Newton iterations, |R| = %.3g",
                 t, mech.loading.end, h, (" | " + ", ".join(parts)) if parts else "",
                 "converged" if result.converged else "FAILED", result.iterations, result.residual)

    end = mech.loading.end
    ld = mech.loading
    stepper = AdaptiveStepper(ld.initial_step * end, ld.min_step * end, ld.max_step * end, ld.growth, ld.shrink,
                              ld.easy_iterations)
    targets = [end * (k + 1) / ld.outputs for k in range(ld.outputs)]
    record(0.0)
    last = [0.0]

    def accept(t: float) -> None:
        problem.save()
        last[0] = t

    failure = None
    loop_start = time.perf_counter()
    try:
        counts = stepper.run(0.0, targets, attempt, accept, problem.restore, on_step, record)
    except LoadStepFailure as exc:
        failure = exc
        problem.restore()
        if last[0] != rows[-1]["t_ms"]:  # the last converged state, unless already written
            record(last[0])
        counts = None
    finally:
        outputs.close()
    loop_time = time.perf_counter() - loop_start

    def write_csv() -> None:
        keys = list(dict.fromkeys(k for r in rows for k in r))
        with open(out / "loadsteps.csv", "w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=keys)
            writer.writeheader()
            writer.writerows(rows)

    on_root(comm, write_csv)
    final = rows[-1]
    summary = {
        "status": "failed" if failure else "completed",
        "name": cfg.name,
        "physics": "mechanics",
        "dofs": problem.n_global,
        "ranks": comm.size,
        "material": mech.material.model,
        "formulation": mech.formulation.kind,
        "load_steps": len([s for s in step_log if s["converged"]]),
        "rejected_steps": len([s for s in step_log if not s["converged"]]),
        "newton_iterations": problem.newton_iterations,
        "assembly_time_s": round(problem.solver.assemble_time, 3),
        "newton_time_s": round(problem.solve_time, 3),
        "wall_time_s": round(time.perf_counter() - wall_start, 3),
        "loop_time_s": round(loop_time, 3),
        "final": final,
        "max_abs_J_minus_1": max(r["max_abs_J_minus_1"] for r in rows),
        "config_hash": config_hash(resolved),
        "versions": stack_versions(),
        "outputs": sorted({p.name for p in outputs.paths} | {"loadsteps.csv"}),
    }
    if failure:
        summary["error"] = str(failure)
        summary["failed_at_load"] = failure.t_failed
        summary["last_converged_load"] = failure.t_last
    vol = final.get("cavity_volume_mm3")  # absent without a cavity
    summary["headline"] = (
        f"{'FAILED' if failure else 'done'} in {summary['wall_time_s']:.1f} s: {summary['load_steps']} load steps, "
        f"{summary['newton_iterations']} Newton iterations"
        + (f"; cavity {vol:.1f} mm^3 at {final['cavity_pressure_kPa']:.3g} kPa" if vol is not None else "")
        + (f"; max |J-1| = {summary['max_abs_J_minus_1']:.2e}" if mech.formulation.kind == "incompressible" else ""))
    problem.destroy()

    def finish() -> None:
        write_json_atomic(out / "summary.json", summary)
        write_status(out, "failed" if failure else "completed", t_ms=final["t_ms"], step=summary["load_steps"],
                     **({"reason": str(failure)} if failure else {}))

    on_root(comm, finish)
    if failure:
        raise RuntimeError(f"{failure}; the last converged state (t = {failure.t_last:.6g}) is written to {out}")
    return summary
