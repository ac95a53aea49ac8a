"""The life of a run, written once for every runner: restart, run folder, time loop, checkpoints,
failure record, summary and finish. A runner only builds its *component* and hands it to
:meth:`Lifecycle.run`.

The component protocol
----------------------
A component is the physics of one run seen from the time loop (EP, flow, mechanics, circulation; a
coupled electromechanics run composes several into one). It has

- ``physics``: its name (``"ep"``, ``"flow"``, ...), stored in checkpoints and summaries;
- ``t``, ``step``: the simulated time (ms; a pseudo-time for quasi-static load stepping) and the
  number of completed steps;
- ``keys``, ``n_owned``: the rank-independent key of every local entry of its checkpoint arrays
  (owned entries first), so that a checkpoint written on N ranks restarts on M
  (:mod:`heartsim.runtime.checkpoint`); a component without distributed state uses one key;

and these methods, which the lifecycle calls in this order::

    restore(fields, meta)      only on --restart: set the state of a checkpoint (before open)
    open(segment)              open writers and tables (a restart continues them), write time t
    while not done():
        advance()              one step (or one load-step attempt)
        record()               write what is due after it: fields, table rows
        [state(), tables()]    on a checkpoint interval or a stop signal: (fields, meta) to save,
                               and {table name: bytes written} of its CsvTables
    finish(clock) -> dict      close outputs, compute the summary (status, physics keys, "headline");
                               a component may set ``raise_after_finish`` (a message): the run then
                               raises RuntimeError once the summary (status "failed") is written
    close()                    always (also after a failure or a stop): release writers, idempotent

``state()`` returns ``(fields, meta)``: arrays of shape (..., n_local) and a JSON-able dict; the
lifecycle adds ``t``, ``step``, ``physics``, ``segment``, ``ranks``, ``state_hash``, ``reason``,
``wall_time_s`` and ``tables`` (the byte sizes of the component's restart-safe CSV tables, see
:class:`heartsim.io.tables.CsvTable`, listed in ``tables()``). ``restore(fields, meta)`` receives
them back. A component may raise :class:`heartsim.config.errors.ConfigError` from ``restore``
(a checkpoint it cannot continue) before anything is written. Optional: ``failure_details()``, extra
keys for the failure record when ``advance`` raises. ``finish`` gets a :class:`Clock` (set-up and
loop time, steps of this segment, ``segment`` = restarts so far, ``wall()`` over all segments).

A coupled runner composes components into one: ``advance`` steps each in its staggered order;
``keys`` concatenates the parts' keys made distinct (e.g. ``key * n_parts + part``; owned entries of
all parts first, then the ghosts); every field of ``state`` spans that combined set (a part's
array in its own positions, zeros elsewhere), under a prefixed name, and the parts' meta go under
their ``physics``; ``restore`` picks each part's positions back out.

What the lifecycle owns
-----------------------
- restart: the newest checkpoint of the output folder, its physics, its state hash (the config
  parts the state depends on: mesh, physics, solver, backend, fibers, dt; not the end time or
  outputs), and the tables it continues; any mismatch is a one-line error before anything is written;
- the run folder: prepared (a fresh run) or continued, ``config.resolved.json``, ``status.json``;
- progress lines (rank 0), checkpoints every ``checkpoint.interval`` and on SIGTERM/SIGUSR1 (then
  status ``checkpointed`` and :class:`Checkpointed`: the CLI exits with 75);
- a failure record (``summary.json`` and ``status.json`` with the error) when ``advance`` raises;
- writing the component's summary and the final status (``completed``, or ``failed`` with its error).
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from mpi4py import MPI

from heartsim.config.errors import ConfigError, InputError
from heartsim.io.outputs import config_hash, write_json_atomic
from heartsim.runtime.checkpoint import FOLDER, POINTER, latest_checkpoint, read_checkpoint, write_checkpoint
from heartsim.runtime.collective import on_root
from heartsim.runtime.progress import Progress
from heartsim.runtime.signals import StopRequest, announce_ready
from heartsim.runtime.status import write_status
from heartsim.simulation.run_folder import (Checkpointed, record_failure, start_run_folder, state_hash,
                                            stop_checkpointed)


@contextmanager
def config_keys(section: str):
    """Turn an :class:`InputError` raised inside (physics building a problem from the config section
    ``section``, e.g. ``physics.ep``) into a :class:`ConfigError` naming the full key path."""
    try:
        yield
    except InputError as exc:
        raise exc.at(section) from None


class Component(Protocol):
    physics: str
    t: float
    step: int
    keys: np.ndarray
    n_owned: int

    def restore(self, fields: dict[str, np.ndarray], meta: dict) -> None: ...
    def open(self, segment: "Segment") -> None: ...
    def done(self) -> bool: ...
    def advance(self) -> None: ...
    def record(self) -> None: ...
    def state(self) -> tuple[dict[str, np.ndarray], dict]: ...
    def tables(self) -> dict[str, int | None]: ...
    def finish(self, clock: "Clock") -> dict: ...
    def close(self) -> None: ...


@dataclass
class Segment:
    """Which part of a run this process computes: 0 for a fresh run, k for the k-th restart, with the
    checkpoint's metadata (empty for a fresh run)."""

    index: int = 0
    meta: dict = field(default_factory=dict)

    @property
    def suffix(self) -> str:
        """File-name suffix of the field series of this segment (``""``, ``".restart1"``, ...)."""
        return f".restart{self.index}" if self.index else ""

    @property
    def resume(self) -> dict[str, int]:
        """Byte sizes of the tables at the checkpoint (empty for a fresh run)."""
        return dict(self.meta.get("tables", {}))


