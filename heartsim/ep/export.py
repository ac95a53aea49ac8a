"""Everything the DOLFINx-free runner (:mod:`heartsim.kernels.bench`) needs, as plain arrays.

The arrays are gathered on rank 0 in PETSc's global dof numbering (owned rows of rank 0, then of
rank 1, ...): the P1 mass matrix M and stiffness matrix K (CSR), node coordinates (mm), the
initial ionic states, one boolean node mask, onset list, pulse width and amplitude per lead, the
pseudo-ECG weights when configured, and the scalars of the time loop (dt, end, chi C_m, theta,
lumping, splitting, thresholds, ionic model name, integrator and the parameter table per region
with each node's region). No file I/O here: the CLI
(``heartsim ep export``) writes the mapping with ``numpy.savez``.
"""

from __future__ import annotations

import numpy as np

from heartsim import fem
from heartsim.ep.conductivity import as_ufl, conductivity_tensor
from heartsim.ep.diffusion import mass_and_stiffness
from heartsim.ep.monodomain import Monodomain

FORMAT_VERSION = 1


def _gather_rows(comm, matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The global CSR of a row-distributed PETSc matrix, on rank 0 (None elsewhere)."""
    indptr, indices, values, _ = fem.owned_rows_csr(matrix)
    parts = comm.gather((np.diff(indptr), indices, values), root=0)
    if comm.rank != 0:
        return None
    counts = np.concatenate([p[0] for p in parts])
    return (np.concatenate([[0], np.cumsum(counts)]).astype(np.int64), np.concatenate([p[1] for p in parts]),
            np.concatenate([p[2] for p in parts]))


def _gather_columns(comm, array: np.ndarray) -> np.ndarray | None:
    """Concatenate (..., n_owned) arrays of every rank along the last axis, on rank 0."""
    parts = comm.gather(np.asarray(array), root=0)
    return None if comm.rank != 0 else np.concatenate(parts, axis=-1)


def _parameters(params, n_owned: int) -> tuple[np.ndarray, np.ndarray]:
    """(table (regions, parameters), region index of the owned nodes) of the run's ionic parameters."""
    table = getattr(params, "table", None)
    if table is None:  # a plain mapping: one region
        return np.array([[float(params[k]) for k in params]]), np.zeros(n_owned, dtype=np.int32)
    region = getattr(params, "region", None)
    region = np.zeros(n_owned, dtype=np.int32) if region is None else np.asarray(region[:n_owned], dtype=np.int32)
    return np.asarray(table, dtype=np.float64), region


def export_problem(problem: Monodomain, end: float, rtol: float) -> dict[str, np.ndarray] | None:
    """The arrays of ``problem`` (at its initial state) on rank 0; None on the other ranks. Collective."""
    comm, cfg, n = problem.comm, problem.cfg, problem.n_owned
    sigma = as_ufl(conductivity_tensor(cfg.fiber, cfg.conductivity.longitudinal, cfg.conductivity.transverse))
    mass, stiffness = mass_and_stiffness(problem.space, sigma)
    m, k = _gather_rows(comm, mass), _gather_rows(comm, stiffness)
    mass.destroy()
    stiffness.destroy()
    state = problem.state()
    masks = np.zeros((len(problem.stimuli), n), dtype=bool)
    for i, s in enumerate(problem.stimuli):
        masks[i, s.nodes[s.nodes < n]] = True
    coords = _gather_columns(comm, problem.space.tabulate_dof_coordinates()[:n].T)
    states = _gather_columns(comm, state["ionic"][:, :n])
    masks = _gather_columns(comm, masks)
    weights = _gather_columns(comm, problem.loop.ecg_weights[:, :n]) if problem.electrodes else None
    table, region = _parameters(problem.params, n)
    region = _gather_columns(comm, region)
    if comm.rank != 0:
        return None
    longest = max(len(s.pulses.onsets) for s in problem.stimuli)
    onsets = np.full((len(problem.stimuli), longest), np.nan)
    for i, s in enumerate(problem.stimuli):
        onsets[i, : len(s.pulses.onsets)] = s.pulses.onsets
    out = {
        "format_version": np.array(FORMAT_VERSION),
        "mass_indptr": m[0], "mass_indices": m[1], "mass_data": m[2],
        "stiffness_indptr": k[0], "stiffness_indices": k[1], "stiffness_data": k[2],
        "coordinates": coords.T.copy(), "initial_states": states,
        "state_names": np.array(problem.model.state_names),
        "lead_masks": masks, "lead_onsets": onsets,
        "lead_duration": np.array([s.pulses.duration for s in problem.stimuli]),
        "lead_amplitude": np.array([s.pulses.amplitude for s in problem.stimuli]),
        "lead_names": np.array([s.config.label(i) for i, s in enumerate(problem.stimuli)]),
        "dt": np.array(problem.dt), "end": np.array(end), "chi_cm": np.array(problem._chi_cm),
        "theta": np.array(cfg.numerics.theta), "lumped_mass": np.array(cfg.numerics.lumped_mass),
        "splitting": np.array(cfg.numerics.splitting), "activation_threshold": np.array(cfg.activation_threshold),
        "apd_percent": np.array(cfg.outputs.apd_percent), "rtol": np.array(rtol),
        "ionic_model": np.array(problem.model.name),
        "ionic_method": np.array(getattr(problem.model, "method", "")),
        "ionic_substeps": np.array(getattr(problem.model, "substeps", 1)),
        "ionic_cpu_kernel": np.array(getattr(problem.model, "cpu_kernel", "numpy")),
        "parameter_names": np.array(list(problem.params)),
        "parameter_table": table, "parameter_region": region,
    }
    if weights is not None:
        out["ecg_weights"] = weights
        out["electrode_names"] = np.array(problem.electrodes)
    return out
