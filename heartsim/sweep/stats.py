"""Population statistics of a cohort's metrics (pure NumPy).

- Wilson score interval of a pass fraction k/n at confidence z (1.96: 95 %; Wilson 1927):
      centre = (k + z^2/2) / (n + z^2),  half = z / (n + z^2) sqrt(k (n - k) / n + z^2 / 4).
- ECDF F_n(x) = #{x_i <= x} / n; area validation metric between model and measured samples
  d = int |F_model(x) - F_ref(x)| dx (Ferson, Oberkampf & Ginzburg 2008, CMAME 197:2408), in the
  metric's unit: 0 when the distributions agree, the shift when one is the other shifted.
"""

from __future__ import annotations

import numpy as np


def wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """(low, high) of the Wilson score interval; (0, 1) when n = 0."""
    if n == 0:
        return 0.0, 1.0
    centre = (k + z * z / 2) / (n + z * z)
    half = z / (n + z * z) * np.sqrt(k * (n - k) / n + z * z / 4)
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def ecdf(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted x, F at each x) of the finite values."""
    x = np.sort(np.asarray(values, float)[np.isfinite(values)])
    return x, np.arange(1, len(x) + 1) / len(x)


def ecdf_area(a: np.ndarray, b: np.ndarray) -> float:
    """int |F_a - F_b| dx over the union of the samples (exact for step functions)."""
    a = np.sort(np.asarray(a, float)[np.isfinite(a)])
    b = np.sort(np.asarray(b, float)[np.isfinite(b)])
    if not len(a) or not len(b):
        return float("nan")
    x = np.union1d(a, b)
    fa = np.searchsorted(a, x, side="right") / len(a)
    fb = np.searchsorted(b, x, side="right") / len(b)
    return float(np.sum(np.abs(fa - fb)[:-1] * np.diff(x)))


def percentiles(values: np.ndarray, qs=(5, 25, 50, 75, 95)) -> dict[str, float]:
    v = np.asarray(values, float)
    v = v[np.isfinite(v)]
    out = {"n": int(len(v)), "mean": float(v.mean()) if len(v) else float("nan")}
    out.update({f"p{q}": float(np.percentile(v, q)) if len(v) else float("nan") for q in qs})
    return out


def passes(values: np.ndarray, op: str, limit: float) -> np.ndarray:
    v = np.asarray(values, float)
    return {">=": v >= limit, "<=": v <= limit, ">": v > limit, "<": v < limit}[op] & np.isfinite(v)
