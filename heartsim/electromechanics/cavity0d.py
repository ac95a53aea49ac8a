"""A 3D cavity as a chamber of the closed-loop circulation (3D-0D coupling).

The 0D model (:class:`~heartsim.circulation.standalone.ClosedLoopRun`) keeps its valves, phases and
compartments; the chamber named ``chamber`` gets its pressure p from the 3D model
(``PressureOfVolume`` returning p, dp/dV = 0). One coupled step t^n -> t^{n+1} solves

    r(p) = V_3D(p) - V_0D(p) = 0,

V_3D(p): cavity volume of the converged mechanics solve with cavity pressure p (tension at t^{n+1});
V_0D(p): the chamber volume after the 0D step with p imposed, V^n + dt (Q_in(p) - Q_out(p)) (BDF),
by Newton's method on p with dr/dp = C_3D - dV_0D/dp: dV_0D/dp by a finite difference of the cheap
0D step, the 3D compliance C_3D by the secant of the 3D solves (kept between steps, probed once at the
start). In the isovolumic phases dV_0D/dp = -dt/R_max ~ 0 and the iteration finds the pressure that
keeps V_3D = V^n; in ejection and filling the valve conductance dominates. Converged when
|r| <= ``tol`` (mm³). Units: kPa, mm³, ms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from heartsim.circulation.closed_loop import CHAMBERS, PressureOfVolume
from heartsim.circulation.standalone import ClosedLoopRun


class CoupledStepFailure(RuntimeError):
    """The coupled 3D-0D step did not converge (``t``: the time it was advancing to, ms)."""

    def __init__(self, t: float, detail: str):
        self.t = t
        super().__init__(f"coupled step to t = {t:.6g} ms did not converge: {detail}")


@dataclass
class StepInfo:
    """What one coupled step took."""

    iterations: int  # pressure iterations (3D solves)
    newton_iterations: int
    residual: float  # |V_3D - V_0D| (mm³)
    pressure: float  # kPa
    volume: float  # mm³


class ChamberCoupling:
    """The closed loop of ``circulation_cfg`` (a CirculationConfig) with ``chamber`` given by a 3D model."""

    def __init__(self, circulation_cfg, chamber: str = "LV", tol: float = 1.0, max_iterations: int = 20):
        if chamber not in CHAMBERS:
            raise ValueError(f"chamber {chamber!r} is not one of {', '.join(CHAMBERS)}")
        self.chamber, self.tol, self.max_iterations = chamber, tol, max_iterations
        self.p = 0.0
        self.loop = ClosedLoopRun(circulation_cfg, chambers={chamber: PressureOfVolume(lambda V, t: (self.p, 0.0))})
        self.index = CHAMBERS.index(chamber)
        self.compliance: float | None = None  # dV_3D/dp (mm³/kPa), secant estimate
        self.p_previous: float | None = None  # the pressure one step back, for the predictor

    @property
    def t(self) -> float:
        return self.loop.t

    def start(self, volume: float, pressure: float) -> None:
        """Make the 0D chamber volume the 3D one (after the preload) at the 3D pressure."""
        self.p = float(pressure)
        for y in self.loop.trajectory.history:
            y[self.index] = float(volume)

    def volume_0d(self, p: float, dt: float) -> float:
        """Chamber volume after a 0D step of ``dt`` with the chamber pressure ``p`` (nothing committed)."""
        self.p = float(p)
        return self.loop.trial(dt)[f"V_{self.chamber}"]

    def step(self, dt: float, solve3d: Callable[[float], tuple[bool, float, int, str]]) -> StepInfo:
        """One coupled step; ``solve3d(p)`` -> (converged, V_3D, Newton iterations, detail). Commits the 0D
        step on success; raises :class:`CoupledStepFailure` otherwise (the 0D state unchanged)."""
        t_new = self.t + dt
        p = self.p if self.p_previous is None else 2.0 * self.p - self.p_previous  # linear predictor
        newton = 0

        def r_and_v(p):
            nonlocal newton
            ok, v3d, its, detail = solve3d(p)
            newton += its
            if not ok:
                raise CoupledStepFailure(t_new, f"mechanics at p = {p:.5g} kPa: {detail}")
            return v3d - self.volume_0d(p, dt), v3d

        r, v = r_and_v(p)
        if self.compliance is None:  # probe the 3D compliance once
            dp = 0.05
            r2, v2 = r_and_v(p + dp)
            self.compliance = max((v2 - v) / dp, 1e-6)
            p, r, v = p + dp, r2, v2
        it = 1
        while abs(r) > self.tol:
            if it >= self.max_iterations:
                raise CoupledStepFailure(t_new, f"|V_3D - V_0D| = {abs(r):.3g} mm^3 after {it} pressure iterations")
            h = 1e-4 * max(1.0, abs(p))
            dv0 = (self.volume_0d(p + h, dt) - self.volume_0d(p, dt)) / h
            slope = self.compliance - dv0
            p_new = p - r / slope
            r_new, v_new = r_and_v(p_new)
            if abs(p_new - p) > 1e-9 and abs(v_new - v) > 1e-9:
                c = (v_new - v) / (p_new - p)
                if np.isfinite(c) and c > 0:
                    self.compliance = c
            p, r, v = p_new, r_new, v_new
            it += 1
        self.p_previous, self.p = self.p, p
        self.loop.step(dt)
        return StepInfo(it, newton, abs(r), p, v)

    def outputs(self) -> dict[str, float]:
        """The 0D outputs (kPa, mm³, mm³/ms) at the committed time."""
        return self.loop.outputs()

    def get_state(self) -> dict:
        return {"loop": self.loop.get_state(), "p": self.p, "p_previous": self.p_previous,
                "compliance": self.compliance}

    def set_state(self, state: dict) -> None:
        self.loop.set_state(state["loop"])
        self.p, self.p_previous, self.compliance = state["p"], state["p_previous"], state["compliance"]
