"""Independent reference integration of the Land et al. 2017 tension model (SciPy, tight tolerances).

Written directly from the published equations (Land et al. 2017, J Mol Cell Cardiol 104:83), as a
plain scalar right-hand side, without the model file, the code generator or the generated kernels
of ``heartsim.kernels.tension`` (so a mistake there cannot cancel here), and integrated with
``scipy.integrate.solve_ivp`` (Radau, rtol 1e-10) with the calcium and stretch given as functions of
time. Used by ``tests/kernels/test_land2017_twitch.py`` and ``scripts/verify_land2017.py``.

Also: the analytic calcium transient of Rice et al. 2008 (Biophys J 95:2368), the form the gotran
encoding of Land 2017 uses to drive an isometric twitch,

    cai(t) = ca_dia + (ca_amp - ca_dia) (exp(-(t - t0)/tau1) - exp(-(t - t0)/tau2)) / beta   (t > t0)

with beta the value of exp(-s/tau1) - exp(-s/tau2) at its extremum, so that max cai = ca_amp.
"""

from __future__ import annotations

import math
from typing import Callable, Mapping

import numpy as np

#: the paper's human whole-organ values (units ms, kPa, uM), written out here on their own
PUBLISHED = {"Tref": 120.0, "ca50": 0.805, "nTm": 5.0, "ku": 1.0, "TRPN50": 0.35, "kTRPN": 0.1,
             "nTRPN": 2.0, "kuw": 0.182, "kws": 0.012, "rw": 0.5, "rs": 0.25, "gamma_s": 0.0085,
             "gamma_w": 0.615, "phi": 2.23, "Aeff": 25.0, "beta0": 2.3, "beta1": -2.4}


def rice_transient(t: float, ca_dia: float = 0.09, ca_amp: float = 1.45, t0: float = 5.0,
                   tau1: float = 20.0, tau2: float = 110.0) -> float:
    """Calcium (uM) of the Rice et al. 2008 analytic transient at time t (ms)."""
    if t <= t0:
        return ca_dia
    s_peak = math.log(tau2 / tau1) * tau1 * tau2 / (tau2 - tau1)  # d/ds (e^-s/tau1 - e^-s/tau2) = 0
    beta = math.exp(-s_peak / tau1) - math.exp(-s_peak / tau2)
    s = t - t0
    return ca_dia + (ca_amp - ca_dia) * (math.exp(-s / tau1) - math.exp(-s / tau2)) / beta


def rhs(p: Mapping[str, float], y, cai: float, lam: float, dlam: float) -> list[float]:
    """d/dt of (CaTRPN, B, S, W, zeta_s, zeta_w) at calcium cai (uM), stretch lam, rate dlam (1/ms)."""
    ca_trpn, b, s, w, zs, zw = y
    rs, rw = p["rs"], p["rw"]
    k_wu = p["kuw"] * (1.0 / rw - 1.0) - p["kws"]
    k_su = p["kws"] * rw * (1.0 / rs - 1.0)
    k_b = p["ku"] * p["TRPN50"] ** p["nTm"] / (1.0 - rs - (1.0 - rs) * rw)
    a = p["Aeff"] * rs / ((1.0 - rs) * rw + rs)
    c_s = p["phi"] * p["kws"] * (1.0 - rs) * rw / rs
    c_w = p["phi"] * p["kuw"] * (1.0 - rw) / rw
    ca50 = p["ca50"] + p["beta1"] * (min(lam, 1.2) - 1.0)
    u = 1.0 - b - s - w
    if zs > 0.0:
        g_s = p["gamma_s"] * zs
    elif zs < -1.0:
        g_s = p["gamma_s"] * (-zs - 1.0)
    else:
        g_s = 0.0
    g_w = p["gamma_w"] * abs(zw)
    c = max(ca_trpn, 0.0)
    blocking = 100.0 if c == 0.0 else min(100.0, c ** (-p["nTm"] / 2.0))
    return [
        p["kTRPN"] * ((cai / ca50) ** p["nTRPN"] * (1.0 - ca_trpn) - ca_trpn),
        k_b * blocking * u - p["ku"] * c ** (p["nTm"] / 2.0) * b,
        p["kws"] * w - k_su * s - g_s * s,
        p["kuw"] * u - k_wu * w - p["kws"] * w - g_w * w,
        a * dlam - c_s * zs,
        a * dlam - c_w * zw,
    ]


def tension(p: Mapping[str, float], y, lam: float) -> float:
    """Ta (kPa) = h(lambda) Tref / rs ((zeta_s + 1) S + zeta_w W)."""
    lc = min(lam, 1.2)
    h = max(0.0, 1.0 + p["beta0"] * (lc + min(lc, 0.87) - 1.87))
    return h * p["Tref"] / p["rs"] * ((y[4] + 1.0) * y[2] + y[5] * y[3])


def integrate(p: Mapping[str, float], y0, t_eval: np.ndarray, cai: Callable[[float], float],
              lam: Callable[[float], float] = lambda t: 1.0, dlam: Callable[[float], float] = lambda t: 0.0,
              rtol: float = 1e-10, atol: float = 1e-12, max_step: float = 1.0):
    """States (6, len(t_eval)) from y0 at t_eval[0] (Radau); ``max_step`` keeps the solver from
    stepping over the onset of a transient."""
    from scipy.integrate import solve_ivp

    sol = solve_ivp(lambda t, y: rhs(p, y, cai(t), lam(t), dlam(t)), (t_eval[0], t_eval[-1]), list(y0),
                    method="Radau", t_eval=t_eval, rtol=rtol, atol=atol, max_step=max_step)
    if not sol.success:
        raise RuntimeError(f"reference integration failed: {sol.message}")
    return sol.y


def diastolic_state(p: Mapping[str, float], cai: float, lam: float, settle_ms: float = 5000.0):
    """State at rest under constant calcium: integrated from the calcium-free state (B = 1) for
    ``settle_ms`` (independent of the closed-form steady state in ``land2017.steady_state``)."""
    y = integrate(p, [0.0, 1.0, 0.0, 0.0, 0.0, 0.0], np.array([0.0, settle_ms]), lambda t: cai,
                  lambda t: lam, max_step=50.0)
    return y[:, -1]


def isometric_twitch(p: Mapping[str, float], lam: float, t: np.ndarray, cai: Callable[[float], float]):
    """(Ta at t, states at t) of an isometric twitch at stretch ``lam`` from the diastolic state."""
    y0 = diastolic_state(p, cai(t[0]), lam)
    y = integrate(p, y0, t, cai, lambda s: lam)
    return np.array([tension(p, y[:, k], lam) for k in range(y.shape[1])]), y
