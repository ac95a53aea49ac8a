"""Land 2017 active tension at points, solved implicitly with the mechanics (no DOLFINx here).

Per mechanics step t^n -> t^{n+1} = t^n + dt:

1. ``advance(cai)``: the four slow states (CaTRPN, B, S, W) are advanced pointwise by the tension
   model's own step in ``substeps`` sub-steps, calcium (µM) linear in time between the values at
   t^n and t^{n+1}, the stretch frozen at lambda^n and the zeta states frozen at zeta^n;
2. the mechanics Newton solve sees Ta as a function of the unknown stretch lambda = |F f0|:

       zeta_i(lambda) = (zeta_i^n + A_i (lambda - lambda^n)) / (1 + c_i dt)        (i = s, w; backward Euler)
       Ta(lambda) = h(lambda) Tref/rs [(zeta_s(lambda) + 1) S + zeta_w(lambda) W]
       h(lambda) = max(0, 1 + beta0 (min(lambda, 1.2) + min(lambda, 0.87) - 1.87))

   (``ufl_tension`` builds it, ``tension`` evaluates it on arrays), so the velocity dependence, the
   source of the staggered scheme's instability, is implicit and enters the Newton Jacobian;
3. ``accept(lambda)``: zeta^{n+1} = zeta_i(lambda^{n+1}), lambda^n <- lambda^{n+1}.

Units: kPa, ms, µM. The tension model is ``heartsim.kernels.tension.land2017``.
"""

from __future__ import annotations

import math

import numpy as np

from heartsim.kernels.tension import land2017 as land

#: the slow states' step: the host-compiled C kernel where a C compiler exists, else NumPy ("auto"). The
#: same generated code; at the CT LV's 693,588 points (346,794 a rank, 20 sub-steps of 0.1 ms) 0.19 instead
#: of 0.80 CPU s per mechanics step, the states equal to 1e-16 (docs/electromechanics.md)
KERNEL = "auto"
ZS, ZW = land.STATE_NAMES.index("zeta_s"), land.STATE_NAMES.index("zeta_w")
S_, W_ = land.STATE_NAMES.index("S"), land.STATE_NAMES.index("W")


def zeta_coefficients(params) -> tuple[float, float, float, float]:
    """(A_s, c_s, A_w, c_w) of d zeta_i/dt = A_i dlambda/dt - c_i zeta_i (Land et al. 2017)."""
    c = land.zeta_coefficients(params)
    return float(c["zeta_s"][0]), float(c["zeta_s"][1]), float(c["zeta_w"][0]), float(c["zeta_w"][1])




class PointwiseTension:
    """Tension-model states at ``n`` points (arrays (6, n)) and the implicit zeta/stretch bookkeeping."""

    def __init__(self, params, n: int, dt: float, substeps: int = 10, lmbda0: float = 1.0):
        self.params, self.dt, self.substeps = params, float(dt), int(substeps)
        self.states = land.rest_state(params, n, lmbda0)
        self.lmbda = np.full(n, float(lmbda0))
        self.cai = None  # µM at the last step's end

    def rest_at(self, cai_uM) -> None:
        """Rest (steady) states at the calcium ``cai_uM`` (µM) and the current stretch; zeta = 0."""
        self.cai = np.asarray(cai_uM, dtype=float).copy() * np.ones(self.lmbda.shape)
        self.states = land.rest_state(self.params, self.lmbda.size, self.lmbda, self.cai)

    def advance(self, cai_uM: np.ndarray) -> None:
        """Step 1 (see the module docstring): slow states to t^{n+1}; zeta and lambda frozen."""
        cai_uM = np.asarray(cai_uM, dtype=float)
        start = cai_uM if self.cai is None else self.cai
        zeta = self.states[[ZS, ZW]].copy()
        h = self.dt / self.substeps
        for k in range(self.substeps):
            ca = start + (k + 1) / self.substeps * (cai_uM - start)
            land.step(self.params, self.states, h, ca, self.lmbda, 0.0 * self.lmbda, kernel=KERNEL)
            self.states[[ZS, ZW]] = zeta
        self.cai = cai_uM.copy()

    def zetas(self, lmbda):
        """zeta_s, zeta_w at the new stretch (backward Euler, closed form)."""
        As, cs, Aw, cw = zeta_coefficients(self.params)
        dl = np.asarray(lmbda) - self.lmbda
        return ((self.states[ZS] + As * dl) / (1 + cs * self.dt), (self.states[ZW] + Aw * dl) / (1 + cw * self.dt))

    def tension(self, lmbda) -> np.ndarray:
        """Ta (kPa) at the new stretch ``lmbda`` (step 2 on arrays)."""
        trial = self.states.copy()
        trial[ZS], trial[ZW] = self.zetas(lmbda)
        return land.active_tension(self.params, trial, np.asarray(lmbda, dtype=float))

    def accept(self, lmbda) -> None:
        """Step 3: zeta^{n+1}, lambda^{n+1}."""
        self.states[ZS], self.states[ZW] = self.zetas(lmbda)
        self.lmbda = np.asarray(lmbda, dtype=float).copy()

    def state(self) -> dict[str, np.ndarray]:
        return {"states": self.states.copy(), "lmbda": self.lmbda.copy(),
                "cai": np.zeros(0) if self.cai is None else self.cai.copy()}

    def restore(self, state: dict) -> None:
        self.states[...] = state["states"]
        self.lmbda[...] = state["lmbda"]
        self.cai = None if state["cai"].size == 0 else state["cai"].copy()


def ufl_tension(params, lmbda, S, W, zeta_s, zeta_w, lmbda_old, dt):
    """Ta(lambda) (kPa) as UFL, with S, W, zeta^n, lambda^n given (e.g. quadrature Functions) and ``dt``
    (ms, a float or a Constant): step 2 of the module docstring."""
    import ufl

    As, cs, Aw, cw = zeta_coefficients(params)
    lc = ufl.min_value(lmbda, 1.2)
    h = ufl.max_value(0.0, 1 + params.beta0 * (lc + ufl.min_value(lc, 0.87) - 1.87))
    zs = (zeta_s + As * (lmbda - lmbda_old)) / (1 + cs * dt)
    zw = (zeta_w + Aw * (lmbda - lmbda_old)) / (1 + cw * dt)
    return h * params.Tref / params.rs * ((zs + 1) * ufl.max_value(S, 0.0) + zw * ufl.max_value(W, 0.0))


def substeps_for(dt: float, max_substep: float) -> int:
    """Sub-steps of at most ``max_substep`` ms in a mechanics step ``dt``."""
    return max(1, math.ceil(dt / max_substep - 1e-9))
