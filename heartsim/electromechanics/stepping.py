"""Adaptive mechanics time step of the coupled beat: integer multiples of the base step, set by a
predictor-corrector estimate of the local error of the cavity volumes and pressures.

The coupled step is backward Euler (first order) in the 0D model, the Land zeta states and the
quasi-static mechanics: its local error over a step h is e ≈ (h²/2) x'' for x = V (mm³) and p (kPa)
of each chamber. Before the step, the linear extrapolation of the last two accepted states

    x_pred = x^n + (h / h_prev) (x^n - x^{n-1})

is what a step would give without curvature; after it, the difference to the converged x^{n+1}

    d = x^{n+1} - x_pred ≈ (h (h + h_prev) / 2) x''

is of the order of (and, for h = h_prev, twice) the local error of the step. The step's error measure is

    err = max over chambers of max(|d_V| / tol_V, |d_p| / tol_p)

(``volume_tolerance`` mm³, ``pressure_tolerance`` kPa), and the next step is

    k_new = clip(floor(k · min(2, 0.9 · err^(-1/2))), 1, k_max)          (h = k · dt_base)

(the exponent 1/2: d grows as h²). Steps are whole multiples of the base step (the EP step tiles every
mechanics step, and a run can always return to the fixed-step grid). A step is never rejected (the
EP model cannot be stepped back; an error above the tolerance only shrinks the next step), so the
controller is kept conservative elsewhere:

- the base step (k = 1) from each beat start t = i · period (the stimulus trains of the shipped configs
  start there) for ``hold`` ms: activation, the upstroke of calcium and tension, isovolumic contraction
  and the start of ejection, where the state changes fastest and a big step would jump the onset of
  contraction before the estimate can see it;
- the base step after a step whose phase (filling / isovolumic contraction / ejection / isovolumic
  relaxation) differs from the last one's (a valve opened or closed: x' jumps, the extrapolation across
  it is meaningless), after a step that took more than ``newton_limit`` Newton iterations, and after a
  step handed to the fallback (the pressure iteration);
- no step across an output time (a multiple of ``output_interval``), a beat start or the end time:
  k is cut to land on the first of them;
- no step across a predicted valve event: each valve margin m that is positive and falling at the rate ṁ
  of the last two steps reaches 0 after t_c = -m / ṁ, and k is cut to floor(t_c / dt) (at least 1), so
  the steps shrink towards the event and the step that crosses it is the base step. The margins of a
  chamber c are p_c - p_in and p_out - p_c (kPa; p_in, p_out the atrial and arterial pressures of the
  0D loop: positive while the inflow resp. outflow valve is closed, 0 where it opens) and the flows
  through its inflow and outflow valves (mL/s: positive while the valve is open, 0 where it closes).

Pure Python: no DOLFINx, no MPI (every rank computes the same k from the same replicated volumes and
pressures). :meth:`StepController.state` / :meth:`set_state` carry everything into a checkpoint, so a
restarted run takes the same steps. Units: ms, mm³, kPa.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

#: the controller's safety factor on the step estimate and the largest growth of k per step
SAFETY, GROWTH = 0.9, 2.0


def _phases(phase) -> tuple:
    """A chamber's phase (str) or several (a sequence) as a tuple of str (JSON gives lists)."""
    return (phase,) if isinstance(phase, str) else tuple(str(x) for x in phase)


@dataclass
class StepController:
    """``dt`` the base step (ms), ``k_max`` the largest multiple, ``period`` the beat (ms), ``every`` the
    output interval (ms), ``volume_tolerance`` (mm³), ``pressure_tolerance`` (kPa), ``hold`` (ms) and
    ``newton_limit`` as in the module docstring."""

    dt: float
    k_max: int
    period: float
    every: float
    volume_tolerance: float
    pressure_tolerance: float
    hold: float
    newton_limit: int
    k: int = 1
    #: (t, V (per chamber), p (per chamber), valve margins) of the last two accepted states, oldest first
    history: list = field(default_factory=list)
    phase: object = None
    last_error: float = float("nan")

    def _ticks(self, t: float) -> int:
        return int(round(t / self.dt))

    def next_steps(self, t: float, end: float) -> int:
        """The multiple k of the base step for the step from ``t`` (ms): the controller's k, 1 inside a
        hold window, cut to land on the next output time, beat start or ``end``."""
        n = self._ticks(t)
        if self.hold > 0 and (t - self.period * math.floor(t / self.period + 1e-9)) < self.hold - 1e-9:
            self.k = 1  # and grow again from 1 after the window
        k = self.k
        limits = [self._ticks(end) - n]
        if len(self.history) == 2:
            (t0, *_, m0), (t1, *_, m1) = self.history
            rate = (m1 - m0) / (t1 - t0)
            closing = (m1 > 0) & (rate < 0)
            if np.any(closing):
                limits.append(max(1, int(math.floor(float(np.min(-m1[closing] / rate[closing])) / self.dt))))
        for interval in (self.every, self.period):
            m = max(1, self._ticks(interval))
            limits.append(m - n % m)
        return max(1, min([k, *limits]))

    def accept(self, t: float, volumes, pressures, phase, newton_iterations: int, fallback: bool,
               margins=()) -> float:
        """Record the accepted state at ``t`` (ms; volumes mm³, pressures kPa per chamber, the valve ``margins``
        (kPa) of the module docstring) and set the next k; returns the error measure ``err`` of this step (nan
        without two earlier states)."""
        v, p = np.atleast_1d(np.asarray(volumes, dtype=float)), np.atleast_1d(np.asarray(pressures, dtype=float))
        phase = _phases(phase)
        err = float("nan")
        if len(self.history) == 2:
            (t0, v0, p0, _), (t1, v1, p1, _) = self.history
            r = (t - t1) / (t1 - t0)
            dv, dp = v - (v1 + r * (v1 - v0)), p - (p1 + r * (p1 - p0))
            err = float(max(np.max(np.abs(dv)) / self.volume_tolerance, np.max(np.abs(dp)) / self.pressure_tolerance))
        reset = (fallback or newton_iterations > self.newton_limit or
                 (self.phase is not None and phase != self.phase))
        if reset:
            self.k = 1
        elif np.isfinite(err):
            factor = GROWTH if err <= 0 else min(GROWTH, SAFETY / math.sqrt(err))
            self.k = max(1, min(self.k_max, int(math.floor(self.k * factor + 1e-9))))
        self.phase = phase
        self.history = (self.history + [(float(t), v, p, np.asarray(margins, dtype=float).reshape(-1))])[-2:]
        self.last_error = err
        return err

    def state(self) -> dict:
        """JSON-able controller state (for a checkpoint)."""
        return {"k": self.k, "phase": None if self.phase is None else list(self.phase),
                "last_error": self.last_error if np.isfinite(self.last_error) else None,
                "history": [[t, v.tolist(), p.tolist(), m.tolist()] for t, v, p, m in self.history]}

    def set_state(self, state: dict) -> None:
        self.k, self.phase = int(state["k"]), None if state["phase"] is None else _phases(state["phase"])
        self.last_error = float("nan") if state["last_error"] is None else float(state["last_error"])
        self.history = [(float(t), *(np.asarray(x, dtype=float) for x in rest)) for t, *rest in state["history"]]
