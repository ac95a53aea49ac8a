"""Outlet boundary models of the 3D flow: zero traction, resistance, RCR Windkessel.

Each outlet gives the pressure P imposed on its cap (pressure Dirichlet condition of the
correction step and traction -P n in the momentum step). Coupling is explicit through the outlet
flow rate: the pressure of step n+1 is the 0D model's pressure for the flow Q^n of the last step,
and after the step the 0D model is advanced with the new flow Q^{n+1} (heartsim.circulation.outlet).
"""

from __future__ import annotations

from heartsim.circulation.outlet import RCROutlet, ResistanceOutlet
from heartsim.config.flow import OutletConfig


class ZeroTraction:
    """P = 0."""

    def pressure(self, flow: float, dt: float) -> float:
        return 0.0

    def advance(self, flow: float, dt: float) -> float:
        return 0.0

    def snapshot(self) -> dict:
        return {}

    def restore(self, data: dict) -> None:
        pass


def outlet_model(cfg: OutletConfig):
    """The 0D model of an outlet (kPa, mm^3/ms, ms units)."""
    if cfg.type == "rcr":
        p0 = cfg.distal_pressure if cfg.initial_pressure is None else cfg.initial_pressure
        return RCROutlet(cfg.proximal_resistance, cfg.compliance, cfg.distal_resistance, cfg.distal_pressure, p0)
    if cfg.type == "resistance":
        return ResistanceOutlet(cfg.resistance, cfg.distal_pressure)
    return ZeroTraction()
