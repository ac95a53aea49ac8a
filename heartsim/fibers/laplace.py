"""The Laplace problems of rule-based fibers: -div grad phi = 0 with Dirichlet data, zero flux elsewhere.

phi = value on each given dof set (epicardium 1, endocardium 0, ...); the weak form
(grad phi, grad v) = 0 for all v vanishing on the Dirichlet dofs, P1 Lagrange, one KSP solve.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import ufl

from heartsim import fem


def solve_laplace(space, dirichlet: Sequence[tuple[np.ndarray, float]], options: dict):
    """phi in ``space`` with -div grad phi = 0, phi = value on each (dofs, value), zero flux elsewhere.

    ``options``: PETSc KSP/PC options of the linear solve.
    """
    u, v = ufl.TrialFunction(space), ufl.TestFunction(space)
    zero = fem.constant(space.mesh, 0.0)
    bcs = [fem.dirichlet(fem.constant(space.mesh, float(value)), dofs, space) for dofs, value in dirichlet]
    return fem.linear_solve(ufl.inner(ufl.grad(u), ufl.grad(v)) * ufl.dx, zero * v * ufl.dx, bcs, options)
