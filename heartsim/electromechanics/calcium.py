"""Calcium at the mechanics quadrature points (µM), from EP or from a prescribed transient.

- :class:`EPCalcium`: the monodomain problem runs on its own step (time.dt, 0.01-0.05 ms) up to the
  mechanics time; the cell model's calcium state (TT06 ``Ca_i``, ORd ``cai``, in mM) at the P1 nodes is
  converted to µM and *interpolated* to the quadrature points of the mechanics forms (the P1
  interpolant evaluated at each point). Not conservative: the P1 interpolant of calcium is what EP
  computes, sampled where the tension model lives. EP and mechanics share the run's mesh, or the
  mechanics has its own (``transfer``: :class:`heartsim.fem.NonmatchingInterpolation` from the EP mesh's
  P1 space to the quadrature points of the mechanics mesh, set up once); a point slightly outside the EP
  mesh gets the nearest EP cell's linear extrapolation, clipped at 0 (calcium is non-negative; inside a
  cell the P1 interpolant of non-negative nodal values is already non-negative, so the clip changes
  nothing there).
- :class:`TransientCalcium`: the same transient everywhere, restarting every heart period.
"""

from __future__ import annotations

import math

import numpy as np

from heartsim import fem

#: unit of a cell model's calcium state -> factor to µM
TO_MICROMOLAR = {"mM": 1e3, "uM": 1.0, "µM": 1.0, "nM": 1e-3}


class MissingCalcium(ValueError):
    """The cell model has no calcium state."""


def calcium_row(model) -> tuple[int, float]:
    """(row of the calcium state in the model's state array, factor to µM); MissingCalcium without one."""
    name = getattr(model, "calcium", "") or ""
    if not name:
        raise MissingCalcium(f"{getattr(model, 'name', model)} has no calcium state")
    unit = getattr(getattr(model, "code", None), "STATE_UNITS", {}).get(name, "mM")
    return model.state_names.index(name), TO_MICROMOLAR.get(unit, 1e3)


class EPCalcium:
    """``ep``: a Monodomain; ``target``: a Function on the mechanics quadrature space (filled in µM);
    ``transfer(target, p1)``: how the P1 calcium reaches the points (default: the same mesh)."""

    def __init__(self, ep, target, transfer=None):

        self.ep, self.target = ep, target
        self.transfer = transfer or fem.interpolate_expression
        self.row, self.factor = calcium_row(ep.model)
        self.p1 = fem.function(ep.space, "cai")
        self.ep_time = 0.0  # wall seconds in EP

    def __call__(self, t: float) -> np.ndarray:
        import time

        start = time.perf_counter()
        while self.ep.t < t - 1e-9 * max(1.0, t):
            self.ep.advance()
        self.ep_time += time.perf_counter() - start
        states = self.ep.backend.to_host(self.ep.loop.states)
        self.p1.x.array[:] = self.factor * np.asarray(states[self.row])
        self.transfer(self.target, self.p1)
        return np.maximum(self.target.x.array, 0.0)


class TransientCalcium:
    """cai = rest + (peak - rest) (tau/t_p) exp(1 - tau/t_p), tau = t mod period (µM), at ``n`` points."""

    def __init__(self, cfg, period: float, n: int):
        self.cfg, self.period, self.n = cfg, period, n

    def value(self, t: float) -> float:
        c = self.cfg
        tau = math.fmod(t, self.period)
        return c.rest + (c.peak - c.rest) * (tau / c.time_to_peak) * math.exp(1.0 - tau / c.time_to_peak)

    def __call__(self, t: float) -> np.ndarray:
        return np.full(self.n, self.value(t))
