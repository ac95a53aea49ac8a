"""3D cavities as chambers of the closed-loop circulation (3D-0D coupling), one or several at once.

The 0D model (:class:`~heartsim.circulation.standalone.ClosedLoopRun`) keeps its valves, phases and
compartments; each chamber named in ``chambers`` (LV, RV, or both of a biventricular mesh) gets its
pressure p_i from the 3D model (``PressureOfVolume`` returning p_i, dp/dV = 0). One coupled step
t^n -> t^{n+1} solves, for the pressure vector p = (p_1, ..., p_m),

    r(p) = V_3D(p) - V_0D(p) = 0                                   (m equations),

V_3D(p): the cavity volumes of the converged mechanics solve with cavity pressures p (tension at
t^{n+1}); V_0D(p): the chamber volumes after the 0D step with p imposed, V^n + dt (Q_in(p) - Q_out(p))
(BDF), by Newton's method on p with the m x m Jacobian

    J = C_3D - dV_0D/dp,        p <- p - J^{-1} r,

dV_0D/dp by finite differences of the cheap 0D step (one trial per chamber), the 3D compliance matrix
C_3D = dV_3D/dp (mm³/kPa; off-diagonal: the septum couples the LV and RV volumes) probed at the first
step by raising one pressure after the other by 0.05 kPa (m extra 3D solves, each column a forward
difference along that path) and then updated by the secant (Broyden's "good" update
C += (dV - C dp) dp^T / (dp^T dp)) after every 3D solve; for one chamber that is the plain secant
dV/dp. The update is skipped when it would make a diagonal entry (a chamber's own compliance)
non-positive. C_3D is kept between steps. The predictor of a step is the last step's pressure. In the
isovolumic phases dV_0D/dp = -dt/R_max ~ 0 and the iteration finds the pressures that keep the
volumes; in ejection and filling the valve conductance dominates. Converged when
|r_i| <= ``tol`` (mm³) for every chamber. Units: kPa, mm³, ms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from heartsim.circulation.closed_loop import CHAMBERS, PressureOfVolume
from heartsim.circulation.standalone import ClosedLoopRun

#: pressure step (kPa) of the first probe of the 3D compliance
PROBE_KPA = 0.05


class CoupledStepFailure(RuntimeError):
    """The coupled 3D-0D step did not converge (``t``: the time it was advancing to, ms)."""

    def __init__(self, t: float, detail: str):
        self.t = t
        super().__init__(f"coupled step to t = {t:.6g} ms did not converge: {detail}")


@dataclass
class StepInfo:
    """What one coupled step took (``pressure``, ``volume``: the first chamber's; ``pressures``,
    ``volumes``, ``residuals``: every chamber's, by name)."""

    iterations: int  # pressure iterations (3D solves)
    newton_iterations: int
    residual: float  # max over the chambers of |V_3D - V_0D| (mm³)
    pressure: float  # kPa
    volume: float  # mm³
    pressures: dict = field(default_factory=dict)
    volumes: dict = field(default_factory=dict)
    residuals: dict = field(default_factory=dict)
    factorisations: int | None = None  # Jacobians built (LU factorisations) by the monolithic step; None: not counted


def _solve(jacobian: np.ndarray, r: np.ndarray) -> np.ndarray:
    """J^{-1} r (for one chamber the plain division, bit for bit the scalar Newton step)."""
    if r.size == 1:
        return r / jacobian[0]
    return np.linalg.solve(jacobian, r)


def _secant(compliance: np.ndarray, dp: np.ndarray, dv: np.ndarray) -> np.ndarray:
    """The compliance after the secant (Broyden) update with the pressure and volume changes dp, dv, or the
    unchanged one when the step is too small or the update would not keep every chamber's own compliance
    positive."""
    if dp.size == 1:
        if abs(dp[0]) > 1e-9 and abs(dv[0]) > 1e-9:
            c = dv[0] / dp[0]
            if np.isfinite(c) and c > 0:
                return np.array([[c]])
        return compliance
    norm2 = float(dp @ dp)
    if norm2 <= 1e-18:
        return compliance
    updated = compliance + np.outer(dv - compliance @ dp, dp) / norm2
    if np.all(np.isfinite(updated)) and np.all(np.diag(updated) > 0):
        return updated
    return compliance


class ChamberCoupling:
    """The closed loop of ``circulation_cfg`` (a CirculationConfig) with the chambers ``chambers`` (a name,
    e.g. ``"LV"``, or several, e.g. ``("LV", "RV")``) given by a 3D model."""

    def __init__(self, circulation_cfg, chambers: str | Sequence[str] = "LV", tol: float = 1.0,
                 max_iterations: int = 20):
        names = (chambers,) if isinstance(chambers, str) else tuple(chambers)
        for name in names:
            if name not in CHAMBERS:
                raise ValueError(f"chamber {name!r} is not one of {', '.join(CHAMBERS)}")
        if not names or len(set(names)) != len(names):
            raise ValueError(f"chambers {names!r}: give each chamber once")
        self.chambers, self.tol, self.max_iterations = names, tol, max_iterations
        self.chamber = names[0]
        self.p = np.zeros(len(names))  # the pressures the 0D model sees (kPa)
        laws = {name: PressureOfVolume(lambda V, t, i=i: (float(self.p[i]), 0.0)) for i, name in enumerate(names)}
        self.loop = ClosedLoopRun(circulation_cfg, chambers=laws)
        self.indices = [CHAMBERS.index(name) for name in names]
        self.compliance: np.ndarray | None = None  # dV_3D/dp (mm³/kPa), m x m, secant estimate

    @property
    def t(self) -> float:
        return self.loop.t

    def start(self, volume, pressure) -> None:
        """Make the 0D chamber volumes the 3D ones (after the preload) at the 3D pressures (one value per
        chamber, or a scalar for all)."""
        n = len(self.chambers)
        self.p = np.broadcast_to(np.asarray(pressure, dtype=float), (n,)).copy()
        volumes = np.broadcast_to(np.asarray(volume, dtype=float), (n,))
        for y in self.loop.trajectory.history:
            y[self.indices] = volumes

    def volume_0d(self, p, dt: float) -> np.ndarray:
        """Chamber volumes after a 0D step of ``dt`` with the chamber pressures ``p`` (nothing committed)."""
        self.p = np.array(np.broadcast_to(np.asarray(p, dtype=float), (len(self.chambers),)))
        out = self.loop.trial(dt)
        return np.array([out[f"V_{name}"] for name in self.chambers])

    def volume_0d_jacobian(self, p, dt: float) -> tuple[np.ndarray, np.ndarray]:
        """(V_0D(p), dV_0D/dp (mm³/kPa, m x m, forward differences, step 1e-4 max(1, |p_j|) kPa)) of the trial
        0D step of ``dt`` (nothing committed)."""
        p = np.asarray(p, dtype=float)
        n = len(self.chambers)
        base = self.volume_0d(p, dt)
        dv0 = np.empty((n, n))
        for j in range(n):
            h = 1e-4 * max(1.0, abs(p[j]))
            shifted = p.copy()
            shifted[j] += h
            dv0[:, j] = (self.volume_0d(shifted, dt) - base) / h
        return base, dv0

    def commit(self, p, dt: float) -> None:
        """Take the 0D step of ``dt`` with the converged chamber pressures ``p`` (kPa)."""
        self.p = np.array(np.broadcast_to(np.asarray(p, dtype=float), (len(self.chambers),)))
        self.loop.step(dt)

    def step(self, dt: float, solve3d: Callable) -> StepInfo:
        """One coupled step; ``solve3d(p)`` -> (converged, V_3D, Newton iterations, detail), with p and V_3D a
        float for one chamber and arrays (in the order of ``chambers``) for several. Commits the 0D step on
        success; raises :class:`CoupledStepFailure` otherwise (the 0D state unchanged)."""
        t_new = self.t + dt
        n = len(self.chambers)
        p = self.p.copy()  # the last step's pressures
        newton = 0

        def r_and_v(p):
            nonlocal newton
            ok, v3d, its, detail = solve3d(float(p[0]) if n == 1 else p.copy())
            newton += its
            if not ok:
                at = ", ".join(f"p_{c} = {x:.5g}" for c, x in zip(self.chambers, p))
                raise CoupledStepFailure(t_new, f"mechanics at {at} kPa: {detail}")
            v3d = np.atleast_1d(np.asarray(v3d, dtype=float))
            return v3d - self.volume_0d(p, dt), v3d

        r, v = r_and_v(p)
        if self.compliance is None:  # probe the 3D compliance once, one chamber after the other
            self.compliance = np.zeros((n, n))
            for j in range(n):
                p = p.copy()
                p[j] += PROBE_KPA
                r2, v2 = r_and_v(p)
                self.compliance[:, j] = (v2 - v) / PROBE_KPA
                self.compliance[j, j] = max(self.compliance[j, j], 1e-6)
                r, v = r2, v2
        it = 1
        while np.any(np.abs(r) > self.tol):
            if it >= self.max_iterations:
                worst = ", ".join(f"{c} {abs(x):.3g}" for c, x in zip(self.chambers, r))
                raise CoupledStepFailure(t_new, f"|V_3D - V_0D| = {worst} mm^3 after {it} pressure iterations")
            dv0 = self.volume_0d_jacobian(p, dt)[1]
            p_new = p - _solve(self.compliance - dv0, r)
            r_new, v_new = r_and_v(p_new)
            self.compliance = _secant(self.compliance, p_new - p, v_new - v)
            p, r, v = p_new, r_new, v_new
            it += 1
        self.commit(p, dt)
        res = np.abs(r)
        return StepInfo(it, newton, float(res.max()), float(p[0]), float(v[0]),
                        dict(zip(self.chambers, map(float, p))), dict(zip(self.chambers, map(float, v))),
                        dict(zip(self.chambers, map(float, res))))

    def outputs(self) -> dict[str, float]:
        """The 0D outputs (kPa, mm³, mm³/ms) at the committed time."""
        return self.loop.outputs()

    def get_state(self) -> dict:
        """JSON-able state (one chamber: scalars, as before; several: lists)."""
        def plain(a):
            if a is None:
                return None
            a = np.asarray(a, dtype=float)
            return float(a.ravel()[0]) if a.size == 1 else a.tolist()

        return {"loop": self.loop.get_state(), "p": plain(self.p), "compliance": plain(self.compliance)}

    def set_state(self, state: dict) -> None:
        n = len(self.chambers)
        self.loop.set_state(state["loop"])
        self.p = np.asarray(state["p"], dtype=float).reshape(n)
        self.compliance = None if state["compliance"] is None else np.asarray(state["compliance"], dtype=float).reshape(n, n)
