"""The interface through which a 3D model drives a 0D model at one boundary.

A 3D flow solver advances an outlet model once per time step: it asks for the pressure that goes
with the flow it is about to impose or has just computed (``pressure``), and commits the step
(``advance``) once the step is accepted. The reverse direction (the 3D model imposes the pressure
and needs the flow) is ``flow`` / ``advance_pressure``; ``resistance(dt)`` = dP/dQ of one step is
what an implicit (monolithic or Robin-type) coupling needs. heartsim units: kPa, mm^3/ms, ms, so
R in kPa ms/mm^3, C in mm^3/kPa and L in kPa ms^2/mm^3.

The outlets are the Windkessel models of :mod:`heartsim.circulation.windkessel`. The default
``scheme="backward_euler"`` (unconditionally stable) gives, for the RCR Windkessel
``P = R_p Q + P_c, C dP_c/dt = Q - (P_c - P_v)/R_d`` over a step of length dt with the step's flow
Q^{n+1}::

    P_c^{n+1} = (P_c^n + dt/C (Q^{n+1} + P_v/R_d)) / (1 + dt/(R_d C))

``scheme="bdf2"`` is the second-order backward differentiation formula (see
:mod:`heartsim.circulation.integrator`); it starts with one backward Euler step.
Every step is linear in Q: P^{n+1} = resistance(dt) Q^{n+1} + P^{n+1}(Q = 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from heartsim.circulation.integrator import BDF, METHODS
from heartsim.circulation.windkessel import LinearWindkessel, windkessel2, windkessel3, windkessel4


class WindkesselOutlet:
    """A Windkessel (2, 3 or 4 elements) at an outlet, stepped with the flow the 3D model imposes.

    ``state`` holds the Windkessel's internal states (kPa; the 4-element one also its inductor
    flow in mm^3/ms); ``pressure``/``flow`` evaluate a step without changing it, ``advance``/
    ``advance_pressure`` commit it.
    """

    def __init__(self, model: LinearWindkessel, state=None, scheme: str = "backward_euler"):
        if scheme not in METHODS:
            raise ValueError(f"unknown scheme {scheme!r} (known: {', '.join(METHODS)})")
        self.model = model
        self.order = METHODS[scheme]
        x0 = np.zeros(model.A.shape[0]) if state is None else np.atleast_1d(np.asarray(state, dtype=float))
        self.history: list[np.ndarray] = [x0.copy()]
        self._dt: float | None = None

    @property
    def state(self) -> np.ndarray:
        return self.history[0]

    def _coefficients(self, dt: float):
        history = self.history if self._dt is not None and abs(dt - self._dt) <= 1e-12 * dt else self.history[:1]
        coeffs, beta = BDF[min(self.order, len(history))]
        base = sum(a * h for a, h in zip(coeffs, history))
        n = self.model.A.shape[0]
        lhs = np.eye(n) - beta * dt * self.model.A
        return history, base, beta * dt, lhs

    def _next_state(self, flow: float, dt: float) -> np.ndarray:
        _, base, bdt, lhs = self._coefficients(dt)
        return np.linalg.solve(lhs, base + bdt * (self.model.B * flow + self.model.e))

    def pressure(self, flow: float, dt: float) -> float:
        """Outlet pressure (kPa) at the end of a step of ``dt`` (ms) with outflow ``flow`` (mm^3/ms); no state change."""
        return self.model.pressure(self._next_state(flow, dt), flow)

    def resistance(self, dt: float) -> float:
        """dP/dQ of a step of ``dt`` (kPa ms/mm^3): the outlet's stiffness seen by an implicit coupling."""
        return self.pressure(1.0, dt) - self.pressure(0.0, dt)

    def flow(self, pressure: float, dt: float) -> float:
        """Outflow (mm^3/ms) that goes with outlet pressure ``pressure`` (kPa) at the end of a step; no state change."""
        p0 = self.pressure(0.0, dt)
        return (pressure - p0) / (self.pressure(1.0, dt) - p0)

    def advance(self, flow: float, dt: float) -> float:
        """Commit the step with outflow ``flow``; returns the outlet pressure (kPa)."""
        history, *_ = self._coefficients(dt)
        x = self._next_state(flow, dt)
        self.history = [x] + history[: self.order - 1]
        self._dt = dt
        return self.model.pressure(x, flow)

    def advance_pressure(self, pressure: float, dt: float) -> float:
        """Commit the step with outlet pressure ``pressure`` imposed; returns the outflow (mm^3/ms)."""
        flow = self.flow(pressure, dt)
        self.advance(flow, dt)
        return flow

    def snapshot(self) -> dict:
        """The state a restart needs (JSON-serialisable, exact: floats round-trip through JSON)."""
        return {"history": [[float(v) for v in h] for h in self.history], "dt": self._dt}

    def restore(self, data: dict) -> None:
        """Continue from a :meth:`snapshot`."""
        self.history = [np.asarray(h, dtype=float) for h in data["history"]]
        self._dt = data["dt"]


