"""Orthonormal material basis (f0, s0, n0) from fiber and sheet vectors (UFL):

f0 = f/|f|, s0 = (s - (s·f0) f0)/|...|, n0 = f0 × s0. Vectors may be constants or
Functions (fields from a fiber rule or the mesh file).
"""

from __future__ import annotations

import numpy as np
import ufl

from heartsim.config.errors import ConfigError, InputError


def basis(f, s):
    """(f0, s0, n0) from fiber ``f`` and sheet ``s`` (UFL vectors)."""
    f0 = f / ufl.sqrt(ufl.inner(f, f))
    s_perp = s - ufl.inner(s, f0) * f0
    s0 = s_perp / ufl.sqrt(ufl.inner(s_perp, s_perp))
    return f0, s0, ufl.cross(f0, s0)


def constant_basis(fiber, sheet):
    """Basis of constant directions (already normalised and orthogonal)."""
    f0, s0 = np.asarray(fiber, float), np.asarray(sheet, float)
    return ufl.as_vector(f0.tolist()), ufl.as_vector(s0.tolist()), ufl.as_vector(np.cross(f0, s0).tolist())


def check_nonzero(function, name: str, comm) -> None:
    """ConfigError naming ``name`` when a vector field has a zero (or non-finite) vector."""
    values = function.x.array.reshape(-1, 3)
    norms = np.linalg.norm(values, axis=1)
    bad = int(np.count_nonzero(~(norms > 1e-12)))
    bad = comm.allreduce(bad)
    if bad:
        raise InputError(name, f"{bad} zero or invalid vector(s) in the fiber field")
