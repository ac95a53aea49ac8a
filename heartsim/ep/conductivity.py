"""Transversely isotropic conductivity tensor.

    sigma = sigma_t I + (sigma_l - sigma_t) f ⊗ f      (mS/mm)

with f the unit fiber direction: sigma_l along the fiber, sigma_t in every direction across it.
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
