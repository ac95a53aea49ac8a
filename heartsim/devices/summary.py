"""Reducing a site's time series to the numbers of ``devices/summary.json``: for every column its peak
(the value of largest magnitude), mean (time-weighted, trapezoidal, over the run; the plain mean for one
sample), amplitude (max - min), time of peak and unit; plus the site's whole-run numbers."""

from __future__ import annotations

import math

import numpy as np

from heartsim.devices.result import SiteResult


def _clean(x: float):
    return float(x) if math.isfinite(x) else None


def column_stats(times: np.ndarray, values: np.ndarray) -> dict:
    ok = np.isfinite(values)
    if not ok.any():
        return {"peak": None, "mean": None, "amplitude": None, "min": None, "max": None, "time_of_peak_ms": None}
    t, v = times[ok], values[ok]
    k = int(np.argmax(np.abs(v)))
    mean = float(np.trapezoid(v, t) / (t[-1] - t[0])) if len(t) > 1 and t[-1] > t[0] else float(v.mean())
    return {"peak": _clean(v[k]), "mean": _clean(mean), "amplitude": _clean(v.max() - v.min()),
            "min": _clean(v.min()), "max": _clean(v.max()), "time_of_peak_ms": _clean(t[k])}


def site_summary(result: SiteResult) -> dict:
    times = result.columns["time_ms"]
    metrics = {}
    for name, values in result.columns.items():
        if name == "time_ms":
            continue
        metrics[name] = {**column_stats(times, values), "unit": result.units[name]}
    return {"kind": result.kind, "samples": int(len(times)), "metrics": metrics,
            "scalars": {k: {"value": _clean(v), "unit": result.scalar_units.get(k, "1")}
                        for k, v in result.scalars.items()}}
