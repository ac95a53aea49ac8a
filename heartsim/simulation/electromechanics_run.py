"""Run a coupled electromechanics case: EP -> calcium -> Land 2017 -> mechanics <-> closed loop.

Builds the mesh and fibres, the tension model at the mechanics quadrature points, the mechanics
problem with the named cavities (one chamber, or LV and RV of a biventricular mesh), the calcium source
(EP or a transient) and the closed loop with those chambers replaced by the 3D cavities; preloads the
cavities; then steps (physics.electromechanics.dt) to time.end. Outputs (``out``):

- ``displacement.xdmf`` (P1 ``u``: Warp By Vector), ``fields.xdmf`` (cell-wise ``Ta`` and ``lambda``
  (averages over the cell's quadrature points), ``E_ff``, ``sigma_ff`` (Cauchy stress along the
  deformed fibre, kPa)), with EP ``v.xdmf`` (P1 ``v``, ``cai``) and ``activation.xdmf`` (activation time);
- ``pv.csv`` per step: t, cavity volume and pressure, phase (per chamber), every 0D pressure/volume/flow (mmHg, mL,
  mL/s), mean and max Ta; ``convergence.csv`` per step: pressure iterations, Newton iterations,
  |V_3D - V_0D|, wall seconds of the step and of its mechanics assembly and linear solves (the monolithic step:
  also LU factorisations and ``fallback``, 1 where the step was handed to the pressure iteration); ``pv_loop.png``, ``traces.png``;
- ``summary.json``: per beat EDV, ESV, SV, EF, peak pressure, dP/dt max, time to peak Ta and the
  beat-to-beat change (``beats``: the first chamber; ``chambers.<LV|RV>.beats``: each); wall time split EP / tension / mechanics (assembly, solve) / 0D / preload. A step that does not converge
  ends the run with status ``failed`` naming its time (the last converged step written).

Checkpoint and restart (:mod:`heartsim.simulation.lifecycle`): on SIGTERM/SIGUSR1 and every
``checkpoint.interval`` the whole coupled state is saved (mechanics w with its cavity pressures, the
Land states, lambda and calcium at the quadrature points, the EP nodal state and counters, the 0D
loop, the coupling's pressure predictor and compliance, the pv/convergence rows); ``restart=True``
continues it, also on another rank count. Field series of a continued run go to
``<name>.restart<k>.xdmf``; ``pv.csv`` and ``convergence.csv`` are continued in place.
"""

from __future__ import annotations

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
from heartsim.electromechanics.regions import tension_scale
from heartsim.electromechanics.stepping import StepController
from heartsim.electromechanics.tension import land, substeps_for
from heartsim.electromechanics.unloading import unload_reference
from heartsim.io.outputs import config_hash, write_json_atomic
from heartsim.mechanics import kinematics as kin
from heartsim.mechanics.boundary import plane_normal, tag_values
from heartsim.mechanics.problem import MechanicsProblem
from heartsim.io.tables import CsvTable
from heartsim.runtime.collective import on_root
from heartsim.simulation.mechanics_run import material_fibers
from heartsim.simulation.em_meshes import calcium_transfer, load_meshes
from heartsim.simulation.lifecycle import Clock, Lifecycle, Segment
from heartsim.versions import stack_versions

KEY = "physics.electromechanics"


def land_parameters(cfg):
    """The tension model's parameters (ConfigError naming the key on an unknown preset or name)."""
    try:
        return land.LandParameters.from_preset(cfg.preset, dict(cfg.parameters))
    except (land.LandParameterError, KeyError, TypeError, ValueError) as exc:
        raise ConfigError([f"{KEY}.tension: {exc}"]) from None


def check_cavity_closes(tagged, tags, base_refs, comm, tol: float = 0.05, key: str = f"{KEY}.coupling.cavity_tags") -> None:
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
        raise ConfigError([f"{key}: the surface does not close with the base plane "
                           f"(open fraction {gap:.3f} of its area); give all endocardial tags"])


