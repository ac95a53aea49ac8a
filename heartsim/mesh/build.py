"""From ``mesh:`` config to a distributed DOLFINx mesh with named cell tags.

Generated boxes are built in parallel by DOLFINx; files are read collectively. Coordinates are in mm.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from mpi4py import MPI

from heartsim import dolfinx_api as dx
from heartsim.config.errors import ConfigError
from heartsim.config.model import MeshConfig
from heartsim.mesh.regions import points_in_region

UNIT_TO_MM = {"m": 1000.0, "cm": 10.0, "mm": 1.0, "um": 1e-3}


@dataclass
class TaggedMesh:
    """A mesh with its cell tags (a MeshTags or None) and the tag names -> values."""

    mesh: object
    cell_tags: object | None
    tag_names: dict[str, int] = field(default_factory=dict)

    def tag_value(self, tag: int | str) -> int | None:
        """Integer value of a tag given by number or name (None if unknown)."""
        if isinstance(tag, str):
            return self.tag_names.get(tag)
        return int(tag)


def _generate_box(cfg: MeshConfig, comm: MPI.Comm) -> TaggedMesh:
    lo, hi = cfg.box_bounds()
    mesh = dx.create_box(comm, lo, hi, cfg.box_cells(), cfg.cell_type)
    if not cfg.cell_tags:
        return TaggedMesh(mesh, None)
    cells = np.arange(dx.local_cell_count(mesh), dtype=np.int32)
    midpoints = dx.cell_midpoints(mesh, cells)
    values = np.zeros(cells.size, dtype=np.int32)
    for tag in cfg.cell_tags:  # later tags win where regions overlap
        values[points_in_region(midpoints, tag.region)] = tag.id
    for i, tag in enumerate(cfg.cell_tags):
        if comm.allreduce(int(np.count_nonzero(values == tag.id)), op=MPI.SUM) == 0:
            raise ConfigError([f"mesh.cell_tags[{i}].region: tag {tag.name!r} contains no cell midpoint"])
    return TaggedMesh(mesh, dx.cell_tags(mesh, cells, values), {t.name: t.id for t in cfg.cell_tags})


def _read_file(cfg: MeshConfig, comm: MPI.Comm) -> TaggedMesh:
    path = cfg.file
    if path.suffix.lower() != ".xdmf":
        raise ConfigError([f"mesh.file: {path.name}: unsupported format {path.suffix!r} (supported: .xdmf)"])
    try:
        mesh, tags = dx.read_xdmf_mesh(comm, path)
    except RuntimeError as exc:
        raise ConfigError([f"mesh.file: cannot read {path}: {str(exc).splitlines()[0]}"]) from None
    scale = UNIT_TO_MM[cfg.unit]
    if scale != 1.0:
        mesh.geometry.x[:] *= scale
    return TaggedMesh(mesh, tags)


def build_mesh(cfg: MeshConfig, comm: MPI.Comm) -> TaggedMesh:
    """The mesh described by ``cfg`` on ``comm``."""
    if cfg.generate == "box":
        return _generate_box(cfg, comm)
    return _read_file(cfg, comm)
