"""Run a quasi-static mechanics case: mesh, fibers, problem, adaptive load stepping, outputs.

Outputs (in ``out``): ``displacement.xdmf`` (P1 vector ``u``, ParaView: Warp By Vector),
``fields.xdmf`` (cell-wise E_ff, sigma_ff, von_mises, J), ``loadsteps.csv`` (one row per
reporting time: loads, cavity volume and pressure, Newton iterations, probe positions),
``summary.json`` with a headline. On a load level that no step can reach, the last converged state
is written (as the last time of the series), the summary names the failed level, and the run
raises (the CLI exits with status 1).

A SIGTERM/SIGUSR1 stops the run after its current load-step attempt with a checkpoint of the last
converged state (:mod:`heartsim.simulation.lifecycle`; the dofs keyed by
:func:`heartsim.fem.scalar_dof_keys`, so it continues on any rank count); ``restart=True`` continues
the load stepping from it (step size and counters included) to the result of an uninterrupted run.
Field series of a continued run go to new files (``displacement.restart<k>.xdmf``, ...).
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
from mpi4py import MPI

from heartsim import fem
from heartsim.config.errors import ConfigError
from heartsim.config.mechanics import DEFAULT_MECHANICS_PETSC
from heartsim.config.model import Config
from heartsim.io.outputs import config_hash
from heartsim.io.tables import CsvTable
from heartsim.mechanics import kinematics as kin
from heartsim.mechanics.boundary import tag_box_faces
from heartsim.mechanics.fiber_basis import basis, check_nonzero, constant_basis
from heartsim.mechanics.loads import History, volume_history
from heartsim.mechanics.loadstep import AdaptiveStepper, LoadStepFailure, StepperState
from heartsim.mechanics.problem import Loads, MechanicsProblem
from heartsim.mesh import build_mesh
from heartsim.simulation.lifecycle import Clock, Lifecycle, Segment, config_keys
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

    def __init__(self, problem: MechanicsProblem, fibers, out: Path, formats, suffix: str = ""):
        mesh = problem.mesh
        self.problem = problem
        self.u_out = fem.function(fem.lagrange_space(mesh, 1, (3,)), name="u")
        V0 = fem.dg_space(mesh)
        self.fields = {name: fem.function(V0, name=name) for name in ("E_ff", "sigma_ff", "von_mises", "J")}
        F = problem.F
        sigma = problem.cauchy(fibers)
        self.exprs = {"E_ff": kin.fiber_strain(F, fibers[0]), "sigma_ff": kin.fiber_stress(sigma, F, fibers[0]),
                      "von_mises": kin.von_mises(sigma), "J": problem.J}
        # J at the nodes of a DG space of the displacement degree, for max |J - 1|
        self.j_max = fem.function(fem.dg_space(mesh, problem.cfg.formulation.degree))
        comm = mesh.comm
        self.writers = [fem.FunctionSeriesWriter(comm, out, "displacement" + suffix, [self.u_out], formats,
                                                 require_finite=True),
                        fem.FunctionSeriesWriter(comm, out, "fields" + suffix, list(self.fields.values()), ["xdmf"])]

    def update(self) -> None:
        self.u_out.interpolate(self.problem.displacement())
        for name, f in self.fields.items():
            fem.interpolate_expression(f, self.exprs[name])

    def write(self, t: float) -> None:
        self.update()
        for w in self.writers:
            w.write(t)

    def max_j_error(self, comm) -> float:
        fem.interpolate_expression(self.j_max, self.problem.J)
        local = float(np.max(np.abs(self.j_max.x.array - 1.0))) if self.j_max.x.array.size else 0.0
        return comm.allreduce(local, op=MPI.MAX)

    @property
    def paths(self):
        return [p for w in self.writers for p in w.paths]

    def close(self) -> None:
        for w in self.writers:
            w.close()


class MechanicsComponent:
    """Quasi-static load stepping in the run lifecycle: one :meth:`advance` is one load-step attempt
    (accepted, or rejected and undone); ``t`` is the load level (pseudo-time of ``loading.end``),
    ``step`` the number of accepted steps. Outputs and a ``loadsteps.csv`` row at every reporting time."""

    physics = "mechanics"

    def __init__(self, cfg: Config, problem: MechanicsProblem, output_fibers, out: Path, comm: MPI.Comm,
                 log: logging.Logger):
        self.cfg, self.problem, self.output_fibers, self.out, self.comm, self.log = \
            cfg, problem, output_fibers, out, comm, log
        mech = self.mech = cfg.physics.mechanics
        self.v0 = problem.volume()
        self.program = LoadProgram(mech, self.v0)
        self.probes = {name: np.array(p, float) for name, p in mech.probes.items()}
        self.keys, self.n_owned = fem.scalar_dof_keys(problem.space)
        end, ld = mech.loading.end, mech.loading
        self.stepper = AdaptiveStepper(ld.initial_step * end, ld.min_step * end, ld.max_step * end, ld.growth,
                                       ld.shrink, ld.easy_iterations)
        self.targets = [end * (k + 1) / ld.outputs for k in range(ld.outputs)]
        self.rows: list[dict] = []
        self.pending: list[float] = []
        self.iterations_since = 0
        self.accepted, self.rejected = 0, 0
        self.failure: LoadStepFailure | None = None
        self.raise_after_finish = None
        self.earlier_outputs: set[str] = set()
        self.outputs = self.table = None
        self._resume_at: int | None = None
        self.state_ = StepperState(0.0, self.stepper.initial, 0, list(self.targets))

    @property
    def t(self) -> float:
        return self.state_.t

    @property
    def step(self) -> int:
        return self.accepted

    # -- checkpoint ----------------------------------------------------------------------------
    def state(self):
        values, scalars = self.problem.checkpoint()
        s = self.state_
        meta = {**scalars, "load": {"t": s.t, "h": s.h, "index": s.index, "counts": s.counts},
                "rows": self.rows, "iterations_since": self.iterations_since, "accepted": self.accepted,
                "rejected": self.rejected,
                "outputs": sorted(self.earlier_outputs | {p.name for p in self.outputs.paths})}
        return {"w": values}, meta

    def restore(self, fields, meta) -> None:
        self.problem.restore_checkpoint(np.asarray(fields["w"], dtype=float), meta)
        load = meta["load"]
        self.state_ = StepperState(load["t"], load["h"], load["index"], list(self.targets), dict(load["counts"]))
        self.rows = list(meta["rows"])
        self.iterations_since = meta["iterations_since"]
        self.accepted, self.rejected = meta["accepted"], meta["rejected"]
        self.earlier_outputs = set(meta.get("outputs", []))

    def tables(self) -> dict:
        # before a continued run writes its first row the table is not open yet: its length is
        # still the one it was continued at (None would make the next restart start it afresh)
        return {"loadsteps.csv": self.table.size() if self.table is not None else self._resume_at}

    # -- outputs -------------------------------------------------------------------------------
    def open(self, segment: Segment) -> None:
        problem, mech = self.problem, self.mech
        v0 = self.v0
        self.log.info("mechanics: %d dofs on %d rank(s); %s, %s (degree %d)%s", problem.n_global, self.comm.size,
                      mech.material.model, mech.formulation.kind, mech.formulation.degree,
                      f"; reference cavity volume {v0:.2f} mm^3" if np.isfinite(v0) else "")
        self.outputs = Outputs(problem, self.output_fibers, self.out, self.cfg.output.formats, segment.suffix)
        self._resume_at = segment.resume.get("loadsteps.csv")
        if segment.index == 0:
            self.state_ = self.stepper.start(0.0, self.targets, self.pending.append)
            self._write_row(0.0)
        else:
            self.outputs.write(self.t)  # the continued series starts at the checkpoint's state

    def _write_row(self, t: float) -> None:
        problem, mech, loads = self.problem, self.mech, self.program.at(t)
        row = {"t_ms": t}
        for i, p in enumerate(loads.pressures):
            row[f"pressure_{i}_kPa"] = p
        if mech.active is not None:
            row["active_tension_kPa"] = loads.active
        if problem.volume_form is not None:
            row["cavity_volume_mm3"] = problem.volume()
            row["cavity_pressure_kPa"] = (float(problem.cavity_pressure.value) if problem.cavity_pressure is not None
                                          else loads.pressures[0])
        if self.probes:
            values = fem.evaluate(problem.displacement(), np.array(list(self.probes.values())))
            for (name, x), u in zip(self.probes.items(), values):
                for c, axis in enumerate("xyz"):
                    row[f"{name}_{axis}_mm"] = float(x[c] + u[c])
        row["newton_iterations"] = self.iterations_since
        row["max_abs_J_minus_1"] = self.outputs.max_j_error(self.comm)
        self.iterations_since = 0
        self.rows.append(row)
        if self.table is None:
            self.table = CsvTable(self.out / "loadsteps.csv", list(row), self.comm, self._resume_at, float_format=None)
        self.table.record(row)
        self.outputs.write(t)

    # -- stepping ------------------------------------------------------------------------------
    def done(self) -> bool:
        return self.failure is not None or self.state_.finished

    def _attempt(self, t: float):
        self.problem.set_loads(self.program.at(t))
        return self.problem.solve()

    def _accept(self, t: float) -> None:
        self.problem.save()
        self.accepted += 1

    def _on_step(self, t: float, h: float, result) -> None:
        self.iterations_since += result.iterations
        if not result.converged:
            self.rejected += 1
        loads, mech = self.program.at(t), self.mech
        parts = [f"p = {', '.join(f'{p:.4g}' for p in loads.pressures)} kPa"] if loads.pressures else []
        if mech.active is not None:
            parts.append(f"Ta = {loads.active:.4g} kPa")
        if loads.volume is not None:
            parts.append(f"V = {loads.volume:.4g} mm^3")
        self.log.info("load t = %.4g / %.4g (step %.3g)%s: %s in %d Newton iterations, |R| = %.3g",
                      t, mech.loading.end, h, (" | " + ", ".join(parts)) if parts else "",
                      "converged" if result.converged else "FAILED", result.iterations, result.residual)

    def advance(self) -> None:
        try:
            self.stepper.attempt(self.state_, self._attempt, self._accept, self.problem.restore, self._on_step,
                                 self.pending.append)
        except LoadStepFailure as exc:
            self.failure = exc
            self.problem.restore()
            if self.state_.t != self.rows[-1]["t_ms"]:  # the last converged state, unless already written
                self.pending.append(self.state_.t)

    def record(self) -> None:
        while self.pending:
            self._write_row(self.pending.pop(0))

    def close(self) -> None:
        if self.outputs is not None:
            self.outputs.close()
        if self.table is not None:
            self.table.close()

    def finish(self, clock: Clock) -> dict:
        cfg, mech, problem, rows, failure = self.cfg, self.mech, self.problem, self.rows, self.failure
        self.close()
        final = rows[-1]
        summary = {
            "status": "failed" if failure else "completed",
            "name": cfg.name,
            "physics": "mechanics",
            "dofs": problem.n_global,
            "ranks": self.comm.size,
            "material": mech.material.model,
            "formulation": mech.formulation.kind,
            "load_steps": self.accepted,
            "rejected_steps": self.rejected,
            "newton_iterations": problem.newton_iterations,
            "assembly_time_s": round(problem.solver.assemble_time, 3),
            "newton_time_s": round(problem.solve_time, 3),
            "wall_time_s": clock.wall(),
            "loop_time_s": round(clock.loop, 3),
            "restarts": clock.segment,
            "final": final,
            "max_abs_J_minus_1": max(r["max_abs_J_minus_1"] for r in rows),
            "config_hash": config_hash(cfg.model_dump(mode="json")),
            "versions": stack_versions(),
            "outputs": sorted({p.name for p in self.outputs.paths} | {"loadsteps.csv"} | self.earlier_outputs),
        }
        if failure:
            summary["error"] = str(failure)
            summary["failed_at_load"] = failure.t_failed
            summary["last_converged_load"] = failure.t_last
            self.raise_after_finish = (f"{failure}; the last converged state (t = {failure.t_last:.6g}) is "
                                       f"written to {self.out}")
        vol = final.get("cavity_volume_mm3")  # absent without a cavity
        summary["headline"] = (
            f"{'FAILED' if failure else 'done'} in {summary['wall_time_s']:.1f} s: {summary['load_steps']} load "
            f"steps, {summary['newton_iterations']} Newton iterations"
            + (f"; cavity {vol:.1f} mm^3 at {final['cavity_pressure_kPa']:.3g} kPa" if vol is not None else "")
            + (f"; max |J-1| = {summary['max_abs_J_minus_1']:.2e}" if mech.formulation.kind == "incompressible" else ""))
        problem.destroy()
        return summary


def run_mechanics(cfg: Config, out: Path, comm: MPI.Comm, log: logging.Logger, restart: bool = False,
                  stop=None) -> dict:
    """Run ``cfg`` (physics.mechanics) into ``out``; returns the summary (also in summary.json).
    With ``restart`` it continues the run checkpointed (on a signal) in ``out``."""
    life = Lifecycle(cfg, out, comm, log, restart, stop, checkpoint_every=0)
    fem.check_version()
    mech = cfg.physics.mechanics
    tagged = build_mesh(cfg.mesh, comm)
    if tagged.facet_tags is None and cfg.mesh.generate == "box":
        tag_box_faces(tagged)
    fibers, output_fibers = material_fibers(cfg, tagged)
    options = {**DEFAULT_MECHANICS_PETSC, **cfg.solver.mechanics}
    with config_keys("physics.mechanics"):
        problem = MechanicsProblem(tagged, mech, fibers, options)
        component = MechanicsComponent(cfg, problem, output_fibers, out, comm, log)
    return life.run(component)