def _cell_average(target, values: np.ndarray, qspace) -> None:
    """DG0 ``target`` <- mean of quadrature-point ``values`` over each cell."""
    qmap = qspace.dofmap.list
    target.x.array[target.function_space.dofmap.list[:, 0]] = values[qmap].mean(axis=1)


def quadrature_keys(space) -> tuple[np.ndarray, int]:
    """(keys, owned) of the local dofs of a quadrature space: ``input cell index * points + point``, the
    same on any partition (owned dofs first, as in ``Function.x.array``)."""
    im = space.dofmap.index_map
    dofs = space.dofmap.list
    cells = fem.original_cell_index(space.mesh)[: dofs.shape[0]]
    keys = np.empty(im.size_local + im.num_ghosts, dtype=np.int64)
    keys[dofs.ravel()] = (cells[:, None] * dofs.shape[1] + np.arange(dofs.shape[1])[None, :]).ravel()
    return keys, im.size_local


class Parts:
    """Several distributed arrays (parts) as one checkpoint set: key ``key * n + part``, the owned entries
    of all parts first, then the ghosts; :meth:`spread`/:meth:`pick` map a part's local array in and out."""

    def __init__(self, parts: list[tuple[np.ndarray, int]]):
        n = len(parts)
        owned = [k[:o] * n + i for i, (k, o) in enumerate(parts)]
        ghosts = [k[o:] * n + i for i, (k, o) in enumerate(parts)]
        self.keys = np.concatenate(owned + ghosts).astype(np.int64)
        self.n_owned = int(sum(o.size for o in owned))
        starts_o = np.cumsum([0] + [o.size for o in owned])
        starts_g = self.n_owned + np.cumsum([0] + [g.size for g in ghosts])
        self.positions = [np.concatenate([np.arange(starts_o[i], starts_o[i + 1]), np.arange(starts_g[i], starts_g[i + 1])])
                          for i in range(n)]

    def spread(self, part: int, values: np.ndarray) -> np.ndarray:
        values = np.asarray(values)
        full = np.zeros(values.shape[:-1] + (self.keys.size,), dtype=values.dtype)
        full[..., self.positions[part]] = values
        return full

    def pick(self, part: int, values: np.ndarray) -> np.ndarray:
        return np.asarray(values)[..., self.positions[part]]


