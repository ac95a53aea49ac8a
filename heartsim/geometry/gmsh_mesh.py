"""A Gmsh session for the geometry generators, and its tetrahedral mesh as heartsim arrays.

Generators build OpenCASCADE solids inside :func:`session`, tag boundary surfaces by a
classifier, and call :func:`tetrahedra` to mesh and read back :class:`MeshData` (points in mm,
tetrahedra positively oriented, tagged boundary triangles).
"""

from __future__ import annotations

import contextlib
from typing import Callable

import numpy as np

from heartsim.config.errors import ConfigError
from heartsim.mesh.meshdata import MeshData, signed_volumes


#: Gmsh options of every generated mesh: sizes from the size fields only, Delaunay 2D and 3D,
#: Gmsh and Netgen optimisation
MESH_OPTIONS = {"Mesh.MeshSizeFromCurvature": 0, "Mesh.MeshSizeExtendFromBoundary": 0, "Mesh.Algorithm": 6,
                "Mesh.Algorithm3D": 1, "Mesh.Optimize": 1, "Mesh.OptimizeNetgen": 1}


@contextlib.contextmanager
def session(name: str):
    """An initialised Gmsh (quiet, one thread) for the duration of the block; Gmsh errors become a
    ConfigError naming ``name``."""
    import gmsh

    gmsh.initialize(["-noenv"], readConfigFiles=False)
    try:
        gmsh.option.setNumber("General.Terminal", 0)
        gmsh.option.setNumber("General.NumThreads", 1)
        gmsh.model.add(name)
        yield gmsh
    except ConfigError:
        raise
    except Exception as exc:
        raise ConfigError([f"{name}: Gmsh failed: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"]) \
            from None
    finally:
        gmsh.finalize()


def surface_box(gmsh, tag: int) -> np.ndarray:
    """Bounding box (xmin, ymin, zmin, xmax, ymax, zmax) of surface ``tag``."""
    return np.asarray(gmsh.model.getBoundingBox(2, tag))


#: geometry order -> dimension -> (meshio name, nodes per element, permutation Gmsh -> VTK node order)
_GMSH_TYPES = {1: {3: ("tetra", 4, None), 2: ("triangle", 3, None)},
               2: {3: ("tetra10", 10, [0, 1, 2, 3, 4, 5, 6, 7, 9, 8]), 2: ("triangle6", 6, None)}}
_GMSH_CODES = {"tetra": 4, "triangle": 2, "tetra10": 11, "triangle6": 9}


def tetrahedra(gmsh, classify: Callable[[int], int], names: dict[str, int], size_max: float,
               size_min: float | None = None, order: int = 1) -> MeshData:
    """Mesh the synchronised OCC model (one volume, or several meshed together) with tetrahedra.

    ``classify(surface_tag)`` returns the facet value of each boundary surface (0: leave
    untagged; called before meshing); ``names`` maps facet names to values. Sizes in mm: the mesh
    size fields already set in the model act between ``size_min`` (default size_max / 10) and
    ``size_max``. ``order`` 2 gives 10-node tetrahedra whose edge nodes lie on the curved CAD
    surfaces (exact circles to O(h^3) instead of O(h^2)).
    """
    # surfaces bounding no volume (e.g. the profile face left over by a full revolution) are dropped
    volumes = gmsh.model.getEntities(3)
    boundary = {abs(t) for _, t in gmsh.model.getBoundary(volumes, combined=False, oriented=False)}
    stray = [(2, t) for _, t in gmsh.model.getEntities(2) if t not in boundary]
    if stray:
        gmsh.model.occ.remove(stray, recursive=True)
        gmsh.model.occ.synchronize()
    # classify before meshing: OCC tolerances (and so bounding boxes) grow while the mesh is optimised
    value_of = {tag: classify(tag) for _, tag in gmsh.model.getEntities(2)}
    options = {**MESH_OPTIONS, "Mesh.MeshSizeMax": size_max,
               "Mesh.MeshSizeMin": size_min if size_min is not None else size_max / 10}
    for name, value in options.items():
        gmsh.option.setNumber(name, value)
    gmsh.model.mesh.generate(3)
    if order == 2:
        gmsh.model.mesh.setOrder(2)
    (cell_type, k, perm), (facet_type, kf, _) = _GMSH_TYPES[order][3], _GMSH_TYPES[order][2]
    node_tags, coords, _ = gmsh.model.mesh.getNodes()
    order = np.argsort(node_tags)
    sorted_tags = np.asarray(node_tags)[order]
    xyz = np.asarray(coords, float).reshape(-1, 3)[order]
    types, _, nodes = gmsh.model.mesh.getElements(3)
    if _GMSH_CODES[cell_type] not in list(types):
        raise ConfigError(["Gmsh produced no tetrahedra"])
    index = np.searchsorted(sorted_tags, np.asarray(nodes[list(types).index(_GMSH_CODES[cell_type])])).reshape(-1, k)
    if perm is not None:
        index = index[:, perm]
    facets, values = [], []
    for _, surface in gmsh.model.getEntities(2):
        value = value_of.get(surface, 0)
        t2, _, n2 = gmsh.model.mesh.getElements(2, surface)
        if value and _GMSH_CODES[facet_type] in list(t2):
            tri = np.searchsorted(sorted_tags, np.asarray(n2[list(t2).index(_GMSH_CODES[facet_type])])).reshape(-1, kf)
            facets.append(tri)
            values.append(np.full(len(tri), value, np.int32))
    used = np.unique(index)
    renumber = np.full(len(xyz), -1, dtype=np.int64)
    renumber[used] = np.arange(len(used))
    cells = renumber[index]
    if facets and np.any(renumber[np.concatenate(facets)] < 0):
        raise ConfigError(["Gmsh: a tagged boundary triangle is not a face of the volume mesh"])
    negative = signed_volumes(xyz[used], cells, cell_type) < 0
    cells[negative] = cells[negative][:, [0, 2, 1, 3, 6, 5, 4, 7, 9, 8][:k]]
    return MeshData(xyz[used], cell_type, cells, np.ones(len(cells), np.int32),
                    renumber[np.concatenate(facets)] if facets else np.zeros((0, kf), np.int64),
                    np.concatenate(values) if values else np.zeros(0, np.int32),
                    cell_names={"fluid": 1}, facet_names=dict(names))
