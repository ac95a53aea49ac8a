"""Neo-Hookean: W = mu/2 (I1 - 3), I1 = tr(F^T F); mu in kPa (isotropic: fibers unused)."""

from __future__ import annotations

from dataclasses import dataclass

import ufl


@dataclass(frozen=True)
class NeoHookeanLaw:
    mu: float = 10.0

    def energy(self, F, fibers):
        return 0.5 * self.mu * (ufl.tr(F.T * F) - 3)
