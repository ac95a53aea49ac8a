"""Config section ``mesh`` (and the same keys wherever another mesh is given, e.g.
``physics.electromechanics.mechanics_mesh``): generated box or a file, its tags and length unit."""

from __future__ import annotations

import math
from typing import Literal, Optional

from pydantic import Field, model_validator

from heartsim.config.base import ExistingFile, Region, Section, Vec3, _exactly_one
from heartsim.config.quantities import Quantity


class CellTag(Section):
    """A named cell tag on a generated mesh: cells whose midpoint lies in ``region``."""

    name: str
    """Name of the tag (used by regions as ``tag: NAME``)."""
    id: int = Field(ge=1)
    """Integer value of the tag (cells outside every tag get 0)."""
    region: Region
    """Where the tagged cells are (box or sphere)."""

    @model_validator(mode="after")
    def _geometric(self) -> "CellTag":
        if self.region.tag is not None:
            raise ValueError("a generated cell tag needs a box or sphere region")
        return self


class MeshConfig(Section):
    """The computational mesh: generated (``generate: box``) or read from ``file``."""

    generate: Optional[Literal["box"]] = None
    """Generate a mesh: ``box`` is a block of tetrahedra (or hexahedra) of ``size`` at ``resolution``."""
    file: Optional[ExistingFile] = None
    """Volume mesh file: .vtu, .vtk, .msh (Gmsh 2.2/4.1), .inp, .mesh, .xdmf, .xml/.xml.gz (DOLFIN)."""
    cell_tag_array: Optional[str] = None
    """Cell-data array holding cell tags (default: gmsh:physical, medit:ref, cell_tags, ... or the first integer array)."""
    facet_tag_array: Optional[str] = None
    """Cell-data array of the file's boundary cells holding facet tags (default: the cell tag array)."""
    surfaces: dict[str, ExistingFile] = {}
    """Facet tags from separate surface files, name -> file (.stl, .vtk, .vtp, .ply, .obj), tags 1, 2, ... in order."""
    cell_tag_names: dict[str, int] = {}
    """Names of cell tag values (added to those the file names, e.g. Gmsh physical names)."""
    facet_tag_names: dict[str, int] = {}
    """Names of facet tag values (added to those the file names)."""
    size: Optional[Vec3] = None
    """Edge lengths of the generated box (mm)."""
    origin: Vec3 = (0.0, 0.0, 0.0)
    """Lower corner of the generated box (mm)."""
    resolution: Optional[Quantity("mm", gt=0)] = None
    """Target edge length of the generated box (mm); cells per edge = ceil(size / resolution)."""
    cell_type: Literal["tetrahedron", "hexahedron"] = "tetrahedron"
    """Cell type of the generated box."""
    unit: Literal["m", "cm", "mm", "um"] = "mm"
    """Length unit of the coordinates in ``file`` (converted to mm on load)."""
    cell_tags: tuple[CellTag, ...] = ()
    """Named cell tags of a generated mesh."""

    @model_validator(mode="after")
    def _source(self) -> "MeshConfig":
        _exactly_one(self, ("generate", "file"))
        if self.generate == "box":
            if self.size is None or self.resolution is None:
                raise ValueError("generate: box needs size and resolution")
            if min(self.size) <= 0:
                raise ValueError("box size must be positive in every direction")
        names = [t.name for t in self.cell_tags]
        if len(set(names)) != len(names):
            raise ValueError("cell tag names must be unique")
        if self.file is None and (self.surfaces or self.cell_tag_array or self.facet_tag_array):
            raise ValueError("surfaces and tag arrays apply to mesh.file only")
        return self

    def box_cells(self) -> tuple[int, int, int]:
        """Cells per direction of the generated box."""
        assert self.size is not None and self.resolution is not None
        return tuple(max(1, math.ceil(s / self.resolution - 1e-9)) for s in self.size)

    def box_bounds(self) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """Lower and upper corners of the generated box (mm)."""
        assert self.size is not None
        return tuple(self.origin), tuple(o + s for o, s in zip(self.origin, self.size))
