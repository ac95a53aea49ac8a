"""Pseudo-ECG weights: the electrode potential as a linear functional of the nodal v.

In a homogeneous infinite volume conductor of conductivity sigma_b the extracellular potential at
an electrode x_e is (Plonsey & Barr, Bioelectricity; Gima & Rudy 2002, Circ Res 90:889)

    phi(x_e) = 1/(4 pi sigma_b) * integral_Omega (sigma grad v) . grad_e(1/r) dV,   r = |x - x_e|,
    grad_e(1/r) = (x - x_e) / r^3      (the gradient with respect to the electrode position)

equivalently -1/(4 pi sigma_b) * integral (sigma grad v) . grad_x(1/r) dV: the field of the current
dipole density -sigma grad v. With this sign a depolarisation front travelling towards an electrode
gives a positive deflection (the clinical convention). For P1 v = sum_j v_j w_j this is
phi = sum_j W_j v_j with W_j the assembled functional of w_j. The weights are assembled once (one
row per electrode; owned dofs only, ghosts zero, so that the rank-local sums W v add up over ranks),
after which every ECG sample is one small mat-vec. Units: sigma mS/mm, v mV, lengths mm -> phi in mV.
"""

from __future__ import annotations

import math

import numpy as np
import ufl
from mpi4py import MPI

from heartsim import fem
from heartsim.config.errors import ConfigError, InputError
from heartsim.config.model import ECGConfig


def ecg_weights(space, sigma: ufl.core.expr.Expr, cfg: ECGConfig, key: str) -> tuple[list[str], np.ndarray]:
    """(electrode names, weights of shape (electrodes, local dofs)); an electrode in the tissue is a ConfigError."""
    mesh = space.mesh
    comm = mesh.comm
    names = list(cfg.electrodes)
    points = np.array([cfg.electrodes[n] for n in names], dtype=float)
    local = (fem.cells_containing(mesh, points) >= 0).astype(np.int32)
    inside = np.zeros_like(local)
    comm.Allreduce(local, inside, op=MPI.MAX)
    for name, hit in zip(names, np.asarray(inside)):
        if hit:
            raise InputError(f"{key}.electrodes.{name}", f"electrode lies inside the tissue (the pseudo-ECG needs "
                                                         "electrodes outside it)")
    w = ufl.TestFunction(space)
    x = ufl.SpatialCoordinate(mesh)
    electrode = fem.constant(mesh, np.zeros(3))  # one compiled form for every electrode
    d = x - electrode
    r = ufl.sqrt(ufl.dot(d, d))
    grad_inv_r = d / r ** 3  # gradient of 1/r with respect to the electrode position
    measure = ufl.dx(metadata={"quadrature_degree": cfg.quadrature_degree})
    form = fem.compile_form(ufl.dot(sigma * ufl.grad(w), grad_inv_r) * measure)
    rows = []
    for p in points:
        electrode.value[:] = p
        rows.append(fem.assemble_owned_vector(form) / (4.0 * math.pi * cfg.bath_conductivity))
    return names, np.vstack(rows)
