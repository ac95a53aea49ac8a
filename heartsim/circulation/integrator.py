"""Fixed-step implicit integrator (BDF1 = backward Euler, BDF2) for stiff 0D models in residual form.

A model is a (semi-explicit) differential-algebraic system ``R(t, y, y') = 0``. A BDF step of
order k from the history y^n, y^{n-1}, ... to t^{n+1} = t^n + dt replaces y' by

    y'^{n+1} = (y^{n+1} - sum_j a_j y^{n-j}) / (beta dt)

    BDF1:  a = (1,),          beta = 1        (backward Euler, L-stable, order 1)
    BDF2:  a = (4/3, -1/3),   beta = 2/3      (A-stable, L-stable, order 2)

and solves R(t^{n+1}, y^{n+1}, y'^{n+1}) = 0 by Newton's method with the Jacobian
J = dR/dy + (1/(beta dt)) dR/dy'. BDF2 starts with one BDF1 step (and falls back to BDF1 after a
change of dt), which keeps the global error O(dt^2). Both are stiffly accurate, so valve
resistances spanning seven orders of magnitude and algebraic constraints (a chamber whose
volume a 3D model imposes) are handled without step-size limits from stability.

A step whose Newton iteration does not converge is retried as ``substeps`` BDF1 sub-steps (then
raises :class:`NewtonFailure`).
"""

from __future__ import annotations

from typing import Protocol, Sequence

import numpy as np

BDF = {1: ((1.0,), 1.0), 2: ((4.0 / 3.0, -1.0 / 3.0), 2.0 / 3.0)}
METHODS = {"backward_euler": 1, "bdf2": 2}


class NewtonFailure(RuntimeError):
    """The implicit step did not converge (also after sub-stepping)."""


class ResidualModel(Protocol):
    """What the integrator needs from a model."""

    def residual(self, t: float, y: np.ndarray, ydot: np.ndarray) -> np.ndarray:
        """R(t, y, y') (one entry per unknown)."""

    def jacobian(self, t: float, y: np.ndarray, ydot: np.ndarray, shift: float) -> np.ndarray:
        """dR/dy + shift dR/dy' (dense, n x n)."""


class ODEModel:
    """Base of explicit models y' = f(t, y): R = y' - f and J = shift I - df/dy.

    Subclasses define ``rhs(t, y)`` and ``rhs_jacobian(t, y)`` (df/dy); without the latter the
    Jacobian is taken by forward differences.
    """

    def rhs(self, t: float, y: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def rhs_jacobian(self, t: float, y: np.ndarray) -> np.ndarray:
        return finite_difference(lambda z: self.rhs(t, z), y)

    def residual(self, t: float, y: np.ndarray, ydot: np.ndarray) -> np.ndarray:
        return ydot - self.rhs(t, y)

    def jacobian(self, t: float, y: np.ndarray, ydot: np.ndarray, shift: float) -> np.ndarray:
        return shift * np.eye(len(y)) - self.rhs_jacobian(t, y)


def finite_difference(f, y: np.ndarray) -> np.ndarray:
    """Forward-difference Jacobian of f at y (relative step sqrt(eps))."""
    f0 = np.asarray(f(y), dtype=float)
    jac = np.empty((len(f0), len(y)))
    for j in range(len(y)):
        h = 1.5e-8 * max(1.0, abs(y[j]))
        z = y.copy()
        z[j] += h
        jac[:, j] = (np.asarray(f(z), dtype=float) - f0) / h
    return jac


class BDFStepper:
    """Steps a :class:`ResidualModel` with BDF1 or BDF2 at a fixed (or occasionally changed) dt.

    ``rtol``/``atol`` bound the Newton update per unknown: |dy_i| <= rtol |y_i| + atol_i.
    """

    def __init__(self, model: ResidualModel, method: str = "bdf2", rtol: float = 1e-9,
                 atol: float | Sequence[float] = 1e-12, max_iter: int = 25, substeps: int = 8):
        if method not in METHODS:
            raise ValueError(f"unknown method {method!r} (known: {', '.join(METHODS)})")
        self.model, self.order = model, METHODS[method]
        self.rtol, self.atol = rtol, np.asarray(atol, dtype=float)
        self.max_iter, self.substeps = max_iter, substeps
        self.newton_iterations = 0
        self.steps = 0

    def step(self, t_new: float, dt: float, history: Sequence[np.ndarray], order: int | None = None) -> np.ndarray:
        """y at ``t_new`` from ``history`` = [y^n, y^{n-1}, ...] (newest first, at spacing dt)."""
        k = min(order or self.order, len(history))
        try:
            return self._bdf(t_new, dt, history, k)
        except NewtonFailure:
            y = history[0]
            sub = dt / self.substeps
            for i in range(self.substeps):
                y = self._bdf(t_new - dt + (i + 1) * sub, sub, [y], 1)
            return y

    def _bdf(self, t: float, dt: float, history: Sequence[np.ndarray], k: int) -> np.ndarray:
        coeffs, beta = BDF[k]
        base = sum(a * h for a, h in zip(coeffs, history))
        shift = 1.0 / (beta * dt)
        # predictor: linear extrapolation when there is a history, else the last value
        y = 2.0 * history[0] - history[1] if len(history) > 1 else history[0].copy()
        for _ in range(self.max_iter):
            ydot = (y - base) * shift
            r = self.model.residual(t, y, ydot)
            jac = self.model.jacobian(t, y, ydot, shift)
            try:
                dy = np.linalg.solve(jac, -r)
            except np.linalg.LinAlgError as exc:
                raise NewtonFailure(f"singular Jacobian at t = {t:g} ms") from exc
            y = y + dy
            self.newton_iterations += 1
            if not np.all(np.isfinite(y)):
                raise NewtonFailure(f"non-finite Newton iterate at t = {t:g} ms")
            if np.all(np.abs(dy) <= self.rtol * np.abs(y) + self.atol):
                self.steps += 1
                return y
        raise NewtonFailure(f"Newton did not converge in {self.max_iter} iterations at t = {t:g} ms")


class Trajectory:
    """Runs a stepper forward and keeps the BDF history (newest first)."""

    def __init__(self, stepper: BDFStepper, y0: np.ndarray, t0: float = 0.0):
        self.stepper = stepper
        self.t = t0
        self.history: list[np.ndarray] = [np.asarray(y0, dtype=float).copy()]
        self._dt: float | None = None

    @property
    def y(self) -> np.ndarray:
        return self.history[0]

    def _history_for(self, dt: float) -> list[np.ndarray]:
        same = self._dt is not None and abs(dt - self._dt) <= 1e-12 * dt
        return self.history if same else self.history[:1]

    def trial(self, dt: float) -> np.ndarray:
        """The state after a step of dt (ms) without committing it (for iterative 3D-0D couplings)."""
        return self.stepper.step(self.t + dt, dt, self._history_for(dt))

    def advance(self, dt: float) -> np.ndarray:
        """One step of length dt (ms), committed; a change of dt restarts the BDF history."""
        history = self._history_for(dt)
        y = self.stepper.step(self.t + dt, dt, history)
        self._dt = dt
        self.t += dt
        self.history = [y] + history[: self.stepper.order - 1]
        return y
