"""Surfaces and label maps to tetrahedral meshes (Gmsh): volumes against exact geometry, tags."""

import json
import math

import numpy as np
import pytest

from heartsim.cli.main import main

gmsh = pytest.importorskip("gmsh")


def _cylinder_stl(path, radius=5.0, length=30.0):
    gmsh.initialize(["-noenv"])
    try:
        gmsh.option.setNumber("General.Terminal", 0)
        gmsh.model.occ.addCylinder(0, 0, 0, 0, 0, length, radius)
        gmsh.model.occ.synchronize()
        gmsh.option.setNumber("Mesh.MeshSizeMax", 0.8)
        gmsh.model.mesh.generate(2)
        gmsh.write(str(path))
    finally:
        gmsh.finalize()
    return path


def test_closed_surface_to_tagged_volume_mesh(tmp_path, capsys):
    stl = _cylinder_stl(tmp_path / "cyl.stl")
    out = tmp_path / "cyl.xdmf"
    assert main(["mesh", "from-surface", str(stl), str(out), "--size", "1.0"]) == 0
    names = json.loads(out.with_suffix(".tags.json").read_text())["facet_tag_names"]
    assert len(names) >= 3  # the two planar caps and the side (possibly split)
    assert main(["mesh", "inspect", str(out)]) == 0
    report = capsys.readouterr().out
    volume = float(report.split("volume: ")[1].split()[0])
    assert abs(volume / (math.pi * 25 * 30) - 1) < 0.02
    areas = [float(line.split(": ")[1].split()[0]) for line in report.splitlines() if "facet tag" in line]
    caps = [a for a in areas if abs(a / (math.pi * 25) - 1) < 0.03]
    assert len(caps) == 2, areas  # each cap is its own patch, with the disc's area


def _sphere_nifti(path, radius=12.0, spacing=(0.7, 0.8, 1.0), origin=(-30.0, 12.0, 5.0)):
    import nibabel

    shape = (np.ceil(2 * radius / np.array(spacing)) + 12).astype(int)
    ijk = np.indices(shape).reshape(3, -1).T * np.array(spacing)
    centre = (shape - 1) / 2 * np.array(spacing)
    mask = (np.linalg.norm(ijk - centre, axis=1) <= radius).reshape(shape).astype(np.uint8)
    affine = np.diag([*spacing, 1.0])
    affine[:3, 3] = origin
    nibabel.save(nibabel.Nifti1Image(mask, affine), str(path))
    return np.array(origin) + centre


def test_label_map_sphere_volume_and_position(tmp_path, capsys):
    centre = _sphere_nifti(tmp_path / "sphere.nii.gz")
    out = tmp_path / "sphere.xdmf"
    assert main(["mesh", "from-labels", str(tmp_path / "sphere.nii.gz"), str(out), "--size", "1.5"]) == 0
    assert main(["mesh", "inspect", str(out)]) == 0
    report = capsys.readouterr().out
    volume = float(report.split("volume: ")[1].split()[0])
    assert abs(volume / (4 / 3 * math.pi * 12 ** 3) - 1) < 0.02, report
    lo, hi = (np.array(json.loads("[" + part.split("[")[1].split("]")[0] + "]"))
              for part in report.split("bounding box (mm): ")[1].splitlines()[0].split(" to "))
    assert np.allclose((lo + hi) / 2, centre, atol=0.5)  # spacing and origin honoured


def test_label_map_errors(tmp_path, capsys):
    import nibabel

    data = np.zeros((10, 10, 10), np.uint8)
    data[2:5, 2:5, 2:5] = 1
    data[6:9, 6:9, 6:9] = 2
    nibabel.save(nibabel.Nifti1Image(data, np.eye(4)), str(tmp_path / "two.nii.gz"))
    assert main(["mesh", "from-labels", str(tmp_path / "two.nii.gz"), str(tmp_path / "o.xdmf"), "--size", "1"]) == 2
    assert "labels [2] do not touch the largest connected region" in capsys.readouterr().err
    assert main(["mesh", "from-labels", str(tmp_path / "two.nii.gz"), str(tmp_path / "o.xdmf"), "--size", "1",
                 "--label", "7"]) == 2
    assert "no voxel has label 7 (labels present: [1, 2])" in capsys.readouterr().err
    (tmp_path / "bad.nii.gz").write_bytes(b"not an image")
    assert main(["mesh", "from-labels", str(tmp_path / "bad.nii.gz"), str(tmp_path / "o.xdmf"), "--size", "1"]) == 2
    assert "bad.nii.gz: cannot read the label map" in capsys.readouterr().err


def test_nrrd_label_map_with_direction_and_origin(tmp_path, capsys):
    """NRRD: spacing from 'space directions', origin from 'space origin', LPS turned to RAS."""
    nrrd = pytest.importorskip("nrrd")
    spacing, radius = np.array([0.75, 0.75, 1.0]), 12.0
    shape = (np.ceil(2 * radius / spacing) + 10).astype(int)
    ijk = np.indices(shape).reshape(3, -1).T * spacing
    centre_ijk = (shape - 1) / 2 * spacing
    mask = (np.linalg.norm(ijk - centre_ijk, axis=1) <= radius).reshape(shape).astype(np.uint8)
    origin = np.array([10.0, -20.0, 30.0])
    nrrd.write(str(tmp_path / "ball.nrrd"), mask, {"space": "left-posterior-superior",
                                                    "space directions": np.diag(spacing), "space origin": origin})
    out = tmp_path / "ball.xdmf"
    assert main(["mesh", "from-labels", str(tmp_path / "ball.nrrd"), str(out), "--size", "1.5"]) == 0
    assert main(["mesh", "inspect", str(out)]) == 0
    report = capsys.readouterr().out
    volume = float(report.split("volume: ")[1].split()[0])
    assert abs(volume / (4 / 3 * math.pi * radius ** 3) - 1) < 0.02
    lo, hi = (np.array(json.loads("[" + part.split("[")[1].split("]")[0] + "]"))
              for part in report.split("bounding box (mm): ")[1].splitlines()[0].split(" to "))
    expected = (origin + centre_ijk) * np.array([-1, -1, 1])  # LPS -> RAS
    assert np.allclose((lo + hi) / 2, expected, atol=0.5)


def test_inspect_lists_tagged_facets_of_quadratic_xdmf(tmp_path, capsys):
    out = tmp_path / "tube2.xdmf"
    assert main(["mesh", "generate", "tube", str(out), "--order", "2"]) == 0
    assert main(["mesh", "inspect", str(out)]) == 0
    report = capsys.readouterr().out
    assert "tetra10" in report and "facet tag 3 (wall)" in report and "facet tag 1 (inlet)" in report, report
