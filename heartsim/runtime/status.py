"""The status file of a run (``status.json``): running, completed, failed or checkpointed, atomically."""

from __future__ import annotations

import time
from pathlib import Path

from heartsim.io.outputs import write_json_atomic

STATUS_FILE = "status.json"
#: exit status of a run stopped by SIGTERM/SIGUSR1 after writing a checkpoint: requeue it and
#: continue with ``run --restart``
EXIT_CHECKPOINTED = 75
#: environment variable naming a file that rank 0 creates once every rank has installed its stop
#: handlers (a job script holds Slurm's warning signal until then: see heartsim.cluster.slurm)
READY_ENV = "HEARTSIM_READY_FILE"


def write_status(folder: Path, state: str, **details) -> None:
    """Write ``{"state": state, ...details, "updated": ISO time}`` to folder/status.json (rank 0 only)."""
    write_json_atomic(folder / STATUS_FILE, {"state": state, **details,
                                             "updated": time.strftime("%Y-%m-%dT%H:%M:%S%z")})
