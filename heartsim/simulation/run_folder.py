"""The start of every run's output folder, written by rank 0 before the first step."""

from __future__ import annotations

from pathlib import Path

from heartsim.io.outputs import prepare_output_folder, write_json_atomic
from heartsim.runtime.status import write_status


def start_run_folder(out: Path, resolved: dict, t_ms: float = 0.0, step: int = 0, fresh: bool = True) -> None:
    """Prepare ``out`` (unless continuing a run in it: ``fresh=False``), write the resolved config and
    a ``running`` status at (t_ms, step). Call on rank 0 only (``runtime.collective.on_root``)."""
    if fresh:
        prepare_output_folder(out)
    write_json_atomic(out / "config.resolved.json", resolved)
    write_status(out, "running", t_ms=t_ms, step=step)
