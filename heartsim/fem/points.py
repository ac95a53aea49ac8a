"""Point evaluation: the one way heartsim reads a Function at given physical points, on any rank count.

A point is evaluated on the lowest rank owning a cell that contains it (collision with the cell's
bounding box, then the exact cell test); every rank receives every value, NaN where no rank holds
the point. Collective over the mesh's communicator.
"""

from __future__ import annotations

import dolfinx
import dolfinx.geometry
import numpy as np
from mpi4py import MPI


def _colliding(mesh, pts: np.ndarray):
    tree = dolfinx.geometry.bb_tree(mesh, mesh.topology.dim)
    candidates = dolfinx.geometry.compute_collisions_points(tree, pts)
    return dolfinx.geometry.compute_colliding_cells(mesh, candidates, pts)


def _points(points) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(points, dtype=np.float64).reshape(-1, 3))


def cells_containing(mesh, points: np.ndarray, owned_only: bool = False) -> np.ndarray:
    """For each point (n, 3), the first local cell holding it on this rank (owned only, or owned and
    ghost), or -1. Not collective."""
    pts = _points(points)
    colliding = _colliding(mesh, pts)
    n_owned = mesh.topology.index_map(mesh.topology.dim).size_local
    out = np.full(len(pts), -1, dtype=np.int32)
    for i in range(len(pts)):
        cells = colliding.links(i)
        if owned_only:
            cells = cells[cells < n_owned]
        if len(cells):
            out[i] = cells[0]
    return out


def evaluate(function, points: np.ndarray) -> np.ndarray:
    """Values (n, value size) of ``function`` at ``points`` (n, 3, the same on every rank), NaN outside."""
    mesh = function.function_space.mesh
    comm = mesh.comm
    pts = _points(points)
    size = int(np.prod(function.ufl_shape)) if function.ufl_shape else 1
    cells = cells_containing(mesh, pts, owned_only=True)
    mine = cells >= 0
    local = np.full((len(pts), size), np.nan)
    if mine.any():
        local[mine] = np.asarray(function.eval(pts[mine], cells[mine])).reshape(-1, size)
    # the lowest rank holding a point gives its value
    rank = np.where(mine, comm.rank, comm.size).astype(np.int32)
    first = np.empty_like(rank)
    comm.Allreduce(rank, first, op=MPI.MIN)
    local[first != comm.rank] = 0.0
    out = np.empty_like(local)
    comm.Allreduce(np.ascontiguousarray(local), out, op=MPI.SUM)
    out[first == comm.size] = np.nan
    return out
