"""Closed triangulated surfaces to tetrahedral volume meshes with Gmsh (PyPI gmsh, with Netgen).

The surface is classified into patches at sharp edges (``feature_angle``), reparametrised and
remeshed at the target edge length, then the enclosed volume is meshed (Delaunay) and optimised
(Gmsh and Netgen optimisers). The result is plain arrays (:class:`MeshData`) whose boundary facets
the caller tags.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import numpy as np

from heartsim.config.errors import ConfigError
from heartsim.mesh.meshdata import MeshData
from heartsim.mesh.surfaces import boundary_facets


def _write_stl(path: Path, points: np.ndarray, triangles: np.ndarray) -> None:
    import meshio

    meshio.write(path, meshio.Mesh(points, [("triangle", triangles)]), file_format="stl", binary=True)


def tetrahedralise(points: np.ndarray, triangles: np.ndarray, size: float, feature_angle: float = 40.0,
                   name: str = "surface") -> MeshData:
    """Tetrahedra filling the closed surface (points in mm), edge length about ``size`` mm."""
    import gmsh

    with tempfile.TemporaryDirectory() as tmp:
        stl = Path(tmp) / "surface.stl"
        _write_stl(stl, points, triangles)
        gmsh.initialize(["-noenv"], readConfigFiles=False)
        try:
            gmsh.option.setNumber("General.Terminal", 0)
            gmsh.option.setNumber("General.NumThreads", 1)
            gmsh.merge(str(stl))
            gmsh.model.mesh.classifySurfaces(math.radians(feature_angle), True, True, math.radians(180))
            gmsh.model.mesh.createGeometry()
            surfaces = [tag for _, tag in gmsh.model.getEntities(2)]
            loop = gmsh.model.geo.addSurfaceLoop(surfaces)
            gmsh.model.geo.addVolume([loop])
            gmsh.model.geo.synchronize()
            gmsh.option.setNumber("Mesh.MeshSizeMin", 0.5 * size)
            gmsh.option.setNumber("Mesh.MeshSizeMax", size)
            gmsh.option.setNumber("Mesh.MeshSizeFromCurvature", 0)
            gmsh.option.setNumber("Mesh.Algorithm", 6)
            gmsh.option.setNumber("Mesh.Algorithm3D", 1)
            gmsh.option.setNumber("Mesh.Optimize", 1)
            gmsh.option.setNumber("Mesh.OptimizeNetgen", 1)
            gmsh.model.mesh.generate(3)
            node_tags, coords, _ = gmsh.model.mesh.getNodes()
            types, _, elem_nodes = gmsh.model.mesh.getElements(3)
            patches = []  # boundary triangles of each surface patch (patch k -> tag k + 1)
            for _, tag in gmsh.model.getEntities(2):
                t2, _, n2 = gmsh.model.mesh.getElements(2, tag)
                if 2 in list(t2):
                    patches.append(np.asarray(n2[list(t2).index(2)]).reshape(-1, 3))
        except Exception as exc:
            raise ConfigError([f"{name}: volume meshing failed in Gmsh: {str(exc).splitlines()[0]}"]) from None
        finally:
            gmsh.finalize()
    if 4 not in list(types):
        raise ConfigError([f"{name}: Gmsh produced no tetrahedra (is the surface closed?)"])
    tets_flat = elem_nodes[list(types).index(4)]
    order = np.argsort(node_tags)
    xyz = np.asarray(coords, float).reshape(-1, 3)[order]
    index = np.searchsorted(np.asarray(node_tags)[order], np.asarray(tets_flat)).reshape(-1, 4)
    used = np.unique(index)
    renumber = np.full(len(xyz), -1)
    renumber[used] = np.arange(len(used))
    cells = renumber[index]
    pts = xyz[used]
    sorted_tags = np.asarray(node_tags)[order]
    facets = np.concatenate([renumber[np.searchsorted(sorted_tags, p)] for p in patches]) if patches else \
        boundary_facets(cells)
    values = np.concatenate([np.full(len(p), k + 1, np.int32) for k, p in enumerate(patches)]) if patches else \
        np.ones(len(facets), np.int32)
    data = MeshData(pts, "tetra", cells, np.ones(len(cells), np.int32), facets, values,
                    facet_names={f"patch_{k + 1}": k + 1 for k in range(len(patches))})
    # orient positively (Gmsh's tetrahedra are, but be sure)
    from heartsim.mesh.meshdata import signed_volumes

    negative = signed_volumes(pts, cells, "tetra") < 0
    data.cells[negative] = data.cells[negative][:, [0, 2, 1, 3]]
    return data


def facet_geometry(data: MeshData) -> tuple[np.ndarray, np.ndarray]:
    """Centroids and outward unit normals of the boundary facets."""
    p = data.points
    f = data.facets
    centroid = p[f].mean(axis=1)
    normal = np.cross(p[f[:, 1]] - p[f[:, 0]], p[f[:, 2]] - p[f[:, 0]])
    normal /= np.linalg.norm(normal, axis=1, keepdims=True)
    # outward: away from the centroid of the cell that owns the facet
    owner = _facet_owner(data)
    inward = p[data.cells[owner]].mean(axis=1) - centroid
    flip = np.einsum("ij,ij->i", normal, inward) > 0
    normal[flip] *= -1
    return centroid, normal


def _facet_owner(data: MeshData) -> np.ndarray:
    faces = np.concatenate([np.sort(data.cells[:, list(f)], axis=1) for f in ((0, 1, 2), (0, 1, 3), (1, 2, 3), (0, 2, 3))])
    owners = np.tile(np.arange(len(data.cells)), 4)
    lookup = {tuple(f): o for f, o in zip(faces, owners)}
    return np.array([lookup[tuple(np.sort(f))] for f in data.facets])
