"""A small Land 2015 truncated ellipsoid for the tests (own Gmsh model, linear tetrahedra).

Endocardium r_s = 7, r_l = 17 mm; epicardium r_s = 10, r_l = 20 mm; base plane z = 5 mm. Facet tags
endo = 1, epi = 2, base = 3; apex at (0, 0, -17) (endo) and (0, 0, -20) (epi), both mesh nodes.
"""

from __future__ import annotations

import numpy as np

from heartsim.mesh.meshdata import MeshData

TAGS = {"endo": 1, "epi": 2, "base": 3}


def land_ellipsoid_data(size: float = 4.0) -> MeshData:
    import gmsh

    gmsh.initialize(["", "-v", "0"])
    try:
        occ = gmsh.model.occ
        outer = occ.addSphere(0, 0, 0, 1)
        occ.dilate([(3, outer)], 0, 0, 0, 10, 10, 20)
        inner = occ.addSphere(0, 0, 0, 1)
        occ.dilate([(3, inner)], 0, 0, 0, 7, 7, 17)
        wall, _ = occ.cut([(3, outer)], [(3, inner)])
        box = occ.addBox(-30, -30, -30, 60, 60, 35)
        wall, _ = occ.intersect(wall, [(3, box)])
        occ.synchronize()
        groups = {1: [], 2: [], 3: []}
        for _, s in gmsh.model.getBoundary(wall, oriented=False):
            lo, hi = gmsh.model.getParametrizationBounds(2, s)
            x, y, z = gmsh.model.getValue(2, s, [(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2])
            if abs(z - 5.0) < 1e-6 and gmsh.model.getType(2, s) == "Plane":
                groups[3].append(s)
            else:
                groups[1 if abs((x * x + y * y) / 49 + z * z / 289 - 1) < 1e-3 else 2].append(s)
        return _mesh_and_read(gmsh, wall, groups, TAGS, size)
    finally:
        gmsh.finalize()


def land_ellipsoid(comm, size: float = 4.0):
    """The distributed TaggedMesh (generated on rank 0)."""
    from heartsim.mesh.build import distribute

    return distribute(land_ellipsoid_data(size) if comm.rank == 0 else None, comm)


SHELL_TAGS = {"inner": 1, "outer": 2, "x0": 3, "y0": 4, "z0": 5}


def shell_octant_data(inner: float = 5.0, outer: float = 10.0, size: float = 1.5) -> MeshData:
    """The octant x, y, z >= 0 of a thick spherical shell, tags inner/outer and the symmetry planes x0/y0/z0."""
    import gmsh

    gmsh.initialize(["", "-v", "0"])
    try:
        occ = gmsh.model.occ
        shell, _ = occ.cut([(3, occ.addSphere(0, 0, 0, outer))], [(3, occ.addSphere(0, 0, 0, inner))])
        box = occ.addBox(0, 0, 0, 2 * outer, 2 * outer, 2 * outer)
        shell, _ = occ.intersect(shell, [(3, box)])
        occ.synchronize()
        groups = {v: [] for v in SHELL_TAGS.values()}
        for _, s in gmsh.model.getBoundary(shell, oriented=False):
            x, y, z = occ.getCenterOfMass(2, s)
            if gmsh.model.getType(2, s) == "Plane":
                normal = np.argmin(np.abs([x, y, z]))
                groups[3 + int(normal)].append(s)
            else:
                groups[1 if np.linalg.norm([x, y, z]) < 0.5 * (inner + outer) else 2].append(s)
        return _mesh_and_read(gmsh, shell, groups, SHELL_TAGS, size)
    finally:
        gmsh.finalize()


def _mesh_and_read(gmsh, volumes, groups, names, size: float) -> MeshData:
    """Physical groups (surfaces by tag value, one volume), a tetrahedral mesh of edge ~size, as MeshData."""
    for value, surfaces in groups.items():
        gmsh.model.addPhysicalGroup(2, surfaces, value)
    gmsh.model.addPhysicalGroup(3, [t for _, t in volumes], 1)
    gmsh.option.setNumber("Mesh.MeshSizeMax", size)
    gmsh.option.setNumber("Mesh.MeshSizeMin", size / 2)
    gmsh.model.mesh.generate(3)
    tags, coords, _ = gmsh.model.mesh.getNodes()
    index = np.full(int(tags.max()) + 1, -1, dtype=np.int64)
    index[tags.astype(np.int64)] = np.arange(len(tags))
    _, cell_nodes = gmsh.model.mesh.getElementsByType(4)
    cells = index[cell_nodes.astype(np.int64)].reshape(-1, 4)
    facets, values = [], []
    for value in groups:
        for s in gmsh.model.getEntitiesForPhysicalGroup(2, value):
            for t, n in zip(*[gmsh.model.mesh.getElements(2, s)[i] for i in (0, 2)]):
                tri = index[n.astype(np.int64)].reshape(-1, 3)
                facets.append(tri)
                values.append(np.full(len(tri), value, dtype=np.int32))
    return MeshData(coords.reshape(-1, 3), "tetra", cells, np.ones(len(cells), np.int32), np.concatenate(facets),
                    np.concatenate(values), {}, dict(names))


def shell_octant(comm, size: float = 1.5):
    from heartsim.mesh.build import distribute

    return distribute(shell_octant_data(size=size) if comm.rank == 0 else None, comm)