@dataclass
class Clock:
    """Timing of a run for its summary (seconds): set-up and loop time of this segment, steps done
    in it, the segment index (number of restarts), and :meth:`wall`, the wall time of the whole
    run so far, earlier segments included."""

    setup: float
    loop: float
    loop_steps: int
    segment: int
    elapsed: Any = None

    def wall(self) -> float:
        return round(self.elapsed(), 3)


class Lifecycle:
    """Runs a :class:`Component` from a config into ``out`` (see the module docstring).

    Create it first thing in a runner (its wall clock starts here) and call :meth:`run` once the
    component is built. ``stop`` should be created as early as possible (the CLI does it first), so
    that a signal during set-up is kept and acted on after step 1; without one, :meth:`run` installs
    handlers for its own duration (none linger when building the component fails). ``fingerprint`` defaults to
    :func:`state_hash` of ``cfg``; ``checkpoint_every`` (steps, 0: only on a signal) to
    ``checkpoint.interval / time.dt``.
    """

    def __init__(self, cfg, out: Path, comm: MPI.Comm, log: logging.Logger, restart: bool = False,
                 stop=None, fingerprint: str | None = None, checkpoint_every: int | None = None,
                 keep: int | None = None):
        self.wall_start = time.perf_counter()
        self.cfg, self.out, self.comm, self.log, self.restart = cfg, Path(out), comm, log, restart
        self.owns_stop = stop is None  # then run() installs (and restores) its own handlers
        self.stop = stop
        self.fingerprint = fingerprint or state_hash(cfg)
        if checkpoint_every is None:
            interval = cfg.checkpoint.interval
            checkpoint_every = round(interval / cfg.time.dt) if interval else 0
        self.checkpoint_every = checkpoint_every
        self.keep = keep if keep is not None else cfg.checkpoint.keep
        self.resolved = cfg.model_dump(mode="json")
        self.segment = Segment()

    # ------------------------------------------------------------------------------------------
    def _checked_checkpoint(self, physics: str) -> Path:
        """The checkpoint to continue from (rank 0 decides); ConfigError when there is none, it belongs
        to another case, or a table it continues is missing or shorter than recorded."""
        out = self.out

        def check() -> Path:
            path = latest_checkpoint(out)
            if path is None:
                raise ConfigError([f"--restart {out}: no checkpoint to continue from"])
            import json

            meta = json.loads((out / FOLDER / POINTER).read_text())
            if meta.get("physics", physics) != physics or meta.get("state_hash") != self.fingerprint:
                raise ConfigError([f"--restart {out}: the checkpoint was written by a different case "
                                   "(mesh, physics, solver, backend or dt changed)"])
            for name, size in meta.get("tables", {}).items():
                if size is not None and (not (out / name).is_file() or (out / name).stat().st_size < size):
                    raise ConfigError([f"{out / name}: missing or shorter than at the checkpoint; cannot continue it"])
            return path

        return self.comm.bcast(on_root(self.comm, check), root=0)

    def _restore(self, component: Component) -> None:
        path = self._checked_checkpoint(component.physics)
        fields, meta = read_checkpoint(path, self.comm, component.keys)
        component.restore(fields, meta)
        self.segment = Segment(meta["segment"] + 1, meta)
        self.log.info("restarting from %s at t = %.4g ms (step %d, checkpointed on %d rank(s))",
                      path.name, component.t, component.step, meta["ranks"])

    def _signal(self) -> int:
        """The stop signal any rank received (0: none; collective), from a :class:`StopRequest` or a
        stand-in with ``pending(comm)``, or (rank-local) one with only a ``signum`` attribute."""
        pending = getattr(self.stop, "pending", None)
        return pending(self.comm) if pending is not None else int(self.stop.signum)

    def _elapsed(self) -> float:
        return self.segment.meta.get("wall_time_s", 0.0) + time.perf_counter() - self.wall_start

    def checkpoint(self, component: Component, reason: str) -> Path:
        """Write a checkpoint of ``component`` now (collective)."""
        fields, meta = component.state()
        meta = {**meta, "t": component.t, "step": component.step, "physics": component.physics,
                "segment": self.segment.index, "ranks": self.comm.size, "state_hash": self.fingerprint,
                "reason": reason, "wall_time_s": self._elapsed(), "tables": component.tables()}
        return write_checkpoint(self.out, self.comm, component.keys, component.n_owned, fields, meta, self.keep)

    # ------------------------------------------------------------------------------------------
    def run(self, component: Component, total_steps: int | None = None, end_time: float | None = None) -> dict:
        """Restart (if asked), open the folder and outputs, step to the end, write the summary; returns it.

        ``total_steps`` and ``end_time`` (ms) drive the progress lines (none without them)."""
        comm, out = self.comm, self.out
        if self.stop is None:
            self.stop = StopRequest()
        try:
            if self.restart:
                self._restore(component)
                if end_time is not None and component.t > end_time + 1e-9 * max(1.0, end_time):
                    raise ConfigError([f"time.end: {end_time:g} ms is before the checkpoint in {out} "
                                       f"(t = {component.t:g} ms); a restart continues to a later end"])
            on_root(comm, lambda: start_run_folder(out, self.resolved, component.t, component.step,
                                                   fresh=not self.restart))
            component.open(self.segment)
            # set-up done (meshes, JIT-compiled forms and kernels): a job script may now forward a held
            # Slurm warning to the whole process group; forwarded earlier, it killed a compiler child
            # (gcc exit -10, 'CompileError') and failed the run
            announce_ready(comm)
            progress = Progress(total_steps - component.step, end_time, self.log) if total_steps else None
            first_step = component.step
            setup = time.perf_counter() - self.wall_start
            loop_start = time.perf_counter()
            try:
                while not component.done():
                    component.advance()
                    component.record()
                    if progress is not None:
                        progress.update(component.step - first_step, component.t)
                    if component.done():
                        break
                    signum = self._signal()
                    if signum:
                        stop_checkpointed(out, comm, self.log, self.checkpoint(component, f"signal {signum}"),
                                          signum, component.t, component.step)
                    if self.checkpoint_every and component.step % self.checkpoint_every == 0:
                        self.checkpoint(component, "interval")
            except Checkpointed:
                raise
            except Exception as exc:
                extra = getattr(component, "failure_details", lambda: {})()
                on_root(comm, lambda: record_failure(out, self.cfg.name, exc, component.t, component.step,
                                                     config_hash(self.resolved), **extra))
                raise
            loop = time.perf_counter() - loop_start
            clock = Clock(setup=setup, loop=loop, loop_steps=component.step - first_step,
                          segment=self.segment.index, elapsed=self._elapsed)
            summary = component.finish(clock)
        finally:
            if self.owns_stop:
                self.stop.restore()
            component.close()
        return self.finish(component, summary)

    def finish(self, component: Component, summary: dict[str, Any]) -> dict:
        """Write ``summary`` and the final status (rank 0; every rank returns once the files exist).
        A component whose ``raise_after_finish`` is set (a message) makes this raise RuntimeError after writing."""
        status = summary.get("status", "completed")
        extra = {"reason": summary["error"]} if status == "failed" and "error" in summary else {}

        def write() -> None:
            write_json_atomic(self.out / "summary.json", summary)
            write_status(self.out, status, t_ms=component.t, step=component.step, **extra)

        on_root(self.comm, write)
        message = getattr(component, "raise_after_finish", None)
        if message:
            raise RuntimeError(message)
        return summary
