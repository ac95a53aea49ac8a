"""Progress of long runs, printed on rank 0: simulated time, steps per second, time left."""

from __future__ import annotations

import logging
import time


def format_seconds(seconds: float) -> str:
    """``"42 s"``, ``"3 min 05 s"`` or ``"1 h 02 min"``."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{int(seconds // 60)} min {int(seconds % 60):02d} s"
    return f"{int(seconds // 3600)} h {int(seconds % 3600 // 60):02d} min"


class Progress:
    """Logs a progress line at most every ``every`` seconds of wall time (and at the end)."""

    def __init__(self, total_steps: int, end_time: float, log: logging.Logger, every: float = 2.0):
        self.total, self.end, self.log, self.every = total_steps, end_time, log, every
        self.start = time.perf_counter()
        self.last = self.start

    def update(self, step: int, t: float) -> None:
        now = time.perf_counter()
        if now - self.last < self.every and step < self.total:
            return
        self.last = now
        elapsed = now - self.start
        rate = step / elapsed if elapsed > 0 else 0.0
        left = (self.total - step) / rate if rate > 0 else float("inf")
        self.log.info("t = %.2f / %.2f ms | step %d/%d | %.1f steps/s | %s left",
                      t, self.end, step, self.total, rate, format_seconds(left) if rate > 0 else "?")
