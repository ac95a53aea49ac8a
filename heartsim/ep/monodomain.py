"""Monodomain electrophysiology with operator splitting.

    chi (C_m dv/dt + I_ion(v, s)) = div(sigma grad v) + I_stim,   ds/dt = f(v, s)

Units: v mV, t ms, chi 1/mm, C_m µF/mm², sigma mS/mm, I_stim µA/mm³. The reaction part,

    dv/dt = -I_ion/C_m + I_stim/(chi C_m),   ds/dt = f(v, s),

is integrated node by node by the ionic model (pure-array code on the chosen backend); the
diffusion part, chi C_m dv/dt = div(sigma grad v), by :class:`DiffusionStep` (PETSc) or, on a GPU
with one rank, by :class:`heartsim.kernels.array_diffusion.ArrayDiffusion` on CuPy sparse matrices
(no host round trip in the loop). The time loop itself, and all its state (ionic states,
activation/repolarisation trackers, ECG samples, t, step), is :class:`heartsim.kernels.ep_loop.EPLoop`,
the same code the DOLFINx-free runner :mod:`heartsim.kernels.bench` uses.
"""

from __future__ import annotations

import numpy as np
from mpi4py import MPI

from heartsim import fem
from heartsim.config.model import EPConfig
from heartsim.ep.conductivity import as_ufl, conductivity_field, conductivity_tensor
from heartsim.ep.diffusion import DiffusionStep
from heartsim.ep.ecg import ecg_weights
from heartsim.ep.stimulus import build_stimuli
from heartsim.kernels.array_diffusion import ArrayDiffusion
from heartsim.kernels.backend import Backend
from heartsim.kernels.ep_loop import EPLoop, NodalLead
from heartsim.kernels.ionic.setup import ionic_from_config, region_index
from heartsim.mesh import TaggedMesh
from heartsim.failures import at_step


def _ionic_regions(space, tagged: TaggedMesh, regions: dict, key: str) -> list[np.ndarray]:
    """Local nodes of every cell tag listed in ``ionic.regions`` (ConfigError naming an unknown tag)."""
    from heartsim.config.errors import ConfigError

    nodes = []
    for tag in regions:
        value = tagged.tag_value(int(tag) if tag.isdigit() else tag)
        if value is None or tagged.cell_tags is None:
            known = ", ".join(tagged.tag_names) or "none"
            raise ConfigError([f"{key}.regions.{tag}: no cell tag {tag!r} in the mesh (named tags: {known})"])
        nodes.append(np.nonzero(fem.dofs_touching_tag(space, tagged.cell_tags, value))[0])
    return nodes


def _csr_on(backend: Backend, matrix):
    """A one-rank PETSc AIJ matrix as a CSR matrix of the backend's sparse module."""
    from heartsim.kernels.array_diffusion import sparse_module

    indptr, indices, values, _ = fem.owned_rows_csr(matrix)
    xp = backend.xp
    n = matrix.getSize()[0]
    return sparse_module(xp).csr_matrix((xp.asarray(values), xp.asarray(indices.astype(np.int32)),
                                         xp.asarray(indptr.astype(np.int32))), shape=(n, n))


