"""Monodomain electrophysiology with operator splitting.

    chi (C_m dv/dt + I_ion(v, s)) = div(sigma grad v) + I_stim,   ds/dt = f(v, s)

Units: v mV, t ms, chi 1/mm, C_m µF/mm², sigma mS/mm, I_stim µA/mm³. The reaction part,

    dv/dt = -I_ion/C_m + I_stim/(chi C_m),   ds/dt = f(v, s),

is integrated node by node by the ionic model (pure-array code on the chosen backend); the
diffusion part, chi C_m dv/dt = div(sigma grad v), by :class:`DiffusionStep`. Godunov or Strang
splitting combines them. All time-loop state (v, ionic states, activation times, t, step) lives on
this object so that a later checkpoint can save it in one place.
"""

from __future__ import annotations

import numpy as np
import dolfinx.fem

from heartsim import dolfinx_api as dx
from heartsim.config.model import EPConfig
from heartsim.ep.activation import ActivationTimes
from heartsim.ep.conductivity import as_ufl, conductivity_tensor
from heartsim.ep.diffusion import DiffusionStep
from heartsim.ep.splitting import split_step
from heartsim.ep.stimulus import build_stimuli
from heartsim.kernels.backend import Backend
from heartsim.kernels.ionic import MODELS, resolve_parameters
from heartsim.mesh import TaggedMesh


class Monodomain:
    """The monodomain problem on a mesh, advanced step by step with :meth:`advance`."""

    def __init__(self, tagged: TaggedMesh, cfg: EPConfig, dt: float, petsc_options: dict,
                 backend: Backend, config_key: str = "physics.ep"):
        self.cfg = cfg
        self.dt = dt
        self.backend = backend
        self.space = dx.lagrange_space(tagged.mesh, 1)
        index_map = self.space.dofmap.index_map
        self.n_owned = index_map.size_local
        self.n_local = index_map.size_local + index_map.num_ghosts
        self.n_global = index_map.size_global

        self.model = MODELS[cfg.ionic.model]
        self.params = resolve_parameters(self.model, cfg.ionic.parameters)
        xp = backend.xp
        init = np.asarray(self.model.initial_state(self.params), dtype=np.float64)
        self.states = backend.from_host(np.repeat(init[:, None], self.n_local, axis=1))
        self.v = dolfinx.fem.Function(self.space, name="v")
        self.v.x.array[:] = init[0]
        self._xp = xp

        self.stimuli = build_stimuli(self.space, tagged, cfg.stimuli, f"{config_key}.stimuli")
        self._stim_nodes = [backend.from_host(s.nodes) for s in self.stimuli]
        self._chi_cm = cfg.surface_to_volume * cfg.capacitance

        sigma = as_ufl(conductivity_tensor(cfg.fiber, cfg.conductivity.longitudinal, cfg.conductivity.transverse))
        self.diffusion = DiffusionStep(self.space, sigma, self._chi_cm, dt, cfg.numerics.theta,
                                       cfg.numerics.lumped_mass, petsc_options)
        self.activation = ActivationTimes(self.n_local, cfg.activation_threshold)
        self.t = 0.0
        self.step_count = 0

    def reaction(self, t: float, h: float) -> None:
        """Ionic model and stimulus over [t, t + h] at every local node (forward Euler / Rush-Larsen)."""
        y = self.states
        y[0][...] = self.backend.from_host(self.v.x.array)
        self.model.step(y, h, self.params, self._xp)
        for stim, nodes in zip(self.stimuli, self._stim_nodes):
            if stim.config.active(t):
                y[0][nodes] += h * stim.config.amplitude / self._chi_cm
        self.v.x.array[:] = self.backend.to_host(y[0])

    def advance(self) -> None:
        """One step of dt: splitting of reaction and diffusion, then activation-time update."""
        v_before = self.v.x.array.copy()
        split_step(self.reaction, lambda: self.diffusion.step(self.v), self.t, self.dt,
                   self.cfg.numerics.splitting)
        self.activation.update(v_before, self.v.x.array, self.t, self.t + self.dt)
        self.step_count += 1
        self.t = self.step_count * self.dt

    def state(self) -> dict[str, np.ndarray]:
        """Every nodal array of the time-loop state (local nodes, NumPy), for a checkpoint."""
        return {"v": self.v.x.array.copy(), "ionic": self.backend.to_host(self.states).copy(),
                "activation": self.activation.times.copy()}

    def counters(self) -> dict[str, float]:
        """The scalar time-loop state, for a checkpoint."""
        return {"t": self.t, "step": self.step_count, "ksp_iterations": self.diffusion.iterations,
                "ksp_solves": self.diffusion.solves}

    def restore(self, fields: dict[str, np.ndarray], counters: dict) -> None:
        """Set the state written by :meth:`state` and :meth:`counters`."""
        self.v.x.array[:] = fields["v"]
        self.states = self.backend.from_host(np.ascontiguousarray(fields["ionic"]))
        self.activation.times[:] = fields["activation"]
        self.step_count = int(counters["step"])
        self.t = self.step_count * self.dt
        self.diffusion.iterations = int(counters["ksp_iterations"])
        self.diffusion.solves = int(counters["ksp_solves"])

    def activation_function(self) -> dolfinx.fem.Function:
        """Activation times (ms; NaN where never activated) as a P1 Function for output."""
        f = dolfinx.fem.Function(self.space, name="activation_time")
        f.x.array[:] = self.activation.times
        return f

    def activation_range(self) -> tuple[float, float, int]:
        """Global (min, max) activation time over activated nodes, and the number not activated."""
        comm = self.space.mesh.comm
        owned = self.activation.times[: self.n_owned]
        hit = owned[~np.isnan(owned)]
        from mpi4py import MPI

        lo = comm.allreduce(float(hit.min()) if hit.size else np.inf, op=MPI.MIN)
        hi = comm.allreduce(float(hit.max()) if hit.size else -np.inf, op=MPI.MAX)
        missing = comm.allreduce(int(owned.size - hit.size), op=MPI.SUM)
        return lo, hi, missing

    def destroy(self) -> None:
        self.diffusion.destroy()
