"""Function spaces, Functions and Constants.

Lagrange (continuous), DG (discontinuous, degree 0: one value per cell), quadrature (values at the
quadrature points of a degree) and the mixed Taylor-Hood space P(k)^3 x P(k-1).
"""

from __future__ import annotations

import dolfinx
import dolfinx.fem
import numpy as np
from dolfinx.fem import Constant, Function  # noqa: F401  (re-exported types)
from petsc4py import PETSc


def lagrange_space(mesh: dolfinx.mesh.Mesh, degree: int = 1, shape: tuple[int, ...] | None = None):
    """Continuous Lagrange space of ``degree`` (scalar, or vector/tensor of ``shape``)."""
    element = ("Lagrange", degree) if shape is None else ("Lagrange", degree, shape)
    return dolfinx.fem.functionspace(mesh, element)


def vector_lagrange_space(mesh: dolfinx.mesh.Mesh, degree: int):
    """Continuous vector Lagrange space of ``degree`` with as many components as the geometry has."""
    return dolfinx.fem.functionspace(mesh, ("Lagrange", degree, (mesh.geometry.dim,)))


def dg_space(mesh, degree: int = 0, shape: tuple[int, ...] | None = None):
    """Discontinuous Lagrange space (degree 0: cell-wise constant), scalar or of ``shape``."""
    return dolfinx.fem.functionspace(mesh, ("DG", degree) if shape is None else ("DG", degree, shape))


def cellwise_space(mesh, shape: tuple[int, ...] | None = None):
    """Cell-wise constant (DG0) space, scalar or of ``shape``."""
    return dg_space(mesh, 0, shape)


def is_cellwise(space) -> bool:
    """Whether a space is discontinuous of degree 0 (one value per cell)."""
    return space.ufl_element().embedded_superdegree == 0


def quadrature_space(mesh, degree: int, shape: tuple[int, ...] | None = None):
    """Space of values at the quadrature points of ``degree`` (basix default scheme), scalar or of
    ``shape``; usable in forms whose ``quadrature_degree`` is the same ``degree``."""
    import basix.ufl

    element = basix.ufl.quadrature_element(mesh.basix_cell(), value_shape=shape or (), degree=degree)
    return dolfinx.fem.functionspace(mesh, element)


def taylor_hood_space(mesh, degree: int, mixed: bool):
    """Vector Lagrange space of ``degree``, or (``mixed``) the Taylor-Hood space P(degree)^3 x P(degree - 1)."""
    import basix.ufl

    cell = mesh.basix_cell()
    vec = basix.ufl.element("Lagrange", cell, degree, shape=(mesh.geometry.dim,))
    if not mixed:
        return dolfinx.fem.functionspace(mesh, vec)
    return dolfinx.fem.functionspace(mesh, basix.ufl.mixed_element([vec, basix.ufl.element("Lagrange", cell, degree - 1)]))


def function(space, name: str | None = None):
    """A zero Function on ``space``."""
    f = dolfinx.fem.Function(space)
    if name:
        f.name = name
    return f


def sub_function(function, i: int):
    """Collapsed copy of sub-function ``i`` of a mixed Function."""
    return function.sub(i).collapse()


def constant(mesh, value) -> dolfinx.fem.Constant:
    """A (scalar or array) Constant on ``mesh`` whose ``.value`` can be changed between solves."""
    return dolfinx.fem.Constant(mesh, PETSc.ScalarType(value) if np.ndim(value) == 0
                                else np.asarray(value, dtype=PETSc.ScalarType))


def global_size(space) -> int:
    """Number of global dofs (blocks times block size)."""
    return space.dofmap.index_map.size_global * space.dofmap.index_map_bs


def owned_size(space) -> int:
    """Number of dof blocks (nodes or cells) this rank owns."""
    return space.dofmap.index_map.size_local
