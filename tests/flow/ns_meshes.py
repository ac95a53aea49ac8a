"""Small gmsh meshes for the Navier-Stokes tests: a straight tube along x with facet tags
``inlet`` (x = 0), ``outlet`` (x = length) and ``wall``, or a Y with ``outlet_1``, ``outlet_2``."""

from __future__ import annotations

from pathlib import Path


def tube_msh(path: Path, radius: float = 1.0, length: float = 5.0, size: float = 0.4,
             outlet: str = "outlet") -> Path:
    """Write a tetrahedral tube (Gmsh 4.1 .msh) with physical names; returns ``path``."""
    import gmsh

    gmsh.initialize(["-v", "0"])
    try:
        gmsh.model.add("tube")
        vol = gmsh.model.occ.addCylinder(0, 0, 0, length, 0, 0, radius)
        gmsh.model.occ.synchronize()
        faces = gmsh.model.getBoundary([(3, vol)], oriented=False)
        tags = {"inlet": [], outlet: [], "wall": []}
        for dim, tag in faces:
            x = gmsh.model.occ.getCenterOfMass(dim, tag)[0]
            key = "inlet" if abs(x) < 1e-6 else outlet if abs(x - length) < 1e-6 else "wall"
            tags[key].append(tag)
        for i, (name, surfaces) in enumerate(tags.items(), start=1):
            gmsh.model.addPhysicalGroup(2, surfaces, i, name=name)
        gmsh.model.addPhysicalGroup(3, [vol], 1, name="fluid")
        gmsh.option.setNumber("Mesh.MeshSizeMax", size)
        gmsh.option.setNumber("Mesh.MeshSizeMin", size)
        gmsh.model.mesh.generate(3)
        gmsh.write(str(path))
    finally:
        gmsh.finalize()
    return path
