"""Node positions of a mesh's geometry: read them, move them, and read a vector P1 Function at them.

Moving the nodes changes the reference configuration of every form on the mesh (the coordinates are
read at each assembly); values of Functions stay attached to their dofs, i.e. to the same material
points. Degree-1 (affine) geometry only: its nodes are the vertices, where the P1 dofs sit.
"""

from __future__ import annotations

import numpy as np


def _check_affine(mesh) -> None:
    if mesh.geometry.cmap.degree != 1:
        raise ValueError(f"moving the nodes needs a degree-1 geometry (this mesh has degree {mesh.geometry.cmap.degree})")


def node_positions(mesh) -> np.ndarray:
    """A copy of the (local, owned and ghost) node coordinates, shape (nodes, 3), mm."""
    return np.array(mesh.geometry.x[:, :3], dtype=float)


def set_node_positions(mesh, x: np.ndarray) -> None:
    """Move the local nodes to ``x`` (nodes, 3); every rank passes the positions of its own and ghost nodes
    (consistent across ranks when they come from :func:`node_values` of a scattered Function)."""
    _check_affine(mesh)
    mesh.geometry.x[:, :3] = x


def node_values(function) -> np.ndarray:
    """Values of a P1 vector Function at the mesh's nodes (rows of ``mesh.geometry.x``), shape (nodes, bs)."""
    space = function.function_space
    mesh = space.mesh
    _check_affine(mesh)
    dofs = space.dofmap.list
    bs = space.dofmap.index_map_bs
    values = np.asarray(function.x.array).reshape(-1, bs)
    out = np.zeros((mesh.geometry.x.shape[0], bs))
    out[mesh.geometry.dofmap[:, : dofs.shape[1]].ravel()] = values[dofs.ravel()]
    return out
