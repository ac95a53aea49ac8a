"""Config of EP stimulation (pacing leads, S1-S2 protocols) and of EP derived outputs (maps, ECG).

A stimulus (a pacing lead) drives the nodes of a ``region`` (box, sphere, cell tag) or of a ball of
``radius`` around a ``point`` with rectangular pulses: S1 pulses from ``start`` every ``period``,
``count`` of them, then extra stimuli (S2, S3, ...) at the ``couplings`` intervals. A lead may fire
``delay`` after another lead (``after: NAME``, e.g. the LV lead of cardiac resynchronisation therapy
paced a VV delay after the RV lead); it then takes that lead's timing, shifted by ``delay``.
"""

from __future__ import annotations

from typing import Optional

from pydantic import Field, model_validator

from heartsim.config.base import Region, Section, Vec3
from heartsim.config.quantities import Quantity


class Stimulus(Section):
    """A pacing lead: volumetric current pulses at a region or at a point with a radius."""

    name: Optional[str] = None
    """Label of the lead (in logs and errors; ``after`` refers to it)."""
    region: Optional[Region] = None
    """Where the current is applied (box, sphere or cell tag); or give ``point``."""
    point: Optional[Vec3] = None
    """Lead tip (mm): the current is applied within ``radius`` of it (must lie in the tissue)."""
    radius: Quantity("mm", gt=0) = 1.0
    """Radius of the paced ball around ``point`` (mm); a ball holding no node paces the cell holding the point."""
    amplitude: Quantity("uA/mm^3", gt=0) = 50.0
    """Volumetric current density (µA/mm³; Niederer 2011 uses 50 µA/mm³)."""
    start: Quantity("ms", ge=0) = 0.0
    """Onset of the first pulse (ms)."""
    duration: Quantity("ms", gt=0) = 2.0
    """Pulse width (ms)."""
    period: Optional[Quantity("ms", gt=0)] = None
    """Pacing period of an S1 train (ms); none for a single pulse."""
    count: int = Field(1, ge=1)
    """Number of S1 pulses."""
    couplings: tuple[Quantity("ms", gt=0), ...] = ()
    """S1-S2 protocol: coupling intervals (ms) of extra stimuli, S2 after the last S1, S3 after S2, ..."""
    after: Optional[str] = None
    """Name of another lead whose pulses this one follows ``delay`` later (its start, period, count and couplings)."""
    delay: Quantity("ms", ge=0) = 0.0
    """Delay after the lead named in ``after`` (ms; e.g. the VV delay of CRT)."""

    @model_validator(mode="after")
    def _train(self) -> "Stimulus":
        if (self.region is None) == (self.point is None):
            raise ValueError("give exactly one of region, point")
        if self.count > 1 and self.period is None:
            raise ValueError("count > 1 needs a period")
        if self.period is not None and self.period < self.duration:
            raise ValueError("period must be at least the pulse duration")
        if any(c < self.duration for c in self.couplings):
            raise ValueError("couplings must be at least the pulse duration")
        # checks by value, not by which keys were given, so that a resolved config (every default written
        # out, as in config.resolved.json or a sweep's case files) validates again
        if self.after is not None:
            own = [name for name, value, default in (("start", self.start, 0.0), ("period", self.period, None),
                                                     ("count", self.count, 1), ("couplings", self.couplings, ()))
                   if value != default]
            if own:
                raise ValueError(f"a lead with after takes its timing from that lead: remove {', '.join(own)}")
        elif self.delay != 0.0:
            raise ValueError("delay needs after (the lead it follows)")
        return self

    def label(self, index: int) -> str:
        """The name, or ``stimuli[index]``."""
        return self.name or f"stimuli[{index}]"

    def onsets(self) -> list[float]:
        """Onsets (ms) of this lead's own pulses (``after`` not applied): ``count`` every ``period``
        from ``start``, then one per coupling interval after the last."""
        step = 0.0 if self.period is None else float(self.period)
        onsets = [float(self.start) + k * step for k in range(self.count)]
        for coupling in self.couplings:
            onsets.append(onsets[-1] + float(coupling))
        return onsets

    def active(self, t: float) -> bool:
        """Whether a pulse of this lead's own timing (``after`` not applied) is on at time t (ms)."""
        eps = 1e-9  # absorbs round-off in t = k dt, as the kernels' pulse trains do
        return any(onset <= t + eps < onset + self.duration for onset in self.onsets())


def resolve_timing(stimuli: tuple[Stimulus, ...]) -> list[tuple[float, Optional[float], int, tuple[float, ...]]]:
    """(start, period, count, couplings) of every lead with ``after`` chains resolved.

    ValueError naming the lead on an unknown name or a cycle.
    """
    by_name = {s.name: s for s in stimuli if s.name}
    out = []
    for i, stim in enumerate(stimuli):
        shift, seen, current = 0.0, {i}, stim
        while current.after is not None:
            target = by_name.get(current.after)
            if target is None:
                raise ValueError(f"stimuli[{i}].after: no lead named {current.after!r}")
            shift += current.delay
            index = stimuli.index(target)
            if index in seen:
                raise ValueError(f"stimuli[{i}].after: leads follow each other in a cycle")
            seen.add(index)
            current = target
        out.append((current.start + shift, current.period, current.count, tuple(current.couplings)))
    return out


class ECGConfig(Section):
    """Pseudo-ECG in a homogeneous infinite volume conductor of conductivity ``bath_conductivity``:

        phi(x_e) = 1/(4 pi sigma_b) * integral over the tissue of (sigma grad v) . grad_e(1/r) dV,
        r = |x - x_e|

    with sigma the monodomain conductivity tensor and grad_e the gradient with respect to the electrode
    position (a front travelling towards an electrode gives a positive deflection). With electrodes named RA, LA, LL and V1-V6 the
    standard 12 leads are derived (Einthoven I, II, III; Goldberger aVR, aVL, aVF; V1-V6 against
    Wilson's central terminal).
    """

    electrodes: dict[str, Vec3] = Field(min_length=1)
    """Electrode positions (mm), name -> [x, y, z]; they must lie outside the tissue."""
    bath_conductivity: Quantity("mS/mm", gt=0) = 0.2
    """Conductivity sigma_b of the surrounding volume conductor (mS/mm)."""
    quadrature_degree: int = Field(4, ge=1, le=12)
    """Quadrature degree of the ECG integrals (the 1/r kernel is not polynomial)."""


class EPOutputs(Section):
    """Derived outputs of an EP run: activation/repolarisation/APD maps and the pseudo-ECG."""

    apd_percent: float = Field(90.0, gt=0, lt=100)
    """Repolarisation level X of the repolarisation-time and APD_X maps (percent of the amplitude)."""
    ecg: Optional[ECGConfig] = None
    """Pseudo-ECG at electrode positions (CSV + PNG); none: no ECG."""

