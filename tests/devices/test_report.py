"""``heartsim devices report`` on run folders with prescribed motions (exact answers), and bad sites."""

import json

import numpy as np
import pytest
import yaml
from scipy.spatial.transform import Rotation

from heartsim.cli.main import main
from tests.devices.fake_run import box_mesh, write_run

TIMES = [0.0, 100.0, 200.0]
ROT = Rotation.from_rotvec(np.radians(30) * np.array([1.0, 1.0, 1.0]) / np.sqrt(3))


def rigid(X, t):
    return (ROT.apply(X - 5.0) + 5.0 + np.array([1.0, 2.0, 3.0])) - X if t > 0 else 0 * X


def stretch(X, t):
    lr, lz = (0.9, 1.1) if t == 100.0 else (1.0, 1.0) if t == 0 else (0.95, 1.05)
    return X * np.array([lr, lr, lz]) - X * np.array([1.0, 1.0, 1.0]) + (X - X) + \
        np.array([5 * (1 - lr), 5 * (1 - lr), 0.0])  # about the box's axis x = y = 5


SITES = {"devices": {"sites": [
    {"type": "lead", "name": "lead", "radius": "0.5 mm", "fatigue_strain_limit": 0.01,
     "points": [[5, 5 + 3 * np.cos(a), 10 + 3 * np.sin(a)] for a in np.linspace(0, 2, 9)]},
    {"type": "annulus", "name": "ring", "points": [[5 + 3 * np.cos(a), 5 + 3 * np.sin(a), 4.0]
                                                    for a in np.linspace(0, 2 * np.pi, 12, endpoint=False)]},
    {"type": "vessel_segment", "name": "segment", "centreline": [[5, 5, z] for z in (5.0, 7.5, 10.0, 12.5, 15.0)],
     "slab": "0.5 mm"},
]}}


def report(tmp_path, motion, sites=SITES):
    X, cells = box_mesh()
    run = write_run(tmp_path / "run", X, cells, TIMES, motion)
    cfg = tmp_path / "sites.yaml"
    cfg.write_text(yaml.safe_dump(json.loads(json.dumps(sites, default=float))))
    code = main(["devices", "report", str(run), "--config", str(cfg)])
    return code, run / "devices"


def test_rigid_motion_changes_no_shape(tmp_path):
    code, out = report(tmp_path, rigid)
    assert code == 0
    s = json.loads((out / "summary.json").read_text())
    assert abs(s["lead"]["metrics"]["length_strain"]["peak"]) < 1e-12
    assert s["lead"]["metrics"]["max_curvature_change_1_mm"]["peak"] < 1e-9
    assert s["lead"]["metrics"]["tip_displacement_mm"]["peak"] > 1.0
    assert s["ring"]["metrics"]["area_mm2"]["amplitude"] < 1e-9
    assert s["ring"]["metrics"]["tilt_deg"]["peak"] == pytest.approx(
        np.degrees(np.arccos(ROT.apply([0, 0, 1.0])[2])), abs=1e-6)
    assert abs(s["segment"]["metrics"]["axial_strain"]["peak"]) < 1e-12
    assert abs(s["segment"]["metrics"]["twist_deg"]["peak"]) < 1e-9
    for name in ("lead", "ring", "segment"):
        assert (out / f"{name}.csv").is_file() and (out / f"{name}.png").is_file()
        assert "<VTKFile" in (out / f"{name}.vtu").read_text()
    header = (out / "lead.csv").read_text().splitlines()[0]
    assert header.startswith("time_ms,length_mm,length_strain")


def test_homogeneous_stretch_gives_exact_axial_and_diameter_strain(tmp_path):
    code, out = report(tmp_path, stretch)
    assert code == 0
    seg = json.loads((out / "summary.json").read_text())["segment"]
    assert seg["metrics"]["axial_strain"]["max"] == pytest.approx(0.1, abs=1e-12)
    assert seg["metrics"]["min_diameter_strain"]["min"] == pytest.approx(-0.1, abs=1e-12)
    assert seg["scalars"]["axial_strain_max"]["value"] == pytest.approx(0.1, abs=1e-12)
    assert seg["scalars"]["diameter_strain_min"]["value"] == pytest.approx(-0.1, abs=1e-12)
    ring = json.loads((out / "summary.json").read_text())["ring"]
    assert ring["metrics"]["area_mm2"]["min"] == pytest.approx(0.81 * ring["metrics"]["area_mm2"]["max"], rel=1e-12)


@pytest.mark.parametrize("site, message", [
    ({"type": "lead", "name": "lv_lead", "radius": 1, "points": [[5, 5, 5], [5, 5, 10], [5, 5, 40]]},
     "devices.sites.lv_lead: point 2 (5, 5, 40) lies outside the mesh"),
    ({"type": "annulus", "name": "mitral", "points": [[1, 1, 1], [2, 2, 2], [3, 3, 3]]},
     "devices.sites.mitral: the ring's points are collinear"),
    ({"type": "annulus", "name": "mitral", "points": [[1, 1, 1], [2, 2, 2]]},
     "devices.sites.mitral: a ring needs at least 3 points (got 2)"),
    ({"type": "vessel_segment", "name": "stent", "centreline": [[5, 5, 5], [5, 5, 30]], "slab": 0.5},
     "devices.sites.stent.centreline: point 1 (5, 5, 30) is not on the vessel"),
])
def test_bad_site_is_one_line_naming_it(tmp_path, capsys, site, message):
    code, out = report(tmp_path, rigid, {"devices": {"sites": [site]}})
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and message in err[0], err
    assert not out.exists()


