"""Aliev-Panfilov model (Aliev & Panfilov 1996, Chaos Solitons Fractals 7:293), scaled to mV and ms.

Dimensionless variables u (excitation) and w (recovery), with time scale T (ms) and potential
v = V_rest + V_amp * u (mV):

    du/dt = [k u (1 - u)(u - a) - u w] / T
    dw/dt = [eps + mu1 w / (mu2 + u)] (-w - k u (u - a - 1)) / T

T = 12.9 ms follows Nash & Panfilov 2004 (Prog Biophys Mol Biol 85:501). Both states are advanced
by forward Euler.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, Mapping


class AlievPanfilov:
    """Two-variable phenomenological model; states (v [mV], w [-])."""

    name = "aliev_panfilov"
    state_names = ("v", "w")
    parameters = {
        "k": (8.0, "-", "excitation rate constant"),
        "a": (0.15, "-", "excitation threshold (dimensionless)"),
        "eps": (0.002, "-", "recovery rate at rest"),
        "mu1": (0.2, "-", "recovery rate parameter mu1"),
        "mu2": (0.3, "-", "recovery rate parameter mu2"),
        "T": (12.9, "ms", "time scale: 1 model time unit in ms"),
        "V_rest": (-80.0, "mV", "resting potential (u = 0)"),
        "V_amp": (100.0, "mV", "potential of u = 1 above rest"),
    }

    def initial_state(self, p: Mapping[str, float]) -> tuple[float, ...]:
        return (p["V_rest"], 0.0)

    def step(self, y: Any, dt: float, p: Mapping[str, float], xp: ModuleType) -> None:
        v, w = y[0], y[1]
        u = (v - p["V_rest"]) / p["V_amp"]
        k, a = p["k"], p["a"]
        du = (k * u * (1.0 - u) * (u - a) - u * w) / p["T"]
        dw = (p["eps"] + p["mu1"] * w / (p["mu2"] + u)) * (-w - k * u * (u - a - 1.0)) / p["T"]
        v += dt * p["V_amp"] * du
        w += dt * dw
