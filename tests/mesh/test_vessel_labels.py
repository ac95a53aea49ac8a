"""Label maps of vessels (flat tagged caps) and of several labels (interface tags), on synthetic images
of known geometry; one real CT label map from shared data."""

import json
import math
from pathlib import Path

import numpy as np
import pytest

from heartsim.cli.main import main

nibabel = pytest.importorskip("nibabel")
pytest.importorskip("gmsh")

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "ct-labels"
R_BEND, R_TUBE, H = 25.0, 5.0, 0.6  # bend radius, tube radius, voxel size (mm)
ORIGIN = np.array([-38.0, -38.0, -9.0])


def _bent_tube(path: Path) -> None:
    """A quarter torus (bend radius 25, tube radius 5 mm, in z = 0) with straight legs: leg A along -y
    from (25, 0, 0), cut by the image border at y = -38 (a field-of-view end); leg B along -x from
    (0, 25, 0), ending inside the image at x = -30 (where a segmentation stops)."""
    shape = (122, 122, 30)
    x = np.indices(shape).reshape(3, -1).T * H + ORIGIN
    rho, theta = np.hypot(x[:, 0], x[:, 1]), np.arctan2(x[:, 1], x[:, 0])
    torus = ((rho - R_BEND) ** 2 + x[:, 2] ** 2 <= R_TUBE ** 2) & (theta >= 0) & (theta <= np.pi / 2)
    leg_a = ((x[:, 0] - R_BEND) ** 2 + x[:, 2] ** 2 <= R_TUBE ** 2) & (x[:, 1] < 0)
    leg_b = ((x[:, 1] - R_BEND) ** 2 + x[:, 2] ** 2 <= R_TUBE ** 2) & (x[:, 0] < 0) & (x[:, 0] > -30.0)
    affine = np.diag([H, H, H, 1.0])
    affine[:3, 3] = ORIGIN
    data = (torus | leg_a | leg_b).reshape(shape).astype(np.uint8) * 3
    nibabel.save(nibabel.Nifti1Image(data, affine), str(path))


def _hint(path: Path, like: Path, point) -> None:
    """A label map on the same grid as ``like`` with one voxel set at ``point`` (mm)."""
    image = nibabel.load(str(like))
    data = np.zeros(image.shape, np.uint8)
    ijk = np.round(np.linalg.solve(image.affine[:3, :3], np.asarray(point) - image.affine[:3, 3])).astype(int)
    data[tuple(ijk)] = 1
    nibabel.save(nibabel.Nifti1Image(data, image.affine), str(path))


def _read(out: Path):
    from mpi4py import MPI

    from heartsim import fem

    mesh, _, facets = fem.read_xdmf_mesh(MPI.COMM_WORLD, out)
    names = json.loads(out.with_suffix(".tags.json").read_text())["facet_tag_names"]
    return mesh, facets, names


def _facet_points(mesh, facets, value):
    mesh.topology.create_connectivity(2, 0)
    f2v = mesh.topology.connectivity(2, 0)
    x = mesh.geometry.x
    # geometry and topology numbering agree for linear meshes read from XDMF
    return np.array([x[f2v.links(f)] for f in facets.find(value)])


def test_vessel_caps_flat_perpendicular_and_tagged(tmp_path, capsys):
    image = tmp_path / "tube.nii.gz"
    _bent_tube(image)
    _hint(tmp_path / "near_b.nii.gz", image, (-32.0, R_BEND, 0.0))
    out = tmp_path / "tube.xdmf"
    assert main(["mesh", "from-labels", str(image), str(out), "--size", "1.2", "--vessel",
                 "--inlet-near", str(tmp_path / "near_b.nii.gz")]) == 0
    printed = capsys.readouterr().out
    mesh, facets, names = _read(out)
    assert set(names) == {"wall", "inlet", "outlet_1"}, printed
    # the inlet is the end nearest the hint (leg B, axis -x), the outlet leg A (axis -y, image border)
    for name, axis, along in (("inlet", np.array([-1.0, 0, 0]), 0), ("outlet_1", np.array([0, -1.0, 0]), 1)):
        tri = _facet_points(mesh, facets, names[name])
        pts = tri.reshape(-1, 3)
        centre = pts.mean(axis=0)
        normal = np.linalg.svd(pts - centre)[2][2]
        assert np.abs((pts - centre) @ normal).max() < 1e-6, f"{name} is not flat"
        assert abs(normal @ axis) > math.cos(math.radians(3)), f"{name} is not perpendicular to the vessel axis"
        area = 0.5 * np.linalg.norm(np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]), axis=1).sum()
        assert abs(area / (math.pi * R_TUBE ** 2) - 1) < 0.05, (name, area)
        on_axis = np.delete(centre, along)  # the cap is centred on the tube's axis
        assert np.allclose(on_axis, [R_BEND, 0.0], atol=0.3), (name, centre)
    # the caps sit 2 mm (default --cap-offset) inside where the full section ends
    inlet_x = _facet_points(mesh, facets, names["inlet"])[..., 0].mean()
    outlet_y = _facet_points(mesh, facets, names["outlet_1"])[..., 1].mean()
    assert -30.0 + 1.0 < inlet_x < -30.0 + 4.5 and -38.0 + 1.0 < outlet_y < -38.0 + 4.5, (inlet_x, outlet_y)
    # volume of the lumen up to the caps, exact: quarter torus + the two legs
    from heartsim.mesh.meshdata import signed_volumes
    from heartsim import fem

    pts, cells, _ = fem.cells_in_vtk_order(mesh)
    volume = signed_volumes(pts, cells, "tetra").sum()
    area = math.pi * R_TUBE ** 2
    exact = math.pi / 2 * R_BEND * area + area * (-outlet_y) + area * (-inlet_x)
    assert abs(volume / exact - 1) < 0.02, (volume, exact)


