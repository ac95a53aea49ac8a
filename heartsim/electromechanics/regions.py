"""Contractility by region: a factor on the active tension per quadrature point from the mesh's cell tags.

Ta is linear in Tref (Ta = h(lambda) Tref/rs [(zeta_s + 1) S + zeta_w W], Land et al. 2017), so a region
whose cells take Tref_r instead of the model's Tref gets Ta scaled by s = Tref_r / Tref at its points;
the tension states themselves (CaTRPN, B, S, W, zeta) do not depend on Tref. Cells in no region: s = 1.
The factor is set per cell (owned cells from their tags, ghosts from their owners) and copied to the
cell's quadrature points. Units: kPa (Tref), the factor is dimensionless.
"""

from __future__ import annotations

import numpy as np
from mpi4py import MPI

from heartsim import fem
from heartsim.config.errors import InputError


def _present(tagged) -> set[int]:
    have = tagged.cell_tags.values if tagged.cell_tags is not None else np.zeros(0, np.int32)
    return set(tagged.mesh.comm.allreduce(set(np.unique(have).tolist()), op=MPI.BOR))


def tension_scale(tagged, regions, tref: float, qspace, key: str) -> np.ndarray:
    """Factor Tref_region / ``tref`` at the local (owned and ghost) points of the quadrature space ``qspace``
    for ``regions`` (entries with ``cell_tags`` and ``Tref``, kPa); InputError naming ``key[i].cell_tags``
    for a tag that is not on the mesh."""
    present = _present(tagged)
    listing = (", ".join(f"{k}={v}" for k, v in sorted(tagged.tag_names.items(), key=lambda kv: kv[1]))
               or str(sorted(present) or "none"))
    cellwise = fem.function(fem.dg_space(tagged.mesh, 0))
    cellwise.x.array[:] = 1.0
    dof_of_cell = cellwise.function_space.dofmap.list[:, 0]
    for i, region in enumerate(regions):
        for ref in region.cell_tags:
            value = tagged.tag_value(ref)
            if value is None or value not in present:
                raise InputError(f"{key}[{i}].cell_tags", f"no cell tag {ref!r} in the mesh (cell tags: {listing})")
            cells = tagged.cell_tags.find(int(value))
            cellwise.x.array[dof_of_cell[cells]] = float(region.Tref) / float(tref)
    cellwise.x.scatter_forward()  # ghost cells from their owners
    qdofs = qspace.dofmap.list
    scale = np.ones(qspace.dofmap.index_map.size_local + qspace.dofmap.index_map.num_ghosts)
    scale[qdofs] = cellwise.x.array[dof_of_cell[: qdofs.shape[0]]][:, None]
    return scale
