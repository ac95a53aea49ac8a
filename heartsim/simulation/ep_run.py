"""Run a monodomain case from a validated config: mesh, problem, time loop, outputs, summary.

The run can be stopped by SIGTERM/SIGUSR1 (it finishes its step, writes a checkpoint and raises
:class:`Checkpointed`) and continued with ``restart=True`` from the newest checkpoint in its output
folder, on any number of ranks (:mod:`heartsim.simulation.lifecycle`). Field time series of a
continued run go to new files (``v.restart<k>.xdmf``), whose first time is the checkpoint's.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
from mpi4py import MPI

from heartsim import fem
from heartsim.config.errors import ConfigError
from heartsim.config.model import Config
from heartsim.ep.monodomain import Monodomain
from heartsim.io.outputs import config_hash
from heartsim.kernels.backend import select_backend
from heartsim.mesh import build_mesh
from heartsim.runtime.signals import StopRequest
from heartsim.simulation.lifecycle import Clock, Lifecycle, Segment, config_keys
from heartsim.simulation.run_folder import Checkpointed  # noqa: F401  (re-exported for callers)
from heartsim.versions import stack_versions


class EPComponent:
    """The monodomain problem in the run lifecycle: ``v`` every ``output.interval``, activation maps,
    ECG and summary at the end."""

    physics = "ep"

    def __init__(self, cfg: Config, problem: Monodomain, backend, out: Path, comm: MPI.Comm):
        self.cfg, self.problem, self.backend, self.out, self.comm = cfg, problem, backend, out, comm
        self.keys = fem.dof_input_indices(problem.space)
        self.n_owned = problem.n_owned
        self.steps = cfg.time.steps()
        self.every = max(1, round(cfg.output.interval / cfg.time.dt))
        self.writer = None

    @property
    def t(self) -> float:
        return self.problem.t

    @property
    def step(self) -> int:
        return self.problem.step_count

    def restore(self, fields, meta) -> None:
        self.problem.restore(fields, meta)

    def open(self, segment: Segment) -> None:
        self.writer = fem.FunctionSeriesWriter(self.comm, self.out, "v" + segment.suffix, [self.problem.sync()],
                                               self.cfg.output.formats, require_finite=True)
        self.writer.write(self.problem.t)

    def done(self) -> bool:
        return self.problem.step_count >= self.steps

    def advance(self) -> None:
        self.problem.advance()

    def record(self) -> None:
        if self.problem.step_count % self.every == 0 or self.problem.step_count == self.steps:
            self.problem.sync()
            self.writer.write(self.problem.t)

    def state(self):
        return self.problem.state(), self.problem.counters()

    def tables(self) -> dict:
        return {}

    def failure_details(self) -> dict:
        return {"last_output_time_ms": (self.problem.step_count // self.every) * self.every * self.cfg.time.dt}

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()

    def finish(self, clock: Clock) -> dict:
        cfg, problem, comm, out = self.cfg, self.problem, self.comm, self.out
        ep, steps = cfg.physics.ep, self.steps
        self.close()
        maps = problem.map_functions()  # activation time, repolarisation time, APD_X
        act_writer = fem.FunctionSeriesWriter(comm, out, "activation", maps, cfg.output.formats)
        act_writer.write(0.0)
        act_writer.close()
        lo, hi, missing, latest_at = problem.activation_extent()
        apd_lo, apd_hi = problem.apd_range()
        extra_outputs: list[Path] = []
        if problem.electrodes:
            trace = problem.ecg_trace()
            times = cfg.time.dt * np.arange(steps - trace.shape[0] + 1, steps + 1)
            if comm.rank == 0:
                from heartsim.io.ecg import write_ecg

                extra_outputs = write_ecg(out, times, problem.electrodes, trace)
            extra_outputs = comm.bcast(extra_outputs, root=0)
        iterations, solves = problem.linear_iterations
        some = missing < problem.n_global
        summary = {
            "status": "completed",
            "name": cfg.name,
            "physics": "ep",
            "dofs": problem.n_global,
            "ranks": comm.size,
            "steps": steps,
            "dt_ms": cfg.time.dt,
            "end_time_ms": problem.t,
            "restarts": clock.segment,
            "wall_time_s": clock.wall(),
            "setup_time_s": round(clock.setup, 3),
            "steps_per_second": round(clock.loop_steps / clock.loop, 2) if clock.loop > 0 and clock.loop_steps else None,
            "linear_iterations_per_solve": round(iterations / max(1, solves), 2),
            "pde_solver": "cupy-pcg" if problem.on_device else "petsc",
            "activation_time_ms": {
                "min": lo if some else None,
                "max": hi if some else None,
                "not_activated_nodes": missing,
                "total": hi - lo if some else None,
                "latest_at_mm": latest_at,
            },
            f"apd{round(ep.outputs.apd_percent)}_ms": {"min": apd_lo, "max": apd_hi},
            "backend": {"name": self.backend.name, "reason": self.backend.reason},
            "config_hash": config_hash(cfg.model_dump(mode="json")),
            "versions": stack_versions(),
            "outputs": sorted(p.name for p in self.writer.paths + act_writer.paths + extra_outputs),
        }
        fmt = lambda v: "n/a" if v is None else f"{v:.2f}"  # noqa: E731
        act = summary["activation_time_ms"]
        summary["headline"] = (f"done in {summary['wall_time_s']:.1f} s: {steps} steps, "
                               f"{summary['steps_per_second'] or 0:.1f} steps/s; activation {fmt(act['min'])} "
                               f"to {fmt(act['max'])} ms")
        problem.destroy()
        return summary


def run_ep(cfg: Config, out: Path, comm: MPI.Comm, log: logging.Logger, restart: bool = False,
           stop: StopRequest | None = None) -> dict:
    """Run ``cfg`` (physics.ep) writing into ``out``; returns the summary (also in summary.json).

    Everything that can reject the input (backend, mesh, regions, the checkpoint to restart from)
    is checked before the output folder is touched. ``stop`` should be created as early as possible
    (the CLI does it first thing), so that a signal during set-up is kept and acted on after step 1.
    """
    life = Lifecycle(cfg, out, comm, log, restart, stop)
    fem.check_version()
    try:
        backend = select_backend(cfg.backend.kind, comm)
    except RuntimeError as exc:
        raise ConfigError([str(exc)]) from None
    log.info("backend: %s (%s)", backend.name, backend.reason)
    if comm.size > 1 and cfg.backend.kind != "numpy":  # which rank took which GPU (same test on every rank)
        for rank, reason in enumerate(comm.gather(backend.reason, root=0) or []):
            log.info("backend of rank %d: %s", rank, reason)
    tagged = build_mesh(cfg.mesh, comm)
    ep = cfg.physics.ep
    fibers = None
    if cfg.fibers is not None:
        from heartsim.fibers import compute_fibers

        fibers = compute_fibers(tagged, cfg.fibers, comm)
    with config_keys("physics.ep"):
        problem = Monodomain(tagged, ep, cfg.time.dt, cfg.solver.ep_options(), backend, fibers=fibers)
    log.info("mesh: %d nodes on %d rank(s); ionic model %s; %s splitting, theta = %g%s",
             problem.n_global, comm.size, ep.ionic.model, ep.numerics.splitting, ep.numerics.theta,
             ", lumped mass" if ep.numerics.lumped_mass else "")
    for s in problem.stimuli:
        log.debug("stimulus %s: %d nodes", s.config.name or "", s.global_count)
    steps = cfg.time.steps()
    return life.run(EPComponent(cfg, problem, backend, out, comm), steps, steps * cfg.time.dt)
