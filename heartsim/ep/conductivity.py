"""Transversely isotropic conductivity tensor.

    sigma = sigma_t I + (sigma_l - sigma_t) f ⊗ f      (mS/mm)

with f the unit fiber direction: sigma_l along the fiber, sigma_t in every direction across it.
f is a constant direction (``conductivity_tensor``) or a fiber field (``conductivity_field``, e.g.
from ``fibers:``, normalised pointwise).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import ufl


def conductivity_tensor(fiber: Sequence[float], sigma_l: float, sigma_t: float) -> np.ndarray:
    """3x3 conductivity matrix for a constant fiber direction (normalised here)."""
    f = np.asarray(fiber, dtype=float)
    f = f / np.linalg.norm(f)
    return sigma_t * np.eye(3) + (sigma_l - sigma_t) * np.outer(f, f)


def as_ufl(matrix: np.ndarray) -> ufl.core.expr.Expr:
    """A constant matrix as a UFL expression."""
    return ufl.as_matrix([[float(x) for x in row] for row in matrix])


def conductivity_field(fiber, sigma_l: float, sigma_t: float) -> ufl.core.expr.Expr:
    """The tensor for a fiber field ``fiber`` (a vector Function, P1 or DG0), normalised pointwise."""
    f = fiber / ufl.sqrt(ufl.inner(fiber, fiber))
    return sigma_t * ufl.Identity(3) + (sigma_l - sigma_t) * ufl.outer(f, f)
