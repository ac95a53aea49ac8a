"""Fibers stored in the mesh file: point vectors (P1) or cell vectors (DG0), made orthonormal.

f = a / |a| for the array ``fibers.fiber_array``; s = the part of the ``fibers.sheet_array`` vector
normal to f, normalised (without a sheet array: the normalised part normal to f of whichever of e_z,
e_x is less aligned with f); n = f x s. A missing array, or a zero (|a| < 1e-12) fiber or sheet
vector, is a one-line ConfigError naming the key and where the first bad vector lies.
"""

from __future__ import annotations

import numpy as np
from mpi4py import MPI

from heartsim import fem
from heartsim.config.errors import ConfigError, InputError
from heartsim.fibers import rotation
from heartsim.fibers.field import FiberField, make_field, vector_space
from heartsim.fibers.wall import PROJECTION_OPTIONS

_ZERO = 1e-12


def _check_nonzero(vectors: np.ndarray, owned: int, points: np.ndarray, key: str, name: str,
                   comm: MPI.Comm) -> None:
    norms = np.linalg.norm(vectors[:owned], axis=1)
    bad = np.flatnonzero(~(norms > _ZERO))
    count = comm.allreduce(len(bad), op=MPI.SUM)
    if count:
        where = [tuple(np.round(points[bad[0]], 4))] if len(bad) else []
        first = next(w for w in comm.allgather(where) if w)[0]
        raise InputError(key, f"{count} zero or invalid vector(s) in array {name!r} "
                              f"(first at x = {first} mm)")


def orthonormal_frames(fiber: np.ndarray, sheet: np.ndarray | None) -> np.ndarray:
    """Frames (N, 3, 3), columns (f, s, n), from fiber and optional sheet vectors (pure NumPy)."""
    f = rotation.normalize(fiber)
    if sheet is None:
        use_x = np.abs(f[:, 2]) > 0.9
        sheet = np.where(use_x[:, None], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0])
    s = rotation.normalize(sheet - np.sum(sheet * f, axis=1, keepdims=True) * f)
    return np.stack([f, s, np.cross(f, s)], axis=2)


def file_fibers(tagged, cfg, comm: MPI.Comm) -> FiberField:
    """Fibers from ``tagged.fields`` (vector Functions the mesh layer loaded from the file).

    The space is the file's (point data: P1, cell data: DG0) unless ``cfg.space`` asks for DG0 with
    point data (then the vectors are projected cell-wise and re-normalised); P1 from cell data is an error.
    """
    have = ", ".join(sorted(tagged.fields)) or "none"
    arrays = {}
    for key in ("fiber_array", "sheet_array"):
        name = getattr(cfg, key)
        if name is None:
            continue
        if name not in tagged.fields:
            raise InputError(f"fibers.{key}", f"the mesh has no point or cell vector array {name!r} "
                                              f"(vector arrays: {have})")
        arrays[key] = tagged.fields[name]
    fiber = arrays["fiber_array"]
    file_kind = "DG0" if fem.is_cellwise(fiber.function_space) else "P1"
    if "sheet_array" in arrays and fem.is_cellwise(arrays["sheet_array"].function_space) != (file_kind == "DG0"):
        raise InputError("fibers.sheet_array", f"{cfg.sheet_array!r} is not stored like {cfg.fiber_array!r} "
                                               "(one is point data, the other cell data)")
    kind = cfg.resolved_space(file_kind)
    if kind == "P1" and file_kind == "DG0":
        raise InputError("fibers.space", f"P1 fibers cannot be made from the cell vectors {cfg.fiber_array!r}; "
                                         "use space: DG0")
    space = vector_space(tagged.mesh, kind)
    owned = space.dofmap.index_map.size_local
    points = fem.dof_coordinates(space)
    vectors = {}
    for key, g in arrays.items():
        values = g.x.array.reshape(-1, 3)
        name = getattr(cfg, key)
        # check in the file's own space (before any projection hides a zero vector)
        _check_nonzero(values, g.function_space.dofmap.index_map.size_local, fem.dof_coordinates(g.function_space),
                       f"fibers.{key}", name, comm)
        if kind != file_kind:
            values = fem.l2_project(g / _norm(g), space, PROJECTION_OPTIONS).x.array.reshape(-1, 3)
            _check_nonzero(values, owned, points, f"fibers.{key}", name, comm)
        vectors[key] = values
    frames = orthonormal_frames(vectors["fiber_array"], vectors.get("sheet_array"))
    if "sheet_array" in vectors:
        sheet_norm = np.linalg.norm(frames[:owned, :, 1], axis=1)
        _check_nonzero(np.where(sheet_norm[:, None] > 1e-6, frames[:owned, :, 1], 0.0), owned, points,
                       "fibers.sheet_array", f"{cfg.sheet_array} (parallel to the fiber)", comm)
    return make_field(space, frames, kind, "file")


def _norm(g):
    import ufl

    return ufl.sqrt(ufl.inner(g, g))
