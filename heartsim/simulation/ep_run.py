"""Run a monodomain case from a validated config: mesh, problem, time loop, outputs, summary.

The run can be stopped by SIGTERM/SIGUSR1 (it finishes its step, writes a checkpoint and raises
:class:`Checkpointed`) and continued with ``restart=True`` from the newest checkpoint in its output
folder, on any number of ranks. Field time series of a continued run go to new files
(``v.restart<k>.xdmf``), whose first time is the checkpoint's.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np

from mpi4py import MPI

from heartsim import dolfinx_api as dx
from heartsim.cli.progress import Progress
from heartsim.config.errors import ConfigError
from heartsim.config.model import Config
from heartsim.ep.monodomain import Monodomain
from heartsim.io.outputs import config_hash, write_json_atomic
from heartsim.kernels.backend import select_backend
from heartsim.mesh import build_mesh
from heartsim.runtime.checkpoint import latest_checkpoint, read_checkpoint, write_checkpoint
from heartsim.runtime.collective import on_root
from heartsim.runtime.signals import StopRequest
from heartsim.runtime.status import write_status
from heartsim.simulation.run_folder import (Checkpointed, record_failure, start_run_folder, state_hash,
                                            stop_checkpointed)
from heartsim.versions import stack_versions


def run_ep(cfg: Config, out: Path, comm: MPI.Comm, log: logging.Logger, restart: bool = False,
           stop: StopRequest | None = None) -> dict:
    """Run ``cfg`` (physics.ep) writing into ``out``; returns the summary (also in summary.json).

    Everything that can reject the input (backend, mesh, regions, the checkpoint to restart from)
    is checked before the output folder is touched. ``stop`` should be created as early as possible
    (the CLI does it first thing), so that a signal during set-up is kept and acted on after step 1.
    """
    owns_stop = stop is None
    stop = stop or StopRequest()
    wall_start = time.perf_counter()
    dx.check_version()
    try:
        backend = select_backend(cfg.backend.kind)
    except RuntimeError as exc:
        raise ConfigError([str(exc)]) from None
    log.info("backend: %s (%s)", backend.name, backend.reason)
    tagged = build_mesh(cfg.mesh, comm)
    ep = cfg.physics.ep
    fibers = None
    if cfg.fibers is not None:
        from heartsim.fibers import compute_fibers

        fibers = compute_fibers(tagged, cfg.fibers, comm)
    problem = Monodomain(tagged, ep, cfg.time.dt, cfg.solver.ep_options(), backend, fibers=fibers)
    log.info("mesh: %d nodes on %d rank(s); ionic model %s; %s splitting, theta = %g%s",
             problem.n_global, comm.size, ep.ionic.model, ep.numerics.splitting, ep.numerics.theta,
             ", lumped mass" if ep.numerics.lumped_mass else "")
    for s in problem.stimuli:
        log.debug("stimulus %s: %d nodes", s.config.name or "", s.global_count)
    keys = dx.dof_input_indices(problem.space)
    fingerprint = state_hash(cfg)

    segment, previous_wall = 0, 0.0
    if restart:
        path = comm.bcast(latest_checkpoint(out) if comm.rank == 0 else None, root=0)
        if path is None:
            raise ConfigError([f"--restart {out}: no checkpoint to continue from"])
        fields, meta = read_checkpoint(path, comm, keys)
        if meta["state_hash"] != fingerprint:
            raise ConfigError([f"--restart {out}: the checkpoint was written by a different case "
                               "(mesh, physics, solver, backend or dt changed)"])
        problem.restore(fields, meta)
        segment, previous_wall = meta["segment"] + 1, meta["wall_time_s"]
        log.info("restarting from %s at t = %.3f ms (step %d, checkpointed on %d rank(s))",
                 path.name, problem.t, problem.step_count, meta["ranks"])

    resolved = cfg.model_dump(mode="json")

    on_root(comm, lambda: start_run_folder(out, resolved, problem.t, problem.step_count, fresh=not restart))

    steps = cfg.time.steps()
    every = max(1, round(cfg.output.interval / cfg.time.dt))
    ckpt_every = round(cfg.checkpoint.interval / cfg.time.dt) if cfg.checkpoint.interval else 0

    def checkpoint(reason: str) -> Path:
        meta = {**problem.counters(), "segment": segment, "ranks": comm.size, "state_hash": fingerprint,
                "reason": reason, "wall_time_s": previous_wall + time.perf_counter() - wall_start}
        return write_checkpoint(out, comm, keys, problem.n_owned, problem.state(), meta, cfg.checkpoint.keep)

    stem = "v" if segment == 0 else f"v.restart{segment}"
    writer = dx.FunctionSeriesWriter(comm, out, stem, [problem.sync()], cfg.output.formats, require_finite=True)
    writer.write(problem.t)
    progress = Progress(steps - problem.step_count, steps * cfg.time.dt, log)
    first_step = problem.step_count
    setup_time = time.perf_counter() - wall_start
    loop_start = time.perf_counter()
    try:
        while problem.step_count < steps:
            problem.advance()
            if problem.step_count % every == 0 or problem.step_count == steps:
                problem.sync()
                writer.write(problem.t)
            if ckpt_every and problem.step_count % ckpt_every == 0 and problem.step_count < steps:
                checkpoint("interval")
            progress.update(problem.step_count - first_step, problem.t)
            signum = stop.pending(comm)
            if signum and problem.step_count < steps:
                stop_checkpointed(out, comm, log, checkpoint(f"signal {signum}"), signum, problem.t,
                                  problem.step_count)
    except Checkpointed:
        raise
    except Exception as exc:
        if comm.rank == 0:
            record_failure(out, cfg.name, exc, problem.t, problem.step_count, config_hash(resolved),
                           last_output_time_ms=(problem.step_count // every) * every * cfg.time.dt)
        raise
    finally:
        if owns_stop:
            stop.restore()
        writer.close()
    loop_time = time.perf_counter() - loop_start

    maps = problem.map_functions()  # activation time, repolarisation time, APD_X
    act_writer = dx.FunctionSeriesWriter(comm, out, "activation", maps, cfg.output.formats)
    act_writer.write(0.0)
    act_writer.close()
    lo, hi, missing, latest_at = problem.activation_extent()
    apd_lo, apd_hi = problem.apd_range()
    loop_steps = steps - first_step
    extra_outputs: list[Path] = []
    if problem.electrodes:
        trace = problem.ecg_trace()
        times = cfg.time.dt * np.arange(steps - trace.shape[0] + 1, steps + 1)
        if comm.rank == 0:
            from heartsim.io.ecg import write_ecg

            extra_outputs = write_ecg(out, times, problem.electrodes, trace)
        extra_outputs = comm.bcast(extra_outputs, root=0)
    iterations, solves = problem.linear_iterations

    summary = {
        "status": "completed",
        "name": cfg.name,
        "physics": "ep",
        "dofs": problem.n_global,
        "ranks": comm.size,
        "steps": steps,
        "dt_ms": cfg.time.dt,
        "end_time_ms": problem.t,
        "restarts": segment,
        "wall_time_s": round(previous_wall + time.perf_counter() - wall_start, 3),
        "setup_time_s": round(setup_time, 3),
        "steps_per_second": round(loop_steps / loop_time, 2) if loop_time > 0 and loop_steps else None,
        "linear_iterations_per_solve": round(iterations / max(1, solves), 2),
        "pde_solver": "cupy-pcg" if problem.on_device else "petsc",
        "activation_time_ms": {
            "min": lo if missing < problem.n_global else None,
            "max": hi if missing < problem.n_global else None,
            "not_activated_nodes": missing,
            "total": hi - lo if missing < problem.n_global else None,
            "latest_at_mm": latest_at,
        },
        f"apd{round(ep.outputs.apd_percent)}_ms": {"min": apd_lo, "max": apd_hi},
        "backend": {"name": backend.name, "reason": backend.reason},
        "config_hash": config_hash(resolved),
        "versions": stack_versions(),
        "outputs": sorted(p.name for p in writer.paths + act_writer.paths + extra_outputs),
    }
    fmt = lambda v: "n/a" if v is None else f"{v:.2f}"  # noqa: E731
    act = summary["activation_time_ms"]
    summary["headline"] = (f"done in {summary['wall_time_s']:.1f} s: {steps} steps, "
                           f"{summary['steps_per_second'] or 0:.1f} steps/s; activation {fmt(act['min'])} "
                           f"to {fmt(act['max'])} ms")
    problem.destroy()
    def finish() -> None:
        write_json_atomic(out / "summary.json", summary)
        write_status(out, "completed", t_ms=problem.t, step=problem.step_count)

    on_root(comm, finish)  # every rank returns once the files exist
    return summary
