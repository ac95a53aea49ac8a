"""Active tension of one cell driven by a recorded calcium trace (isometric), and twitch metrics.

``isometric_twitch(params, t, cai_uM, lmbda)``: the Land 2017 states stepped along a calcium trace
(t in ms, cai in uM, e.g. the last beat of ``heartsim cell``) at fixed stretch, every
``stride`` samples with the calcium of the middle sample of each step held (midpoint rule). The
trace is taken as one period of a paced beat: the states start from the steady state at the first
sample's calcium and the trace is run ``passes`` times (default 2), the last pass recorded, so
the twitch starts from where the previous beat left the tension states (periodic state).

``tension_metrics(t, ta)``: diastolic (first sample) and peak Ta (kPa), time to peak (ms, from
t = 0: the stimulus), and the time from the peak to 50 % relaxation towards the diastolic value
(RT50, ms; linear interpolation between samples; NaN when the trace ends first).
"""

from __future__ import annotations

import numpy as np

from heartsim.kernels.tension import land2017 as land


def isometric_twitch(params: land.LandParameters, t: np.ndarray, cai_uM: np.ndarray, lmbda: float = 1.0,
                     stride: int = 1, passes: int = 2, kernel: str = "numpy") -> tuple[np.ndarray, np.ndarray]:
    """(times, Ta in kPa) at t[0] and every ``stride``-th sample after it (see the module docstring)."""
    t = np.asarray(t, dtype=float)
    ca = np.asarray(cai_uM, dtype=float)
    if t.ndim != 1 or t.shape != ca.shape or t.size < 2:
        raise ValueError("t and cai_uM must be 1-D arrays of the same length (at least 2 samples)")
    idx = np.arange(0, t.size, stride)
    if idx[-1] != t.size - 1:
        idx = np.append(idx, t.size - 1)
    lam = np.array([float(lmbda)])
    y = land.rest_state(params, 1, lmbda=lam, cai_uM=float(ca[0]))
    ta = np.empty(idx.size)
    for p in range(passes):
        ta[0] = float(land.active_tension(params, y, lam)[0])
        for k in range(idx.size - 1):
            a, b = idx[k], idx[k + 1]
            mid = 0.5 * (ca[a + (b - a) // 2] + ca[a + (b - a + 1) // 2]) if b - a > 1 else 0.5 * (ca[a] + ca[b])
            land.step(params, y, t[b] - t[a], mid, lam, 0.0, kernel=kernel)
            ta[k + 1] = float(land.active_tension(params, y, lam)[0])
    return t[idx], ta


def tension_metrics(t: np.ndarray, ta: np.ndarray) -> dict[str, float]:
    """Diastolic and peak Ta (kPa), time to peak and RT50 (ms); see the module docstring."""
    k = int(np.argmax(ta))
    rest, peak = float(ta[0]), float(ta[k])
    level = rest + 0.5 * (peak - rest)
    below = np.nonzero(ta[k:] < level)[0]
    rt50 = float("nan")
    if below.size:
        j = k + int(below[0])
        rt50 = float(t[j - 1] + (level - ta[j - 1]) * (t[j] - t[j - 1]) / (ta[j] - ta[j - 1]) - t[k])
    return {"ta_diastolic_kPa": rest, "ta_peak_kPa": peak, "ta_time_to_peak_ms": float(t[k] - t[0]),
            "ta_rt50_ms": rt50}


def paced_with_feedback(model, variant: str | None, params: land.LandParameters, bcl: float, beats: int,
                        dt: float, lmbda: float = 1.0, overrides: dict | None = None, scale: dict | None = None,
                        tension_every: int = 10, kernel: str = "auto", progress=None):
    """Pace an ORd cell and the tension model together, with the troponin feedback (J_TRPN).

    The cell runs with troponin out of its rapid buffer (:data:`feedback.ORD_CELL_OVERRIDES`); every
    ``tension_every`` cell steps (the chunk is split at the end of the stimulus) the tension states
    advance by the chunk with the mean of the calcium at its two ends, then the cell's calcium gets
    the troponin flux of that step (:func:`feedback.apply_feedback`). Returns the last beat
    (a :class:`heartsim.kernels.ionic.cell.Beat`, sampled at the ends of the chunks), the tension
    trace (times, Ta in kPa, with t = 0 at the stimulus) and the final cell and tension states.
    """
    from heartsim.kernels.ionic.cell import STIMULUS, Beat, _stepper
    from heartsim.kernels.ionic.parameters import region_values
    from heartsim.kernels.tension import feedback
    from heartsim.kernels.tension.calcium import calcium_state

    feedback.check_supported(model)
    p = region_values(model, variant, {**(overrides or {}), **feedback.ORD_CELL_OVERRIDES}, scale)
    rate, width = STIMULUS[model.name]
    y = np.array(model.initial_state(p), dtype=np.float64)[:, None].copy()
    cal = calcium_state(model)
    lam = np.array([float(lmbda)])
    ys = land.rest_state(params, 1, lmbda=lam, cai_uM=float(cal.uM(y)[0]))
    step = _stepper(model, p, kernel)
    steps, on_steps = int(round(bcl / dt)), int(round(width / dt))
    for b in range(beats):
        rec = b == beats - 1
        t_rec, v_rec, ca_rec, ta_rec = [0.0], [float(y[0, 0])], [float(y[cal.index, 0])], \
            [float(land.active_tension(params, ys, lam)[0])]
        k = 0
        while k < steps:
            n = min(tension_every, steps - k)
            if k < on_steps < k + n:
                n = on_steps - k
            ca0 = float(cal.uM(y)[0])
            step(y, dt, rate if k < on_steps else 0.0, n)
            k += n
            before = float(ys[0, 0])
            land.step(params, ys, n * dt, 0.5 * (ca0 + float(cal.uM(y)[0])), lam, 0.0,
                      kernel="native" if kernel != "numpy" and _native() else "numpy")
            feedback.apply_feedback(model, y, p, ys[0] - before)
            if rec:
                t_rec.append(k * dt)
                v_rec.append(float(y[0, 0]))
                ca_rec.append(float(y[cal.index, 0]))
                ta_rec.append(float(land.active_tension(params, ys, lam)[0]))
        if progress is not None:
            progress(b + 1)
    beat = Beat(np.array(t_rec[1:]), np.array(v_rec[1:]), np.array(ca_rec[1:]), v_rec[0], dt)
    return beat, (np.array(t_rec), np.array(ta_rec)), y[:, 0].copy(), ys[:, 0].copy()


def _native() -> bool:
    from heartsim.kernels.ionic import native

    return native.available()
