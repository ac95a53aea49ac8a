"""Moving values between spaces and meshes.

- ``interpolate_into``: target := I_h(source), the interpolant in the target space of a Function of
  another space on the same mesh (e.g. P2 velocity -> P1 output, P1 -> DG0);
- ``interpolate_expression``: the interpolant of a UFL expression at the space's interpolation points
  (DG0: the cell midpoints; quadrature spaces: the quadrature points);
- ``to_quadrature``: a Function (e.g. P1 calcium) evaluated at the quadrature points of a
  quadrature space, the input of a pointwise model (tension at quadrature points);
- ``between_meshes``: target := source evaluated at the target's interpolation points on another mesh
  (non-matching meshes, e.g. an EP mesh finer than the mechanics mesh), collective;
- ``NonmatchingInterpolation``: the same, set up once and applied every step (e.g. EP calcium at P1
  nodes -> the quadrature points of a coarser mechanics mesh); points just outside the source mesh
  take the value of the nearest cell's polynomial (extrapolated), found within ``padding``;
- ``distance_outside``: how far given points lie outside a mesh (0 inside), to check that two meshes
  cover the same region before transferring between them;
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


class NonmatchingInterpolation:
    """target := ``source`` at the target space's interpolation points, ``source`` a Function on another
    mesh (any partition of either mesh). Quadrature targets get the source's value at each quadrature point.
    A point inside a source cell gets the cell's polynomial there (exact for fields the source space holds);
    a point outside every source cell but within ``padding`` (mm) of one gets the closest cell's polynomial
    evaluated at it (linear extrapolation for P1: still exact for a linear field). Set up once (the point
    search, collective), applied as often as needed (:meth:`__call__`, collective)."""

    def __init__(self, target_space, source_space, padding: float):
        mesh = target_space.mesh
        self.cells = np.arange(mesh.topology.index_map(mesh.topology.dim).size_local, dtype=np.int32)
        self.data = dolfinx.fem.create_interpolation_data(target_space, source_space, self.cells,
                                                          padding=float(padding))

    def __call__(self, target, source) -> None:
        target.interpolate_nonmatching(source, self.cells, self.data)
        target.x.scatter_forward()


def distance_outside(mesh, points: np.ndarray, padding: float) -> tuple[float, int, np.ndarray]:
    """(largest distance of ``points`` (local (n, 3), any rank) from ``mesh`` (0 inside a cell), number of
    points farther than ``padding`` from every cell (not found), a point at the largest distance); summed
    over all ranks, collective over ``mesh.comm``. Found points' distances are exact (GJK to the cell)."""
    from mpi4py import MPI

    comm = mesh.comm
    pts = np.ascontiguousarray(np.asarray(points, dtype=np.float64).reshape(-1, 3))
    own = dolfinx.cpp.geometry.determine_point_ownership(mesh._cpp_object, pts, float(padding))
    missing = comm.allreduce(int(np.count_nonzero(np.asarray(own.src_owner) < 0)), op=MPI.SUM)
    found = np.asarray(own.dest_points).reshape(-1, 3)
    cells = np.asarray(own.dest_cells, dtype=np.int32)
    worst, where = 0.0, np.full(3, np.nan)
    if cells.size:
        d2 = dolfinx.geometry.squared_distance(mesh, mesh.topology.dim, cells, found)
        i = int(np.argmax(d2))
        worst, where = float(np.sqrt(max(d2[i], 0.0))), found[i]
    if not missing:
        gathered = comm.allgather((worst, where))
        worst, where = max(gathered, key=lambda item: item[0])
    else:
        for p in comm.allgather(pts[np.asarray(own.src_owner) < 0][:1]):
            if len(p):
                where = p[0]
                break
        worst = float("inf")
    return worst, missing, where


def l2_project(expr, space, options: dict):
    """The L2 projection of a UFL expression onto ``space`` (mass-matrix solve with PETSc ``options``)."""
    import ufl

    from heartsim.fem.assembly import linear_solve

    u, v = ufl.TrialFunction(space), ufl.TestFunction(space)
    return linear_solve(ufl.inner(u, v) * ufl.dx, ufl.inner(expr, v) * ufl.dx, [], options)
