"""Kinematics and stress measures (UFL).

F = I + Grad u, J = det F, C = F^T F, E = (C - I)/2 (Green-Lagrange),
isochoric part Fbar = J^(-1/3) F; Cauchy stress sigma = J^(-1) P F^T from the first
Piola-Kirchhoff stress P; von Mises stress sqrt(3/2 dev(sigma):dev(sigma)).
Lengths in mm, stresses in kPa.
"""

from __future__ import annotations

import ufl


def deformation_gradient(u):
    """F = I + Grad u."""
    return ufl.Identity(len(u)) + ufl.grad(u)


def green_lagrange(F):
    """E = (F^T F - I) / 2."""
    return 0.5 * (F.T * F - ufl.Identity(F.ufl_shape[0]))


def isochoric(F):
    """Fbar = J^(-1/3) F (det Fbar = 1)."""
    return ufl.det(F) ** (-1.0 / 3.0) * F


def cauchy(P, F):
    """sigma = J^(-1) P F^T."""
    return P * F.T / ufl.det(F)


def von_mises(sigma):
    """sqrt(3/2 s:s), s = sigma - tr(sigma)/3 I."""
    s = ufl.dev(sigma)
    return ufl.sqrt(1.5 * ufl.inner(s, s))


def fiber_strain(F, f0):
    """Green-Lagrange strain along the reference fiber, E_ff = f0 . E f0."""
    return ufl.inner(f0, green_lagrange(F) * f0)


def fiber_stress(sigma, F, f0):
    """Cauchy stress along the deformed fiber f = F f0 / |F f0|."""
    f = F * f0
    return ufl.inner(f, sigma * f) / ufl.inner(f, f)
