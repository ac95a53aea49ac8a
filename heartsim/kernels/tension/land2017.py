"""Land et al. 2017 active tension, pure arrays (NumPy or CuPy): parameters, rest state, step, Ta.

Land S, Park-Holohan SJ, Smith NP, dos Remedios CG, Kentish JC, Niederer SA (2017), A model of
cardiac contraction based on novel measurements of tension development in human cardiomyocytes,
J Mol Cell Cardiol 104:83-97. The equations are written once, in the model file
``heartsim/kernels/ionic/models/land_2017.model`` (rendered by the ionic generator to NumPy, host C
and CUDA: ``heartsim/kernels/ionic/generated/land_2017.py``); see that file for the encodings it
was checked against. Units: t in ms, calcium in uM, tension in kPa, rates in 1/ms.

States (rows of a (6, n) array, ``STATE_NAMES``): CaTRPN, B, S, W, zeta_s, zeta_w. Inputs per
node: cytosolic calcium cai (uM), fibre stretch lambda and its rate dlambda/dt (1/ms).

    lambda_c = min(lambda, 1.2)
    cat50    = ca50 + beta1 (lambda_c - 1)
    U        = 1 - B - S - W
    dCaTRPN/dt = kTRPN ((cai / cat50)^nTRPN (1 - CaTRPN) - CaTRPN)
    dB/dt      = kb min(100, CaTRPN^(-nTm/2)) U - ku CaTRPN^(nTm/2) B
    dS/dt      = kws W - ksu S - gamma_su S,   gamma_su = gamma_s * (zeta_s if zeta_s > 0,
                                                          -zeta_s - 1 if zeta_s < -1, else 0)
    dW/dt      = kuw U - kwu W - kws W - gamma_wu W,   gamma_wu = gamma_w |zeta_w|
    dzeta_s/dt = A_s dlambda/dt - c_s zeta_s
    dzeta_w/dt = A_w dlambda/dt - c_w zeta_w

    Ta = h(lambda) (Tref / rs) ((zeta_s + 1) S + zeta_w W)                    [kPa]
    h(lambda) = max(0, 1 + beta0 (lambda_c + min(lambda_c, 0.87) - 1.87))

Derived constants (:meth:`LandParameters.derived`):

    kwu = kuw (1/rw - 1) - kws              ksu = kws rw (1/rs - 1)
    kb  = ku TRPN50^nTm / (1 - rs - (1 - rs) rw)
    A_s = A_w = Aeff rs / ((1 - rs) rw + rs)
    c_s = phi kws (1 - rs) rw / rs          c_w = phi kuw (1 - rw) / rw

**Implicit zeta update for the mechanics** (backward Euler of dzeta/dt over a step dt in which
lambda goes from lambda_old to lambda_new, dlambda/dt = (lambda_new - lambda_old) / dt):

    zeta_new = (zeta_old + A (lambda_new - lambda_old)) / (1 + c dt)

with (A, c) = (A_s, c_s) for zeta_s and (A_w, c_w) for zeta_w (:func:`zeta_coefficients`,
:func:`zeta_backward_euler`). Inside a Newton solve for the displacement, with S and W of the
step held, Ta(lambda_new) = h(lambda_new) (Tref/rs) ((zeta_s_new + 1) S + zeta_w_new W) is then an
explicit function of lambda_new (:func:`active_tension` takes the zetas as optional arguments;
:func:`implicit_tension` gives Ta and its exact derivative dTa/dlambda_new with the update inside).

Presets (``PRESETS``): ``land_2017`` (the paper's human whole-organ values, ku = 1 /ms, nTm = 5)
and ``tor_ord_land`` (ku = 0.04 /ms, nTm = 2.4, as coupled to ToR-ORd by Margara et al. 2021).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping

import numpy as np

from heartsim.kernels.ionic.generated import land_2017 as _code

#: tension states, rows of the state array
STATE_NAMES = ("CaTRPN", "B", "S", "W", "zeta_s", "zeta_w")
#: inputs, in the order the generated kernel holds them after the states
INPUT_NAMES = ("cai", "lmbda", "dlmbda_dt")
#: preset name -> parameter values that differ from the model file's defaults
PRESETS: dict[str, dict[str, float]] = {name: dict(v) for name, v in _code.VARIANTS.items()}
DEFAULT_PRESET = _code.DEFAULT_VARIANT
#: parameter name -> unit
UNITS = {name: spec[1] for name, spec in _code.PARAMETERS.items()}
CITE = _code.CITE
#: lambda above which the length dependence saturates
LAMBDA_CAP = 1.2


class LandParameterError(ValueError):
    """Unknown preset or parameter, or a value out of range; the message names it."""


@dataclass(frozen=True)
class LandParameters:
    """Land 2017 parameters (units: ms, kPa, uM; see ``UNITS``). Build with :meth:`from_preset`."""

    Tref: float
    ca50: float
    nTm: float
    ku: float
    TRPN50: float
    kTRPN: float
    nTRPN: float
    kuw: float
    kws: float
    rw: float
    rs: float
    gamma_s: float
    gamma_w: float
    phi: float
    Aeff: float
    beta0: float
    beta1: float

    @classmethod
    def from_preset(cls, name: str = DEFAULT_PRESET, overrides: Mapping[str, float] | None = None) -> "LandParameters":
        """The preset's values with ``overrides`` (parameter name -> value) applied."""
        if name not in PRESETS:
            raise LandParameterError(f"preset {name!r}: unknown Land 2017 preset (known: {', '.join(PRESETS)})")
        values = {n: float(spec[0]) for n, spec in _code.PARAMETERS.items()}
        values.update(PRESETS[name])
        for key, value in (overrides or {}).items():
            if key not in values:
                raise LandParameterError(f"parameters.{key}: not a Land 2017 parameter (known: {', '.join(values)})")
            try:
                values[key] = float(value)
            except (TypeError, ValueError):
                raise LandParameterError(f"parameters.{key}: expected a number, got {value!r}") from None
        params = cls(**values)
        params.check()
        return params

    def check(self) -> None:
        """Raise LandParameterError naming the first parameter outside its valid range."""
        for name in ("ca50", "nTm", "ku", "TRPN50", "kTRPN", "nTRPN", "kuw", "kws", "phi"):
            if not getattr(self, name) > 0:
                raise LandParameterError(f"parameters.{name}: must be > 0, got {getattr(self, name)}")
        for name in ("Tref", "gamma_s", "gamma_w", "Aeff", "beta0"):
            if not getattr(self, name) >= 0:
                raise LandParameterError(f"parameters.{name}: must be >= 0, got {getattr(self, name)}")
        for name in ("rw", "rs"):
            if not 0 < getattr(self, name) < 1:
                raise LandParameterError(f"parameters.{name}: must lie in (0, 1), got {getattr(self, name)}")
        d = self.derived()
        if not d["kwu"] > 0:
            raise LandParameterError(f"parameters.kws: kwu = kuw (1/rw - 1) - kws must be > 0, got {d['kwu']:.4g}")
        if not 1 - self.rs - (1 - self.rs) * self.rw > 0:
            raise LandParameterError("parameters.rw: 1 - rs - (1 - rs) rw must be > 0")
        if not self.ca50 + self.beta1 * (LAMBDA_CAP - 1) > 0:
            raise LandParameterError("parameters.beta1: ca50 + beta1 (1.2 - 1) must be > 0 (calcium sensitivity)")

    def as_dict(self) -> dict[str, float]:
        """Parameter name -> value, in the generated kernel's order."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def replace(self, **changes: float) -> "LandParameters":
        out = dataclasses.replace(self, **{k: float(v) for k, v in changes.items()})
        out.check()
        return out

    def derived(self) -> dict[str, float]:
        """Derived constants kwu, ksu, kb (1/ms), A_s = A_w (-), c_s, c_w (1/ms); see the module docstring."""
        rs, rw = self.rs, self.rw
        a = self.Aeff * rs / ((1 - rs) * rw + rs)
        return {"kwu": self.kuw * (1 / rw - 1) - self.kws,
                "ksu": self.kws * rw * (1 / rs - 1),
                "kb": self.ku * self.TRPN50 ** self.nTm / (1 - rs - (1 - rs) * rw),
                "A_s": a, "A_w": a,
                "c_s": self.phi * self.kws * (1 - rs) * rw / rs,
                "c_w": self.phi * self.kuw * (1 - rw) / rw}


def _xp(a: Any):
    """The array module of ``a`` (CuPy arrays carry ``__cuda_array_interface__``)."""
    if hasattr(a, "__cuda_array_interface__"):
        import cupy

        return cupy
    return np


def steady_state(params: LandParameters, cai_uM: Any, lmbda: Any = 1.0) -> np.ndarray:
    """States (6, n) in steady state at constant calcium and stretch (zeta = 0), closed form:

    CaTRPN = x / (1 + x), x = (cai / cat50)^nTRPN; with U the unbound fraction,
    B = kb min(100, CaTRPN^(-nTm/2)) U / (ku CaTRPN^(nTm/2)), W = kuw U / (kwu + kws),
    S = kws W / ksu, and U from B + S + W + U = 1. At cai = 0: CaTRPN = 0, B = 1, S = W = U = 0.
    """
    cai, lam = np.broadcast_arrays(np.atleast_1d(np.asarray(cai_uM, dtype=float)), np.asarray(lmbda, dtype=float))
    d = params.derived()
    cat50 = params.ca50 + params.beta1 * (np.minimum(lam, LAMBDA_CAP) - 1)
    x = (cai / cat50) ** params.nTRPN
    ca_trpn = x / (1 + x)
    w_per_u = params.kuw / (d["kwu"] + params.kws)
    s_per_u = params.kws * w_per_u / d["ksu"]
    with np.errstate(divide="ignore"):
        unblock = params.ku * ca_trpn ** (params.nTm / 2)
        block = d["kb"] * np.minimum(100.0, ca_trpn ** (-params.nTm / 2))
    # B / U = block / unblock; written as U = unblock / (unblock (1 + S/U + W/U) + block)
    u = unblock / (unblock * (1 + s_per_u + w_per_u) + block)
    out = np.zeros((len(STATE_NAMES), cai.size))
    out[0], out[2], out[3] = ca_trpn, s_per_u * u, w_per_u * u
    out[1] = 1 - out[2] - out[3] - u
    return out


def rest_state(params: LandParameters, n: int, lmbda: Any = 1.0, cai_uM: Any = 0.0, xp: Any = np) -> Any:
    """States (6, n) at rest: the steady state at ``cai_uM`` (scalar or per node; default 0: no
    calcium, tropomyosin fully blocked) and stretch ``lmbda`` (scalar or per node), zeta = 0
    (:func:`steady_state`); host inputs, result on the array module ``xp``."""
    lam = np.broadcast_to(np.asarray(lmbda, dtype=float), (n,))
    return xp.asarray(steady_state(params, np.broadcast_to(np.asarray(cai_uM, dtype=float), (n,)), lam))


@lru_cache(maxsize=None)
def generated_model(method: str = "rush_larsen", cpu_kernel: str = "numpy"):
    """The generated Land kernel (a GeneratedModel over states + inputs) for a method and CPU kernel."""
    from heartsim.kernels.ionic.generated_model import GeneratedModel

    return GeneratedModel("land_2017", method=method, cpu_kernel=cpu_kernel)


def step(params: LandParameters, states: Any, dt: float, cai_uM: Any, lmbda: Any, dlmbda_dt: Any,
         method: str = "rush_larsen", kernel: str = "numpy") -> None:
    """Advance ``states`` (6, n) in place by ``dt`` ms with the inputs held over the step.

    ``cai_uM`` (uM), ``lmbda`` (-), ``dlmbda_dt`` (1/ms): scalars or arrays of length n. Runs the
    generated code: the fused CUDA kernel for CuPy arrays (inputs then on the device too), the
    host-compiled kernel with ``kernel="native"`` (or "auto" where a C compiler exists), else the
    NumPy array code. ``method``: "rush_larsen" (default: every
    tension state is linear in itself, so this is the exact exponential step of each state with
    the others frozen), "generalised_rush_larsen" (the same here) or "forward_euler".
    """
    xp = _xp(states)
    n = states.shape[1]
    work = xp.empty((len(STATE_NAMES) + len(INPUT_NAMES), n), dtype=states.dtype)
    work[:len(STATE_NAMES)] = states
    for k, value in enumerate((cai_uM, lmbda, dlmbda_dt)):
        work[len(STATE_NAMES) + k] = value
    if kernel == "auto":
        from heartsim.kernels.ionic import native

        kernel = "native" if native.available() else "numpy"
    model = generated_model(method, kernel)
    model.step(work, dt, params.as_dict(), xp)
    states[...] = work[:len(STATE_NAMES)]


def overlap(params: LandParameters, lmbda: Any) -> Any:
    """h(lambda) = max(0, 1 + beta0 (lambda_c + min(lambda_c, 0.87) - 1.87)), lambda_c = min(lambda, 1.2)."""
    xp = _xp(lmbda)
    lam = xp.minimum(xp.asarray(lmbda, dtype=float), LAMBDA_CAP)
    return xp.maximum(0.0, 1 + params.beta0 * (lam + xp.minimum(lam, 0.87) - 1.87))


def active_tension(params: LandParameters, states: Any, lmbda: Any, zeta_s: Any = None, zeta_w: Any = None) -> Any:
    """Ta = h(lambda) (Tref / rs) ((zeta_s + 1) S + zeta_w W), kPa, per node.

    ``zeta_s``/``zeta_w`` replace the states' distortions when given (e.g. the backward-Euler
    values at a trial stretch inside the mechanics' Newton solve)."""
    zs = states[4] if zeta_s is None else zeta_s
    zw = states[5] if zeta_w is None else zeta_w
    return overlap(params, lmbda) * (params.Tref / params.rs) * ((zs + 1) * states[2] + zw * states[3])


