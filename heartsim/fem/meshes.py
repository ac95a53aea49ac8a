"""Meshes and mesh tags: creating, reading and writing them, and the entity queries heartsim needs.

Every DOLFINx mesh call heartsim makes is here; ``heartsim.mesh`` builds on it (formats, tagging
rules, checks) without calling DOLFINx itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import dolfinx
import dolfinx.io
import numpy as np
from mpi4py import MPI


def create_box(comm: MPI.Comm, lo: Sequence[float], hi: Sequence[float], cells: Sequence[int],
               cell_type: str = "tetrahedron") -> dolfinx.mesh.Mesh:
    """Box mesh of [lo, hi] with ``cells`` cells per direction, distributed over ``comm``."""
    kind = {"tetrahedron": dolfinx.mesh.CellType.tetrahedron,
            "hexahedron": dolfinx.mesh.CellType.hexahedron}[cell_type]
    return dolfinx.mesh.create_box(comm, [np.asarray(lo, float), np.asarray(hi, float)], list(cells), kind,
                                   ghost_mode=dolfinx.mesh.GhostMode.shared_facet)


def read_xdmf_mesh(comm: MPI.Comm, path: Path, name: str = "mesh"):
    """Mesh, cell tags and facet tags (None where absent) from a DOLFINx XDMF file, read in parallel."""
    with dolfinx.io.XDMFFile(comm, str(path), "r") as xdmf:
        mesh = xdmf.read_mesh(name=name)
        try:
            tags = xdmf.read_meshtags(mesh, name="cell_tags")
        except RuntimeError:
            tags = None
        mesh.topology.create_connectivity(mesh.topology.dim - 1, mesh.topology.dim)
        try:
            facet_tags = xdmf.read_meshtags(mesh, name="facet_tags")
        except RuntimeError:
            facet_tags = None
    return mesh, tags, facet_tags


def write_xdmf_mesh(comm: MPI.Comm, path: Path, mesh, cell_tags, facet_tags) -> None:
    """Write a mesh named "mesh" with MeshTags "cell_tags" and "facet_tags" (read back by read_xdmf_mesh)."""
    mesh.name = "mesh"
    with dolfinx.io.XDMFFile(comm, str(path), "w") as xdmf:
        xdmf.write_mesh(mesh)
        mesh.topology.create_connectivity(mesh.topology.dim - 1, mesh.topology.dim)
        for tags, name in ((cell_tags, "cell_tags"), (facet_tags, "facet_tags")):
            if tags is not None:
                tags.name = name
                xdmf.write_meshtags(tags, mesh.geometry)


def mesh_from_arrays(comm: MPI.Comm, points: np.ndarray, cells: np.ndarray, cell: str, degree: int):
    """Distributed mesh from arrays given on rank 0 (other ranks pass empty arrays), VTK node order.

    DOLFINx's graph partitioner distributes the cells; ``mesh.geometry.input_global_indices`` and
    ``mesh.topology.original_cell_index`` keep the input numbering.
    """
    import basix.ufl
    import ufl

    element = basix.ufl.element("Lagrange", cell, degree, shape=(3,))
    perm = dolfinx.cpp.io.perm_vtk(dolfinx.mesh.to_type(cell), cells.shape[1])
    return dolfinx.mesh.create_mesh(comm, np.ascontiguousarray(cells[:, perm]), points, ufl.Mesh(element))


def tags_from_input(mesh, dim: int, entities: np.ndarray, values: np.ndarray, vtk_type: str | None = None):
    """MeshTags of entities given by input node indices (VTK order, on any rank), owned where they live."""
    if vtk_type is not None and len(entities):
        perm = dolfinx.cpp.io.perm_vtk(dolfinx.mesh.to_type(vtk_type), entities.shape[1])
        entities = entities[:, perm]
    local, local_values = dolfinx.io.utils.distribute_entity_data(
        mesh, dim, np.ascontiguousarray(entities, dtype=np.int64), np.asarray(values, dtype=np.int32))
    mesh.topology.create_connectivity(dim, 0)
    if dim < mesh.topology.dim:
        mesh.topology.create_connectivity(dim, mesh.topology.dim)
    adjacency = dolfinx.cpp.graph.AdjacencyList_int32(local)
    return dolfinx.mesh.meshtags_from_entities(mesh, dim, adjacency, local_values.astype(np.int32))


def cells_in_vtk_order(mesh) -> tuple[np.ndarray, np.ndarray, str]:
    """Local geometry (points) and cells in VTK node order, with the VTK-style cell name (one rank)."""
    cell = mesh.topology.cell_name()
    dofmap = np.asarray(mesh.geometry.dofmap)
    perm = np.asarray(dolfinx.cpp.io.perm_vtk(dolfinx.mesh.to_type(cell), dofmap.shape[1]))
    names = {("tetrahedron", 4): "tetra", ("tetrahedron", 10): "tetra10", ("hexahedron", 8): "hexahedron",
             ("hexahedron", 27): "hexahedron27"}
    return np.asarray(mesh.geometry.x), dofmap[:, np.argsort(perm)], names[(cell, dofmap.shape[1])]


def original_cell_index(mesh) -> np.ndarray:
    """Input index of every local cell (owned first, then ghosts)."""
    return np.asarray(mesh.topology.original_cell_index, dtype=np.int64)


def owned_node_coordinates(mesh) -> np.ndarray:
    """Coordinates (n, 3) of the geometry nodes this rank owns (every node on exactly one rank)."""
    return np.asarray(mesh.geometry.x)[: mesh.geometry.index_map().size_local]


def local_cell_count(mesh: dolfinx.mesh.Mesh) -> int:
    """Cells owned by this rank."""
    return mesh.topology.index_map(mesh.topology.dim).size_local


def geometry_degree(mesh) -> int:
    """Degree of the mesh's coordinate element (1: straight-sided, 2: 10-node tetrahedra)."""
    return int(mesh.geometry.cmap.degree)


