"""Moving values between spaces and meshes.

- ``interpolate_into``: target := I_h(source), the interpolant in the target space of a Function of
  another space on the same mesh (e.g. P2 velocity -> P1 output, P1 -> DG0);
- ``interpolate_expression``: the interpolant of a UFL expression at the space's interpolation points
  (DG0: the cell midpoints; quadrature spaces: the quadrature points);
- ``to_quadrature``: a Function (e.g. P1 calcium) evaluated at the quadrature points of a
  quadrature space, the input of a pointwise model (tension at quadrature points);
- ``between_meshes``: target := source evaluated at the target's interpolation points on another mesh
  (non-matching meshes, e.g. an EP mesh finer than the mechanics mesh), collective;
- ``l2_project``: the L2 projection P u with (P u, v) = (u, v) for all v in the space (a mass solve).
"""

from __future__ import annotations

import dolfinx
import dolfinx.fem
import numpy as np


def interpolate_into(target, source) -> None:
    """target := interpolant of ``source`` (a Function on another space of the same mesh)."""
    target.interpolate(source)
    target.x.scatter_forward()


def interpolate_expression(function, expr) -> None:
    """function <- interpolation of the UFL expression ``expr`` at the function space's points."""
    space = function.function_space
    function.interpolate(dolfinx.fem.Expression(expr, space.element.interpolation_points()))


def to_quadrature(target, source) -> None:
    """target (a Function of a quadrature space) := ``source`` (a Function or UFL expression of the
    same mesh) at the quadrature points; no communication is needed (the points are cell-local)."""
    interpolate_expression(target, source)


def quadrature_point_coordinates(mesh, degree: int) -> np.ndarray:
    """Physical coordinates (n, 3) of the local points of ``quadrature_space(mesh, degree)``, in its
    dof order (curved cells included: the geometry map is evaluated)."""
    import ufl

    from heartsim.fem.spaces import quadrature_space

    coords = dolfinx.fem.Function(quadrature_space(mesh, degree, (mesh.geometry.dim,)))
    interpolate_expression(coords, ufl.SpatialCoordinate(mesh))
    return coords.x.array.reshape(-1, mesh.geometry.dim)


def between_meshes(target, source, padding: float = 1e-8) -> None:
    """target := ``source`` (a Function on another mesh over the same region) at the target space's
    interpolation points; points outside the source mesh get 0. Collective over both meshes' ranks."""
    space = target.function_space
    mesh = space.mesh
    cells = np.arange(mesh.topology.index_map(mesh.topology.dim).size_local, dtype=np.int32)
    data = dolfinx.fem.create_interpolation_data(space, source.function_space, cells, padding=padding)
    target.interpolate_nonmatching(source, cells, data)
    target.x.scatter_forward()


def l2_project(expr, space, options: dict):
    """The L2 projection of a UFL expression onto ``space`` (mass-matrix solve with PETSc ``options``)."""
    import ufl

    from heartsim.fem.assembly import linear_solve

    u, v = ufl.TrialFunction(space), ufl.TestFunction(space)
    return linear_solve(ufl.inner(u, v) * ufl.dx, ufl.inner(expr, v) * ufl.dx, [], options)
