"""Boundary conditions of the mechanics problem (UFL terms of the residual, Dirichlet sets).

- fixed base: u = 0; sliding base: u·N = 0 on a planar base whose normal N is a coordinate axis
  (the tangential components are free);
- follower pressure p on surfaces Γ_p: the virtual work  ∫ p J F^(-T) N · v dA  (reference area,
  p along the deformed normal into the wall);
- Robin springs on Γ_r:  ∫ k u · v dA  (``all``) or  ∫ k (u·N)(v·N) dA  (``normal``).
"""

from __future__ import annotations

import numpy as np
import ufl
from mpi4py import MPI

from heartsim import fem
from heartsim.config.errors import ConfigError, InputError


def present_tags(tagged) -> set[int]:
    """Facet-tag values present on any rank (collective)."""
    have = tagged.facet_tags.values if tagged.facet_tags is not None else np.zeros(0, np.int32)
    return set(tagged.mesh.comm.allreduce(set(np.unique(have).tolist()), op=MPI.BOR))


def tag_listing(tagged, present: set[int]) -> str:
    """The mesh's facet tags for an error message: ``name=value, ...``, else the values, else ``none``."""
    names = ", ".join(f"{k}={v}" for k, v in sorted(tagged.facet_names.items(), key=lambda kv: kv[1]))
    return names or str(sorted(present) or "none")


def tag_values(tagged, refs, key: str) -> list[int]:
    """Integer facet-tag values of names/numbers ``refs`` (ConfigError naming ``key`` if unknown or empty)."""
    values = []
    present = present_tags(tagged)
    for ref in refs:
        value = tagged.facet_value(ref)
        if value is None or value not in present:
            raise InputError(key, f"no facet tag {ref!r} in the mesh (facet tags: {tag_listing(tagged, present)})")
        values.append(value)
    return values


def follower_pressure(p, F, v, ds):
    """Virtual work of a follower pressure p (kPa) on the reference measure ``ds``."""
    N = ufl.FacetNormal(ufl.domain.extract_unique_domain(F))
    return p * ufl.inner(ufl.det(F) * ufl.inv(F).T * N, v) * ds


def robin(k, u, v, ds, direction: str = "all"):
    """Virtual work of a linear spring of stiffness k (kPa/mm)."""
    if direction == "normal":
        N = ufl.FacetNormal(ufl.domain.extract_unique_domain(u))
        return k * ufl.inner(u, N) * ufl.inner(v, N) * ds
    return k * ufl.inner(u, v) * ds


def plane_normal(mesh, ds_base, comm) -> np.ndarray:
    """Mean unit outward normal of a (planar) facet set."""
    N = ufl.FacetNormal(mesh)
    n = np.array([fem.assemble_scalar(N[i] * ds_base, comm) for i in range(3)])
    return n / max(np.linalg.norm(n), 1e-300)


def base_point(mesh, ds_base, comm) -> np.ndarray:
    """Centroid of a facet set (a point on the base plane)."""
    x = ufl.SpatialCoordinate(mesh)
    area = fem.assemble_scalar(ufl.as_ufl(1.0) * ds_base, comm)
    return np.array([fem.assemble_scalar(x[i] * ds_base, comm) for i in range(3)]) / area


def sliding_component(normal: np.ndarray, key: str) -> int:
    """The axis of an axis-aligned plane normal (ConfigError otherwise)."""
    axis = int(np.argmax(np.abs(normal)))
    if abs(abs(normal[axis]) - 1.0) > 1e-6:
        raise InputError(key, f"a sliding base must be a plane normal to x, y or z "
                              f"(mean normal {np.round(normal, 4).tolist()})")
    return axis


BOX_FACES = {"x0": 1, "x1": 2, "y0": 3, "y1": 4, "z0": 5, "z1": 6}


def tag_box_faces(tagged) -> None:
    """Give a generated box (no facet tags) the facet tags x0, x1, y0, y1, z0, z1 of its faces."""
    mesh = tagged.mesh
    x = mesh.geometry.x
    lo = np.array([mesh.comm.allreduce(float(x[:, i].min()) if len(x) else np.inf, op=MPI.MIN) for i in range(3)])
    hi = np.array([mesh.comm.allreduce(float(x[:, i].max()) if len(x) else -np.inf, op=MPI.MAX) for i in range(3)])
    tol = 1e-8 * max(1.0, float(np.max(hi - lo)))
    markers = []
    for name, value in BOX_FACES.items():
        axis, end = "xyz".index(name[0]), (lo, hi)[int(name[1])]
        markers.append((value, lambda p, a=axis, c=end[axis]: np.abs(p[a] - c) < tol))
    tagged.facet_tags = fem.boundary_facet_tags(mesh, markers)
    tagged.facet_names = {**BOX_FACES, **tagged.facet_names}
