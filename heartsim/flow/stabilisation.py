"""Streamline-upwind/Petrov-Galerkin (SUPG) stabilisation of the tentative-velocity equation.

Where the cell Reynolds number rho |b| h / mu is large, the Galerkin convection term lets the velocity
oscillate from node to node. SUPG (Brooks & Hughes 1982, Comput Methods Appl Mech Eng 32:199) adds the
momentum residual, tested with the streamline derivative of the test function:

    + sum_K int_K tau (b . grad) v . R(ũ) dx,
    R(ũ) = rho (a0 ũ - b1 u^n - b2 u^{n-1}) / dt + rho (b . grad) ũ - mu lap ũ + grad p^n,

with b = u* (the extrapolated velocity of the step) and the stabilisation time (Tezduyar & Osawa 2000,
Comput Methods Appl Mech Eng 190:411; Shakib et al. 1991)

    tau = ( (2 a0 / dt)^2 + (2 |b| / h)^2 + (4 nu / h^2)^2 )^(-1/2),   nu = mu / rho, h = cell diameter
    (the whole cell's, not h/2 for quadratic elements: the more diffusive, safer choice on coarse meshes).

Because R vanishes for the exact solution the scheme stays consistent (the verification cases at low
cell Reynolds number barely change); the added term is streamline diffusion rho tau (b.grad ũ)(b.grad v)
where convection dominates. Units: tau in ms.
"""

from __future__ import annotations

import ufl

QUADRATURE_DEGREE = 4
"""Quadrature degree of the SUPG terms (products of P2 gradients with b, exact for tau constant)."""


def supg_forms(u, v, b, rho, mu, dt, a0, history, p_n, mesh, newtonian: bool = True):
    """(bilinear, linear) SUPG additions for the momentum step. ``history`` = b1 u^n + b2 u^{n-1};
    ``mu`` a UFL scalar (constant, or the Carreau-Yasuda viscosity of b, whose viscous operator
    div(2 mu eps(u)) is then used in the residual)."""
    h = ufl.CellDiameter(mesh)
    nu = mu / rho
    speed2 = ufl.dot(b, b)
    tau = ((2 * a0 / dt) ** 2 + 4 * speed2 / h ** 2 + (4 * nu / h ** 2) ** 2) ** -0.5
    stream = ufl.grad(v) * b                       # (b . grad) v
    viscous = mu * ufl.div(ufl.grad(u)) if newtonian else ufl.div(2 * mu * ufl.sym(ufl.grad(u)))
    lhs = rho * a0 / dt * u + rho * ufl.grad(u) * b - viscous
    rhs = rho / dt * history - ufl.grad(p_n)
    # tau is not a polynomial: without a fixed degree UFL's estimate makes assembly ~20x slower
    dx4 = ufl.dx(metadata={"quadrature_degree": QUADRATURE_DEGREE})
    return tau * ufl.dot(stream, lhs) * dx4, tau * ufl.dot(stream, rhs) * dx4
