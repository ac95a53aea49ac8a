"""Holzapfel & Ogden 2009, orthotropic:

W = a/(2b) (exp(b (I1 - 3)) - 1)
  + a_f/(2 b_f) (exp(b_f (I4f - 1)_+²) - 1) + a_s/(2 b_s) (exp(b_s (I4s - 1)_+²) - 1)
  + a_fs/(2 b_fs) (exp(b_fs I8fs²) - 1),
I1 = tr C, I4f = f0·C f0, I4s = s0·C s0, I8fs = f0·C s0, (x)_+ = max(x, 0): fibers and sheets
bear load in tension only. a's in kPa.
"""

from __future__ import annotations

from dataclasses import dataclass

import ufl


def _tension(x):
    return ufl.conditional(ufl.gt(x, 0), x, 0)


@dataclass(frozen=True)
class HolzapfelOgdenLaw:
    a: float = 0.059
    b: float = 8.023
    a_f: float = 18.472
    b_f: float = 16.026
    a_s: float = 2.481
    b_s: float = 11.120
    a_fs: float = 0.216
    b_fs: float = 11.436

    def energy(self, F, fibers):
        f0, s0, _ = fibers
        C = F.T * F
        I1 = ufl.tr(C)
        I4f, I4s, I8fs = ufl.inner(f0, C * f0), ufl.inner(s0, C * s0), ufl.inner(f0, C * s0)
        W = self.a / (2 * self.b) * (ufl.exp(self.b * (I1 - 3)) - 1)
        if self.a_f > 0:
            W += self.a_f / (2 * self.b_f) * (ufl.exp(self.b_f * _tension(I4f - 1) ** 2) - 1)
        if self.a_s > 0:
            W += self.a_s / (2 * self.b_s) * (ufl.exp(self.b_s * _tension(I4s - 1) ** 2) - 1)
        if self.a_fs > 0:
            W += self.a_fs / (2 * self.b_fs) * (ufl.exp(self.b_fs * I8fs ** 2) - 1)
        return W
