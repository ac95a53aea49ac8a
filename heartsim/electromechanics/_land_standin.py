"""TEMPORARY stand-in for ``heartsim.kernels.tension.land2017`` (helper "land" writes the real one);
deleted once it is on main. Same API, equations of Land et al. 2017 as recalled, NumPy forward Euler."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

STATE_NAMES = ("CaTRPN", "B", "S", "W", "zeta_s", "zeta_w")


@dataclass(frozen=True)
class LandParameters:
    Tref: float = 120.0
    ca50: float = 0.805
    nTm: float = 5.0
    ku: float = 1.0
    TRPN50: float = 0.35
    kTRPN: float = 0.1
    nTRPN: float = 2.0
    kuw: float = 0.182
    kws: float = 0.012
    rw: float = 0.5
    rs: float = 0.25
    gamma_s: float = 0.0085
    gamma_w: float = 0.615
    phi: float = 2.23
    Aeff: float = 25.0
    beta0: float = 2.3
    beta1: float = -2.4

    @classmethod
    def from_preset(cls, name: str = "land2017", overrides=None):
        base = cls() if name != "tor_ord_land" else cls(ku=0.04, nTm=2.4)
        return replace(base, **dict(overrides or {}))

    @property
    def As(self):
        return self.Aeff * self.rs / ((1 - self.rs) * self.rw + self.rs)

    @property
    def Aw(self):
        return self.As

    @property
    def cs(self):
        return self.phi * self.kws * (1 - self.rs) * self.rw / self.rs

    @property
    def cw(self):
        return self.phi * self.kuw * (1 - self.rs) * (1 - self.rw) / ((1 - self.rs) * self.rw)


def rest_state(params, n, lmbda=1.0):
    y = np.zeros((6, n))
    y[0], y[1] = 1e-4, 1.0
    return y


def _h(params, lmbda):
    lc = np.minimum(lmbda, 1.2)
    return np.maximum(0.0, 1 + params.beta0 * (lc + np.minimum(lc, 0.87) - 1.87))


def step(params, states, dt, cai_uM, lmbda, dlmbda_dt):
    p = params
    ca, B, S, W, zs, zw = states
    lc = np.minimum(lmbda, 1.2)
    kwu = p.kuw * (1 / p.rw - 1) - p.kws
    ksu = p.kws * p.rw * (1 / p.rs - 1)
    kb = p.ku * p.TRPN50 ** p.nTm / (1 - p.rs - (1 - p.rs) * p.rw)
    Sp, Wp = np.maximum(S, 0), np.maximum(W, 0)
    U = 1 - B - Sp - Wp
    gw = p.gamma_w * np.abs(zw)
    gs = p.gamma_s * np.where(zs > 0, zs, np.where(zs < -1, -zs - 1, 0.0))
    dS = p.kws * Wp - ksu * Sp - gs * Sp
    dW = p.kuw * U - kwu * Wp - p.kws * Wp - gw * Wp
    cat50 = p.ca50 + p.beta1 * (lc - 1)
    dca = p.kTRPN * ((cai_uM / cat50) ** p.nTRPN * (1 - ca) - ca)
    dB = kb * np.minimum(100, np.maximum(ca, 1e-12) ** (-p.nTm / 2)) * U - p.ku * np.maximum(ca, 0) ** (p.nTm / 2) * B
    states[0] += dt * dca
    states[1] += dt * dB
    states[2] += dt * dS
    states[3] += dt * dW
    states[4] = (zs + p.As * dlmbda_dt * dt) / (1 + p.cs * dt)
    states[5] = (zw + p.Aw * dlmbda_dt * dt) / (1 + p.cw * dt)


def active_tension(params, states, lmbda):
    p = params
    S, W = np.maximum(states[2], 0), np.maximum(states[3], 0)
    return _h(p, lmbda) * p.Tref / p.rs * ((states[4] + 1) * S + states[5] * W)
