"""Operator splitting of dv/dt = R(v, t) + D(v) into a reaction (ODE) and a diffusion (PDE) part.

Godunov (first order):  R over [t, t+dt], then D over dt.
Strang (second order):  R over [t, t+dt/2], D over dt, R over [t+dt/2, t+dt].
"""

from __future__ import annotations

from typing import Callable

Reaction = Callable[[float, float], None]  # (start time, duration) -> advances in place
Diffusion = Callable[[], None]  # advances by the fixed dt in place


def split_step(reaction: Reaction, diffusion: Diffusion, t: float, dt: float, scheme: str) -> None:
    """Advance from t to t + dt with ``scheme`` in {"godunov", "strang"}."""
    if scheme == "godunov":
        reaction(t, dt)
        diffusion()
    elif scheme == "strang":
        reaction(t, 0.5 * dt)
        diffusion()
        reaction(t + 0.5 * dt, 0.5 * dt)
    else:
        raise ValueError(f"unknown splitting scheme {scheme!r}")