class ElectromechanicsComponent:
    """The coupled beat in the run lifecycle (parts: 0 mechanics w, 1 tension points, 2 EP nodes)."""

    physics = "electromechanics"

    def __init__(self, cfg, tagged, problem, tension, coupling, calcium, beat, ep, fibers, out: Path,
                 comm: MPI.Comm, log: logging.Logger):
        self.cfg, self.problem, self.tension, self.coupling, self.calcium = cfg, problem, tension, coupling, calcium
        self.beat, self.ep, self.out, self.comm, self.log = beat, ep, Path(out), comm, log
        self.em = em = cfg.physics.electromechanics
        self.chambers = tuple(em.coupling.cavities())
        self.chamber = self.chambers[0]
        self.period = cfg.physics.circulation.cycle_period()
        self.steps = max(1, int(round(cfg.time.end / em.dt)))  # of the base step dt
        self.every = max(1, int(round(em.output_interval / em.dt)))
        self.stepper = None  # the adaptive step's controller (physics.electromechanics.adaptive)
        if em.adaptive.enabled:
            a = em.adaptive
            self.stepper = StepController(em.dt, int(round(a.dt_max / em.dt)), self.period, em.output_interval,
                                          a.volume_tolerance, a.pressure_tolerance, a.hold, a.newton_limit)
        self.step_dt = em.dt  # the last step's dt (ms)
        self.v_refs = {c: problem.cavity_volumes()[c] for c in self.chambers}
        self.v_ref = self.v_refs[self.chamber]
        parts = [fem.scalar_dof_keys(problem.space), quadrature_keys(tension.space)]
        if ep is not None:
            parts.append((fem.dof_input_indices(ep.space), ep.n_owned))
        self.parts = Parts(parts)
        self.keys, self.n_owned = self.parts.keys, self.parts.n_owned
        self.n = 0  # completed coupled steps
        self.rows, self.conv = [], []
        self.info = None
        self.failure = None
        self.raise_after_finish = None
        self.earlier_outputs: set[str] = set()
        self.written: list[float] = []
        self.writers = []
        self.pv = self.convergence = None
        self.resume: dict = {}
        self.unloading = None  # the UnloadResult, when the reference was unloaded
        self.n_owned_q = tension.space.dofmap.index_map.size_local
        mesh = tagged.mesh
        self.u_out = fem.function(fem.lagrange_space(mesh, 1, (3,)), "u")
        V0 = fem.dg_space(mesh)
        self.cell = {name: fem.function(V0, name) for name in ("Ta", "lambda", "E_ff", "sigma_ff")}
        # E_ff and sigma_ff at the quadrature points (where Ta and the problem's fibres live), then cell averages
        self.exprs = {"E_ff": kin.fiber_strain(problem.F, fibers[0]),
                      "sigma_ff": kin.fiber_stress(problem.cauchy(), problem.F, fibers[0])}
        self.at_points = fem.function(tension.space)

    @property
    def t(self) -> float:
        return self.beat.t

    @property
    def step(self) -> int:
        return self.n

    # -- checkpoint ----------------------------------------------------------------------------
    def state(self):
        w, scalars = self.problem.checkpoint()
        points = self.tension.points.state()
        fields = {"mechanics_w": self.parts.spread(0, w),
                  "tension_states": self.parts.spread(1, points["states"]),
                  "tension_lambda": self.parts.spread(1, points["lmbda"])}
        has_cai = points["cai"].size > 0
        if has_cai:
            fields["tension_cai"] = self.parts.spread(1, points["cai"])
        meta = {"mechanics": scalars, "tension": {"has_cai": has_cai}, "coupling": self.coupling.get_state(),
                "n": self.n, "rows": self.rows, "conv": self.conv, "timings": self.beat.timings.as_dict(),
                "step_dt": self.step_dt, "stepper": self.stepper.state() if self.stepper is not None else None,
                "outputs": sorted(self.earlier_outputs | {p.name for w in self.writers for p in w.paths})}
        if self.ep is not None:
            for name, values in self.ep.state().items():
                fields[f"ep_{name}"] = self.parts.spread(2, values)
            meta["ep"] = self.ep.counters()
            meta["ep_time"] = self.calcium.ep_time
        return fields, meta

    def restore(self, fields, meta) -> None:
        self.problem.restore_checkpoint(np.asarray(self.parts.pick(0, fields["mechanics_w"]), dtype=float),
                                        meta["mechanics"])
        points = {"states": self.parts.pick(1, fields["tension_states"]),
                  "lmbda": self.parts.pick(1, fields["tension_lambda"]),
                  "cai": self.parts.pick(1, fields["tension_cai"]) if meta["tension"]["has_cai"] else np.zeros(0)}
        self.tension.restore(points)
        self.coupling.set_state(meta["coupling"])
        if self.ep is not None:
            ep_fields = {name[3:]: self.parts.pick(2, v) for name, v in fields.items() if name.startswith("ep_")}
            self.ep.restore(ep_fields, meta["ep"])
            self.calcium.ep_time = meta["ep_time"]
        self.n = meta["n"]
        self.beat.t = meta["t"]
        for key, value in meta["timings"].items():
            setattr(self.beat.timings, key, value)
        self.rows, self.conv = list(meta["rows"]), list(meta["conv"])
        self.step_dt = meta.get("step_dt", self.em.dt)
        if self.stepper is not None and meta.get("stepper") is not None:
            self.stepper.set_state(meta["stepper"])
        self.earlier_outputs = set(meta.get("outputs", []))

    def tables(self) -> dict:
        return {name: table.size() if table is not None else self.resume.get(name)
                for name, table in (("pv.csv", self.pv), ("convergence.csv", self.convergence))}

    # -- outputs -------------------------------------------------------------------------------
    def open(self, segment: Segment) -> None:
        cfg, comm, out = self.cfg, self.comm, self.out
        self.resume = segment.resume
        fmt = cfg.output.formats
        self.writers = [fem.FunctionSeriesWriter(comm, out, "displacement" + segment.suffix, [self.u_out], fmt),
                        fem.FunctionSeriesWriter(comm, out, "fields" + segment.suffix, list(self.cell.values()), fmt)]
        if self.ep is not None:
            self.writers.append(fem.FunctionSeriesWriter(comm, out, "v" + segment.suffix,
                                                         [self.ep.v, self.calcium.p1], fmt))
        if segment.index:
            self.write_fields(self.t)  # the continued series starts at the checkpoint's state
            return
        em = self.em
        pressures = em.coupling.preload_pressures(em.preload.pressure)
        try:
            v_ed = self.beat.preload(pressures[self.chambers[0]] if len(self.chambers) == 1 else
                                     np.array([pressures[c] for c in self.chambers]), em.preload.steps)
        except CoupledStepFailure as exc:
            self.failure = exc
            self.problem.restore()
            self.write_fields(self.t)
            return
        self.log.info("preload: %s", ", ".join(f"{c} to {pressures[c]:.3g} kPa, volume {v / 1e3:.2f} mL"
                                                for c, v in zip(self.chambers, np.atleast_1d(v_ed))))
        self._record_row(None)
        self.write_fields(0.0)

    def write_fields(self, t: float) -> None:
        if self.written and abs(self.written[-1] - t) < 1e-9:
            return
        self.written.append(t)
        tension, cell = self.tension, self.cell
        self.u_out.interpolate(self.problem.displacement())
        _cell_average(cell["Ta"], tension.Ta.x.array, tension.space)
        _cell_average(cell["lambda"], tension.lmbda.x.array, tension.space)
        for name, expr in self.exprs.items():
            fem.interpolate_expression(self.at_points, expr)
            _cell_average(cell[name], self.at_points.x.array, tension.space)
        if self.ep is not None:
            self.ep.sync()
        for w in self.writers:
            w.write(t)

    def _ta_stats(self) -> tuple[float, float]:
        comm = self.comm
        owned = self.tension.Ta.x.array[: self.n_owned_q]
        total = comm.allreduce(float(owned.sum()), op=MPI.SUM)
        count = comm.allreduce(int(owned.size), op=MPI.SUM)
        return total / max(count, 1), comm.allreduce(float(owned.max()) if owned.size else 0.0, op=MPI.MAX)

    def _table(self, name: str, row: dict):
        return CsvTable(self.out / name, [k for k in row if not k.startswith("_")], self.comm,
                        self.resume.get(name), float_format=None)

    def _record_row(self, info) -> None:
        chambers, rows = self.chambers, self.rows
        o = self.coupling.outputs()
        ta_mean, ta_max = self._ta_stats()
        row = {"t_ms": round(self.beat.t, 9),
               **report.pv_columns(chambers, o, info.volumes if info else None, rows[-1] if rows else None, self.step_dt),
               "Ta_mean_kPa": ta_mean, "Ta_max_kPa": ta_max}
        for key, value in o.items():
            if key.startswith("p_") and key[2:] not in chambers:
                row[f"{key}_mmHg"] = value * report.MMHG
            elif key.startswith("V_") and key[2:] not in chambers:
                row[f"{key}_mL"] = value / 1e3
            elif key.startswith("Q_"):
                row[f"{key}_mL_per_s"] = value
        rows.append(row)
        if self.pv is None:
            self.pv = self._table("pv.csv", row)
        self.pv.record(row)
        if info is not None:
            c = {"t_ms": round(self.beat.t, 9), "dt_ms": round(self.step_dt, 9), "pressure_iterations": info.iterations,
                 "newton_iterations": info.newton_iterations, **report.convergence_columns(self.chambers, info)}
            if info.factorisations is not None or self.beat.bordered is not None:
                # the monolithic step: Jacobians (LU factorisations) built (empty where it fell back: the column
                # is there from the first row on) and 1 where the step was handed to the pressure iteration
                c["factorisations"] = "" if info.factorisations is None else info.factorisations
                c["fallback"] = int(info.factorisations is None)
            c.update({k: round(v, 4) for k, v in self.beat.last_step_s.items()})  # wall seconds of the step
            self.conv.append(c)
            if self.convergence is None:
                self.convergence = self._table("convergence.csv", c)
            self.convergence.record(c)

    # -- stepping ------------------------------------------------------------------------------
    def _ticks(self) -> int:
        """Base steps dt since t = 0."""
        return int(round(self.beat.t / self.em.dt))

    def done(self) -> bool:
        if self.failure is not None:
            return True
        return self._ticks() >= self.steps if self.stepper is not None else self.n >= self.steps

    def advance(self) -> None:
        em = self.em
        try:
            if self.stepper is None:
                self.step_dt = em.dt
                self.info = self.beat.step()
            else:
                k = self.stepper.next_steps(self.beat.t, self.steps * em.dt)
                self.step_dt = k * em.dt
                self.info = self.beat.step(self.step_dt, substeps_for(self.step_dt, em.tension.substep))
            self.n += 1
        except CoupledStepFailure as exc:
            self.info = None
            self.failure = exc
            self.problem.restore()

    def record(self) -> None:
        if self.failure is not None:
            self.write_fields(self.t)
            return
        info, n, em = self.info, self.n, self.em
        self._record_row(info)
        if self.stepper is not None:  # the next step's k from this one's error estimate
            r = self.rows[-1]
            self.stepper.accept(self.t, [r[f"_v_{c}"] for c in self.chambers], [r[f"_p_{c}"] for c in self.chambers],
                                tuple(r[report.phase_column(self.chambers, c)] for c in self.chambers),
                                info.newton_iterations, bool(self.conv[-1].get("fallback", 0)),
                                report.valve_margins(self.chambers, r))
            n = self._ticks()  # the steps below count base steps
        if n % self.every == 0 or n == self.steps:
            self.write_fields(self.t)
        if n % max(1, int(round(10 / em.dt))) == 0 or n == self.steps:
            r = self.rows[-1]
            state = "; ".join(f"{c} {r[report.phase_column(self.chambers, c)]}, V = {r[f'V_{c}_mL']:.2f} mL, "
                              f"p = {r[f'p_{c}_mmHg']:.1f} mmHg" for c in self.chambers)
            self.log.info("t = %.1f ms | %s | Ta max %.1f kPa | %d pressure its, %d Newton its", self.t, state,
                          r["Ta_max_kPa"], info.iterations, info.newton_iterations)

    def close(self) -> None:
        for w in self.writers:
            w.close()
        for table in (self.pv, self.convergence):
            if table is not None:
                table.close()

    def finish(self, clock: Clock) -> dict:
        cfg, comm, out, em, ep = self.cfg, self.comm, self.out, self.em, self.ep
        rows, conv, failure, chambers, period = self.rows, self.conv, self.failure, self.chambers, self.period
        self.close()
        for name, table in (("pv.csv", self.pv), ("convergence.csv", self.convergence)):
            if table is None and name not in self.resume:  # failed before its first row: the header only
                CsvTable(out / name, [], comm).close()
        activation_paths = []
        if ep is not None:
            act = fem.FunctionSeriesWriter(comm, out, "activation", [ep.activation_function()], cfg.output.formats)
            act.write(0.0)
            act.close()
            activation_paths = act.paths
        t_arr = np.array([r["t_ms"] for r in rows])
        v_arrs = {c: np.array([r[f"_v_{c}"] for r in rows]) for c in chambers}
        p_arrs = {c: np.array([r[f"_p_{c}"] for r in rows]) for c in chambers}
        chamber_beats = report.chamber_beats(rows, chambers, period)
        per_beat = chamber_beats[chambers[0]]
        timings = self.beat.timings.as_dict()
        if ep is not None:
            timings["ep"] = round(self.calcium.ep_time, 3)
            timings["calcium"] = round(timings["calcium"] - self.calcium.ep_time, 3)

        def plots() -> list[Path]:
            if len(rows) < 2:  # failed before the first step: tables only
                return []
            others = {name: np.array([r.get(f"{name}_mmHg", np.nan) for r in rows]) / report.MMHG
                      for c in chambers for name in report.NEIGHBOURS[c] if f"{name}_mmHg" in rows[0]}
            return report.plot(out, t_arr, v_arrs, p_arrs, others, period)

        pngs = comm.bcast(on_root(comm, plots) or [], root=0)
        problem, tension = self.problem, self.tension
        summary = {
            "status": "failed" if failure else "completed",
            "name": cfg.name,
            "physics": "electromechanics",
            "mechanics_dofs": problem.n_global,
            "tension_points": tension.n_global(),
            "ep_nodes": ep.n_global if ep is not None else None,
            "ranks": comm.size,
            "dt_ms": em.dt,
            **({"adaptive": {"steps": len(conv), "fixed_steps": self.steps,
                             "dt_min_ms": min((c["dt_ms"] for c in conv), default=None),
                             "dt_max_ms": max((c["dt_ms"] for c in conv), default=None)}}
               if self.stepper is not None else {}),
            "ep_dt_ms": cfg.time.dt if ep is not None else None,
            "steps": len(conv),
            "end_time_ms": self.beat.t,
            "unloaded_volume_mL": round(self.v_ref / 1e3, 3),
            "preload_volume_mL": round(float(v_arrs[chambers[0]][0]) / 1e3, 3) if len(t_arr) else None,
            **({"unloading": self.unloading.as_dict()} if self.unloading is not None else {}),
            "beats": per_beat,
            "chambers": {c: {"unloaded_volume_mL": round(self.v_refs[c] / 1e3, 3),
                             "preload_volume_mL": round(float(v_arrs[c][0]) / 1e3, 3) if len(t_arr) else None,
                             "beats": chamber_beats[c]} for c in chambers},
            "pressure_iterations": int(sum(c["pressure_iterations"] for c in conv)),
            "newton_iterations": int(sum(c["newton_iterations"] for c in conv)),
            "max_pressure_iterations": int(max((c["pressure_iterations"] for c in conv), default=0)),
            "volume_tolerance_mm3": em.coupling.volume_tolerance,
            "time_s": timings,
            "wall_time_s": clock.wall(),
            "restarts": clock.segment,
            "config_hash": config_hash(cfg.model_dump(mode="json")),
            "versions": stack_versions(),
            "outputs": sorted({p.name for w in self.writers for p in w.paths} | {p.name for p in activation_paths}
                              | {"pv.csv", "convergence.csv"} | {Path(p).name for p in pngs} | self.earlier_outputs),
        }
        if failure:
            summary["error"] = str(failure)
            summary["failed_at_time_ms"] = failure.t
            summary["last_converged_time_ms"] = self.beat.t
            self.raise_after_finish = (f"{failure}; the last converged state (t = {self.beat.t:.6g} ms) is "
                                       f"written to {out}")
        summary["headline"] = (
            f"{'FAILED at t = %.4g ms' % failure.t if failure else 'done'} in {summary['wall_time_s']:.1f} s: "
            f"{len(conv)} steps"
            + "".join(f"; {c + ' ' if len(chambers) > 1 else ''}beat {b[-1]['beat']}: EDV {b[-1]['EDV_mL']:.1f} mL, "
                      f"ESV {b[-1]['ESV_mL']:.1f} mL, EF {b[-1]['EF_percent']:.1f} %, peak {b[-1]['peak_pressure_mmHg']:.0f} mmHg"
                      for c, b in chamber_beats.items() if b))
        if self.beat.bordered is not None:
            self.beat.bordered.destroy()
        problem.destroy()
        if ep is not None:
            ep.destroy()
        return summary


