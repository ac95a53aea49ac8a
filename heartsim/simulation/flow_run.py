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

Checkpoints (``heartsim.runtime.checkpoint``, state in :mod:`heartsim.flow.restart`): every
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

import csv
import json
import logging
import os
import time
from pathlib import Path

import numpy as np
from mpi4py import MPI

from heartsim import dolfinx_api as dx
from heartsim.cli.progress import Progress
from heartsim.config.errors import ConfigError
from heartsim.config.model import Config
from heartsim.flow.ns import NavierStokes
from heartsim.flow import metrics
from heartsim.flow.restart import FlowState
from heartsim.io.outputs import config_hash, write_json_atomic
from heartsim.mesh import build_mesh
from heartsim.runtime.checkpoint import FOLDER, POINTER, latest_checkpoint, read_checkpoint, write_checkpoint
from heartsim.runtime.collective import on_root
from heartsim.runtime.signals import StopRequest
from heartsim.runtime.status import write_status
from heartsim.simulation.run_folder import (Checkpointed, record_failure, start_run_folder, state_hash,
                                            stop_checkpointed)
from heartsim.versions import stack_versions


class _Table:
    """A CSV file written row by row on rank 0; ``resume_at`` (bytes) continues an existing file
    cut back to that length (a restart) instead of starting a new one."""

    def __init__(self, path: Path, header: list[str], comm: MPI.Comm, resume_at: int | None = None):
        self.path, self.root = path, comm.rank == 0
        self._file = self._writer = None
        if self.root:
            if resume_at is not None:
                os.truncate(path, resume_at)
            self._file = path.open("w" if resume_at is None else "a", newline="")
            self._writer = csv.writer(self._file)
        if resume_at is None:
            self.row(header)

    def size(self) -> int | None:
        """Bytes written so far (rank 0; None elsewhere)."""
        return os.fstat(self._file.fileno()).st_size if self.root else None

    def row(self, values) -> None:
        if self.root:
            self._writer.writerow([f"{v:.9g}" if isinstance(v, float) else v for v in values])
            self._file.flush()

    def close(self) -> None:
        if self.root:
            self._file.close()


def _averaging_start(cfg: Config, ns: NavierStokes) -> float:
    flow = cfg.physics.flow
    if flow.output.average_from is not None:
        return flow.output.average_from
    period = ns.inlet.waveform.period if ns.inlet.waveform is not None and flow.inlet.waveform.constant is None \
        else None
    end = cfg.time.steps() * cfg.time.dt
    return end - period if period is not None and end >= period else 0.0


TABLES = ("boundaries.csv", "forces.csv")


def _check_restart(out: Path, comm: MPI.Comm, fingerprint: str) -> Path:
    """The checkpoint to continue from; ConfigError (before anything is written) when there is none,
    it belongs to another case, or a table it continues is missing or shorter than recorded."""

    def check() -> Path:
        path = latest_checkpoint(out)
        if path is None:
            raise ConfigError([f"--restart {out}: no checkpoint to continue from"])
        meta = json.loads((out / FOLDER / POINTER).read_text())
        if meta.get("physics") != "flow" or meta.get("state_hash") != fingerprint:
            raise ConfigError([f"--restart {out}: the checkpoint was written by a different case "
                               "(mesh, physics, solver or dt changed)"])
        for name, size in meta["tables"].items():
            if not (out / name).is_file() or (out / name).stat().st_size < size:
                raise ConfigError([f"{out / name}: missing or shorter than at the checkpoint; cannot continue it"])
        return path

    return comm.bcast(on_root(comm, check), root=0)


