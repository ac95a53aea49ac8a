"""Periodic flow-rate waveforms Q(t) for inlets: a table, a Fourier series, a built-in aortic one.

Pure NumPy (no DOLFINx). heartsim units: time in ms, flow in mm^3/ms (1 mm^3/ms = 1 mL/s).
Every waveform is periodic with period ``T`` and offers the same interface:

- ``w(t)``: Q at time(s) ``t`` (float or array, any real t; periodic extension),
- ``w.mean()``: (1/T) integral over one period (mm^3/ms),
- ``w.integral(a, b)``: volume passed between ``a`` and ``b`` (mm^3),
- ``w.fourier(n)``: the first ``n`` harmonics as a :class:`FourierWaveform` (what a Womersley
  profile needs; exact for a Fourier waveform, by FFT of 4096 samples otherwise),
- ``w.period``: T (ms).

Kinds:

:class:`FourierWaveform`
    Q(t) = a_0 + sum_k [a_k cos(k w t) + b_k sin(k w t)],  w = 2 pi / T.
:class:`TableWaveform`
    samples (t_i, Q_i) interpolated periodically, linear or cubic: the cubic is the periodic
    cubic spline (continuous value, slope and curvature across the wrap t_0 + T = t_0).
:func:`physiological_aortic`
    a smooth synthetic ascending-aortic inflow built from published adult descriptors
    (see its docstring).
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

#: samples per period used for FFTs and generic quadrature
_SAMPLES = 4096


class Waveform:
    """Base class: a T-periodic flow rate. Subclasses implement ``_eval(t)`` for t within one period."""

    period: float
    t0: float = 0.0

    def __call__(self, t):
        t = np.asarray(t, dtype=float)
        value = self._eval(self.t0 + np.mod(t - self.t0, self.period))
        return float(value) if value.ndim == 0 else value

    def _eval(self, t: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def samples(self, n: int = _SAMPLES) -> tuple[np.ndarray, np.ndarray]:
        """``n`` equispaced times over one period [t0, t0 + T) and Q there."""
        t = self.t0 + self.period * np.arange(n) / n
        return t, np.asarray(self._eval(t), dtype=float)

    def mean(self) -> float:
        """Mean flow over a period (mm^3/ms)."""
        return float(self.samples()[1].mean())

    def integral(self, a: float, b: float) -> float:
        """Volume (mm^3) passed between times ``a`` and ``b`` (ms): whole periods times T*mean plus
        the rest by composite Simpson on 2048 intervals."""
        if b < a:
            return -self.integral(b, a)
        whole = math.floor((b - a) / self.period)
        rest_start = a + whole * self.period
        t = np.linspace(rest_start, b, 2049)
        q = self(t)
        h = (b - rest_start) / 2048
        simpson = h / 3 * (q[0] + q[-1] + 4 * q[1:-1:2].sum() + 2 * q[2:-1:2].sum())
        return whole * self.period * self.mean() + float(simpson)

    def fourier(self, n: int) -> "FourierWaveform":
        """The first ``n`` harmonics (plus the mean) of this waveform, time origin 0."""
        if n < 0 or n >= _SAMPLES // 2:
            raise ValueError(f"harmonics: 0 <= n < {_SAMPLES // 2}, got {n}")
        t, q = self.samples()
        c = np.fft.rfft(q) / len(q)  # c_k for the samples starting at t0
        k = np.arange(n + 1)
        c = c[: n + 1] * np.exp(-2j * np.pi * k * self.t0 / self.period)  # shift to time origin 0
        return FourierWaveform(self.period, float(c[0].real), 2 * c[1:].real, -2 * c[1:].imag)


class FourierWaveform(Waveform):
    """Q(t) = mean + sum_{k=1..n} [cos[k-1] cos(k w t) + sin[k-1] sin(k w t)], w = 2 pi / period.

    ``period`` in ms, coefficients in mm^3/ms; ``cos`` and ``sin`` may have different lengths
    (the shorter is padded with zeros).
    """

    def __init__(self, period: float, mean: float, cos: Sequence[float] = (), sin: Sequence[float] = ()):
        if not period > 0:
            raise ValueError(f"period must be positive (ms), got {period}")
        n = max(len(cos), len(sin))
        self.period = float(period)
        self.a0 = float(mean)
        self.a = np.zeros(n)
        self.b = np.zeros(n)
        self.a[: len(cos)] = np.asarray(cos, float)
        self.b[: len(sin)] = np.asarray(sin, float)
        if not (np.all(np.isfinite(self.a)) and np.all(np.isfinite(self.b)) and math.isfinite(self.a0)):
            raise ValueError("Fourier coefficients must be finite numbers")

    @property
    def harmonics(self) -> int:
        return len(self.a)

    def complex_coefficients(self) -> np.ndarray:
        """c_0..c_n with Q(t) = Re sum_k C_k exp(i k w t), C_0 = mean, C_k = a_k - i b_k."""
        return np.concatenate([[self.a0], self.a - 1j * self.b])

    def _eval(self, t: np.ndarray) -> np.ndarray:
        k = np.arange(1, self.harmonics + 1)
        phase = np.multiply.outer(t, k) * (2 * np.pi / self.period)
        return self.a0 + np.cos(phase) @ self.a + np.sin(phase) @ self.b

    def mean(self) -> float:
        return self.a0

    def integral(self, a: float, b: float) -> float:
        k = np.arange(1, self.harmonics + 1)
        w = 2 * np.pi * k / self.period
        return float(self.a0 * (b - a) + np.sum(self.a / w * (np.sin(w * b) - np.sin(w * a))
                                                - self.b / w * (np.cos(w * b) - np.cos(w * a))))

    def fourier(self, n: int) -> "FourierWaveform":
        return FourierWaveform(self.period, self.a0, self.a[:n], self.b[:n])


class TableWaveform(Waveform):
    """Samples (t_i, Q_i) repeated with a period, interpolated ``"linear"`` or ``"cubic"``.

    ``times`` (ms) strictly increasing, ``flows`` (mm^3/ms) of the same length. With ``period``
    None the table spans exactly one period: T = times[-1] - times[0] and the last sample closes
    the cycle, so its flow must equal the first. With ``period`` given, T >= times[-1] - times[0]
    and a last sample at times[0] + T (if present) must equal the first. The cubic interpolant is
    the periodic cubic spline through the samples (needs 3 distinct samples per period); both
    kinds pass through every sample. Raises ValueError with a one-line reason on bad tables.
    """

    def __init__(self, times: Sequence[float], flows: Sequence[float], period: float | None = None,
                 kind: str = "cubic"):
        t = np.asarray(times, dtype=float).ravel()
        q = np.asarray(flows, dtype=float).ravel()
        if kind not in ("linear", "cubic"):
            raise ValueError(f"interpolation must be linear or cubic, got {kind!r}")
        if t.size != q.size:
            raise ValueError(f"times and flows differ in length ({t.size} vs {q.size})")
        if t.size < 2 or not (np.all(np.isfinite(t)) and np.all(np.isfinite(q))):
            raise ValueError("a flow table needs at least 2 finite (time, flow) rows")
        if np.any(np.diff(t) <= 0):
            raise ValueError("table times must increase strictly")
        span = t[-1] - t[0]
        scale = max(float(np.max(np.abs(q))), 1e-300)
        if period is None:
            period = span
            closes = True
        else:
            period = float(period)
            if period < span * (1 - 1e-12):
                raise ValueError(f"period {period} ms is shorter than the table ({span} ms)")
            closes = abs(span - period) <= 1e-9 * period
        if closes:
            if abs(q[-1] - q[0]) > 1e-6 * scale:
                raise ValueError(f"the last row (t = {t[-1]} ms) closes the cycle: its flow {q[-1]} must equal "
                                 f"the first ({q[0]}), or give a longer period")
            t, q = t[:-1], q[:-1]
        if not period > 0:
            raise ValueError("a flow table must span a positive period")
        if kind == "cubic" and t.size < 3:
            raise ValueError("cubic interpolation needs at least 3 distinct samples per period")
        self.period, self.t0, self.kind = period, float(t[0]), kind
        self._t = np.append(t, t[0] + period)  # knots of one period, closed
        self._q = np.append(q, q[0])
        self._m = _periodic_spline_moments(self._t, self._q) if kind == "cubic" else None

    def _eval(self, t: np.ndarray) -> np.ndarray:
        if self._m is None:
            return np.interp(t, self._t, self._q)
        i = np.clip(np.searchsorted(self._t, t, side="right") - 1, 0, len(self._t) - 2)
        tl, tr = self._t[i], self._t[i + 1]
        h = tr - tl
        ml, mr, ql, qr = self._m[i], self._m[i + 1], self._q[i], self._q[i + 1]
        a, b = tr - t, t - tl
        return (ml * a ** 3 + mr * b ** 3) / (6 * h) + (ql / h - ml * h / 6) * a + (qr / h - mr * h / 6) * b


def _periodic_spline_moments(t: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Second derivatives M_i at the closed knots t_0..t_n (q_n = q_0) of the periodic cubic spline:

        h_{i-1} M_{i-1} + 2 (h_{i-1} + h_i) M_i + h_i M_{i+1} = 6 [(q_{i+1}-q_i)/h_i - (q_i-q_{i-1})/h_{i-1}]

    with indices mod n (a cyclic tridiagonal system, solved densely: tables are small)."""
    n = len(t) - 1
    h = np.diff(t)
    slope = np.diff(q) / h
    matrix = np.zeros((n, n))
    rhs = np.zeros(n)
    for i in range(n):
        hp, hi = h[i - 1], h[i]
        matrix[i, (i - 1) % n] += hp
        matrix[i, i] += 2 * (hp + hi)
        matrix[i, (i + 1) % n] += hi
        rhs[i] = 6 * (slope[i] - slope[i - 1])
    m = np.linalg.solve(matrix, rhs)
    return np.append(m, m[0])


