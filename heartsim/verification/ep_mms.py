"""Manufactured solution for the diffusion part of the monodomain splitting.

On the unit cube with zero-flux boundaries and the fiber along x,

    c dv/dt = div(sigma grad v) + f,   v = phi(x) T(t),
    phi = cos(pi x) cos(pi y) cos(pi z)   (mode="3d")   or   cos(pi x)   (mode="1d"),
    T(t) = 1 + sin(omega t),
    f = phi (c T' + kappa T),   kappa = pi^2 (sigma_l + 2 sigma_t)  (3d)  or  pi^2 sigma_l  (1d).

The source is the "reaction" of the splitting, integrated exactly at the nodes:
    v_i += phi_i [T(t+h) - T(t) + (kappa/c) (h + (cos(omega t) - cos(omega (t+h))) / omega)].
The diffusion half uses heartsim's :class:`DiffusionStep`. Returns the L2 error at the end time.
"""

from __future__ import annotations

import math

import numpy as np
import ufl
from mpi4py import MPI

from heartsim import fem
from heartsim.ep.conductivity import as_ufl, conductivity_tensor
from heartsim.ep.diffusion import DiffusionStep
from heartsim.ep.splitting import split_step

SIGMA_L, SIGMA_T, C, OMEGA = 0.1, 0.05, 1.0, math.pi
PETSC = {"ksp_type": "cg", "pc_type": "hypre", "pc_hypre_type": "boomeramg", "ksp_rtol": 1e-12, "ksp_atol": 1e-14}


def mms_error(n: int, dt: float, end: float, theta: float, splitting: str, mode: str = "3d",
              lumped: bool = False, comm: MPI.Comm = MPI.COMM_WORLD) -> float:
    """L2 error at ``end`` of the split theta-scheme on an ``n``-cell-per-unit mesh."""
    if mode == "3d":
        mesh = fem.create_box(comm, (0, 0, 0), (1, 1, 1), (n, n, n))
        kappa = math.pi ** 2 * (SIGMA_L + 2 * SIGMA_T)
    else:  # thin bar, fine along x only: negligible spatial error for time-convergence studies
        width = 1.0 / n
        mesh = fem.create_box(comm, (0, 0, 0), (1, width, width), (n, 1, 1))
        kappa = math.pi ** 2 * SIGMA_L
    space = fem.lagrange_space(mesh, 1)
    sigma = as_ufl(conductivity_tensor((1, 0, 0), SIGMA_L, SIGMA_T))
    step = DiffusionStep(space, sigma, C, dt, theta, lumped, PETSC)

    xyz = space.tabulate_dof_coordinates()
    phi = np.cos(math.pi * xyz[:, 0])
    if mode == "3d":
        phi = phi * np.cos(math.pi * xyz[:, 1]) * np.cos(math.pi * xyz[:, 2])

    def T(t):
        return 1.0 + math.sin(OMEGA * t)

    v = fem.function(space)
    v.x.array[:] = phi * T(0.0)

    def reaction(t, h):
        integral = h + (math.cos(OMEGA * t) - math.cos(OMEGA * (t + h))) / OMEGA
        v.x.array[:] += phi * (T(t + h) - T(t) + kappa / C * integral)

    steps = round(end / dt)
    for k in range(steps):
        split_step(reaction, lambda: step.step(v), k * dt, dt, splitting)
    step.destroy()

    x = ufl.SpatialCoordinate(mesh)
    exact = ufl.cos(math.pi * x[0]) * T(steps * dt)
    if mode == "3d":
        exact = exact * ufl.cos(math.pi * x[1]) * ufl.cos(math.pi * x[2])
    measure = ufl.dx(metadata={"quadrature_degree": 6})
    return math.sqrt(fem.assemble_scalar((v - exact) ** 2 * measure, comm))


def rates(sizes, errors) -> list[float]:
    """Observed orders log(e_i/e_{i+1}) / log(s_i/s_{i+1}) for step sizes ``sizes``."""
    return [math.log(errors[i] / errors[i + 1]) / math.log(sizes[i] / sizes[i + 1]) for i in range(len(errors) - 1)]