class Windkessel2Outlet(WindkesselOutlet):
    """Two-element Windkessel: resistance ``R`` and compliance ``C`` to distal pressure ``P_v``; the state is P."""

    def __init__(self, R: float, C: float, P_v: float = 0.0, P: float = 0.0, scheme: str = "backward_euler"):
        self.R, self.C, self.P_v = R, C, P_v
        super().__init__(windkessel2(R, C, P_v), [P], scheme)


class RCROutlet(WindkesselOutlet):
    """Three-element Windkessel at an outlet: proximal resistance ``R_p`` (kPa ms/mm^3), compliance
    ``C`` (mm^3/kPa), distal resistance ``R_d`` (kPa ms/mm^3), distal (venous) pressure ``P_v`` (kPa)
    and the compliance pressure ``P_c`` (kPa, the state)."""

    def __init__(self, R_p: float, C: float, R_d: float, P_v: float = 0.0, P_c: float = 0.0,
                 scheme: str = "backward_euler"):
        self.R_p, self.C, self.R_d, self.P_v = R_p, C, R_d, P_v
        super().__init__(windkessel3(R_p, C, R_d, P_v), [P_c], scheme)

    @property
    def P_c(self) -> float:
        return float(self.history[0][0])


class Windkessel4Outlet(WindkesselOutlet):
    """Four-element Windkessel (inertance ``L`` parallel to ``R_p``, then ``C`` and ``R_d``); states P_c, Q_L."""

    def __init__(self, R_p: float, C: float, R_d: float, L: float, P_v: float = 0.0, P_c: float = 0.0,
                 Q_L: float = 0.0, scheme: str = "backward_euler"):
        self.R_p, self.C, self.R_d, self.L, self.P_v = R_p, C, R_d, L, P_v
        super().__init__(windkessel4(R_p, C, R_d, L, P_v), [P_c, Q_L], scheme)

    @property
    def P_c(self) -> float:
        return float(self.history[0][0])


@dataclass
class ResistanceOutlet:
    """A pure resistance ``R`` (kPa ms/mm^3) to a distal pressure ``P_v`` (kPa): P = P_v + R Q."""

    R: float
    P_v: float = 0.0

    def pressure(self, flow: float, dt: float) -> float:
        return self.P_v + self.R * flow

    def resistance(self, dt: float) -> float:
        return self.R

    def flow(self, pressure: float, dt: float) -> float:
        return (pressure - self.P_v) / self.R

    def advance(self, flow: float, dt: float) -> float:
        return self.pressure(flow, dt)

    def advance_pressure(self, pressure: float, dt: float) -> float:
        return self.flow(pressure, dt)

    def snapshot(self) -> dict:
        """No state (a resistance has no memory)."""
        return {}

    def restore(self, data: dict) -> None:
        pass
