"""Wall traction of a flow solution: wall shear stress field, TAWSS/OSI accumulation, and the
displacement force on wall regions.

With the Cauchy stress sigma = -p I + mu (grad u + grad u^T) and n the unit normal pointing out of
the fluid, the fluid exerts on the wall the traction -sigma n; its tangential part is the wall shear
stress (kPa)

    tau = -(sigma n - (n . sigma n) n) = -mu ((grad u + grad u^T) n - (n . (grad u + grad u^T) n) n),

(sign: tau points the way the near-wall fluid moves). As a field, tau is the boundary-lumped L2
projection onto P1 vectors: tau_i = int_wall tau . phi_i ds / int_wall phi_i ds. Over a window
[t_a, t_b]:

    TAWSS = 1/(t_b - t_a) int |tau| dt,   OSI = 1/2 (1 - |int tau dt| / int |tau| dt).

The displacement force on a wall region S (mN) is F = -int_S sigma n ds = int_S (p n - mu (grad u
+ grad u^T) n) ds: what would push a stent-graft lying on S along the vessel.
"""

from __future__ import annotations

import numpy as np
import ufl
from mpi4py import MPI

from heartsim import dolfinx_api as dx
from heartsim.config.errors import ConfigError
from heartsim.mesh.regions import points_in_region


class WallShear:
    """WSS field (P1 vector, kPa) on the wall facets ``values`` of ``ns``, and its TAWSS/OSI."""

    def __init__(self, ns, wall_values):
        mesh = ns.mesh
        self.ns = ns
        self.space = dx.vector_lagrange_space(mesh, 1)
        self.wss = dx.function(self.space, "wss")
        n = ns.n
        strain = ns.viscosity_now() * (ufl.grad(ns.u) + ufl.grad(ns.u).T)
        tn = strain * n
        tau = -(tn - ufl.dot(tn, n) * n)
        v = ufl.TestFunction(self.space)
        wall = sum((ns.ds(w) for w in wall_values[1:]), ns.ds(wall_values[0]))
        self._form = dx.compile_form(ufl.dot(tau, v) * wall)
        self._vec = dx.create_vector(self._form)
        ones = dx.constant(mesh, np.ones(3))
        lumped = dx.create_vector(dx.compile_form(ufl.dot(ones, v) * wall))
        dx.assemble_rhs_into(lumped, dx.compile_form(ufl.dot(ones, v) * wall), None, [])
        n_local = self.space.dofmap.index_map.size_local * 3
        weights = lumped.array_r[:n_local].copy()
        self._inverse = np.where(weights > 0, 1.0 / np.where(weights > 0, weights, 1.0), 0.0)
        lumped.destroy()
        self._n_local = n_local
        self.tawss = dx.function(dx.lagrange_space(mesh, 1), "tawss")
        self.osi = dx.function(dx.lagrange_space(mesh, 1), "osi")
        self._sum_mag = np.zeros(n_local // 3)
        self._sum_vec = np.zeros((n_local // 3, 3))
        self._window = 0.0

    def update(self) -> None:
        """Recompute the WSS field from the current velocity."""
        dx.assemble_rhs_into(self._vec, self._form, None, [])
        self.wss.x.array[: self._n_local] = self._vec.array_r[: self._n_local] * self._inverse
        self.wss.x.scatter_forward()

    def accumulate(self, dt: float) -> None:
        """Add the current WSS (call ``update`` first) over a time ``dt`` to the TAWSS/OSI sums."""
        tau = self.wss.x.array[: self._n_local].reshape(-1, 3)
        self._sum_mag += dt * np.linalg.norm(tau, axis=1)
        self._sum_vec += dt * tau
        self._window += dt

    def finish(self) -> float:
        """Fill ``tawss`` (kPa) and ``osi`` from the sums; returns the window length (ms)."""
        n = self._n_local // 3
        if self._window > 0:
            self.tawss.x.array[:n] = self._sum_mag / self._window
            mean = np.linalg.norm(self._sum_vec, axis=1)
            safe = np.where(self._sum_mag > 0, self._sum_mag, 1.0)
            self.osi.x.array[:n] = np.where(self._sum_mag > 0, 0.5 * (1.0 - mean / safe), 0.0)
        self.tawss.x.scatter_forward()
        self.osi.x.scatter_forward()
        return self._window

    def max_magnitude(self, comm: MPI.Comm) -> float:
        tau = self.wss.x.array[: self._n_local].reshape(-1, 3)
        return comm.allreduce(float(np.linalg.norm(tau, axis=1).max(initial=0.0)), op=MPI.MAX)

    def destroy(self) -> None:
        self._vec.destroy()


class RegionForces:
    """Displacement force (mN) on named wall regions (box/sphere: wall facets with their midpoint
    inside; tag: a facet tag)."""

    def __init__(self, ns, tagged, regions: dict, wall_values):
        mesh, comm = ns.mesh, ns.comm
        self.names = list(regions)
        self.areas: dict[str, float] = {}
        self._forms: dict[str, list] = {}
        traction = -ns.stress() * ns.n
        wall_facets = np.concatenate([dx.facets_of_tag(tagged.facet_tags, w) for w in wall_values])
        for name, region in regions.items():
            key = f"physics.flow.force_regions.{name}"
            if region.tag is not None:
                value = tagged.facet_value(region.tag)
                if value is None:
                    raise ConfigError([f"{key}.tag: no facet tag {region.tag!r} in the mesh"])
                facets = dx.facets_of_tag(tagged.facet_tags, value)
            else:
                inside = points_in_region(dx.boundary_facet_midpoints(mesh, wall_facets), region)
                facets = wall_facets[inside]
            if comm.allreduce(len(facets), op=MPI.SUM) == 0:
                raise ConfigError([f"{key}: contains no wall facet"])
            tags = dx.facet_tags_from(mesh, facets, np.ones(len(facets), np.int32))
            ds = dx.facet_measure(mesh, tags)(1)
            self.areas[name] = dx.assemble_scalar(dx.constant(mesh, 1.0) * ds, comm)
            self._forms[name] = [dx.compile_form(traction[i] * ds) for i in range(3)]
        self.comm = comm

    def forces(self) -> dict[str, np.ndarray]:
        """Force vector (mN) on every region."""
        return {name: np.array([dx.assemble_compiled_scalar(f, self.comm) for f in forms])
                for name, forms in self._forms.items()}
