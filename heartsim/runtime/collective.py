"""Work done on rank 0 only, with its failure reported on every rank (so no rank waits forever)."""

from __future__ import annotations

from typing import Callable, TypeVar

from mpi4py import MPI

from heartsim.config.errors import ConfigError

T = TypeVar("T")


def on_root(comm: MPI.Comm, work: Callable[[], T]) -> T | None:
    """Run ``work`` on rank 0 and broadcast whether it failed. Collective.

    A ConfigError is raised on every rank with its lines; any other exception is re-raised on rank 0
    and raised as RuntimeError naming it on the other ranks. Returns the result on rank 0, None elsewhere.
    """
    result, failure = None, None
    if comm.rank == 0:
        try:
            result = work()
        except ConfigError as exc:
            failure = ("config", exc.lines)
        except Exception as exc:  # reported everywhere, re-raised below
            failure = ("other", f"{type(exc).__name__}: {exc}")
            error = exc
    failure = comm.bcast(failure, root=0)
    if failure is not None:
        kind, detail = failure
        if kind == "config":
            raise ConfigError(detail)
        if comm.rank == 0:
            raise error
        raise RuntimeError(f"rank 0 failed: {detail}")
    return result
