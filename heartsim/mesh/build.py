"""From ``mesh:`` config to a distributed DOLFINx mesh with named cell and facet tags.

Generated boxes are built in parallel by DOLFINx. A DOLFINx XDMF file (as written by
``heartsim mesh convert``) is read collectively. Any other file is read once on rank 0 (meshio),
converted to mm, cleaned and checked there, and distributed with DOLFINx's partitioner; its tags
and vector fields follow their cells and nodes by input index.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from mpi4py import MPI

from heartsim import fem
from heartsim.config.errors import ConfigError
from heartsim.config.model import MeshConfig
from heartsim.mesh.meshdata import UNIT_TO_MM, VOLUME_TYPES, MeshData, read_mesh_data
from heartsim.mesh.regions import points_in_region


@dataclass
class TaggedMesh:
    """A mesh, its cell and facet tags (MeshTags or None), tag names and loaded vector fields."""

    mesh: object
    cell_tags: object | None
    tag_names: dict[str, int] = field(default_factory=dict)
    facet_tags: object | None = None
    facet_names: dict[str, int] = field(default_factory=dict)
    fields: dict[str, object] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def tag_value(self, tag: int | str) -> int | None:
        """Integer value of a cell tag given by number or name (None if unknown)."""
        if isinstance(tag, str):
            return self.tag_names.get(tag)
        return int(tag)

    def facet_value(self, tag: int | str) -> int | None:
        """Integer value of a facet tag given by number or name (None if unknown)."""
        if isinstance(tag, str):
            return self.facet_names.get(tag)
        return int(tag)


def _generate_box(cfg: MeshConfig, comm: MPI.Comm) -> TaggedMesh:
    lo, hi = cfg.box_bounds()
    mesh = fem.create_box(comm, lo, hi, cfg.box_cells(), cfg.cell_type)
    if not cfg.cell_tags:
        return TaggedMesh(mesh, None)
    cells = np.arange(fem.local_cell_count(mesh), dtype=np.int32)
    midpoints = fem.cell_midpoints(mesh, cells)
    values = np.zeros(cells.size, dtype=np.int32)
    for tag in cfg.cell_tags:  # later tags win where regions overlap
        values[points_in_region(midpoints, tag.region)] = tag.id
    for i, tag in enumerate(cfg.cell_tags):
        if comm.allreduce(int(np.count_nonzero(values == tag.id)), op=MPI.SUM) == 0:
            raise ConfigError([f"mesh.cell_tags[{i}].region: tag {tag.name!r} contains no cell midpoint"])
    return TaggedMesh(mesh, fem.cell_tags(mesh, cells, values), {t.name: t.id for t in cfg.cell_tags})


def _read_dolfinx_xdmf(cfg: MeshConfig, comm: MPI.Comm) -> TaggedMesh | None:
    """A DOLFINx-written XDMF (grid named "mesh"), read in parallel; None if it is not one."""
    import json

    try:
        mesh, tags, facet_tags = fem.read_xdmf_mesh(comm, cfg.file)
    except RuntimeError:
        return None
    scale = UNIT_TO_MM[cfg.unit]
    if scale != 1.0:
        mesh.geometry.x[:] *= scale
    names = cfg.file.with_suffix(".tags.json")  # written by `heartsim mesh convert`
    saved = json.loads(names.read_text()) if names.is_file() else {}
    return TaggedMesh(mesh, tags, {**saved.get("cell_tag_names", {}), **cfg.cell_tag_names}, facet_tags,
                      {**saved.get("facet_tag_names", {}), **cfg.facet_tag_names})


def read_on_root(cfg: MeshConfig, comm: MPI.Comm) -> MeshData | None:
    """Read, convert, clean and check the file on rank 0; errors are raised on every rank."""
    from heartsim.mesh.surfaces import tag_from_surfaces
    from heartsim.runtime.collective import on_root

    def read() -> MeshData:
        data = read_mesh_data(cfg.file, cfg.unit, cfg.cell_tag_array, cfg.facet_tag_array)
        if cfg.surfaces:
            data = tag_from_surfaces(data, dict(cfg.surfaces), UNIT_TO_MM[cfg.unit])
        return data

    return on_root(comm, read)


def distribute(data: MeshData | None, comm: MPI.Comm) -> TaggedMesh:
    """Distribute rank-0 arrays (``data`` is None elsewhere) as a DOLFINx mesh with tags and fields."""
    meta = comm.bcast(None if data is None else (data.cell_type, data.cells.shape[1], data.facets.shape[1],
                                                  data.cell_names, data.facet_names, data.notes,
                                                  sorted(data.point_vectors), sorted(data.cell_vectors)), root=0)
    cell_type, k, kf, cell_names, facet_names, notes, point_keys, cell_keys = meta
    cell, degree = VOLUME_TYPES[cell_type]
    if data is None:
        points, cells = np.zeros((0, 3)), np.zeros((0, k), dtype=np.int64)
        cell_values, facets, facet_values = np.zeros(0, np.int32), np.zeros((0, kf), np.int64), np.zeros(0, np.int32)
    else:
        points, cells, cell_values = data.points, data.cells, data.cell_values
        facets, facet_values = data.facets, data.facet_values
    mesh = fem.mesh_from_arrays(comm, points, cells, cell, degree)
    tdim = mesh.topology.dim
    facet_vtk = {"tetrahedron": "triangle", "hexahedron": "quadrilateral"}[cell]
    cell_tags = fem.tags_from_input(mesh, tdim, cells, cell_values, cell)
    facet_tags = fem.tags_from_input(mesh, tdim - 1, facets, facet_values, facet_vtk) if kf and \
        comm.allreduce(len(facets), op=MPI.SUM) else None
    tagged = TaggedMesh(mesh, cell_tags, cell_names, facet_tags, facet_names, notes=list(notes))
    _attach_fields(tagged, data, comm, point_keys, cell_keys)
    return tagged


def _attach_fields(tagged: TaggedMesh, data: MeshData | None, comm: MPI.Comm, point_keys, cell_keys) -> None:
    """Vector arrays of the file as Functions: point arrays as P1, cell arrays as DG0 vectors.

    Rank 0's arrays are broadcast; each rank picks its nodes (input node index) or cells (input cell index).
    """
    mesh = tagged.mesh
    kinds = []
    if point_keys:
        kinds.append((point_keys, "point_vectors", fem.lagrange_space(mesh, 1, (3,)),
                      fem.dof_input_indices(fem.lagrange_space(mesh, 1))))
    if cell_keys:
        kinds.append((cell_keys, "cell_vectors", fem.cellwise_space(mesh, (3,)),
                      fem.original_cell_index(mesh)))
    for names, attribute, space, index in kinds:
        for name in names:
            values = comm.bcast(getattr(data, attribute)[name] if data is not None else None, root=0)
            f = fem.function(space, name=name)
            f.x.array[:] = values[index].ravel()
            tagged.fields[name] = f


def build_mesh(cfg: MeshConfig, comm: MPI.Comm) -> TaggedMesh:
    """The mesh described by ``cfg`` on ``comm``."""
    if cfg.generate == "box":
        return _generate_box(cfg, comm)
    if cfg.file.suffix.lower() == ".xdmf" and not (cfg.surfaces or cfg.cell_tag_array):
        native = _read_dolfinx_xdmf(cfg, comm)
        if native is not None:
            return native
    tagged = distribute(read_on_root(cfg, comm), comm)
    tagged.tag_names.update(cfg.cell_tag_names)
    tagged.facet_names.update(cfg.facet_tag_names)
    return tagged
