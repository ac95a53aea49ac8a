"""Run a monodomain case from a validated config: mesh, problem, time loop, outputs, summary."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from mpi4py import MPI

from heartsim import dolfinx_api as dx
from heartsim.cli.progress import Progress
from heartsim.config.errors import ConfigError
from heartsim.config.model import Config
from heartsim.ep.monodomain import Monodomain
from heartsim.io.outputs import config_hash, prepare_output_folder, write_json_atomic
from heartsim.kernels.backend import select_backend
from heartsim.mesh import build_mesh
from heartsim.versions import stack_versions


def run_ep(cfg: Config, out: Path, comm: MPI.Comm, log: logging.Logger) -> dict:
    """Run ``cfg`` (physics.ep) writing into ``out``; returns the summary (also in summary.json).

    Everything that can reject the input (backend, mesh, regions) is done before the output
    folder is touched.
    """
    wall_start = time.perf_counter()
    dx.check_version()
    try:
        backend = select_backend(cfg.backend.kind)
    except RuntimeError as exc:
        raise ConfigError([str(exc)]) from None
    log.info("backend: %s (%s)", backend.name, backend.reason)
    tagged = build_mesh(cfg.mesh, comm)
    ep = cfg.physics.ep
    problem = Monodomain(tagged, ep, cfg.time.dt, cfg.solver.ep_options(), backend)
    log.info("mesh: %d nodes on %d rank(s); ionic model %s; %s splitting, theta = %g%s",
             problem.n_global, comm.size, ep.ionic.model, ep.numerics.splitting, ep.numerics.theta,
             ", lumped mass" if ep.numerics.lumped_mass else "")
    for s in problem.stimuli:
        log.debug("stimulus %s: %d nodes", s.config.name or "", s.global_count)

    if comm.rank == 0:
        prepare_output_folder(out)
    comm.barrier()
    resolved = cfg.model_dump(mode="json")
    if comm.rank == 0:
        write_json_atomic(out / "config.resolved.json", resolved)

    writer = dx.FunctionSeriesWriter(comm, out, "v", [problem.v], cfg.output.formats)
    writer.write(0.0)
    steps = cfg.time.steps()
    every = max(1, round(cfg.output.interval / cfg.time.dt))
    progress = Progress(steps, steps * cfg.time.dt, log)
    setup_time = time.perf_counter() - wall_start
    loop_start = time.perf_counter()
    try:
        for _ in range(steps):
            problem.advance()
            if problem.step_count % every == 0 or problem.step_count == steps:
                writer.write(problem.t)
            progress.update(problem.step_count, problem.t)
    except Exception as exc:
        if comm.rank == 0:
            write_json_atomic(out / "summary.json", {
                "status": "failed", "name": cfg.name, "error": f"{type(exc).__name__}: {exc}",
                "failed_at_step": problem.step_count + 1, "failed_at_time_ms": problem.t,
                "last_output_time_ms": (problem.step_count // every) * every * cfg.time.dt,
                "config_hash": config_hash(resolved)})
        raise
    finally:
        writer.close()
    loop_time = time.perf_counter() - loop_start

    activation = problem.activation_function()
    act_writer = dx.FunctionSeriesWriter(comm, out, "activation", [activation], cfg.output.formats)
    act_writer.write(0.0)
    act_writer.close()
    lo, hi, missing = problem.activation_range()

    summary = {
        "status": "completed",
        "name": cfg.name,
        "physics": "ep",
        "dofs": problem.n_global,
        "ranks": comm.size,
        "steps": steps,
        "dt_ms": cfg.time.dt,
        "end_time_ms": problem.t,
        "wall_time_s": round(time.perf_counter() - wall_start, 3),
        "setup_time_s": round(setup_time, 3),
        "steps_per_second": round(steps / loop_time, 2) if loop_time > 0 else None,
        "linear_iterations_per_solve": round(problem.diffusion.iterations / max(1, problem.diffusion.solves), 2),
        "activation_time_ms": {
            "min": lo if missing < problem.n_global else None,
            "max": hi if missing < problem.n_global else None,
            "not_activated_nodes": missing,
        },
        "backend": {"name": backend.name, "reason": backend.reason},
        "config_hash": config_hash(resolved),
        "versions": stack_versions(),
        "outputs": sorted(p.name for p in writer.paths + act_writer.paths),
    }
    problem.destroy()
    if comm.rank == 0:
        write_json_atomic(out / "summary.json", summary)
    return summary