def zeta_coefficients(params: LandParameters) -> dict[str, tuple[float, float]]:
    """{"zeta_s": (A_s, c_s), "zeta_w": (A_w, c_w)} of dzeta/dt = A dlambda/dt - c zeta."""
    d = params.derived()
    return {"zeta_s": (d["A_s"], d["c_s"]), "zeta_w": (d["A_w"], d["c_w"])}


def zeta_backward_euler(params: LandParameters, zeta_s_old: Any, zeta_w_old: Any, dlmbda: Any, dt: float):
    """(zeta_s_new, zeta_w_new) = (zeta_old + A dlambda) / (1 + c dt), dlambda = lambda_new - lambda_old."""
    (a_s, c_s), (a_w, c_w) = zeta_coefficients(params).values()
    return (zeta_s_old + a_s * dlmbda) / (1 + c_s * dt), (zeta_w_old + a_w * dlmbda) / (1 + c_w * dt)


def overlap_derivative(params: LandParameters, lmbda: Any) -> Any:
    """dh/dlambda: beta0 (1 + [lambda < 0.87]) where lambda < 1.2 and h > 0, else 0."""
    xp = _xp(lmbda)
    lam = xp.asarray(lmbda, dtype=float)
    slope = params.beta0 * (1.0 + (lam < 0.87))
    return xp.where((lam < LAMBDA_CAP) & (overlap(params, lam) > 0), slope, 0.0)


