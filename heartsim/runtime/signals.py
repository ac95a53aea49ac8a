"""Stop requests by signal: SIGTERM or SIGUSR1 (Slurm sends one before the time limit when asked).

The handler only records the signal; the time loop asks :meth:`StopRequest.pending` after each step,
collectively, so that every rank stops after the same step even when only some got the signal.

A process that receives SIGUSR1 before its handler is installed (while the interpreter starts and
MPI initialises, a second or more) dies of it. A job script therefore holds the signal until the run
says it is ready: :func:`announce_ready` creates the file named by ``$HEARTSIM_READY_FILE`` once
every rank has its handlers and the set-up is done (the lifecycle calls it just before the time loop:
the script signals the whole process group, and a compiler child of the JIT would die of it).
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from types import FrameType

from mpi4py import MPI

from heartsim.runtime.status import READY_ENV

STOP_SIGNALS = (signal.SIGTERM, signal.SIGUSR1)


class StopRequest:
    """Install handlers for :data:`STOP_SIGNALS` (restored by :meth:`restore`)."""

    def __init__(self) -> None:
        self.signum = 0
        self._previous = {}
        for sig in STOP_SIGNALS:
            self._previous[sig] = signal.signal(sig, self._handle)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.signum = signum

    def pending(self, comm: MPI.Comm) -> int:
        """The signal number any rank received (0: none). Collective."""
        return comm.allreduce(self.signum, op=MPI.MAX)

    def restore(self) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)


def announce_ready(comm: MPI.Comm) -> None:
    """Create ``$HEARTSIM_READY_FILE`` (rank 0) once every rank has installed its stop handlers.
    Collective when the variable is set; nothing otherwise."""
    path = os.environ.get(READY_ENV)
    if not path:
        return
    comm.barrier()
    if comm.rank == 0:
        try:
            Path(path).touch()
        except OSError:  # not visible here: the job script forwards a held signal after 60 s anyway
            pass


class StopAfter:
    """A stand-in for :class:`StopRequest` that reports SIGUSR1 at the ``steps``-th call of
    :meth:`pending` (one call per time step): stops a run at a chosen step in tests and scripts."""

    def __init__(self, steps: int):
        self.left = steps

    def pending(self, comm: MPI.Comm) -> int:
        self.left -= 1
        return int(signal.SIGUSR1) if self.left == 0 else 0

    def restore(self) -> None:
        pass
