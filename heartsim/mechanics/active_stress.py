"""Active stress along the fiber (Land et al. 2015, problem 3):

S_a = Ta (f0⊗f0 + eta (s0⊗s0 + n0⊗n0))  (second Piola-Kirchhoff, kPa), P_a = F S_a,
which for eta = 0 is the derivative of W_a = Ta/2 (I4f - 1). Ta is a Constant (constant value or
time curve) or a Function (a field supplied by a coupled model).
"""

from __future__ import annotations

import ufl


def active_piola(F, fibers, Ta, eta: float = 0.0):
    """First Piola-Kirchhoff active stress P_a = F S_a."""
    f0, s0, n0 = fibers
    S = Ta * ufl.outer(f0, f0)
    if eta:
        S = S + eta * Ta * (ufl.outer(s0, s0) + ufl.outer(n0, n0))
    return F * S
