"""Adaptive load stepping (pure Python).

The load history [0, end] is crossed in steps h: a step that converges is accepted, and h grows by
``growth`` when it needed at most ``easy_iterations`` Newton iterations; a step that fails is
undone and retried with h * ``shrink``; below ``min_step`` the run stops with
:class:`LoadStepFailure` naming the load level that failed. Every reporting time is hit exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


class LoadStepFailure(RuntimeError):
    """No step above the minimum converged; ``t_failed`` is the load level tried, ``t_last`` the last converged."""

    def __init__(self, t_failed: float, t_last: float, detail: str = ""):
        self.t_failed, self.t_last = t_failed, t_last
        super().__init__(f"load step to t = {t_failed:.6g} did not converge (last converged t = {t_last:.6g})"
                         + (f": {detail}" if detail else ""))


@dataclass
class StepResult:
    converged: bool
    iterations: int
    residual: float
    detail: str = ""


@dataclass
class AdaptiveStepper:
    """Step control; sizes are absolute (in units of t)."""

    initial: float
    minimum: float
    maximum: float
    growth: float = 1.5
    shrink: float = 0.5
    easy_iterations: int = 5

    def start(self, t0: float, targets: list[float],
              on_target: Callable[[float], None] = lambda t: None) -> "StepperState":
        """The state at ``t0`` heading for ``targets`` (targets already reached are passed, with ``on_target``)."""
        state = StepperState(t0, self.initial, 0, list(targets))
        self._pass_reached(state, on_target)
        return state

    @staticmethod
    def _eps(state: "StepperState") -> float:
        return 1e-12 * max(1.0, abs(state.targets[-1]) if state.targets else 1.0)

    def _pass_reached(self, state: "StepperState", on_target: Callable[[float], None]) -> None:
        eps = self._eps(state)
        while state.index < len(state.targets) and state.t >= state.targets[state.index] - eps:
            state.index += 1
            on_target(state.t)

    def attempt(self, state: "StepperState", attempt: Callable[[float], StepResult],
                accept: Callable[[float], None], reject: Callable[[], None],
                on_step: Callable[[float, float, StepResult], None] = lambda t, h, r: None,
                on_target: Callable[[float], None] = lambda t: None) -> bool:
        """One step attempt towards the next target (accepted, or rejected and undone); returns whether
        it was accepted. Raises :class:`LoadStepFailure` below the minimum step."""
        eps = self._eps(state)
        t, h, target = state.t, state.h, state.targets[state.index]
        h_try = min(h, target - t)
        result = attempt(t + h_try)
        state.counts["newton_iterations"] += result.iterations
        on_step(t + h_try, h_try, result)
        if result.converged:
            state.t = target if target - (t + h_try) <= eps else t + h_try
            accept(state.t)
            state.counts["steps"] += 1
            if result.iterations <= self.easy_iterations:
                state.h = min(h_try * self.growth, self.maximum) if h_try >= h - eps else h
            self._pass_reached(state, on_target)
            return True
        reject()
        state.counts["rejected"] += 1
        state.h = h_try * self.shrink
        if state.h < self.minimum * (1 - 1e-9):
            raise LoadStepFailure(t + h_try, t, result.detail)
        return False

    def run(self, t0: float, targets: list[float], attempt: Callable[[float], StepResult],
            accept: Callable[[float], None], reject: Callable[[], None],
            on_step: Callable[[float, float, StepResult], None] = lambda t, h, r: None,
            on_target: Callable[[float], None] = lambda t: None) -> dict:
        """Advance from ``t0`` through every target; returns counters (steps, failures, iterations)."""
        state = self.start(t0, targets, on_target)
        while not state.finished:
            self.attempt(state, attempt, accept, reject, on_step, on_target)
        return state.counts


@dataclass
class StepperState:
    """Where load stepping stands: load level ``t``, next step size ``h``, index of the next target."""

    t: float
    h: float
    index: int
    targets: list[float]
    counts: dict = field(default_factory=lambda: {"steps": 0, "rejected": 0, "newton_iterations": 0})

    @property
    def finished(self) -> bool:
        return self.index >= len(self.targets)
