"""Single-cell pacing and action-potential metrics (pure NumPy; the fused host kernel when a C
compiler exists).

A cell is paced with a square stimulus current at a fixed cycle length (BCL) for ``beats`` beats;
the last beat is recorded. Metrics of a recorded beat (v in mV, t in ms, t = 0 at the stimulus):

- resting potential: v just before the stimulus (end of the previous beat);
- peak: max v; max dV/dt: max of the forward difference (v_{k+1} - v_k) / dt during the beat;
- APD90: time from the instant of max dV/dt to the first later crossing of
  v_rest + 0.1 (v_peak - v_rest), linearly interpolated between samples.

Stimulus defaults follow the models' publications: TT06 -52 uA/uF for 1 ms (ten Tusscher 2006),
ORd -80 uA/uF for 0.5 ms (O'Hara 2011); the phenomenological models get 40 mV/ms for 2 ms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from heartsim.kernels.ionic.generated_model import GeneratedModel
from heartsim.kernels.ionic.parameters import region_values

#: model name -> (depolarising stimulus rate in mV/ms = -I_stim in uA/uF, duration in ms)
STIMULUS = {"tentusscher_panfilov_2006": (52.0, 1.0), "ohara_rudy_2011": (80.0, 0.5)}
DEFAULT_STIMULUS = (40.0, 2.0)


@dataclass
class Beat:
    """One recorded beat: time (ms from the stimulus), potential (mV), calcium (mM or None)."""

    t: np.ndarray
    v: np.ndarray
    ca: np.ndarray | None
    v_before: float  # v at the stimulus onset (resting potential)
    dt: float


def ap_metrics(beat: Beat, percent: float = 90.0) -> dict[str, float]:
    """Resting and peak potential, max dV/dt and APD (see the module docstring)."""
    v = np.concatenate([[beat.v_before], beat.v])
    t = np.concatenate([[0.0], beat.t])
    dvdt = np.diff(v) / np.diff(t)
    k_up = int(np.argmax(dvdt))
    t_up = 0.5 * (t[k_up] + t[k_up + 1])
    rest, k_peak = beat.v_before, int(np.argmax(v))
    peak = float(v[k_peak])
    level = rest + (1.0 - percent / 100.0) * (peak - rest)
    below = np.nonzero(v[k_peak:] < level)[0]
    apd = float("nan")
    if below.size:
        k = k_peak + int(below[0])
        t_cross = t[k - 1] + (level - v[k - 1]) * (t[k] - t[k - 1]) / (v[k] - v[k - 1])
        apd = float(t_cross - t_up)
    out = {"v_rest_mV": float(rest), "v_peak_mV": peak, "dvdt_max_mV_per_ms": float(dvdt.max()),
           f"apd{int(percent)}_ms": apd, "t_upstroke_ms": float(t_up)}
    if beat.ca is not None:
        out.update(ca_diastolic_uM=float(beat.ca.min() * 1e3), ca_peak_uM=float(beat.ca.max() * 1e3))
    return out


def pace(model, variant: str | None = None, bcl: float = 1000.0, beats: int = 10, dt: float = 0.01,
         overrides: dict | None = None, scale: dict | None = None, stimulus: tuple[float, float] | None = None,
         record_every: int = 1, kernel: str = "auto", progress=None,
         initial: np.ndarray | None = None, single: bool = False) -> tuple[Beat, np.ndarray]:
    """Pace one cell; returns the last beat and the final state vector.

    ``kernel``: "native" (host-compiled fused kernel), "numpy" (generated array code), or "auto"
    (native for generated models when a C compiler exists). ``progress(beat)`` is called after each beat;
    ``initial`` (a state vector, e.g. the one returned by an earlier call) replaces the model's initial state;
    ``single`` runs the native kernel in FP32 (to measure what single precision changes).
    """
    p = region_values(model, variant if isinstance(model, GeneratedModel) else None, overrides, scale)
    rate, width = stimulus or STIMULUS.get(model.name, DEFAULT_STIMULUS)
    dtype = np.float32 if single else np.float64
    y = np.array(model.initial_state(p) if initial is None else initial, dtype=dtype)[:, None].copy()
    steps = int(round(bcl / dt))
    on_steps = int(round(width / dt))
    step = _stepper(model, p, "native" if single else kernel, single)
    ca_row = model.state_names.index(model.calcium) if getattr(model, "calcium", "") else None
    for b in range(beats):
        last = b == beats - 1
        if not last:
            step(y, dt, rate, on_steps)
            step(y, dt, 0.0, steps - on_steps)
        else:
            t_rec, v_rec, ca_rec = [], [], []
            v_before = float(y[0, 0])
            k = 0
            while k < steps:  # chunks of record_every steps, split at the end of the stimulus
                n = min(record_every - k % record_every, steps - k)
                if k < on_steps < k + n:
                    n = on_steps - k
                step(y, dt, rate if k < on_steps else 0.0, n)
                k += n
                if k % record_every == 0 or k == steps:
                    t_rec.append(k * dt)
                    v_rec.append(y[0, 0])
                    if ca_row is not None:
                        ca_rec.append(y[ca_row, 0])
        if progress is not None:
            progress(b + 1)
    f64 = lambda a: np.array(a, dtype=np.float64)  # noqa: E731
    beat = Beat(f64(t_rec), f64(v_rec), f64(ca_rec) if ca_row is not None else None, v_before, dt)
    return beat, y[:, 0].copy()


def _stepper(model, p: dict, kernel: str, single: bool = False):
    """A function (y, dt, stim, n) advancing one cell in place by n steps of dt."""
    from heartsim.kernels.ionic import native

    use_native = isinstance(model, GeneratedModel) and (kernel == "native" or (kernel == "auto" and native.available()))
    if use_native:
        fused = model.kernel("native", single)
        table = np.array([[p[n] for n in model.parameters]], dtype=np.float64)
        return lambda y, dt, stim, n: fused.step(y, n * dt, table, None, stim, substeps=n * model.substeps)

    def array_code(y, dt, stim, n):
        for _ in range(n):
            if isinstance(model, GeneratedModel):
                model.step(y, dt, p, np, stim)
            else:
                model.step(y, dt, p, np)
                y[0] += dt * stim

    return array_code