class Monodomain:
    """The monodomain problem on a mesh, advanced step by step with :meth:`advance`."""

    def _ionic(self, tagged: TaggedMesh, cfg: EPConfig, backend: Backend, key: str):
        """Ionic model (integrator, sub-steps) and per-node parameters (variant by region, scale)."""
        nodes = _ionic_regions(self.space, tagged, cfg.ionic.regions, key)
        region = region_index(self.n_local, nodes) if nodes else None
        return ionic_from_config(cfg.ionic, region, backend.xp)

    def __init__(self, tagged: TaggedMesh, cfg: EPConfig, dt: float, petsc_options: dict,
                 backend: Backend, config_key: str = "physics.ep", array_pde: bool | None = None,
                 fibers=None):
        """``array_pde``: solve the diffusion with the array backend's CG (None: on one GPU rank only;
        True also runs it on NumPy/SciPy, which is how the GPU path is tested without a GPU).
        ``fibers``: a FiberField (heartsim.fibers) whose fiber direction replaces ``cfg.fiber``."""
        self.cfg = cfg
        self.dt = dt
        self.backend = backend
        self.space = fem.lagrange_space(tagged.mesh, 1)
        self.comm = tagged.mesh.comm
        index_map = self.space.dofmap.index_map
        self.n_owned = index_map.size_local
        self.n_local = index_map.size_local + index_map.num_ghosts
        self.n_global = index_map.size_global

        self.model, self.params = self._ionic(tagged, cfg, backend, f"{config_key}.ionic")
        self.stimuli = build_stimuli(self.space, tagged, cfg.stimuli, f"{config_key}.stimuli")
        self._chi_cm = cfg.surface_to_volume * cfg.capacitance
        if fibers is not None:
            sigma = conductivity_field(fibers.fiber, cfg.conductivity.longitudinal, cfg.conductivity.transverse)
        else:
            sigma = as_ufl(conductivity_tensor(cfg.fiber, cfg.conductivity.longitudinal, cfg.conductivity.transverse))
        self.electrodes: list[str] = []
        weights = None
        if cfg.outputs.ecg is not None:
            self.electrodes, weights = ecg_weights(self.space, sigma, cfg.outputs.ecg, f"{config_key}.outputs.ecg")

        leads = [NodalLead(s.pulses, backend.from_host(s.nodes)) for s in self.stimuli]
        self.loop = EPLoop(self.model, self.params, self.n_local, backend, leads, self._chi_cm, dt,
                           cfg.numerics.splitting, cfg.activation_threshold, cfg.outputs.apd_percent, weights)
        self.v = fem.function(self.space, name="v")
        self.sync()

        self.diffusion = DiffusionStep(self.space, sigma, self._chi_cm, dt, cfg.numerics.theta,
                                       cfg.numerics.lumped_mass, petsc_options)
        if array_pde is None:
            array_pde = backend.name == "cupy"
        self.on_device = bool(array_pde) and self.comm.size == 1
        if self.on_device:  # the PDE step on the GPU too: CuPy CSR + Jacobi-PCG (no host round trips)
            rtol = float(petsc_options.get("ksp_rtol", 1e-10))
            self._array_diffusion = ArrayDiffusion(_csr_on(backend, self.diffusion.A),
                                                   _csr_on(backend, self.diffusion.B), backend.xp, rtol=rtol)

    # ---- clock and trackers (all state lives on the loop)
    @property
    def t(self) -> float:
        return self.loop.t

    @property
    def step_count(self) -> int:
        return self.loop.step_count

    @property
    def activation(self):
        """Activation-time tracker (``.times`` on the backend: NumPy arrays unless on a GPU)."""
        return self.loop.activation

    def _diffuse_petsc(self, v) -> None:
        self.v.x.array[:] = self.backend.to_host(v)
        self.diffusion.step(self.v)
        v[...] = self.backend.from_host(self.v.x.array)

    def advance(self) -> None:
        """One step of dt: splitting of reaction and diffusion, then activation/repolarisation/ECG update."""
        try:
            self.loop.advance(self._array_diffusion if self.on_device else self._diffuse_petsc)
        except RuntimeError as exc:  # a diverged diffusion solve: name the step that failed
            raise at_step(exc, self.t + self.dt, self.step_count + 1) from exc

    def sync(self) -> fem.Function:
        """Copy the loop's v into the output Function ``self.v`` (a device-to-host copy on a GPU).

        Not done by :meth:`advance`: callers sync when they read ``self.v`` (output, checkpoints),
        so a multi-rank GPU step copies v to the host once (for the PETSc solve), not twice."""
        self.v.x.array[:] = self.backend.to_host(self.loop.v)
        return self.v

    @property
    def linear_iterations(self) -> tuple[int, int]:
        """(iterations, solves) of the diffusion solver in use."""
        d = self._array_diffusion if self.on_device else self.diffusion
        return d.iterations, d.solves

    # ---- checkpoints
    def state(self) -> dict[str, np.ndarray]:
        """Every nodal array of the time-loop state (local nodes, NumPy), for a checkpoint."""
        return self.loop.state()

    def counters(self) -> dict:
        """The non-nodal time-loop state, for a checkpoint (collective: sums the ECG over ranks)."""
        iterations, solves = self.linear_iterations
        out = {"t": self.t, "step": self.step_count, "ksp_iterations": iterations, "ksp_solves": solves}
        if self.loop.ecg_weights is not None:
            out["ecg"] = self.ecg_trace().tolist()
        return out

    def restore(self, fields: dict[str, np.ndarray], counters: dict) -> None:
        """Set the state written by :meth:`state` and :meth:`counters`."""
        ecg = None
        if self.loop.ecg_weights is not None and "ecg" in counters:
            ecg = np.asarray(counters["ecg"], dtype=float).reshape(-1, len(self.electrodes))
            if self.comm.rank != 0:
                ecg = np.zeros_like(ecg)
        self.loop.restore(fields, int(counters["step"]), ecg)
        d = self._array_diffusion if self.on_device else self.diffusion
        d.iterations = int(counters["ksp_iterations"])
        d.solves = int(counters["ksp_solves"])
        self.sync()

    # ---- derived outputs
    def _host(self, array) -> np.ndarray:
        return np.asarray(self.backend.to_host(array))

    def map_functions(self) -> list[fem.Function]:
        """Activation time, repolarisation time and APD_X (ms; NaN where not reached) as P1 Functions."""
        act = self._host(self.loop.activation.times)
        rep = self._host(self.loop.repolarisation.times)
        x = int(round(self.cfg.outputs.apd_percent))
        out = []
        for name, values in (("activation_time", act), ("repolarisation_time", rep), (f"apd{x}", rep - act)):
            f = fem.function(self.space, name=name)
            f.x.array[:] = values
            out.append(f)
        return out

    def activation_function(self) -> fem.Function:
        """Activation times (ms; NaN where never activated) as a P1 Function for output."""
        return self.map_functions()[0]

    def activation_range(self) -> tuple[float, float, int]:
        """Global (min, max) activation time over activated nodes, and the number not activated."""
        lo, hi, missing, _ = self.activation_extent()
        return lo, hi, missing

    def activation_extent(self) -> tuple[float, float, int, list[float] | None]:
        """(min, max) activation time, nodes not activated, and the position (mm) of the latest activation."""
        owned = self._host(self.loop.activation.times)[: self.n_owned]
        hit = ~np.isnan(owned)
        coords = self.space.tabulate_dof_coordinates()[: self.n_owned]
        lo = self.comm.allreduce(float(owned[hit].min()) if hit.any() else np.inf, op=MPI.MIN)
        latest = (-np.inf, None)
        if hit.any():
            at = np.flatnonzero(hit)[np.argmax(owned[hit])]
            latest = (float(owned[at]), np.round(coords[at], 9).tolist())
        hi, where = max(self.comm.allgather(latest), key=lambda item: item[0])
        missing = self.comm.allreduce(int(owned.size - hit.sum()), op=MPI.SUM)
        return lo, hi, missing, where

    def apd_range(self) -> tuple[float | None, float | None]:
        """Global (min, max) APD_X (ms) over repolarised nodes (None when none repolarised)."""
        act = self._host(self.loop.activation.times)[: self.n_owned]
        apd = self._host(self.loop.repolarisation.times)[: self.n_owned] - act
        apd = apd[~np.isnan(apd)]
        lo = self.comm.allreduce(float(apd.min()) if apd.size else np.inf, op=MPI.MIN)
        hi = self.comm.allreduce(float(apd.max()) if apd.size else -np.inf, op=MPI.MAX)
        return (lo, hi) if np.isfinite(lo) else (None, None)

    def ecg_trace(self) -> np.ndarray:
        """Electrode potentials (mV), shape (steps, electrodes), summed over ranks (collective)."""
        partial = np.ascontiguousarray(self.loop.ecg_partial(), dtype=np.float64)
        total = np.empty_like(partial)
        self.comm.Allreduce(partial, total, op=MPI.SUM)
        return total

    def destroy(self) -> None:
        self.diffusion.destroy()
