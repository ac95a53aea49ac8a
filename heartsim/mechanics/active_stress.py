"""Active stress along the fiber.

Two forms, chosen by ``active.along``:

- ``reference_fibre`` (Land et al. 2015, problem 3): second Piola-Kirchhoff stress
  S_a = Ta (f0⊗f0 + eta (s0⊗s0 + n0⊗n0)) (kPa), P_a = F S_a; for eta = 0 the derivative of
  W_a = Ta/2 (I4f - 1). Its Cauchy stress along the deformed fibre is Ta lambda²/J.
- ``deformed_fibre`` (the usual electromechanics form): Cauchy stress sigma_a = Ta f⊗f along the
  deformed unit fibre f = F f0/lambda, lambda = |F f0|; then
  P_a = J sigma_a F^(-T) = J Ta/lambda² (F f0)⊗f0 (using (F f0)⊗(F f0) F^(-T) = (F f0)⊗f0), and the
  cross-fibre part eta Ta (s0⊗s0 + n0⊗n0) is added as in the reference form.

Ta is a Constant (constant value or time curve), a Function (a field, e.g. at the quadrature points,
supplied by a coupled model) or any UFL expression (e.g. a tension model's Ta(lambda) inside the
Newton solve).
"""

from __future__ import annotations

import ufl


def fibre_stretch(F, f0):
    """lambda = |F f0| (f0 a unit reference fibre)."""
    return ufl.sqrt(ufl.inner(F * f0, F * f0))


def active_piola(F, fibers, Ta, eta: float = 0.0, along: str = "reference_fibre"):
    """First Piola-Kirchhoff active stress (kPa) of the form ``along`` (see the module docstring)."""
    f0, s0, n0 = fibers
    if along == "deformed_fibre":
        stretch2 = ufl.inner(F * f0, F * f0)
        S = ufl.det(F) * Ta / stretch2 * ufl.outer(f0, f0)
    else:
        S = Ta * ufl.outer(f0, f0)
    if eta:
        S = S + eta * Ta * (ufl.outer(s0, s0) + ufl.outer(n0, n0))
    return F * S
