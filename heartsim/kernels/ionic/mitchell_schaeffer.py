"""Mitchell-Schaeffer model (Mitchell & Schaeffer 2003, Bull Math Biol 65:767), scaled to mV, ms.

With the normalised potential u = (v - V_rest) / V_amp and the gate h:

    du/dt = h u^2 (1 - u) / tau_in - u / tau_out
    dh/dt = (1 - h) / tau_open   if u < u_gate
            -h / tau_close        otherwise

u is advanced by forward Euler; h, linear in itself, by Rush-Larsen (exact exponential update for
frozen u): h <- h_inf + (h - h_inf) exp(-dt / tau_h).
Defaults are the paper's (tau in ms).
"""

from __future__ import annotations

import math

from types import ModuleType
from typing import Any, Mapping


class MitchellSchaeffer:
    """Two-variable model; states (v [mV], h [-])."""

    name = "mitchell_schaeffer"
    state_names = ("v", "h")
    parameters = {
        "tau_in": (0.3, "ms", "inward (depolarising) current time constant"),
        "tau_out": (6.0, "ms", "outward (repolarising) current time constant"),
        "tau_open": (120.0, "ms", "gate opening time constant"),
        "tau_close": (150.0, "ms", "gate closing time constant"),
        "u_gate": (0.13, "-", "normalised potential at which the gate switches"),
        "V_rest": (-80.0, "mV", "resting potential (u = 0)"),
        "V_amp": (100.0, "mV", "potential of u = 1 above rest"),
    }

    def initial_state(self, p: Mapping[str, float]) -> tuple[float, ...]:
        return (p["V_rest"], 1.0)

    def step(self, y: Any, dt: float, p: Mapping[str, float], xp: ModuleType) -> None:
        v, h = y[0], y[1]
        u = (v - p["V_rest"]) / p["V_amp"]
        du = h * u * u * (1.0 - u) / p["tau_in"] - u / p["tau_out"]
        opening = u < p["u_gate"]
        h_inf = xp.where(opening, 1.0, 0.0)
        decay = xp.where(opening, math.exp(-dt / p["tau_open"]), math.exp(-dt / p["tau_close"]))
        v += dt * p["V_amp"] * du
        h[...] = h_inf + (h - h_inf) * decay
