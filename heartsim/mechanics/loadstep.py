"""Adaptive load stepping (pure Python).

The load history [0, end] is crossed in steps h: a step that converges is accepted, and h grows by
``growth`` when it needed at most ``easy_iterations`` Newton iterations; a step that fails is
undone and retried with h * ``shrink``; below ``min_step`` the run stops with
:class:`LoadStepFailure` naming the load level that failed. Every reporting time is hit exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
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

    def run(self, t0: float, targets: list[float], attempt: Callable[[float], StepResult],
            accept: Callable[[float], None], reject: Callable[[], None],
            on_step: Callable[[float, float, StepResult], None] = lambda t, h, r: None,
            on_target: Callable[[float], None] = lambda t: None) -> dict:
        """Advance from ``t0`` through every target; returns counters (steps, failures, iterations)."""
        t, h = t0, self.initial
        counts = {"steps": 0, "rejected": 0, "newton_iterations": 0}
        eps = 1e-12 * max(1.0, abs(targets[-1]) if targets else 1.0)
        for target in targets:
            while t < target - eps:
                h_try = min(h, target - t)
                result = attempt(t + h_try)
                counts["newton_iterations"] += result.iterations
                on_step(t + h_try, h_try, result)
                if result.converged:
                    t = target if target - (t + h_try) <= eps else t + h_try
                    accept(t)
                    counts["steps"] += 1
                    if result.iterations <= self.easy_iterations:
                        h = min(h_try * self.growth, self.maximum) if h_try >= h - eps else h
                else:
                    reject()
                    counts["rejected"] += 1
                    h = h_try * self.shrink
                    if h < self.minimum * (1 - 1e-9):
                        raise LoadStepFailure(t + h_try, t, result.detail)
            on_target(t)
        return counts
