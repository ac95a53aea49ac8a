"""Dofs: their coordinates, the dofs of cells, facets, tags and points, and rank-independent keys.

Keys let data be matched across partitions (checkpoints restart on another rank count): a P1 dof's
key is the mesh-input index of its vertex; a P2 dof's key is built from its vertices' input indices.
"""

from __future__ import annotations

from typing import Sequence

import dolfinx
import dolfinx.fem
import dolfinx.la
import numpy as np
from mpi4py import MPI


def dof_coordinates(space) -> np.ndarray:
    """Coordinates (n, 3) of the local (owned and ghost) dofs (nodes) of a Lagrange or DG space."""
    return space.tabulate_dof_coordinates()


def dofs_of_cells(space, cells: np.ndarray) -> np.ndarray:
    """Local dofs (owned and ghost) of the given local cells."""
    return np.unique(space.dofmap.list[cells.astype(np.int32)].ravel())


def dofs_on_facets(space, facets: np.ndarray) -> np.ndarray:
    """Local (block) dofs of ``space`` on the closure of ``facets``."""
    mesh = space.mesh
    mesh.topology.create_connectivity(mesh.topology.dim - 1, mesh.topology.dim)
    return dolfinx.fem.locate_dofs_topological(space, mesh.topology.dim - 1, np.asarray(facets, np.int32))


def dofs_near(space, point: Sequence[float], tol: float) -> np.ndarray:
    """Local dofs of a scalar Lagrange space within ``tol`` of ``point``."""
    p = np.asarray(point, float).reshape(3, 1)
    return dolfinx.fem.locate_dofs_geometrical(space, lambda x: np.linalg.norm(x - p, axis=0) <= tol)


def dofs_touching_tag(space, cell_tags, value: int) -> np.ndarray:
    """Boolean mask over the local dofs (owned and ghost) of a P1 space: True where the dof is a
    vertex of a cell tagged ``value`` on any rank (summed to the owner, then sent to the ghosts, so
    that every rank agrees)."""
    f = dolfinx.fem.Function(space)
    f.x.array[:] = 0.0
    cells = cell_tags.find(int(value))
    if len(cells):
        f.x.array[dofs_of_cells(space, cells)] = 1.0
    f.x.scatter_reverse(dolfinx.la.InsertMode.add)
    f.x.scatter_forward()
    return f.x.array > 0.5


def dof_input_indices(space) -> np.ndarray:
    """Rank-independent key of every local dof (owned and ghost) of a P1 space: the index of its
    node in the mesh input (generated or read), so that data can be matched across partitions."""
    geometry = space.mesh.geometry
    node_of_dof = np.empty(space.dofmap.index_map.size_local + space.dofmap.index_map.num_ghosts, dtype=np.int64)
    dofs = space.dofmap.list
    # P1 dofs sit at the vertices, the first nodes of each cell in the geometry dofmap (any degree)
    node_of_dof[dofs.ravel()] = geometry.dofmap[:, : dofs.shape[1]].ravel()
    return np.asarray(geometry.input_global_indices, dtype=np.int64)[node_of_dof]


def p2_dof_keys(space) -> np.ndarray:
    """Rank-independent key (int64) of every local dof (owned and ghost) of a P2 Lagrange space on a
    simplex mesh of any geometry degree, from the mesh-input indices of the dof's vertices: a dof at
    vertex a has key a N + a, a dof on the edge (a, b), a < b, has key a N + b, with N the number
    of input nodes (largest input index + 1). Keys of different dofs differ (a N + b determines a, b)."""
    import basix

    mesh = space.mesh
    topology = basix.topology(mesh.basix_cell())
    n_vertices, edges = len(topology[0]), np.asarray(topology[1], dtype=np.int64)
    dofs = space.dofmap.list
    if dofs.shape[1] != n_vertices + len(edges):
        raise ValueError("p2_dof_keys: the space is not P2 Lagrange on a simplex mesh")
    inputs = np.asarray(mesh.geometry.input_global_indices, dtype=np.int64)
    n = np.int64(mesh.comm.allreduce(int(inputs.max(initial=-1)) + 1, op=MPI.MAX))
    # the first nodes of each cell in the geometry dofmap are its vertices (any geometry degree)
    vertex = inputs[mesh.geometry.dofmap[:, :n_vertices]]
    keys = np.empty(space.dofmap.index_map.size_local + space.dofmap.index_map.num_ghosts, dtype=np.int64)
    keys[dofs[:, :n_vertices].ravel()] = (vertex * n + vertex).ravel()
    a, b = vertex[:, edges[:, 0]], vertex[:, edges[:, 1]]
    keys[dofs[:, n_vertices:].ravel()] = (np.minimum(a, b) * n + np.maximum(a, b)).ravel()
    return keys


def vertex_dof_pairs(p2_space, p1_space) -> tuple[np.ndarray, np.ndarray]:
    """(P2 dofs, P1 dofs): local dof (block) numbers of two Lagrange spaces on one mesh that sit at
    the same cell vertex, over all local cells (pairs repeat; every local P1 dof appears)."""
    p1 = p1_space.dofmap.list
    return p2_space.dofmap.list[:, : p1.shape[1]].ravel(), p1.ravel()


def _node_keys(space) -> np.ndarray:
    """Rank-independent key of every local dof block (node) of a P1 or P2 Lagrange space."""
    if space.ufl_element().embedded_superdegree == 1:
        return dof_input_indices(space)
    return p2_dof_keys(space)


def scalar_dof_keys(space) -> tuple[np.ndarray, int]:
    """(keys, owned): a rank-independent key (int64) of every local scalar dof of a P1/P2 Lagrange
    space, scalar, vector (blocked) or mixed (e.g. Taylor-Hood), in the order of ``Function.x.array``,
    and the number of owned entries (they come first). A dof's key is ``node_key * S + slot``,
    ``slot`` numbering the components of all sub-spaces (u_x, u_y, u_z, p: S = 4), so keys of
    different dofs differ on any partition: checkpoints of the space restart on another rank count."""
    index_map = space.dofmap.index_map
    n_local = (index_map.size_local + index_map.num_ghosts) * space.dofmap.index_map_bs
    owned = index_map.size_local * space.dofmap.index_map_bs
    subs = space.num_sub_spaces if space.dofmap.index_map_bs == 1 else 0
    parts = []  # (collapsed space, parent dofs of its unrolled dofs)
    if subs:
        for i in range(subs):
            collapsed, parent = space.sub(i).collapse()
            parts.append((collapsed, np.asarray(parent, dtype=np.int64)))
    else:
        parts.append((space, np.arange(n_local, dtype=np.int64)))
    slots = sum(p.dofmap.index_map_bs for p, _ in parts)
    keys = np.empty(n_local, dtype=np.int64)
    offset = 0
    for collapsed, parent in parts:
        bs = collapsed.dofmap.index_map_bs
        node = _node_keys(collapsed)
        unrolled = (node[:, None] * slots + offset + np.arange(bs)[None, :]).ravel()
        keys[parent] = unrolled
        offset += bs
    return keys, owned
