"""Laplace-Dirichlet wall coordinates of a ventricle mesh (Bayer et al. 2012, section 2.1).

On P1 elements, with zero flux on the untagged boundary:

* ``transmural`` phi_epi: 1 on the epicardium, 0 on every endocardium;
* ``lv`` phi_lv (biventricular): 1 on the LV endocardium, 0 on the epicardium and RV endocardium;
* ``rv`` phi_rv (biventricular): 1 on the RV endocardium, 0 on the epicardium and LV endocardium;
* ``apicobasal`` psi: 0 at the apex, 1 on the base. The apex is the epicardial node farthest from the
  centroid of the base nodes.

Their gradients are L2-projected onto the fiber space (P1: a continuous, partition-independent field;
DG0: the cell values).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from mpi4py import MPI

from heartsim import fem
from heartsim.config.errors import ConfigError, InputError
from heartsim.fibers.laplace import solve_laplace

#: PETSc options of the Laplace and projection solves
LAPLACE_OPTIONS = {"ksp_type": "cg", "pc_type": "hypre", "pc_hypre_type": "boomeramg", "ksp_rtol": 1e-12,
                   "ksp_atol": 1e-14, "ksp_max_it": 2000}
PROJECTION_OPTIONS = {"ksp_type": "cg", "pc_type": "jacobi", "ksp_rtol": 1e-12, "ksp_atol": 1e-14,
                      "ksp_max_it": 2000}


@dataclass
class WallTags:
    """Facet tag values of a ventricle mesh (``rv_endo`` None for an LV)."""

    endo: int
    epi: int
    base: int
    rv_endo: int | None = None

    @property
    def biventricular(self) -> bool:
        return self.rv_endo is not None


def _count(tagged, value: int, comm: MPI.Comm) -> int:
    local = 0 if tagged.facet_tags is None else int(np.count_nonzero(tagged.facet_tags.values == value))
    return comm.allreduce(local, op=MPI.SUM)


def wall_tags(tagged, cfg, comm: MPI.Comm) -> WallTags:
    """Resolve the config's tag names against the mesh: biventricular when ``cfg.rv_endo`` exists.

    ConfigError (key ``fibers.<tag>``) for a tag the mesh lacks or that holds no facet.
    """
    have = ", ".join(f"{k}={v}" for k, v in tagged.facet_names.items()) or "none"

    def resolve(key: str, required: bool = True) -> int | None:
        name = getattr(cfg, key)
        value = tagged.facet_value(name)
        if value is None or _count(tagged, value, comm) == 0:
            if not required:
                return None
            raise InputError(f"fibers.{key}", f"the mesh has no facets tagged {name!r} (facet tags: {have})")
        return value

    rv = resolve("rv_endo", required=False)
    endo = resolve("lv_endo" if rv is not None else "endo")
    return WallTags(endo, resolve("epi"), resolve("base"), rv)


def _facet_dofs(space, tagged, value: int) -> np.ndarray:
    return fem.dofs_on_facets(space, tagged.facet_tags.find(value))


def _apex(space, tagged, tags: WallTags, comm: MPI.Comm) -> np.ndarray:
    """Coordinates of the epicardial node farthest from the base centroid (same on every rank)."""
    x = fem.dof_coordinates(space)
    owned = space.dofmap.index_map.size_local
    base = _facet_dofs(space, tagged, tags.base)
    base = base[base < owned]
    total = comm.allreduce(x[base].sum(axis=0), op=MPI.SUM)
    count = comm.allreduce(len(base), op=MPI.SUM)
    centroid = total / count
    epi = _facet_dofs(space, tagged, tags.epi)
    best = (-1.0, (0.0, 0.0, 0.0))
    if len(epi):
        d = np.linalg.norm(x[epi] - centroid, axis=1)
        i = int(np.argmax(d))
        best = (float(d[i]), tuple(float(c) for c in x[epi][i]))
    # ties broken by the coordinates, so that every partition picks the same node
    return np.asarray(max(comm.allgather(best))[1])


def laplace_coordinates(tagged, tags: WallTags, comm: MPI.Comm) -> dict[str, object]:
    """P1 Functions ``transmural``, ``apicobasal`` (and ``lv``, ``rv`` for a biventricular mesh)."""
    space = fem.lagrange_space(tagged.mesh, 1)
    endo, epi, base = (_facet_dofs(space, tagged, v) for v in (tags.endo, tags.epi, tags.base))
    rv = _facet_dofs(space, tagged, tags.rv_endo) if tags.biventricular else np.zeros(0, np.int32)
    out = {}
    out["transmural"] = solve_laplace(space, [(epi, 1.0), (np.union1d(endo, rv), 0.0)], LAPLACE_OPTIONS)
    if tags.biventricular:
        out["lv"] = solve_laplace(space, [(endo, 1.0), (np.union1d(epi, rv), 0.0)], LAPLACE_OPTIONS)
        out["rv"] = solve_laplace(space, [(rv, 1.0), (np.union1d(epi, endo), 0.0)], LAPLACE_OPTIONS)
    apex = _apex(space, tagged, tags, comm)
    x = fem.dof_coordinates(space)
    scale = float(np.ptp(x, axis=0).max()) if len(x) else 1.0
    scale = comm.allreduce(scale, op=MPI.MAX)
    apex_dofs = fem.dofs_near(space, apex, 1e-9 * scale)
    out["apicobasal"] = solve_laplace(space, [(apex_dofs, 0.0), (base, 1.0)], LAPLACE_OPTIONS)
    for name, f in out.items():
        f.name = name
    return out


def on_space(functions: dict[str, object], vector_space, kind: str) -> tuple[dict, dict]:
    """Values and gradients of the scalar fields at the dofs of the fiber space.

    Returns (values, gradients): name -> (N,) and name -> (N, 3) arrays for the N local dofs of
    ``vector_space`` (P1: the node values and the projected gradients; DG0: cell averages).
    """
    import ufl

    values, gradients = {}, {}
    scalar_space = fem.cellwise_space(vector_space.mesh) if kind == "DG0" else None
    for name, phi in functions.items():
        g = fem.l2_project(ufl.grad(phi), vector_space, PROJECTION_OPTIONS)
        gradients[name] = g.x.array.reshape(-1, 3).copy()
        if kind == "P1":
            values[name] = phi.x.array.copy()
        else:
            values[name] = fem.l2_project(phi, scalar_space, PROJECTION_OPTIONS).x.array.copy()
    return values, gradients


def apex_point(tagged, cfg, comm: MPI.Comm) -> np.ndarray:
    """The apex of the apicobasal coordinate (mm; same on every rank): the epicardial node farthest from the
    centroid of the base nodes, with the tag names of ``cfg`` (a FibersConfig). Pacing sites use it."""
    return _apex(fem.lagrange_space(tagged.mesh, 1), tagged, wall_tags(tagged, cfg, comm), comm)
