"""Meshes: generated or read, with named cell tags, distributed over MPI ranks."""

from heartsim.mesh.build import TaggedMesh, build_mesh

__all__ = ["TaggedMesh", "build_mesh"]
