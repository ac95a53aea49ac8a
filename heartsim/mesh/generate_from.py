"""``heartsim mesh from-surface`` and ``from-labels``: closed surfaces and label maps to tagged
tetrahedral meshes (written as DOLFINx XDMF with a .tags.json of tag names).

* from-surface: a closed STL/VTP/PLY/OBJ surface; the patches Gmsh separates at sharp edges
  (feature angle) become facet tags ``patch_1..k`` (planar caps of a vessel are their own patches).
* from-labels: one label of a NIfTI/NRRD label map (the image's spacing, origin and direction
  honoured) -> smoothed surface (labels.mask_surface) -> tetrahedra; the label is the cell tag.
  Several labels: one conforming mesh, a cell tag per label and a facet tag per interface
  (heartsim.mesh.multilabel); a vessel with flat tagged caps (heartsim.mesh.vessel); an LV wall
  (heartsim.mesh.ventricle).
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
    """One label (``label``, or the only one present), or every label when there are several."""
    from heartsim.mesh.labels import largest_component, mask_surface, read_label_map
    from heartsim.mesh.volume import tetrahedralise

    labels = read_label_map(path)
    present = labels.labels()
    if label is None and len(present) > 1:
        from heartsim.mesh.multilabel import multilabel_mesh

        return multilabel_mesh(labels, size)
    if label is None:
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


def _same_grid(other_path: Path, reference, option: str):
    from heartsim.mesh.labels import read_label_map

    other = read_label_map(other_path)
    if other.data.shape != reference.data.shape or not np.allclose(other.affine, reference.affine, atol=1e-4):
        raise ConfigError([f"{option} {other_path.name}: not on the same image grid as {reference.path.name}"])
    return other


def _single_label(labels, label: int | None, what: str) -> int:
    present = labels.labels()
    if label is None:
        if len(present) != 1:
            raise ConfigError([f"{labels.path.name}: labels {present} present: choose the {what} with --label"])
        return present[0]
    return label


def vessel_from_labels(path: Path, size: float, label: int | None, inlet_near: Path | None,
                       cap_offset: float) -> tuple[MeshData, dict]:
    """Vessel lumen with flat caps (heartsim.mesh.vessel); the inlet is the end nearest ``inlet_near``'s voxels."""
    from heartsim.mesh.labels import read_label_map
    from heartsim.mesh.vessel import vessel_mesh

    if not cap_offset >= 0:
        raise ConfigError([f"--cap-offset {cap_offset}: must be >= 0 (mm)"])
    labels = read_label_map(path)
    label = _single_label(labels, label, "vessel label")
    hint = None
    if inlet_near is not None:
        other = _same_grid(inlet_near, labels, "--inlet-near")
        if not (other.data > 0).any():
            raise ConfigError([f"--inlet-near {inlet_near.name}: the label map is empty"])
        hint = other.to_physical(np.argwhere(other.data > 0)).mean(axis=0)
    data, report = vessel_mesh(labels, label, size, cap_offset=cap_offset, inlet_hint=hint)
    names = {v: k for k, v in data.facet_names.items()}
    for cap in report["caps"]:
        cap["name"] = names[cap.pop("tag")]
    report["caps"].sort(key=lambda c: (c["name"] != "inlet", c["name"]))
    return data, report


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

    from heartsim import fem
    from heartsim.mesh.build import distribute

    comm = MPI.COMM_WORLD
    tagged = distribute(data if comm.rank == 0 else None, comm)
    fem.write_xdmf_mesh(comm, out, tagged.mesh, tagged.cell_tags, tagged.facet_tags)
    if comm.rank == 0:
        out.with_suffix(".tags.json").write_text(json.dumps(
            {"cell_tag_names": tagged.tag_names, "facet_tag_names": tagged.facet_names}, indent=2))


def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start
