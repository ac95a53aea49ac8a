"""The interface through which a 3D model drives a 0D model at one boundary.

A 3D flow solver advances an outlet model once per time step: it asks for the pressure that goes
with the flow it is about to impose or has just computed (``pressure``), and commits the step
(``advance``) once the step is accepted. heartsim units: kPa, mm^3/ms, ms, so R in kPa ms/mm^3
and C in mm^3/kPa.

RCR Windkessel (three elements) at an outlet with flow ``Q`` (leaving the 3D domain)::

    P = R_p Q + P_c,     C dP_c/dt = Q - (P_c - P_v) / R_d

discretised implicitly (backward Euler, unconditionally stable), so that over a step of length dt
with the step's flow Q^{n+1}::

    P_c^{n+1} = (P_c^n + dt/C (Q^{n+1} + P_v/R_d)) / (1 + dt/(R_d C))
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class RCROutlet:
    """Three-element Windkessel at an outlet: proximal resistance ``R_p`` (kPa ms/mm^3), compliance
    ``C`` (mm^3/kPa), distal resistance ``R_d`` (kPa ms/mm^3), distal (venous) pressure ``P_v`` (kPa)
    and the compliance pressure ``P_c`` (kPa, the state)."""

    R_p: float
    C: float
    R_d: float
    P_v: float = 0.0
    P_c: float = 0.0

    def _next_pc(self, flow: float, dt: float) -> float:
        return (self.P_c + dt / self.C * (flow + self.P_v / self.R_d)) / (1.0 + dt / (self.R_d * self.C))

    def pressure(self, flow: float, dt: float) -> float:
        """Outlet pressure (kPa) at the end of a step of ``dt`` (ms) with outflow ``flow`` (mm^3/ms); no state change."""
        return self.R_p * flow + self._next_pc(flow, dt)

    def advance(self, flow: float, dt: float) -> float:
        """Commit the step; returns the outlet pressure (kPa)."""
        self.P_c = self._next_pc(flow, dt)
        return self.R_p * flow + self.P_c


@dataclass
class ResistanceOutlet:
    """A pure resistance ``R`` (kPa ms/mm^3) to a distal pressure ``P_v`` (kPa): P = P_v + R Q."""

    R: float
    P_v: float = 0.0

    def pressure(self, flow: float, dt: float) -> float:
        return self.P_v + self.R * flow

    def advance(self, flow: float, dt: float) -> float:
        return self.pressure(flow, dt)
