"""0D models from their config sections (``heartsim.config.circulation``), in heartsim units.

``outlet_from_config`` is what a 3D flow runner uses for each entry of ``physics.circulation.outlets``;
``closed_loop_from_config`` builds the closed loop, with chambers optionally replaced by a 3D model
(see :mod:`heartsim.circulation.closed_loop`).
"""

from __future__ import annotations

from heartsim.circulation.closed_loop import VALVES, ChamberParameters, ClosedLoop, Compartment
from heartsim.circulation.inflow import HalfSineInflow, SineInflow
from heartsim.circulation.outlet import RCROutlet, Windkessel2Outlet, Windkessel4Outlet, WindkesselOutlet
from heartsim.circulation.valves import Valve


def outlet_from_config(cfg, scheme: str = "backward_euler", mean_flow: float = 0.0) -> WindkesselOutlet:
    """The outlet of a ``WindkesselConfig``; its initial compliance pressure is ``P_0``, or the steady
    pressure under ``mean_flow`` (mm^3/ms) when P_0 is not given."""
    if cfg.elements == 2:
        outlet = Windkessel2Outlet(cfg.R_d, cfg.C, cfg.P_v, scheme=scheme)
    elif cfg.elements == 3:
        outlet = RCROutlet(cfg.R_p, cfg.C, cfg.R_d, cfg.P_v, scheme=scheme)
    else:
        outlet = Windkessel4Outlet(cfg.R_p, cfg.C, cfg.R_d, cfg.L, cfg.P_v, scheme=scheme)
    state = outlet.model.steady_state(mean_flow)
    if cfg.P_0 is not None:
        state[0] = cfg.P_0
    outlet.history = [state]
    return outlet


def inflow_from_config(cfg):
    """Q(t) of an ``InflowConfig``."""
    if cfg.shape == "sine":
        return SineInflow(cfg.mean, cfg.amplitude, cfg.period)
    return HalfSineInflow(cfg.amplitude, cfg.period, cfg.ejection_time)


def closed_loop_from_config(cfg, chambers: dict | None = None) -> ClosedLoop:
    """The closed loop of a ``ClosedLoopConfig``; ``chambers`` replaces chamber laws by name (e.g.
    ``{"LV": PressureOfVolume(fn)}`` or ``{"LV": ImposedVolume(fn)}`` for a 3D model)."""
    laws = {}
    for name in ("LA", "LV", "RA", "RV"):
        ch = getattr(cfg.chambers, name)
        laws[name] = ChamberParameters(ch.E_act, ch.E_pass, ch.V0, ch.t_contract, ch.T_contract,
                                       ch.T_relax).chamber(cfg.period)
    laws.update(chambers or {})
    valves = {v: Valve(v, getattr(cfg.valves, v).R_min, getattr(cfg.valves, v).R_max) for v in VALVES}
    comps = {name: Compartment(c.R, c.C, c.L) for name, c in cfg.compartments}
    return ClosedLoop(laws, valves, comps)
