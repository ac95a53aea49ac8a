"""Stop requests by signal: SIGTERM or SIGUSR1 (Slurm sends one before the time limit when asked).

The handler only records the signal; the time loop asks :meth:`StopRequest.pending` after each step,
collectively, so that every rank stops after the same step even when only some got the signal.
"""

from __future__ import annotations

import signal
from types import FrameType

from mpi4py import MPI

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
