"""``heartsim mesh from-surface`` and ``from-labels``: closed surfaces and label maps to tagged
tetrahedral meshes (written as DOLFINx XDMF with a .tags.json of tag names).

* from-surface: a closed STL/VTP/PLY/OBJ surface; the patches Gmsh separates at sharp edges
  (feature angle) become facet tags ``patch_1..k`` (planar caps of a vessel are their own patches).
* from-labels: one label of a NIfTI/NRRD label map (the image's spacing, origin and direction
  honoured) -> smoothed surface (labels.mask_surface) -> tetrahedra; the label is the cell tag.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from mpi4py import MPI

from heartsim.config.errors import ConfigError
from heartsim.mesh.meshdata import MeshData


def from_surface(path: Path, size: float, feature_angle: float, unit_scale: float = 1.0) -> MeshData:
    from heartsim.mesh.surfaces import read_surface
    from heartsim.mesh.volume import tetrahedralise

    points, triangles = read_surface(path, str(path))
    return tetrahedralise(points * unit_scale, triangles, size, feature_angle, name=path.name)


def from_labels(path: Path, size: float, label: int | None) -> tuple[MeshData, dict]:
    from heartsim.mesh.labels import largest_component, mask_surface, read_label_map
    from heartsim.mesh.volume import tetrahedralise

    labels = read_label_map(path)
    present = labels.labels()
    if label is None:
        if len(present) != 1:
            raise ConfigError([f"{path.name}: labels {present} present: choose one with --label "
                               "(meshing several labels into one conforming mesh is not implemented yet)"])
        label = present[0]
    mask = largest_component(labels.mask(label))
    points, triangles = mask_surface(mask, labels.affine, size)
    data = tetrahedralise(points, triangles, size, feature_angle=180.0, name=path.name)
    data.cell_values[:] = label
    data.cell_names = {f"label_{label}": label}
    data.facet_values[:] = 1
    data.facet_names = {"surface": 1}
    voxel = float(abs(np.linalg.det(labels.affine[:3, :3])))
    return data, {"label_volume_mm3": float(mask.sum()) * voxel}


def lv_from_labels(path: Path, size: float, label: int | None, thickness: float, outflow: Path | None,
                   base_offset: float | None) -> tuple[MeshData, dict]:
    """Myocardium around a blood-pool label (see heartsim.mesh.ventricle), base found from ``outflow``."""
    from scipy import ndimage

    from heartsim.mesh.labels import read_label_map
    from heartsim.mesh.ventricle import lv_mesh

    cavity = read_label_map(path)
    if label is None:
        present = cavity.labels()
        if len(present) != 1:
            raise ConfigError([f"{path.name}: labels {present} present: choose the blood pool with --label"])
        label = present[0]
    hint = None
    if outflow is not None:
        other = read_label_map(outflow)
        if other.data.shape != cavity.data.shape or not np.allclose(other.affine, cavity.affine, atol=1e-4):
            raise ConfigError([f"--outflow {outflow.name}: not on the same image grid as {path.name}"])
        near = ndimage.distance_transform_edt(~cavity.mask(label), sampling=cavity.spacing) < 20.0
        sel = (other.data > 0) & near
        if not sel.any():
            raise ConfigError([f"--outflow {outflow.name}: no outflow voxel within 20 mm of the cavity"])
        hint = cavity.to_physical(np.argwhere(sel)).mean(axis=0)
    return lv_mesh(cavity, label, thickness, size, hint, base_offset)


def write_mesh(data: MeshData, out: Path) -> None:
    """Distribute (COMM_WORLD) and write DOLFINx XDMF + .tags.json."""
    import json

    from heartsim import dolfinx_api as dx
    from heartsim.mesh.build import distribute

    comm = MPI.COMM_WORLD
    tagged = distribute(data if comm.rank == 0 else None, comm)
    dx.write_xdmf_mesh(comm, out, tagged.mesh, tagged.cell_tags, tagged.facet_tags)
    if comm.rank == 0:
        out.with_suffix(".tags.json").write_text(json.dumps(
            {"cell_tag_names": tagged.tag_names, "facet_tag_names": tagged.facet_names}, indent=2))


def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start
