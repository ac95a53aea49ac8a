"""Solver failures that end a run, each with one message naming what failed and when.

A run that meets one ends with exit status 1 (``heartsim: failed: ...``) and ``status.json``
``failed`` with the reason; nothing continues on a diverged or non-finite state.
"""

from __future__ import annotations

import numpy as np
from mpi4py import MPI

#: PETSc KSPConvergedReason values below zero, in words
KSP_DIVERGED = {-2: "null space", -3: "iteration limit reached", -4: "residual grew (divergence tolerance)",
                -5: "breakdown", -6: "breakdown in BiCG", -7: "nonsymmetric operator", -8: "indefinite preconditioner",
                -9: "NaN or inf in the solution", -10: "indefinite matrix", -11: "preconditioner setup failed"}


class SolverFailure(RuntimeError):
    """A solve diverged or a field became non-finite; the message names the time or load."""


def ksp_reason(reason: int) -> str:
    """``-9 (NaN or inf in the solution)`` for a KSPConvergedReason."""
    return f"{reason} ({KSP_DIVERGED.get(reason, 'diverged')})"


def at_step(exc: Exception, t_ms: float, step: int) -> SolverFailure:
    """``exc``'s message with the time and step of the failing step appended."""
    return SolverFailure(f"{exc} at t = {t_ms:.6g} ms (step {step})")


def require_finite(comm: MPI.Comm, values: dict[str, np.ndarray], when: str) -> None:
    """SolverFailure naming the fields with NaN or inf values on any rank (collective)."""
    bad = [name for name, array in values.items() if not np.isfinite(array).all()]
    bad = sorted(set().union(*comm.allgather(bad))) if comm.allreduce(len(bad), op=MPI.MAX) else []
    if bad:
        raise SolverFailure(f"NaN or inf in {', '.join(bad)} {when}")
