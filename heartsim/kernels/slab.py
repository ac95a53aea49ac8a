"""A DOLFINx-free EP case on a box of nodes, in the format of ``heartsim ep export``.

For tests and the NumPy half of ``scripts/gpu_benchmark.py`` (CI, no DOLFINx needed there): the
mapping has the keys :class:`heartsim.kernels.bench.BenchCase` reads from an exported ``.npz``.
Nodes on a regular grid of spacing h (mm) over [0, Lx] x [0, Ly] x [0, Lz]; lumped mass
M = h^3 I (mm^3); stiffness the 7-point finite-volume Laplacian with the conductivity sigma_d
(mS/mm) along axis d,

    (K v)_i = sum over neighbours j along d of sigma_d h (v_i - v_j)      (uA/mm^3 x mm^3 per mV),

symmetric, positive semi-definite, row sums zero (insulated boundary). Defaults are the Niederer
et al. 2011 benchmark's: chi C_m = 140 /mm x 0.01 uF/mm^2 = 1.4 uF/mm^3, sigma = 0.1334 / 0.0176
mS/mm (fibers along x), a 50 uA/mm^3 stimulus for 2 ms in the 1.5 mm corner cube, Strang
splitting, Crank-Nicolson (theta 1/2), activation at 0 mV. Not a finite-element discretisation:
activation times differ from the FE run's (a stand-in for timing and code-path checks only).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def slab_case(size=(20.0, 7.0, 3.0), h: float = 0.5, model: str = "tentusscher_panfilov_2006",
              dt: float = 0.05, end: float = 100.0, sigma=(0.1334, 0.0176, 0.0176), chi_cm: float = 1.4,
              method: str = "rush_larsen", rtol: float = 1e-10) -> dict[str, np.ndarray]:
    """The exported-case mapping of a slab (see the module docstring)."""
    from heartsim.kernels.ionic import MODELS
    from heartsim.kernels.ionic.generated_model import GeneratedModel
    from heartsim.kernels.ionic.parameters import parameter_table, region_values

    counts = [int(round(length / h)) + 1 for length in size]
    axes = [np.arange(c) * h for c in counts]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, 3)
    n = grid.shape[0]
    index = np.arange(n).reshape(counts)
    rows, cols, vals = [], [], []
    for d in range(3):
        a = np.take(index, np.arange(counts[d] - 1), axis=d).ravel()
        b = np.take(index, np.arange(1, counts[d]), axis=d).ravel()
        w = np.full(a.size, sigma[d] * h)
        rows += [a, b, a, b]
        cols += [b, a, a, b]
        vals += [-w, -w, w, w]
    stiffness = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n))
    mass = sp.identity(n, format="csr") * h ** 3
    ionic = MODELS[model]
    p = region_values(ionic, getattr(ionic, "default_variant", None) or None)
    initial = np.repeat(np.asarray(ionic.initial_state(p), dtype=np.float64)[:, None], n, axis=1)
    generated = isinstance(ionic, GeneratedModel)
    mask = np.all(grid <= 1.5 + 1e-9, axis=1)
    return {
        "format_version": np.array(1),
        "mass_indptr": mass.indptr, "mass_indices": mass.indices, "mass_data": mass.data,
        "stiffness_indptr": stiffness.indptr, "stiffness_indices": stiffness.indices,
        "stiffness_data": stiffness.data, "coordinates": grid, "initial_states": initial,
        "state_names": np.array(ionic.state_names), "lead_masks": mask[None, :],
        "lead_onsets": np.array([[0.0]]), "lead_duration": np.array([2.0]), "lead_amplitude": np.array([50.0]),
        "lead_names": np.array(["S1"]), "dt": np.array(dt), "end": np.array(end), "chi_cm": np.array(chi_cm),
        "theta": np.array(0.5), "lumped_mass": np.array(True), "splitting": np.array("strang"),
        "activation_threshold": np.array(0.0), "apd_percent": np.array(90.0), "rtol": np.array(rtol),
        "ionic_model": np.array(model), "ionic_method": np.array(method if generated else ""),
        "ionic_substeps": np.array(1), "ionic_cpu_kernel": np.array("numpy"),
        "parameter_names": np.array(list(ionic.parameters)),
        "parameter_table": parameter_table(ionic, [p]), "parameter_region": np.zeros(n, dtype=np.int32),
    }