def cell_midpoints(mesh: dolfinx.mesh.Mesh, cells: np.ndarray) -> np.ndarray:
    """Midpoints (n, 3) of local ``cells``."""
    return dolfinx.mesh.compute_midpoints(mesh, mesh.topology.dim, cells.astype(np.int32))


def boundary_facet_midpoints(mesh, facets: np.ndarray) -> np.ndarray:
    """Midpoints (n, 3) of local ``facets``."""
    return dolfinx.mesh.compute_midpoints(mesh, mesh.topology.dim - 1, facets.astype(np.int32))


def cell_tags(mesh: dolfinx.mesh.Mesh, cells: np.ndarray, values: np.ndarray):
    """MeshTags on cells (indices sorted as DOLFINx requires)."""
    order = np.argsort(cells)
    return dolfinx.mesh.meshtags(mesh, mesh.topology.dim, cells[order].astype(np.int32),
                                 values[order].astype(np.int32))


def facet_tags_from(mesh, facets: np.ndarray, values: np.ndarray):
    """MeshTags on facets (sorted, unique)."""
    facets, index = np.unique(facets.astype(np.int32), return_index=True)
    return dolfinx.mesh.meshtags(mesh, mesh.topology.dim - 1, facets, np.asarray(values, np.int32)[index])


def boundary_facet_tags(mesh, markers: list[tuple[int, object]]):
    """MeshTags of exterior facets: value v where ``marker(x)`` is true at all facet vertices."""
    fdim = mesh.topology.dim - 1
    mesh.topology.create_connectivity(fdim, mesh.topology.dim)
    facets, values = [], []
    for value, marker in markers:
        found = dolfinx.mesh.locate_entities_boundary(mesh, fdim, marker)
        facets.append(found)
        values.append(np.full(found.size, value, dtype=np.int32))
    facets, values = np.concatenate(facets), np.concatenate(values)
    facets, first = np.unique(facets, return_index=True)
    return dolfinx.mesh.meshtags(mesh, fdim, facets.astype(np.int32), values[first])


def facets_of_tag(facet_tags, value: int) -> np.ndarray:
    """Local facets (owned and ghost) carrying ``value``."""
    return facet_tags.find(int(value)) if facet_tags is not None else np.zeros(0, dtype=np.int32)


def facets_with_tags(mesh, facet_tags, values) -> np.ndarray:
    """Local facets carrying any of ``values``."""
    if facet_tags is None:
        return np.zeros(0, dtype=np.int32)
    return np.sort(facet_tags.find(values[0]) if len(values) == 1 else
                   np.unique(np.concatenate([facet_tags.find(v) for v in values]))).astype(np.int32)


def facet_triangles(mesh, facets: np.ndarray) -> np.ndarray:
    """Vertex coordinates (n, 3, 3) of the local owned ``facets`` (triangles) of a tetrahedral mesh."""
    fdim = mesh.topology.dim - 1
    owned = facets[facets < mesh.topology.index_map(fdim).size_local]
    if owned.size == 0:
        return np.zeros((0, 3, 3))
    nodes = dolfinx.mesh.entities_to_geometry(mesh, fdim, owned.astype(np.int32), False)
    return np.asarray(mesh.geometry.x)[nodes[:, :3]]


def facet_corner_nodes(mesh, facets: np.ndarray) -> np.ndarray:
    """Geometry-node indices (n, 3) of the corners of local ``facets`` of a tetrahedral mesh (any
    geometry degree: a cell's first four geometry nodes are its corners)."""
    tdim = mesh.topology.dim
    mesh.topology.create_connectivity(tdim - 1, 0)
    mesh.topology.create_connectivity(tdim, 0)
    f2v = mesh.topology.connectivity(tdim - 1, 0)
    vertices = mesh.topology.index_map(0)
    node_of_vertex = np.empty(vertices.size_local + vertices.num_ghosts, dtype=np.int64)
    c2v = mesh.topology.connectivity(tdim, 0).array.reshape(-1, 4)
    node_of_vertex[c2v.ravel()] = np.asarray(mesh.geometry.dofmap)[:, :4].ravel()
    return np.array([node_of_vertex[f2v.links(f)] for f in facets], dtype=np.int64).reshape(-1, 3)
