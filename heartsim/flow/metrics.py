"""Hemodynamic metrics of a flow solution (u, p, mu) on a tagged DOLFINx mesh; MPI-correct.

Conventions: n is the unit normal pointing out of the fluid; units mm, ms, kPa, mm^3/ms, mN.
With the rate of strain D(u) = (grad u + grad u^T), the fluid exerts on the wall the traction

    t = p n - mu D(u) n                                       (kPa)

whose tangential part is the wall shear stress (WSS)

    tau = -mu [D(u) n - (n . D(u) n) n]                       (kPa; points the way the near-wall fluid moves)

so that for Poiseuille flow of rate Q in a tube of radius R, |tau| = 4 mu Q / (pi R^3).

- :class:`WallShearStress`: tau and |tau| as P1 fields on the wall facets (boundary-lumped L2
  projection: tau_i = int_wall tau phi_i ds / int_wall phi_i ds at every wall node i, 0 elsewhere).
- :class:`ShearAccumulator`: over a window (typically one cardiac cycle), from WSS samples
  tau_k held for dt_k,

      TAWSS = sum_k |tau_k| dt_k / sum_k dt_k,   OSI = 1/2 (1 - |sum_k tau_k dt_k| / sum_k |tau_k| dt_k),

  (OSI = 0: unidirectional shear, 1/2: purely oscillating; Ku et al. 1985, He & Ku 1996).
- :func:`flow_rate`: Q = int_cap u . n ds (mm^3/ms; positive out of the fluid, so negative at an inlet).
- :func:`mean_pressure`: int_tag p ds / int_tag ds (kPa); :func:`pressure_drops`: inlet minus each outlet.
- :class:`DisplacementForce`: F = int_S t ds (mN) over a wall region S (a box or sphere
  selecting wall facets by their midpoint, or a facet tag): the force that would push a
  stent-graft lying on S out of its landing zone.

Every scalar is summed over ranks (exterior-facet integrals count each facet once, on its owner).
Forms are compiled once; call the objects again after each step to re-evaluate.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import ufl
from mpi4py import MPI

from heartsim import fem
from heartsim.config.errors import ConfigError, InputError
from heartsim.mesh.regions import points_in_region


def strain_rate(u):
    """D(u) = grad u + grad u^T (1/ms)."""
    return ufl.grad(u) + ufl.grad(u).T


def wall_shear_expression(u, mu, n):
    """tau = -mu [D(u) n - (n . D(u) n) n] (UFL, kPa): the tangential traction on the wall."""
    dn = strain_rate(u) * n
    return -mu * (dn - ufl.dot(dn, n) * n)


class Functional:
    """A compiled scalar integral, evaluated globally (summed over ranks) by calling it."""

    def __init__(self, form, comm: MPI.Comm):
        self._compiled = fem.compile_form(form)
        self.comm = comm

    def __call__(self) -> float:
        return fem.assemble_scalar(self._compiled, self.comm)


def _ds(mesh, facet_tags, values: int | Sequence[int]):
    values = [int(values)] if np.ndim(values) == 0 else [int(v) for v in values]
    measure = fem.facet_measure(mesh, facet_tags)
    return sum((measure(v) for v in values[1:]), measure(values[0]))


def area(mesh, facet_tags, values: int | Sequence[int]) -> float:
    """Global area (mm^2) of the facets carrying ``values``."""
    return Functional(fem.constant(mesh, 1.0) * _ds(mesh, facet_tags, values), mesh.comm)()


def flow_rate(u, facet_tags, value: int) -> Functional:
    """Q = int u . n ds over the facets tagged ``value`` (mm^3/ms, outward positive)."""
    mesh = u.function_space.mesh
    return Functional(ufl.dot(u, ufl.FacetNormal(mesh)) * _ds(mesh, facet_tags, value), mesh.comm)


class _Mean(Functional):
    def __init__(self, form, comm, size: float):
        super().__init__(form, comm)
        self.area = size

    def __call__(self) -> float:
        return super().__call__() / self.area


def mean_pressure(p, facet_tags, value: int) -> Functional:
    """Area-weighted mean of ``p`` over the facets tagged ``value`` (kPa); ``.area`` in mm^2.
    ConfigError when no facet carries ``value``."""
    mesh = p.function_space.mesh
    size = area(mesh, facet_tags, value)
    if not size > 0:
        raise InputError(f"facet tag {value}", "no facets carry it (mean pressure)")
    return _Mean(p * _ds(mesh, facet_tags, value), mesh.comm, size)


def pressure_drops(inlet: Functional, outlets: dict[str, Functional]) -> dict[str, float]:
    """Mean inlet pressure minus the mean pressure of every outlet (kPa), by outlet name."""
    p_in = inlet()
    return {name: p_in - mean() for name, mean in outlets.items()}


class WallShearStress:
    """WSS of velocity ``u`` (any vector Lagrange space) with viscosity ``mu`` (number, Constant or
    UFL expression of u: kPa ms) on the facets tagged ``wall_values``.

    After :meth:`update`: ``vector`` (P1 vector Function "wss", kPa) and ``magnitude`` (P1 Function
    "wss_magnitude", kPa), both zero away from the wall; ``on_wall`` marks the local P1 nodes
    (owned and ghost) that touch a wall facet.
    """

    def __init__(self, u, mu, facet_tags, wall_values: int | Sequence[int]):
        mesh = u.function_space.mesh
        self.comm = mesh.comm
        vector_space = fem.vector_lagrange_space(mesh, 1)
        scalar_space = fem.lagrange_space(mesh, 1)
        self.vector = fem.function(vector_space, "wss")
        self.magnitude = fem.function(scalar_space, "wss_magnitude")
        ds = _ds(mesh, facet_tags, wall_values)
        tau = wall_shear_expression(u, mu, ufl.FacetNormal(mesh))
        self._rhs = fem.compile_form(ufl.dot(tau, ufl.TestFunction(vector_space)) * ds)
        self._b = fem.create_vector(self._rhs)
        lumped = fem.function(scalar_space)
        weights = fem.compile_form(ufl.TestFunction(scalar_space) * ds)
        vec = fem.create_vector(weights)
        fem.assemble_rhs_into(vec, weights, None, [])
        owned = scalar_space.dofmap.index_map.size_local
        lumped.x.array[:owned] = vec.array_r[:owned]
        lumped.x.scatter_forward()
        vec.destroy()
        self.on_wall = lumped.x.array > 0
        self._weights = lumped.x.array[:owned].copy()  # int_wall phi_i ds of the owned nodes
        self._inverse = np.where(self.on_wall[:owned], 1.0 / np.where(self.on_wall[:owned], self._weights, 1.0), 0.0)
        self._owned = owned

    def update(self) -> None:
        """Recompute ``vector`` and ``magnitude`` from the current ``u`` (collective)."""
        fem.assemble_rhs_into(self._b, self._rhs, None, [])
        n = self._owned
        self.vector.x.array[: 3 * n] = (self._b.array_r[: 3 * n].reshape(n, 3) * self._inverse[:, None]).ravel()
        self.vector.x.scatter_forward()
        self.magnitude.x.array[:] = np.linalg.norm(self.vector.x.array.reshape(-1, 3), axis=1)

    def values(self) -> np.ndarray:
        """(local nodes, 3) view of the WSS vectors (owned and ghost)."""
        return self.vector.x.array.reshape(-1, 3)

    def max(self) -> float:
        """Largest |tau| on the wall (kPa, global)."""
        return self.comm.allreduce(float(self.magnitude.x.array.max(initial=0.0)), op=MPI.MAX)

    def mean(self) -> float:
        """Area-weighted mean of |tau| over the wall (kPa, global)."""
        w = self._weights
        total = self.comm.allreduce(np.array([w @ self.magnitude.x.array[: self._owned], w.sum()]), op=MPI.SUM)
        return float(total[0] / total[1]) if total[1] > 0 else 0.0

    def destroy(self) -> None:
        self._b.destroy()


class ShearAccumulator:
    """Running sums for TAWSS and OSI over a window, node by node (pure NumPy, no communication).

    ``add(tau, dt)`` with tau (nodes, 3) in kPa held for ``dt`` ms (for a periodic signal sampled
    every dt over whole periods this rectangle rule is spectrally accurate). ``tawss`` (kPa) and
    ``osi`` (in [0, 1/2]; 0 where no shear) are arrays over the same nodes; ``reset`` starts a new window.
    """

    def __init__(self, nodes: int):
        self._abs = np.zeros(nodes)
        self._vec = np.zeros((nodes, 3))
        self.window = 0.0

    @property
    def abs_sum(self) -> np.ndarray:
        """sum_k |tau_k| dt_k per node (kPa ms; a view: a restart writes into it)."""
        return self._abs

    @property
    def vector_sum(self) -> np.ndarray:
        """sum_k tau_k dt_k per node, (nodes, 3) (kPa ms; a view)."""
        return self._vec

    def reset(self) -> None:
        self._abs[:] = 0.0
        self._vec[:] = 0.0
        self.window = 0.0

    def add(self, tau: np.ndarray, dt: float) -> None:
        tau = np.asarray(tau, float).reshape(self._vec.shape)
        self._abs += dt * np.linalg.norm(tau, axis=1)
        self._vec += dt * tau
        self.window += dt

    @property
    def tawss(self) -> np.ndarray:
        return self._abs / self.window if self.window > 0 else np.zeros_like(self._abs)

    @property
    def osi(self) -> np.ndarray:
        net = np.linalg.norm(self._vec, axis=1)
        shear = self._abs > 0
        return np.where(shear, 0.5 * (1.0 - net / np.where(shear, self._abs, 1.0)), 0.0)


def region_facets(tagged, region, wall_values: Sequence[int], key: str) -> np.ndarray:
    """Local facets (owned and ghost) of a config :class:`~heartsim.config.base.Region`: for a box
    or sphere the wall facets (tagged ``wall_values``) whose midpoint lies inside; for a tag the
    facets carrying that facet tag (number or name from ``tagged.facet_names``). ConfigError naming
    ``key`` when the tag is unknown or the region holds no facet on any rank."""
    mesh = tagged.mesh
    if region.tag is not None:
        value = tagged.facet_value(region.tag)
        if value is None:
            raise InputError(f"{key}.tag", f"no facet tag {region.tag!r} in the mesh "
                                           f"(have {', '.join(tagged.facet_names) or 'none named'})")
        facets = fem.facets_of_tag(tagged.facet_tags, value)
    else:
        wall = np.unique(np.concatenate([fem.facets_of_tag(tagged.facet_tags, int(w)) for w in wall_values]))
        inside = points_in_region(fem.boundary_facet_midpoints(mesh, wall), region) if len(wall) else []
        facets = wall[inside] if len(wall) else wall
    if mesh.comm.allreduce(len(facets), op=MPI.SUM) == 0:
        raise InputError(key, "contains no wall facet")
    return np.asarray(facets, dtype=np.int32)


class DisplacementForce:
    """F = int_S (p n - mu D(u) n) ds over the local ``facets`` S (from :func:`region_facets`), in mN;
    calling it returns the global vector (3,). ``pressure_part()`` and ``shear_part()`` split it;
    ``area`` is |S| (mm^2)."""

    def __init__(self, u, p, mu, facets: np.ndarray):
        mesh = u.function_space.mesh
        tags = fem.facet_tags_from(mesh, np.asarray(facets, np.int32), np.ones(len(facets), np.int32))
        ds = fem.facet_measure(mesh, tags)(1)
        n = ufl.FacetNormal(mesh)
        shear = -mu * strain_rate(u) * n
        self._pressure = [Functional(p * n[i] * ds, mesh.comm) for i in range(3)]
        self._shear = [Functional(shear[i] * ds, mesh.comm) for i in range(3)]
        self.area = Functional(fem.constant(mesh, 1.0) * ds, mesh.comm)()

    def pressure_part(self) -> np.ndarray:
        return np.array([f() for f in self._pressure])

    def shear_part(self) -> np.ndarray:
        return np.array([f() for f in self._shear])

    def __call__(self) -> np.ndarray:
        return self.pressure_part() + self.shear_part()
