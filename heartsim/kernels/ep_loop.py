"""The monodomain time loop on pure arrays: every piece of time-loop state in one object.

Reaction part, node by node (v in mV, t in ms, I_stim in µA/mm³, chi C_m in µF/mm³):

    dv/dt = -I_ion(v, s)/C_m + I_stim(t)/(chi C_m),    ds/dt = f(v, s)

advanced by the ionic model's own step (forward Euler / Rush-Larsen) and the stimulus as a forward
Euler source; the diffusion part is a callable that advances v = states[0] by dt in place (a PETSc
KSP in the finite-element run, a preconditioned CG on NumPy/CuPy sparse matrices in
:mod:`heartsim.kernels.bench`). Godunov or Strang splitting combines them (:mod:`splitting`).

After each step the activation and repolarisation trackers are updated and, when ECG weights are
given, the rank-local partial sums of the pseudo-ECG integrals (one row per step, kept on the
device; summed over ranks only when read). :meth:`state`/:meth:`restore` hold all of it, so a
checkpoint saves the loop in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from heartsim.kernels.activation import ActivationTimes, Repolarisation
from heartsim.kernels.pacing import PulseTrain
from heartsim.kernels.splitting import split_step


@dataclass
class NodalLead:
    """A pulse train and the local node indices (on the loop's backend) it drives."""

    pulses: PulseTrain
    nodes: Any


class EPLoop:
    """States, trackers and clock of one monodomain run on ``backend`` (see the module docstring)."""

    def __init__(self, model, params: Mapping[str, float], n_local: int, backend, leads: Sequence[NodalLead],
                 chi_cm: float, dt: float, splitting: str, threshold: float, apd_percent: float = 90.0,
                 ecg_weights: np.ndarray | None = None, initial: np.ndarray | None = None,
                 dtype=np.float64):
        self.model, self.params, self.backend = model, params, backend
        self.xp = xp = backend.xp
        self.dt, self.splitting, self.chi_cm = dt, splitting, chi_cm
        if initial is None:
            init = np.asarray(model.initial_state(self.params), dtype=np.float64)
            initial = np.repeat(init[:, None], n_local, axis=1)
        self.states = backend.from_host(np.array(initial, dtype=dtype, order="C", copy=True))
        self.leads = list(leads)
        self.activation = ActivationTimes(n_local, threshold, xp)
        self.repolarisation = Repolarisation(self.states[0], apd_percent, xp)
        self.ecg_weights = None
        if ecg_weights is not None:
            self.ecg_weights = backend.from_host(np.ascontiguousarray(ecg_weights, dtype=dtype))
        self._ecg: list = []
        self.t = 0.0
        self.step_count = 0

    @property
    def v(self):
        """The transmembrane potential (mV), a view of ``states[0]``."""
        return self.states[0]

    def reaction(self, t: float, h: float) -> None:
        """Ionic model and stimuli over [t, t + h] at every local node."""
        self.model.step(self.states, h, self.params, self.xp)
        for lead in self.leads:
            if lead.pulses.active(t):
                self.states[0][lead.nodes] += h * lead.pulses.amplitude / self.chi_cm

    def advance(self, diffuse: Callable[[Any], None]) -> None:
        """One step of dt: reaction and ``diffuse(v)`` by splitting, then the trackers."""
        v_before = self.states[0].copy()
        t0, t1 = self.t, (self.step_count + 1) * self.dt
        split_step(self.reaction, lambda: diffuse(self.states[0]), t0, self.dt, self.splitting)
        v = self.states[0]
        self.activation.update(v_before, v, t0, t1)
        self.repolarisation.update(v_before, v, t0, t1, self.activation.times)
        if self.ecg_weights is not None:
            self._ecg.append(self.ecg_weights @ v)
        self.step_count += 1
        self.t = self.step_count * self.dt

    def ecg_partial(self) -> np.ndarray:
        """Rank-local partial ECG integrals, shape (steps recorded, electrodes), on the host."""
        if self.ecg_weights is None or not self._ecg:
            return np.zeros((0, 0 if self.ecg_weights is None else self.ecg_weights.shape[0]))
        return np.asarray(self.backend.to_host(self.xp.stack(self._ecg)))

    def state(self) -> dict[str, np.ndarray]:
        """Every nodal array of the loop state (local nodes, NumPy)."""
        host = self.backend.to_host
        return {"v": np.array(host(self.states[0])), "ionic": np.array(host(self.states)),
                "activation": np.array(host(self.activation.times)),
                "repolarisation": np.array(host(self.repolarisation.times)),
                "v_peak": np.array(host(self.repolarisation.peak)),
                "v_rest": np.array(host(self.repolarisation.v_rest))}

    def restore(self, fields: Mapping[str, np.ndarray], step: int, ecg_partial: np.ndarray | None = None) -> None:
        """Set the state written by :meth:`state` at ``step`` (and the ECG rows recorded so far)."""
        put = self.backend.from_host
        self.states = put(np.ascontiguousarray(fields["ionic"], dtype=self.states.dtype))  # FP32 stays FP32
        self.activation.times[...] = put(np.asarray(fields["activation"]))
        for name, target in (("repolarisation", "times"), ("v_peak", "peak"), ("v_rest", "v_rest")):
            if name in fields:
                getattr(self.repolarisation, target)[...] = put(np.asarray(fields[name]))
        self.step_count = int(step)
        self.t = self.step_count * self.dt
        self._ecg = [] if ecg_partial is None else [put(row) for row in np.asarray(ecg_partial)]