def test_landing_zone_added_after_a_flow_run_integrates_the_pressure(tmp_path):
    """Uniform pressure p on the box: the wall patch x = 0 (10 x 20 mm) carries F = -p A e_x."""
    X, cells = box_mesh()
    p = lambda X, t: np.full(len(X), 2.0 + t / 100.0)  # kPa
    run = write_run(tmp_path / "run", X, cells, TIMES, p, stem="pressure", name="pressure")
    cfg = tmp_path / "sites.yaml"
    cfg.write_text(yaml.safe_dump({"devices": {"sites": [
        {"type": "landing_zone", "name": "lz", "region": {"box": {"min": [-0.1, -0.1, -0.1], "max": [0.1, 10.1, 20.1]}},
         "axis": [0, 0, 1], "pull_out_force": "1 N"}]}}))
    assert main(["devices", "report", str(run), "--config", str(cfg)]) == 0
    lz = json.loads((run / "devices" / "summary.json").read_text())["lz"]
    assert lz["scalars"]["area_mm2"]["value"] == pytest.approx(200.0)
    assert lz["metrics"]["Fx_mN"]["peak"] == pytest.approx(-4.0 * 200.0)
    assert lz["metrics"]["force_per_area_kPa"]["max"] == pytest.approx(4.0)
    assert lz["metrics"]["angle_to_axis_deg"]["min"] == pytest.approx(90.0)
    assert lz["scalars"]["fixation_margin"]["value"] == pytest.approx(1000.0 / 800.0)


def test_annulus_between_two_facet_tags_is_their_shared_loop(tmp_path):
    """The bottom face z = 0 (tag bottom) meets the four sides (tag side) in the 10 x 10 mm square rim."""
    from heartsim.devices.fields import boundary_triangles
    from tests.devices.fake_run import write_tagged_mesh

    X, cells = box_mesh()
    tris = boundary_triangles(cells)
    mid = X[tris].mean(axis=1)
    bottom = mid[:, 2] < 1e-9
    side = (mid[:, 2] > 1e-9) & (mid[:, 2] < 20 - 1e-9)
    tagged, values = tris[bottom | side], np.where(bottom, 1, 2)[bottom | side]
    (tmp_path / "run").mkdir()
    mesh = write_tagged_mesh(tmp_path / "run", X, tagged, values, {"bottom": 1, "side": 2})
    run = write_run(tmp_path / "run", X, cells, TIMES, stretch, {"mesh": {"file": str(mesh)}})
    cfg = tmp_path / "sites.yaml"
    cfg.write_text(yaml.safe_dump({"devices": {"sites": [{"type": "annulus", "name": "rim",
                                                          "between": ["bottom", "side"]}]}}))
    assert main(["devices", "report", str(run), "--config", str(cfg)]) == 0
    rim = json.loads((run / "devices" / "summary.json").read_text())["rim"]["metrics"]
    assert rim["area_mm2"]["max"] == pytest.approx(100.0) and rim["area_mm2"]["min"] == pytest.approx(81.0)
    assert rim["perimeter_mm"]["max"] == pytest.approx(40.0)


def test_landing_zone_near_a_cap_takes_the_wall_within_the_distances(tmp_path):
    """All wall facets (sides and top of the box, the bottom is the cap) under uniform p: F = p * 100 mm^2 e_z."""
    from heartsim.devices.fields import boundary_triangles
    from tests.devices.fake_run import write_tagged_mesh

    X, cells = box_mesh()
    tris = boundary_triangles(cells)
    cap = X[tris].mean(axis=1)[:, 2] < 1e-9
    (tmp_path / "run").mkdir()
    mesh = write_tagged_mesh(tmp_path / "run", X, tris, np.where(cap, 2, 1), {"wall": 1, "cap": 2})
    p = lambda X, t: np.full(len(X), 3.0)  # kPa
    run = write_run(tmp_path / "run", X, cells, TIMES, p, {"mesh": {"file": str(mesh)}}, stem="pressure",
                    name="pressure")
    cfg = tmp_path / "sites.yaml"
    cfg.write_text(yaml.safe_dump({"devices": {"sites": [
        {"type": "landing_zone", "name": "all", "near": {"tag": "cap", "max_distance": "100 mm"}},
        {"type": "landing_zone", "name": "low", "near": {"tag": "cap", "max_distance": "8 mm"}}]}}))
    assert main(["devices", "report", str(run), "--config", str(cfg)]) == 0
    s = json.loads((run / "devices" / "summary.json").read_text())
    assert s["all"]["metrics"]["Fz_mN"]["peak"] == pytest.approx(300.0)
    assert abs(s["all"]["metrics"]["Fx_mN"]["peak"]) < 1e-9
    assert s["all"]["scalars"]["area_mm2"]["value"] == pytest.approx(4 * 200 + 100)
    assert s["low"]["scalars"]["area_mm2"]["value"] < 4 * 200  # only the sides near the cap
