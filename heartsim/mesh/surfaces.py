"""Facet tags from separate surface files (one file per named face, as many vascular tools write).

Each surface's nodes are matched to the volume mesh's nodes (nearest node within a tolerance of
1e-6 x the bounding-box diagonal); each surface triangle whose three nodes matched and that is a
boundary facet of the volume mesh gets that surface's tag. Surfaces are read with meshio (STL,
VTK, VTU, PLY, OBJ) or, for .vtp, with VTK where it is installed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from heartsim.config.errors import ConfigError
from heartsim.mesh.meshdata import MeshData

_TET_FACETS = ((0, 1, 2), (0, 1, 3), (1, 2, 3), (0, 2, 3))


def read_surface(path: Path, key: str) -> tuple[np.ndarray, np.ndarray]:
    """(points (n, 3), triangles (m, 3)) of a surface file; one-line ConfigError when unreadable."""
    if path.suffix.lower() == ".vtp":
        try:
            import vtk  # noqa: F401
            from vtk.util.numpy_support import vtk_to_numpy
        except ImportError:
            raise ConfigError([f"{key}: {path.name}: reading .vtp needs the vtk package"]) from None
        reader = vtk.vtkXMLPolyDataReader()
        reader.SetFileName(str(path))
        reader.Update()
        tri = vtk.vtkTriangleFilter()
        tri.SetInputData(reader.GetOutput())
        tri.Update()
        poly = tri.GetOutput()
        if poly.GetNumberOfPoints() == 0:
            raise ConfigError([f"{key}: {path.name}: no points read (empty or not VTK XML PolyData)"])
        points = vtk_to_numpy(poly.GetPoints().GetData()).astype(float)
        cells = vtk_to_numpy(poly.GetPolys().GetConnectivityArray()).reshape(-1, 3).astype(np.int64)
        return points, cells
    import meshio

    try:
        mesh = meshio.read(path)
    except Exception as exc:
        raise ConfigError([f"{key}: {path.name}: cannot read: {str(exc).splitlines()[0] if str(exc) else exc!r}"]) from None
    triangles = [b.data for b in mesh.cells if b.type == "triangle"]
    if not triangles:
        raise ConfigError([f"{key}: {path.name}: no triangles in the surface"])
    return np.asarray(mesh.points, float)[:, :3], np.concatenate(triangles).astype(np.int64)


def boundary_facets(cells: np.ndarray) -> np.ndarray:
    """Boundary triangles (k, 3) of a tetrahedral mesh (corner nodes), as sorted node triples."""
    faces = np.sort(np.concatenate([cells[:, list(f)] for f in _TET_FACETS]), axis=1)
    unique, counts = np.unique(faces, axis=0, return_counts=True)
    return unique[counts == 1]


def tag_from_surfaces(data: MeshData, surfaces: dict[str, Path], unit_scale: float) -> MeshData:
    """Replace the facet tags of ``data`` by those of the named surface files (tags 1, 2, ... in order)."""
    from scipy.spatial import cKDTree

    if not data.cell_type.startswith("tetra"):
        raise ConfigError(["mesh.surfaces: facet tags from surface files need a tetrahedral mesh"])
    corners = data.cells[:, :4]
    boundary = boundary_facets(corners)
    lookup = {tuple(f): i for i, f in enumerate(boundary)}
    tree = cKDTree(data.points)
    tol = 1e-6 * float(np.linalg.norm(data.points.max(0) - data.points.min(0)))
    facets, values, names = [], [], {}
    for tag, (name, path) in enumerate(surfaces.items(), start=1):
        key = f"mesh.surfaces.{name}"
        points, triangles = read_surface(path, key)
        dist, nearest = tree.query(points * unit_scale)
        ok = dist <= tol
        matched = 0
        for tri in triangles:
            if ok[tri].all():
                index = lookup.get(tuple(sorted(nearest[tri])))
                if index is not None:
                    facets.append(boundary[index])
                    values.append(tag)
                    matched += 1
        if matched == 0:
            raise ConfigError([f"{key}: {path.name}: matches no boundary facet of the mesh "
                               "(check mesh.unit and that the surface belongs to this mesh)"])
        if matched < len(triangles):
            data.notes.append(f"surface {name}: {len(triangles) - matched} of {len(triangles)} triangles "
                              "matched no boundary facet")
        names[name] = tag
    data.facets = np.array(facets, dtype=np.int64).reshape(-1, 3)
    data.facet_values = np.array(values, dtype=np.int32)
    data.facet_names = names
    return data