def test_vessel_input_errors(tmp_path, capsys):
    image = tmp_path / "ball.nii.gz"
    data = np.zeros((30, 30, 30), np.uint8)
    data[np.linalg.norm(np.indices(data.shape).reshape(3, -1).T - 15, axis=1).reshape(data.shape) < 10] = 1
    nibabel.save(nibabel.Nifti1Image(data, np.eye(4)), str(image))
    base = ["mesh", "from-labels", str(image), str(tmp_path / "o.xdmf"), "--size", "2", "--vessel"]
    assert main(base) == 2
    assert "ball.nii.gz: found 1 vessel end(s) of label 1" in capsys.readouterr().err
    nibabel.save(nibabel.Nifti1Image(data[:20], np.eye(4)), str(tmp_path / "other.nii.gz"))
    assert main(base + ["--inlet-near", str(tmp_path / "other.nii.gz")]) == 2
    assert "--inlet-near other.nii.gz: not on the same image grid as ball.nii.gz" in capsys.readouterr().err
    assert main(base + ["--lv-wall", "8"]) == 2
    assert "--vessel and --lv-wall: give one of them" in capsys.readouterr().err
    assert main(base + ["--cap-offset", "-1"]) == 2
    assert "--cap-offset -1.0: must be >= 0 (mm)" in capsys.readouterr().err
    assert not (tmp_path / "o.xdmf").exists()


def test_several_labels_make_one_mesh_with_interface_tags(tmp_path, capsys):
    """A ball (label 1, r = 7 mm) inside a shell (label 2, to r = 12 mm)."""
    shape = (40, 40, 40)
    r = np.linalg.norm(np.indices(shape).reshape(3, -1).T * 0.7 - 14.0, axis=1).reshape(shape)
    data = np.where(r <= 7.0, 1, np.where(r <= 12.0, 2, 0)).astype(np.uint8)
    affine = np.diag([0.7, 0.7, 0.7, 1.0])
    nibabel.save(nibabel.Nifti1Image(data, affine), str(tmp_path / "two.nii.gz"))
    out = tmp_path / "two.xdmf"
    assert main(["mesh", "from-labels", str(tmp_path / "two.nii.gz"), str(out), "--size", "1.2"]) == 0
    assert main(["mesh", "inspect", str(out)]) == 0
    report = capsys.readouterr().out
    names = json.loads(out.with_suffix(".tags.json").read_text())
    assert names["cell_tag_names"] == {"label_1": 1, "label_2": 2}
    assert set(names["facet_tag_names"]) == {"label_2|background", "label_1|label_2"}, names
    from mpi4py import MPI

    from heartsim import fem

    mesh, cells, facets = fem.read_xdmf_mesh(MPI.COMM_WORLD, out)
    exact = {1: 4 / 3 * math.pi * 7 ** 3, 2: 4 / 3 * math.pi * (12 ** 3 - 7 ** 3)}
    assert "label_1|label_2" in report and "label_2|background" in report, report
    from heartsim.mesh.meshdata import signed_volumes

    pts, conn, _ = fem.cells_in_vtk_order(mesh)
    vol = signed_volumes(pts, conn, "tetra")
    values = np.zeros(len(conn), int)
    values[cells.indices] = cells.values
    for value, want in exact.items():
        assert abs(vol[values == value].sum() / want - 1) < 0.04, (value, vol[values == value].sum(), want)
    # the interface lies around r = 7 (to within an element)
    tri = _facet_points(mesh, facets, names["facet_tag_names"]["label_1|label_2"])
    radius = np.linalg.norm(tri.reshape(-1, 3) - 14.0, axis=1)
    assert abs(np.median(radius) - 7.0) < 0.6 and radius.min() > 5.0 and radius.max() < 9.0


@pytest.mark.skipif(not (SHARED / "aorta_0003.nii.gz").is_file(), reason="shared CT label maps not present")
def test_real_aorta_label_map_meshes_with_caps(tmp_path, capsys):
    out = tmp_path / "aorta.xdmf"
    assert main(["mesh", "from-labels", str(SHARED / "aorta_0003.nii.gz"), str(out), "--size", "3", "--vessel",
                 "--inlet-near", str(SHARED / "lv_0003.nii.gz")]) == 0
    printed = capsys.readouterr().out
    names = json.loads(out.with_suffix(".tags.json").read_text())["facet_tag_names"]
    assert {"wall", "inlet", "outlet_1", "outlet_2"} <= set(names), printed


def test_thin_spur_removed_vessel_kept():
    """A tube (radius 5 mm, 0.8 mm voxels) with a stalk one voxel thick and 4 mm long on its side (a
    segmentation spur): the stalk goes, the tube stays (only boundary voxels of its own may go)."""
    from heartsim.mesh.labels import remove_spurs

    h = 0.8
    x = np.indices((40, 40, 40)).reshape(3, -1).T * h - 16.0
    tube = (np.hypot(x[:, 0], x[:, 1]) <= 5.0).reshape(40, 40, 40)
    stalk = np.zeros_like(tube)
    i0 = int(round((5.0 + 16.0) / h))  # the first voxel outside the tube along +x, at y = 0
    stalk[i0:i0 + 5, 20, 18:21] = True
    mask, removed = remove_spurs(tube | stalk, np.full(3, h))
    assert (mask & stalk & ~tube).sum() <= 3, (mask & stalk & ~tube).sum()  # at most its root stays
    assert (tube & ~mask).sum() == 0 and removed >= 9, removed
    same, none = remove_spurs(tube, np.full(3, h))
    assert none == 0 and np.array_equal(same, tube)
