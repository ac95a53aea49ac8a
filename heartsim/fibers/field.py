"""The result of every fiber method: fiber, sheet and sheet-normal unit vector fields."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class FiberField:
    """Orthonormal fiber frame (f, s, n) as dolfinx Functions of one vector space.

    * ``fiber``, ``sheet``, ``normal``: Functions (names ``fiber``, ``sheet``, ``sheet_normal``) in a
      vector P1 space (values at the mesh vertices) or a vector DG0 space (one value per cell); unit
      length, mutually orthogonal, right-handed (n = f x s), ghosts up to date. Use them directly in
      UFL, e.g. ``I4f = ufl.inner(C * fib.fiber, fib.fiber)``; for a P1 field the interpolated vector is
      not exactly of unit length between nodes: normalise in the form where that matters
      (``f / ufl.sqrt(ufl.inner(f, f))``).
    * ``space``: ``"P1"`` or ``"DG0"``.
    * ``method``: ``ldrb``, ``analytic`` or ``file``.
    * ``coordinates``: scalar Functions the method computed (ldrb: ``transmural`` phi_epi, 0 at the
      endocardium, 1 at the epicardium, and ``apicobasal`` psi, 0 at the apex, 1 at the base;
      analytic: ``transmural`` t of the ellipsoid family), for output and reports.
    """

    fiber: object
    sheet: object
    normal: object
    space: str
    method: str
    coordinates: dict[str, object] = field(default_factory=dict)

    def functions(self) -> list:
        """(f, s, n) followed by the coordinate fields, for writers."""
        return [self.fiber, self.sheet, self.normal, *self.coordinates.values()]

    def local_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """f, s, n of the local (owned and ghost) dofs as (N, 3) arrays (views)."""
        return tuple(g.x.array.reshape(-1, 3) for g in (self.fiber, self.sheet, self.normal))

    def owned(self) -> int:
        """Number of dofs (nodes or cells) this rank owns."""
        return self.fiber.function_space.dofmap.index_map.size_local


def make_field(space, frames: np.ndarray, kind: str, method: str, coordinates=None) -> FiberField:
    """A FiberField from frames (N, 3, 3) whose columns are (f, s, n) at the local dofs of ``space``."""
    from heartsim import fem

    functions = []
    for column, name in enumerate(("fiber", "sheet", "sheet_normal")):
        g = fem.function(space, name=name)
        g.x.array[:] = frames[:, :, column].ravel()
        functions.append(g)
    return FiberField(*functions, space=kind, method=method, coordinates=dict(coordinates or {}))


def vector_space(mesh, kind: str):
    """The vector space of a fiber field: ``P1`` (vertex values) or ``DG0`` (cell values)."""
    from heartsim import fem

    return fem.lagrange_space(mesh, 1, (3,)) if kind == "P1" else fem.cellwise_space(mesh, (3,))
