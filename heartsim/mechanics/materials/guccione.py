"""Guccione, McCulloch & Waldman 1991, transversely isotropic:

W = C/2 (exp(Q) - 1),
Q = b_f E_ff² + b_t (E_ss² + E_nn² + 2 E_sn²) + 2 b_fs (E_fs² + E_fn²),
with E_ab = a0 · E b0 the Green-Lagrange strain in the fiber basis (f0, s0, n0). C in kPa.
"""

from __future__ import annotations

from dataclasses import dataclass

import ufl

from heartsim.mechanics.kinematics import green_lagrange


@dataclass(frozen=True)
class GuccioneLaw:
    C: float = 2.0
    b_f: float = 8.0
    b_t: float = 2.0
    b_fs: float = 4.0

    def energy(self, F, fibers):
        f0, s0, n0 = fibers
        E = green_lagrange(F)
        e = lambda a, b: ufl.inner(a, E * b)  # noqa: E731
        Q = (self.b_f * e(f0, f0) ** 2
             + self.b_t * (e(s0, s0) ** 2 + e(n0, n0) ** 2 + 2 * e(s0, n0) ** 2)
             + 2 * self.b_fs * (e(f0, s0) ** 2 + e(f0, n0) ** 2))
        return 0.5 * self.C * (ufl.exp(Q) - 1)