class _PulseWaveform(Waveform):
    """Ejection pulse A x^2 (1-x)^3 (x = t/t_e) then a backflow dip -B sin^2(pi (t-t_e)/t_b), zero after."""

    def __init__(self, period: float, ejection: float, backflow_time: float, amplitude: float, dip: float):
        self.period, self._te, self._tb, self._a, self._b = period, ejection, backflow_time, amplitude, dip

    def _eval(self, t: np.ndarray) -> np.ndarray:
        x = np.clip(t / self._te, 0.0, 1.0)
        pulse = self._a * x ** 2 * (1 - x) ** 3
        y = (t - self._te) / self._tb
        dip = np.where((y > 0) & (y < 1), np.sin(np.pi * np.clip(y, 0.0, 1.0)) ** 2, 0.0)
        return pulse - self._b * dip


def physiological_aortic(period: float = 800.0, stroke_volume: float = 70_000.0, ejection: float = 300.0,
                         backflow_volume: float = 1_000.0, backflow_time: float = 50.0) -> Waveform:
    """Resting adult ascending-aortic inflow Q(t) (mm^3/ms = mL/s, t in ms, valve opening at t = 0).

    A smooth synthetic waveform, not a digitised trace: systolic ejection
    ``A x^2 (1 - x)^3`` (x = t / ejection, peak at 40 % of ejection, zero slope at valve opening
    and closure), then a short backflow ``-B sin^2(pi (t - ejection) / backflow_time)`` at valve
    closure, then no flow in diastole. A and B are set so that the forward volume minus the
    backflow volume is ``stroke_volume`` and the backflow volume is ``backflow_volume``.

    Defaults (heart rate 75 /min, stroke volume 70 mL, ejection 300 ms, ~1 mL backflow, peak
    about 490 mL/s, cardiac output 5.25 L/min) are typical resting adult values of the
    ascending-aortic flow measurements collected in W. W. Nichols, M. F. O'Rourke,
    C. Vlachopoulos, *McDonald's Blood Flow in Arteries*, 6th ed., CRC Press 2011, ch. 12-13,
    and J. P. Murgo, N. Westerhof, J. P. Giolma, S. A. Altobelli, "Aortic input impedance in
    normal man", Circulation 62 (1980) 105-116 (peak ascending-aortic flow 400-550 mL/s, ejection
    about 0.3 s at rest).
    """
    for name, value in (("period", period), ("stroke_volume", stroke_volume), ("ejection", ejection),
                        ("backflow_time", backflow_time)):
        if not value > 0:
            raise ValueError(f"{name} must be positive, got {value}")
    if backflow_volume < 0:
        raise ValueError(f"backflow_volume must not be negative, got {backflow_volume}")
    if ejection + backflow_time > period:
        raise ValueError("ejection + backflow_time must fit in the period")
    # int_0^te x^2 (1-x)^3 dt = te B(3, 4) = te / 60;  int_0^tb sin^2 = tb / 2
    amplitude = 60.0 * (stroke_volume + backflow_volume) / ejection
    dip = 2.0 * backflow_volume / backflow_time
    return _PulseWaveform(float(period), float(ejection), float(backflow_time), amplitude, dip)