def run_electromechanics(cfg, out: Path, comm: MPI.Comm, log: logging.Logger, restart: bool = False,
                         stop=None) -> dict:
    """Run ``cfg`` (physics.electromechanics) into ``out``; returns the summary (also in summary.json).
    With ``restart`` it continues the run checkpointed in ``out`` (module docstring)."""
    em, mech, circ = cfg.physics.electromechanics, cfg.physics.mechanics, cfg.physics.circulation
    interval = cfg.checkpoint.interval
    life = Lifecycle(cfg, out, comm, log, restart, stop,
                     checkpoint_every=max(1, round(interval / em.dt)) if interval else 0)
    fem.check_version()
    if mech.active is None or mech.active.source != "field":
        raise ConfigError(["physics.mechanics.active: electromechanics needs active: {source: field} "
                           "(Ta comes from the tension model)"])
    if mech.boundary.cavity is not None:
        raise ConfigError(["physics.mechanics.boundary.cavity: the cavity volume comes from the circulation "
                           f"in electromechanics; remove it (the cavity is {KEY}.coupling.cavity_tags)"])
    params = land_parameters(em.tension)
    meshes = load_meshes(cfg, comm)  # EP on mesh:, mechanics on it or on physics.electromechanics.mechanics_mesh
    tagged = meshes.mechanics
    cavities = {}
    for chamber, refs in em.coupling.cavities().items():
        key = f"{KEY}.coupling.{em.coupling.tags_key(chamber)}"
        cavities[chamber] = tuple(tag_values(tagged, refs, key))
        check_cavity_closes(tagged, cavities[chamber], mech.boundary.base, comm, key=key)
    chambers = tuple(cavities)
    fibers, _ = material_fibers(cfg, tagged)
    q = mech.formulation.quadrature_degree
    tension = QuadratureTension(tagged.mesh, q, params, em.dt, substeps_for(em.dt, em.tension.substep))
    if em.tension.regions:  # contractility by region: Ta x Tref_region / Tref at the regions' points
        tension.set_scale(tension_scale(tagged, em.tension.regions, params.Tref, tension.space, f"{KEY}.tension.regions"))
    options = {**DEFAULT_MECHANICS_PETSC, **cfg.solver.mechanics}
    problem = MechanicsProblem(tagged, mech, fibers, options, active_field=tension.ta_of, cavities=cavities)
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

            ep_fibers = compute_fibers(meshes.ep, cfg.fibers, comm)
        ep = Monodomain(meshes.ep, cfg.physics.ep, cfg.time.dt, cfg.solver.ep_options(), backend, fibers=ep_fibers)
        try:
            calcium = EPCalcium(ep, fem.function(tension.space, "cai"),
                                calcium_transfer(meshes, cfg, tension.space, ep.space))
        except MissingCalcium as exc:
            raise ConfigError([f"physics.ep.ionic.model: {exc} (needed by {KEY}.calcium.source: ep; "
                               "use e.g. tentusscher_panfilov_2006 or ohara_rudy_2011)"]) from None
    else:
        calcium = TransientCalcium(em.calcium, period, tension.n)
    tension.points.rest_at(calcium(0.0))
    tension.push()

    coupling = ChamberCoupling(circ, chambers, em.coupling.volume_tolerance, em.coupling.max_iterations)
    beat = Heartbeat(problem, tension, coupling, calcium, em.dt, chambers, method=em.coupling.method)
    unloaded = unload_reference(beat, em.preload, em.coupling.preload_pressures(em.preload.pressure), log)
    # (before the component: its reference volumes are those of the unloaded mesh)
    component = ElectromechanicsComponent(cfg, tagged, problem, tension, coupling, calcium, beat, ep, fibers, out,
                                          comm, log)
    component.unloading = unloaded
    log.info("electromechanics: %d mechanics dofs, %d tension points on %d rank(s); %s unloaded; "
             "EP %s", problem.n_global, tension.n_global(), comm.size,
             ", ".join(f"{c} cavity {v / 1e3:.1f} mL" for c, v in component.v_refs.items()),
             f"{ep.n_global} nodes, dt {cfg.time.dt:g} ms" if ep is not None else "off (prescribed calcium)")

    return life.run(component, end_time=cfg.time.end)
