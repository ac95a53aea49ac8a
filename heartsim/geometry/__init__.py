"""Geometry generators (gmsh): benchmark and idealised shapes with named cell and facet tags.

Each generator writes nothing itself; it returns mesh arrays (or a TaggedMesh) that the mesh
layer turns into a DOLFINx mesh, so generated and loaded meshes follow one path.
"""