def implicit_tension(params: LandParameters, S: Any, W: Any, zeta_s_old: Any, zeta_w_old: Any,
                     lmbda_old: Any, lmbda_new: Any, dt: float):
    """(Ta, dTa/dlambda_new, zeta_s_new, zeta_w_new) at a trial stretch ``lmbda_new`` of a step dt.

    The distortions by backward Euler from their values at the start of the step
    (:func:`zeta_backward_euler`), S and W those of the step (held); then
    Ta = h(lambda_new) (Tref/rs) ((zeta_s_new + 1) S + zeta_w_new W) and its exact derivative

        dTa/dlambda = h'(lambda) (Tref/rs) ((zeta_s + 1) S + zeta_w W)
                      + h(lambda) (Tref/rs) (S A_s / (1 + c_s dt) + W A_w / (1 + c_w dt)),

    the consistent tangent for a Newton solve of the mechanics with the zeta update inside it.
    """
    zs, zw = zeta_backward_euler(params, zeta_s_old, zeta_w_old, lmbda_new - lmbda_old, dt)
    (a_s, c_s), (a_w, c_w) = zeta_coefficients(params).values()
    scale = params.Tref / params.rs
    h = overlap(params, lmbda_new)
    body = (zs + 1) * S + zw * W
    ta = h * scale * body
    dta = overlap_derivative(params, lmbda_new) * scale * body + h * scale * (S * a_s / (1 + c_s * dt) + W * a_w / (1 + c_w * dt))
    return ta, dta, zs, zw
