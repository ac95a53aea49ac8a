"""The start, the failure record and the checkpointed stop of every run's output folder (written by rank 0),
and what checkpoints of all runners share (:class:`Checkpointed`, :func:`state_hash`)."""

from __future__ import annotations

import logging
from pathlib import Path

from heartsim.io.outputs import config_hash, prepare_output_folder, write_json_atomic
from heartsim.runtime.status import write_status


class Checkpointed(Exception):
    """The run stopped on a signal after writing a checkpoint (the CLI exits with status 75)."""


def state_hash(cfg) -> str:
    """Hash of what a checkpoint's state depends on (not end time, outputs or checkpoint policy)."""
    data = cfg.model_dump(mode="json", include={"mesh", "physics", "solver", "backend", "fibers"})
    data["dt"] = cfg.time.dt
    return config_hash(data)


def start_run_folder(out: Path, resolved: dict, t_ms: float = 0.0, step: int = 0, fresh: bool = True) -> None:
    """Prepare ``out`` (unless continuing a run in it: ``fresh=False``), write the resolved config and
    a ``running`` status at (t_ms, step). Call on rank 0 only (``runtime.collective.on_root``)."""
    if fresh:
        prepare_output_folder(out)
    write_json_atomic(out / "config.resolved.json", resolved)
    write_status(out, "running", t_ms=t_ms, step=step)


def record_failure(out: Path, name: str, exc: BaseException, t_ms: float, step: int, config_hash: str,
                   **extra) -> None:
    """summary.json and status.json of a run that raised ``exc`` during step ``step + 1`` (at ``t_ms``):
    status ``failed`` with the error; ``extra`` adds keys to the summary. Call on rank 0 only."""
    error = f"{type(exc).__name__}: {exc}"
    write_json_atomic(out / "summary.json", {"status": "failed", "name": name, "error": error,
                                             "failed_at_step": step + 1, "failed_at_time_ms": t_ms, **extra,
                                             "config_hash": config_hash})
    write_status(out, "failed", reason=error, t_ms=t_ms, step=step)


def stop_checkpointed(out: Path, comm, log: logging.Logger, path: Path, signum: int, t_ms: float, step: int):
    """After the checkpoint ``path`` written on signal ``signum``: status ``checkpointed`` (rank 0),
    a warning, and :class:`Checkpointed` raised (the CLI exits with 75)."""
    from heartsim.runtime.collective import on_root

    on_root(comm, lambda: write_status(out, "checkpointed", reason=f"signal {signum}", t_ms=t_ms, step=step,
                                       checkpoint=path.name))
    log.warning("signal %d: checkpoint %s written at t = %.4g ms; continue with --restart %s", signum, path.name,
                t_ms, out)
    raise Checkpointed(path)
