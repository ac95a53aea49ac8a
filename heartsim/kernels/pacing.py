"""Pulse trains of pacing leads, as pure arrays (shared by the FE run and the DOLFINx-free runner).

A lead delivers rectangular pulses of volumetric current I_stim (µA/mm³) at its nodes. Its pulses
start at the onsets t_k (ms) and last ``duration`` ms each: the lead is on at time t when
t_k <= t < t_k + duration for some k. Onsets of a train with an S1-S2(-S3...) protocol:

    S1:  t_k = start + k * period,              k = 0 .. count - 1
    S2:  t_S2 = t_S1,last + coupling_1;  S3: t_S3 = t_S2 + coupling_2; ...
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np


def train_onsets(start: float, period: float | None, count: int, couplings: Sequence[float] = ()) -> np.ndarray:
    """Onsets (ms) of ``count`` S1 pulses every ``period`` from ``start``, then the extra stimuli."""
    step = 0.0 if period is None else float(period)
    onsets = [float(start) + k * step for k in range(count)]
    for coupling in couplings:
        onsets.append(onsets[-1] + float(coupling))
    return np.asarray(onsets, dtype=np.float64)


@dataclass(frozen=True)
class PulseTrain:
    """Onsets (ms), pulse width (ms) and amplitude (µA/mm³) of one lead."""

    onsets: np.ndarray
    duration: float
    amplitude: float

    def active(self, t: float) -> bool:
        """Whether a pulse is on at time ``t`` (ms); a tiny tolerance absorbs round-off in t = k dt."""
        eps = 1e-9
        return bool(np.any((self.onsets <= t + eps) & (t + eps < self.onsets + self.duration)))
