"""Run a 3D Navier-Stokes flow case from a validated config: mesh, problem, time loop, outputs.

Writes into the output folder:

- ``velocity``, ``pressure``, ``wss`` (XDMF and/or VTX, every ``field_interval``; velocity
  interpolated to P1 for viewing), ``tawss`` and ``osi`` (over the averaging window);
- ``boundaries.csv``: per time, flow (mm^3/ms = mL/s, positive out of the domain) and mean pressure
  (kPa) of the inlet and every outlet, the pressure drop inlet -> each outlet (kPa), and the mass
  imbalance (inflow - sum of outflows, relative to the inflow, or to 5 % of the peak inflow so far
  when the inflow is smaller: diastole);
- ``forces.csv``: per time, the displacement force (mN) on every force region;
- ``summary.json`` (dofs, steps, timing, iterations, final flows and flow split, forces,
  headline) and ``config.resolved.json``.

Checkpoints (:mod:`heartsim.simulation.lifecycle`, state in :mod:`heartsim.flow.restart`): every
``checkpoint.interval`` of simulated time, and on SIGTERM/SIGUSR1 (the run finishes its step, writes
a checkpoint, sets status "checkpointed" and raises :class:`Checkpointed`: the CLI exits with 75).
``restart=True`` continues from the newest checkpoint in the output folder, on any number of ranks:
the state is u^n, u^{n-1}, p^n, the step count (BDF phase), the outlet models' states and last
flows, the TAWSS/OSI sums, the peak inflow and largest mass imbalance so far. ``boundaries.csv``
and ``forces.csv`` are cut back to their length at the checkpoint and continued (rows written
after it by the interrupted run are dropped, so no row is missing or doubled); field series continue
in new files (``velocity.restart<k>.xdmf`` ..., first time the checkpoint's); the summary covers
the whole run (steps, iterations, imbalance, wall time of all segments, ``restarts``). A
checkpoint of another case (mesh, physics, solver or dt changed) is a one-line error.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
from mpi4py import MPI

from heartsim import fem
from heartsim.config.errors import ConfigError
from heartsim.config.model import Config
from heartsim.flow import metrics
from heartsim.flow.ns import NavierStokes
from heartsim.flow.restart import FlowState
from heartsim.io.outputs import config_hash
from heartsim.io.tables import CsvTable
from heartsim.mesh import build_mesh
from heartsim.runtime.signals import StopRequest
from heartsim.simulation.lifecycle import Clock, Lifecycle, Segment, config_keys
from heartsim.simulation.run_folder import Checkpointed  # noqa: F401  (re-exported for callers)
from heartsim.versions import stack_versions

TABLES = ("boundaries.csv", "forces.csv")


def _averaging_start(cfg: Config, ns: NavierStokes) -> float:
    flow = cfg.physics.flow
    if flow.output.average_from is not None:
        return flow.output.average_from
    period = ns.inlet.waveform.period if ns.inlet.waveform is not None and flow.inlet.waveform.constant is None \
        else None
    end = cfg.time.steps() * cfg.time.dt
    return end - period if period is not None and end >= period else 0.0


class FlowComponent:
    """Navier-Stokes with its metrics in the run lifecycle: boundary and force tables every
    ``series_interval``, fields every ``field_interval``, TAWSS/OSI over the averaging window."""

    physics = "flow"

    def __init__(self, cfg: Config, tagged, ns: NavierStokes, out: Path, comm: MPI.Comm, log: logging.Logger):
        self.cfg, self.ns, self.out, self.comm, self.log = cfg, ns, out, comm, log
        flow = self.flow = cfg.physics.flow
        walls = ns.walls
        mu = ns.viscosity_now()
        self.shear = metrics.WallShearStress(ns.u, mu, tagged.facet_tags, walls)
        self.accumulator = metrics.ShearAccumulator(len(self.shear.magnitude.x.array))
        self.regions = {name: metrics.DisplacementForce(ns.u, ns.p, mu, metrics.region_facets(
            tagged, region, walls, f"physics.flow.force_regions.{name}")) for name, region in flow.force_regions.items()}
        self.outlets = ns.outlet_names()
        self.flow_state = FlowState(ns, self.accumulator, self.shear.vector.function_space)
        self.keys, self.n_owned = self.flow_state.keys, self.flow_state.n_owned
        self.average_from = _averaging_start(cfg, ns)
        self.steps = cfg.time.steps()
        dt = cfg.time.dt
        self.field_every = max(1, round((flow.output.field_interval or cfg.output.interval) / dt))
        self.series_every = max(1, round(flow.output.series_interval / dt)) if flow.output.series_interval else 1
        # fields are written in Lagrange spaces of the mesh's geometry degree (what XDMF/VTX need)
        degree = fem.geometry_degree(tagged.mesh)
        self.vector_view = fem.vector_lagrange_space(tagged.mesh, degree)
        self.scalar_view = fem.lagrange_space(tagged.mesh, degree)
        self.views = [(fem.function(self.vector_view, "velocity"), ns.u),
                      (fem.function(self.scalar_view, "pressure"), ns.p),
                      (fem.function(self.vector_view, "wss"), self.shear.vector)]
        self.writers, self.table, self.force_table = [], None, None
        self.peak, self.max_imbalance, self.last = 0.0, 0.0, None
        # volume through every cap over the averaging window (mm^3): the mean flow split of the last cycle
        self.volumes = {name: 0.0 for name in ["inlet", *self.outlets]}
        self.earlier_outputs: set[str] = set()
        self._done = ns.step_count >= self.steps

    @property
    def t(self) -> float:
        return self.ns.t

    @property
    def step(self) -> int:
        return self.ns.step_count

    def restore(self, fields, meta) -> None:
        dt = self.cfg.time.dt
        if abs(meta["average_from"] - self.average_from) > 1e-9 * dt:
            if self.average_from + 1e-9 * dt < meta["t"]:
                raise ConfigError([f"time.end: moves the TAWSS/OSI window start from {meta['average_from']:.6g} to "
                                   f"{self.average_from:.6g} ms, before the checkpoint (t = {meta['t']:.6g} ms); "
                                   "set physics.flow.output.average_from"])
            meta["window"] = 0.0  # the new window starts after the checkpoint: nothing of it is summed yet
            meta["window_volumes"] = {}
            fields = {**fields, "shear_abs": 0 * fields["shear_abs"], "shear_vec": 0 * fields["shear_vec"]}
        self.ns.restore_counters(meta)
        self.flow_state.restore(fields, meta["window"])
        self.peak = meta.get("peak_inflow", 0.0)
        self.volumes.update(meta.get("window_volumes", {}))
        self.max_imbalance = meta.get("max_imbalance", 0.0)
        self.earlier_outputs = set(meta.get("outputs", []))
        self._done = self.ns.step_count >= self.steps

    def open(self, segment: Segment) -> None:
        ns, outlets, comm, out = self.ns, self.outlets, self.comm, self.out
        flow = self.flow
        self.log.info("flow: %d velocity + %d pressure dofs on %d rank(s); inlet area %.4g mm^2, %d outlet(s), "
                      "Re-relevant nu = %.4g mm^2/ms", ns.n_velocity_dofs, ns.n_pressure_dofs, comm.size,
                      ns.inlet.cap.area, len(outlets), flow.fluid.viscosity / flow.fluid.density)
        if ns.inlet.cap.planarity < 0.999:
            self.log.warning("inlet cap is not planar (|mean normal| = %.4f)", ns.inlet.cap.planarity)
        self.writers = [fem.FunctionSeriesWriter(comm, out, view.name + segment.suffix, [view], self.cfg.output.formats,
                                                 require_finite=True)
                        for view, _ in self.views]
        header = ["time_ms", "inflow_mL_s"] + [f"flow_{o}_mL_s" for o in outlets] + ["pressure_inlet_kPa"] + \
            [f"pressure_{o}_kPa" for o in outlets] + [f"dp_inlet_{o}_kPa" for o in outlets] + \
            [f"imposed_{o}_kPa" for o in outlets] + ["mass_imbalance"]
        resume = segment.resume
        self.table = CsvTable(out / "boundaries.csv", header, comm, resume.get("boundaries.csv"))
        self.force_table = CsvTable(out / "forces.csv", ["time_ms", "region", "Fx_mN", "Fy_mN", "Fz_mN",
                                                         "magnitude_mN"], comm, resume.get("forces.csv"))
        self.shear.update()
        self._write_fields()

    def _write_fields(self) -> None:
        for view, source in self.views:
            fem.interpolate_into(view, source)
        for w in self.writers:
            w.write(self.ns.t)

    def _record_series(self) -> dict:
        ns, outlets = self.ns, self.outlets
        pressures = ns.mean_pressures()
        imposed = ns.imposed_pressures()
        inflow = -ns.flows["inlet"]
        total_out = sum(ns.flows[o] for o in outlets)
        self.peak = max(self.peak, abs(inflow))
        scale = max(abs(inflow), 0.05 * self.peak)
        imbalance = (inflow - total_out) / scale if scale > 0 else float("nan")
        self.table.row([ns.t, inflow] + [ns.flows[o] for o in outlets] + [pressures["inlet"]]
                       + [pressures[o] for o in outlets] + [pressures["inlet"] - pressures[o] for o in outlets]
                       + [imposed[o] for o in outlets] + [imbalance])
        forces = {name: force() for name, force in self.regions.items()}
        for name, f in forces.items():
            self.force_table.row([ns.t, name, *map(float, f), float(np.linalg.norm(f))])
        return {"inflow": inflow, "pressures": pressures, "imbalance": imbalance, "forces": forces}

    def done(self) -> bool:
        return self._done

    def advance(self) -> None:
        ns, dt = self.ns, self.cfg.time.dt
        ns.advance()
        self.shear.update()
        if ns.t > self.average_from + 1e-9 * dt:
            self.accumulator.add(self.shear.values(), dt)
            for name in self.volumes:
                self.volumes[name] += ns.flows[name] * dt
        tolerance = self.flow.numerics.steady_tolerance
        self._done = ns.step_count == self.steps or (tolerance is not None and ns.change < tolerance)

    def record(self) -> None:
        ns = self.ns
        if ns.step_count % self.series_every == 0 or self._done:
            self.last = self._record_series()
            if np.isfinite(self.last["imbalance"]) and ns.t > self.flow.inlet.ramp:
                self.max_imbalance = max(self.max_imbalance, abs(self.last["imbalance"]))
        if ns.step_count % self.field_every == 0 or self._done:
            self._write_fields()
        if self._done and ns.step_count < self.steps:
            self.log.info("steady state at t = %.4g ms (relative change %.2e)", ns.t, ns.change)

    def state(self):
        info = {**self.ns.counters(), "peak_inflow": self.peak, "max_imbalance": self.max_imbalance,
                "window": self.accumulator.window, "window_volumes": self.volumes,
                "average_from": self.average_from,
                "outputs": sorted(self.earlier_outputs | {p.name for w in self.writers for p in w.paths})}
        return self.flow_state.fields(), info

    def tables(self) -> dict:
        return {"boundaries.csv": self.table.size(), "forces.csv": self.force_table.size()}  # rank 0's are kept

    def close(self) -> None:
        for w in self.writers:
            w.close()
        for table in (self.table, self.force_table):
            if table is not None:
                table.close()

    def finish(self, clock: Clock) -> dict:
        cfg, ns, comm, out, outlets = self.cfg, self.ns, self.comm, self.out, self.outlets
        self.close()
        accumulator, shear, volumes, last = self.accumulator, self.shear, self.volumes, self.last
        max_imbalance = self.max_imbalance
        window = accumulator.window
        averages = []
        for name, values in (("tawss", accumulator.tawss), ("osi", accumulator.osi)):
            p1 = fem.function(shear.magnitude.function_space)
            p1.x.array[:] = values
            averages.append(fem.function(self.scalar_view, name))
            fem.interpolate_into(averages[-1], p1)
        avg = fem.FunctionSeriesWriter(comm, out, "tawss_osi", averages, ["xdmf"])
        avg.write(ns.t)
        avg.close()

        loop_steps = clock.loop_steps
        total_out = sum(ns.flows[o] for o in outlets)
        split = {o: ns.flows[o] / total_out if abs(total_out) > 1e-12 else None for o in outlets}
        window_out = sum(volumes[o] for o in outlets)
        window_split = {o: volumes[o] / window_out for o in outlets} if window > 0 and window_out > 0 else None
        summary = {
            "status": "completed",
            "name": cfg.name,
            "physics": "flow",
            "dofs": {"velocity": ns.n_velocity_dofs, "pressure": ns.n_pressure_dofs},
            "ranks": comm.size,
            "steps": ns.step_count,
            "restarts": clock.segment,
            "dt_ms": cfg.time.dt,
            "end_time_ms": ns.t,
            "wall_time_s": clock.wall(),
            "setup_time_s": round(clock.setup, 3),
            "time_per_step_s": round(clock.loop / loop_steps, 4) if loop_steps else None,
            "linear_iterations_per_step": {k: round(v / max(1, ns.step_count), 2) for k, v in ns.iterations.items()},
            "final": {
                "inflow_mL_s": -ns.flows["inlet"],
                "outflow_mL_s": {o: ns.flows[o] for o in outlets},
                "flow_split": split,
                "mean_pressure_kPa": last["pressures"] if last else None,
                "forces_mN": {k: [float(x) for x in v] for k, v in (last["forces"] if last else {}).items()},
                "max_wss_kPa": shear.max(),
                "mean_wss_kPa": shear.mean(),
            },
            "max_mass_imbalance": max_imbalance,  # after the inlet ramp
            "inlet_area_mm2": ns.inlet.cap.area,
            "averaging_window_ms": [ns.t - window, ns.t],
            "window": {  # over the averaging window (the last inlet period by default)
                "mean_flow_mL_s": {name: v / window for name, v in volumes.items()} if window > 0 else None,
                "flow_split": window_split,
            },
            "config_hash": config_hash(cfg.model_dump(mode="json")),
            "versions": stack_versions(),
            "outputs": sorted({p.name for w in self.writers + [avg] for p in w.paths} | set(TABLES)
                              | self.earlier_outputs),
        }
        if window_split is not None:  # the mean of the last period: an end-diastolic split is meaningless
            split_text = ", ".join(f"{o} {100 * s:.1f}%" for o, s in window_split.items())
            flow_text = f"mean inflow {-volumes['inlet'] / window:.4g} mL/s over the last " \
                        f"{window:.4g} ms; mean split {split_text}"
        else:
            split_text = ", ".join(f"{o} {100 * s:.1f}%" for o, s in split.items() if s is not None)
            flow_text = f"inflow {summary['final']['inflow_mL_s']:.4g} mL/s; split {split_text or 'n/a'}"
        summary["headline"] = (f"done in {summary['wall_time_s']:.1f} s: {ns.step_count} steps to t = {ns.t:.4g} ms; "
                               f"{flow_text}; max mass imbalance {100 * max_imbalance:.2g}% (after the ramp)")
        shear.destroy()
        ns.destroy()
        return summary


def run_flow(cfg: Config, out: Path, comm: MPI.Comm, log: logging.Logger, restart: bool = False,
             stop: StopRequest | None = None) -> dict:
    """Run ``cfg`` (physics.flow) writing into ``out``; returns the summary (also in summary.json).

    With ``restart`` it continues the run checkpointed in ``out``; everything that can reject the
    input (mesh, tags, the checkpoint) is checked before the output folder is touched."""
    if cfg.physics.circulation is not None:
        raise ConfigError(["physics.circulation: coupling a closed-loop circulation to the 3D flow is not "
                           "available yet; use physics.flow.outlets (resistance, rcr)"])
    life = Lifecycle(cfg, out, comm, log, restart, stop)
    fem.check_version()
    tagged = build_mesh(cfg.mesh, comm)
    with config_keys("physics.flow"):
        ns = NavierStokes(tagged, cfg.physics.flow, cfg.time.dt, cfg.solver.flow)
        component = FlowComponent(cfg, tagged, ns, out, comm, log)
    steps = cfg.time.steps()
    return life.run(component, steps, steps * cfg.time.dt)