def run_flow(cfg: Config, out: Path, comm: MPI.Comm, log: logging.Logger, restart: bool = False,
             stop: StopRequest | None = None) -> dict:
    """Run ``cfg`` (physics.flow) writing into ``out``; returns the summary (also in summary.json).

    With ``restart`` it continues the run checkpointed in ``out``; everything that can reject the
    input (mesh, tags, the checkpoint) is checked before the output folder is touched."""
    if cfg.physics.circulation is not None:
        raise ConfigError(["physics.circulation: coupling a closed-loop circulation to the 3D flow is not "
                           "available yet; use physics.flow.outlets (resistance, rcr)"])
    owns_stop = stop is None
    stop = stop or StopRequest()
    wall_start = time.perf_counter()
    dx.check_version()
    flow = cfg.physics.flow
    tagged = build_mesh(cfg.mesh, comm)
    ns = NavierStokes(tagged, flow, cfg.time.dt, cfg.solver.flow)
    walls = ns.walls
    mu = ns.viscosity_now()
    shear = metrics.WallShearStress(ns.u, mu, tagged.facet_tags, walls)
    accumulator = metrics.ShearAccumulator(len(shear.magnitude.x.array))
    regions = {name: metrics.DisplacementForce(ns.u, ns.p, mu, metrics.region_facets(
        tagged, region, walls, f"physics.flow.force_regions.{name}")) for name, region in flow.force_regions.items()}
    outlets = ns.outlet_names()
    state = FlowState(ns, accumulator, shear.vector.function_space)
    fingerprint = state_hash(cfg)
    average_from = _averaging_start(cfg, ns)
    segment, previous_wall, meta = 0, 0.0, {}
    if restart:
        path = _check_restart(out, comm, fingerprint)
        fields, meta = read_checkpoint(path, comm, state.keys)
        if abs(meta["average_from"] - average_from) > 1e-9 * cfg.time.dt:
            if average_from + 1e-9 * cfg.time.dt < meta["t"]:
                raise ConfigError([f"time.end: moves the TAWSS/OSI window start from {meta['average_from']:.6g} to "
                                   f"{average_from:.6g} ms, before the checkpoint (t = {meta['t']:.6g} ms); "
                                   "set physics.flow.output.average_from"])
            meta["window"] = 0.0  # the new window starts after the checkpoint: nothing of it is summed yet
            meta["window_volumes"] = {}
            fields = {**fields, "shear_abs": 0 * fields["shear_abs"], "shear_vec": 0 * fields["shear_vec"]}
        ns.restore_counters(meta)
        state.restore(fields, meta["window"])
        segment, previous_wall = meta["segment"] + 1, meta["wall_time_s"]
        log.info("restarting from %s at t = %.4g ms (step %d, checkpointed on %d rank(s))",
                 path.name, ns.t, ns.step_count, meta["ranks"])
    log.info("flow: %d velocity + %d pressure dofs on %d rank(s); inlet area %.4g mm^2, %d outlet(s), "
             "Re-relevant nu = %.4g mm^2/ms", ns.n_velocity_dofs, ns.n_pressure_dofs, comm.size,
             ns.inlet.cap.area, len(outlets), flow.fluid.viscosity / flow.fluid.density)
    if ns.inlet.cap.planarity < 0.999:
        log.warning("inlet cap is not planar (|mean normal| = %.4f)", ns.inlet.cap.planarity)

    resolved = cfg.model_dump(mode="json")

    on_root(comm, lambda: start_run_folder(out, resolved, ns.t, ns.step_count, fresh=not restart))

    steps = cfg.time.steps()
    field_every = max(1, round((flow.output.field_interval or cfg.output.interval) / cfg.time.dt))
    series_every = max(1, round(flow.output.series_interval / cfg.time.dt)) if flow.output.series_interval else 1
    ckpt_every = round(cfg.checkpoint.interval / cfg.time.dt) if cfg.checkpoint.interval else 0

    # fields are written in Lagrange spaces of the mesh's geometry degree (what XDMF/VTX need)
    degree = dx.geometry_degree(tagged.mesh)
    vector_view, scalar_view = dx.vector_lagrange_space(tagged.mesh, degree), dx.lagrange_space(tagged.mesh, degree)
    views = [(dx.function(vector_view, "velocity"), ns.u), (dx.function(scalar_view, "pressure"), ns.p),
             (dx.function(vector_view, "wss"), shear.vector)]
    suffix = f".restart{segment}" if segment else ""
    writers = [dx.FunctionSeriesWriter(comm, out, view.name + suffix, [view], cfg.output.formats, require_finite=True)
               for view, _ in views]
    header = ["time_ms", "inflow_mL_s"] + [f"flow_{o}_mL_s" for o in outlets] + ["pressure_inlet_kPa"] + \
        [f"pressure_{o}_kPa" for o in outlets] + [f"dp_inlet_{o}_kPa" for o in outlets] + \
        [f"imposed_{o}_kPa" for o in outlets] + ["mass_imbalance"]
    resume = meta.get("tables", {})
    table = _Table(out / "boundaries.csv", header, comm, resume.get("boundaries.csv"))
    force_table = _Table(out / "forces.csv", ["time_ms", "region", "Fx_mN", "Fy_mN", "Fz_mN", "magnitude_mN"], comm,
                         resume.get("forces.csv"))
    earlier_outputs = set(meta.get("outputs", []))

    def write_fields() -> None:
        for view, source in views:
            dx.interpolate_into(view, source)
        for w in writers:
            w.write(ns.t)

    peak = [meta.get("peak_inflow", 0.0)]
    # volume through every cap over the averaging window (mm^3): the mean flow split of the last cycle
    volumes = {name: 0.0 for name in ["inlet", *outlets]}
    volumes.update(meta.get("window_volumes", {}))
    max_imbalance = meta.get("max_imbalance", 0.0)

    def checkpoint(reason: str) -> Path:
        sizes = {"boundaries.csv": table.size(), "forces.csv": force_table.size()}  # rank 0's are kept
        info = {**ns.counters(), "physics": "flow", "segment": segment, "ranks": comm.size,
                "state_hash": fingerprint, "reason": reason,
                "wall_time_s": previous_wall + time.perf_counter() - wall_start,
                "peak_inflow": peak[0], "max_imbalance": max_imbalance, "window": accumulator.window,
                "window_volumes": volumes,
                "average_from": average_from, "tables": sizes,
                "outputs": sorted(earlier_outputs | {p.name for w in writers for p in w.paths})}
        return write_checkpoint(out, comm, state.keys, state.n_owned, state.fields(), info, cfg.checkpoint.keep)

    def record() -> dict:
        pressures = ns.mean_pressures()
        imposed = ns.imposed_pressures()
        inflow = -ns.flows["inlet"]
        total_out = sum(ns.flows[o] for o in outlets)
        peak[0] = max(peak[0], abs(inflow))
        scale = max(abs(inflow), 0.05 * peak[0])
        imbalance = (inflow - total_out) / scale if scale > 0 else float("nan")
        table.row([ns.t, inflow] + [ns.flows[o] for o in outlets] + [pressures["inlet"]]
                  + [pressures[o] for o in outlets] + [pressures["inlet"] - pressures[o] for o in outlets]
                  + [imposed[o] for o in outlets] + [imbalance])
        forces = {name: force() for name, force in regions.items()}
        for name, f in forces.items():
            force_table.row([ns.t, name, *map(float, f), float(np.linalg.norm(f))])
        return {"inflow": inflow, "pressures": pressures, "imbalance": imbalance, "forces": forces}

    shear.update()
    write_fields()
    progress = Progress(steps - ns.step_count, steps * cfg.time.dt, log)
    first_step = ns.step_count
    setup_time = time.perf_counter() - wall_start
    loop_start = time.perf_counter()
    status, last = "completed", None
    try:
        while ns.step_count < steps:
            ns.advance()
            shear.update()
            if ns.t > average_from + 1e-9 * cfg.time.dt:
                accumulator.add(shear.values(), cfg.time.dt)
                for name in volumes:
                    volumes[name] += ns.flows[name] * cfg.time.dt
            done = ns.step_count == steps or (flow.numerics.steady_tolerance is not None
                                              and ns.change < flow.numerics.steady_tolerance)
            if ns.step_count % series_every == 0 or done:
                last = record()
                if np.isfinite(last["imbalance"]) and ns.t > flow.inlet.ramp:
                    max_imbalance = max(max_imbalance, abs(last["imbalance"]))
            if ns.step_count % field_every == 0 or done:
                write_fields()
            progress.update(ns.step_count - first_step, ns.t)
            if done:
                if ns.step_count < steps:
                    log.info("steady state at t = %.4g ms (relative change %.2e)", ns.t, ns.change)
                break
            signum = stop.pending(comm)
            if signum:
                stop_checkpointed(out, comm, log, checkpoint(f"signal {signum}"), signum, ns.t, ns.step_count)
            if ckpt_every and ns.step_count % ckpt_every == 0:
                checkpoint("interval")
    except Checkpointed:
        raise
    except Exception as exc:
        if comm.rank == 0:
            record_failure(out, cfg.name, exc, ns.t, ns.step_count, config_hash(resolved))
        raise
    finally:
        if owns_stop:
            stop.restore()
        for w in writers:
            w.close()
        table.close()
        force_table.close()
    loop_time = time.perf_counter() - loop_start
    window = accumulator.window
    averages = []
    for name, values in (("tawss", accumulator.tawss), ("osi", accumulator.osi)):
        p1 = dx.function(shear.magnitude.function_space)
        p1.x.array[:] = values
        averages.append(dx.function(scalar_view, name))
        dx.interpolate_into(averages[-1], p1)
    avg = dx.FunctionSeriesWriter(comm, out, "tawss_osi", averages, ["xdmf"])
    avg.write(ns.t)
    avg.close()

    loop_steps = ns.step_count - first_step
    total_out = sum(ns.flows[o] for o in outlets)
    split = {o: ns.flows[o] / total_out if abs(total_out) > 1e-12 else None for o in outlets}
    window_out = sum(volumes[o] for o in outlets)
    window_split = {o: volumes[o] / window_out for o in outlets} if window > 0 and window_out > 0 else None
    summary = {
        "status": status,
        "name": cfg.name,
        "physics": "flow",
        "dofs": {"velocity": ns.n_velocity_dofs, "pressure": ns.n_pressure_dofs},
        "ranks": comm.size,
        "steps": ns.step_count,
        "restarts": segment,
        "dt_ms": cfg.time.dt,
        "end_time_ms": ns.t,
        "wall_time_s": round(previous_wall + time.perf_counter() - wall_start, 3),
        "setup_time_s": round(setup_time, 3),
        "time_per_step_s": round(loop_time / loop_steps, 4) if loop_steps else None,
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
        "config_hash": config_hash(resolved),
        "versions": stack_versions(),
        "outputs": sorted({p.name for w in writers + [avg] for p in w.paths} | set(TABLES) | earlier_outputs),
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

    def finish() -> None:
        write_json_atomic(out / "summary.json", summary)
        write_status(out, status, t_ms=ns.t, step=ns.step_count)

    on_root(comm, finish)
    return summary
