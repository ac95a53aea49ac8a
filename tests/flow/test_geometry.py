"""Geometry generators: shapes (volumes, areas, radii against their formulas), tags, CLI, MPI."""

import json
import math

import numpy as np
import pytest
from mpi4py import MPI

from heartsim.config.errors import ConfigError
from heartsim.geometry import vessels
from heartsim.mesh.meshdata import signed_volumes


def _volume(data):
    return float(signed_volumes(data.points, data.cells, "tetra").sum())


def _areas(data):
    p, f = data.points, data.facets
    area = 0.5 * np.linalg.norm(np.cross(p[f[:, 1]] - p[f[:, 0]], p[f[:, 2]] - p[f[:, 0]]), axis=1)
    return {name: float(area[data.facet_values == value].sum()) for name, value in data.facet_names.items()}


def _all_boundary_tagged(data):
    from heartsim.mesh.surfaces import boundary_facets

    boundary = {tuple(sorted(f)) for f in boundary_facets(data.cells).tolist()}
    tagged = {tuple(sorted(f)) for f in data.facets.tolist()}
    return boundary == tagged


def test_tube_areas_volume_and_tags():
    R, L = 1.0, 5.0
    data = vessels.tube(radius=R, length=L, size=0.3)
    assert data.facet_names == {"inlet": 1, "outlet": 2, "wall": 3}
    assert data.cell_names == {"fluid": 1}
    assert _all_boundary_tagged(data)
    areas = _areas(data)
    assert areas["inlet"] == pytest.approx(math.pi * R ** 2, rel=0.03)
    assert areas["outlet"] == pytest.approx(math.pi * R ** 2, rel=0.03)
    assert areas["wall"] == pytest.approx(2 * math.pi * R * L, rel=0.03)
    assert _volume(data) == pytest.approx(math.pi * R ** 2 * L, rel=0.03)
    inlet = data.points[np.unique(data.facets[data.facet_values == 1])]
    assert np.allclose(inlet[:, 0], 0.0)
    assert np.allclose(np.linalg.norm(data.points[np.unique(data.facets[data.facet_values == 3])][:, 1:], axis=1), R)


@pytest.mark.parametrize("reduction, severity", [("area", 0.75), ("diameter", 0.4)])
def test_stenosis_volume_and_throat_radius(reduction, severity):
    R, L, Ls = 1.0, 8.0, 4.0
    data = vessels.stenosis(radius=R, length=L, severity=severity, reduction=reduction, stenosis_length=Ls,
                            size=0.4, fine_size=0.2)
    r0 = R * (math.sqrt(1 - severity) if reduction == "area" else 1 - severity)
    x = np.linspace(0, L, 20001)
    r = vessels.throat_profile(x, R, r0, L / 2, Ls)
    exact = float(np.sum(np.pi * 0.5 * (r[1:] ** 2 + r[:-1] ** 2) * np.diff(x)))
    assert _volume(data) == pytest.approx(exact, rel=0.03)
    wall = data.points[np.unique(data.facets[data.facet_values == vessels.WALL])]
    radius = np.linalg.norm(wall[:, 1:], axis=1)
    assert np.allclose(radius, vessels.throat_profile(wall[:, 0], R, r0, L / 2, Ls), atol=0.02 * R)
    assert radius.min() == pytest.approx(r0, rel=0.03)
    assert _all_boundary_tagged(data)


def test_fda_nozzle_dimensions():
    data = vessels.fda_nozzle(inlet_length=10, outlet_length=30, size=2.5, fine_size=1.0, jet_length=10)
    cone = 4 / math.tan(math.radians(10))
    assert cone == pytest.approx(22.685, abs=1e-3)
    lo, hi = data.points.min(axis=0), data.points.max(axis=0)
    assert lo[0] == pytest.approx(-40 - cone - 10) and hi[0] == pytest.approx(30)
    assert hi[1] == pytest.approx(6, rel=1e-6)
    exact = math.pi * (36 * 40 + cone / 3 * (36 + 12 + 4) + 4 * 40)
    assert _volume(data) == pytest.approx(exact, rel=0.03)
    areas = _areas(data)
    assert areas["inlet"] == pytest.approx(36 * math.pi, rel=0.03)
    # the wall includes the expansion step (annulus between r = 2 and r = 6 at x = 0)
    slant = math.hypot(cone, 4)
    wall = 2 * math.pi * 6 * 40 + math.pi * (6 + 2) * slant + 2 * math.pi * 2 * 40 + math.pi * (36 - 4)
    assert areas["wall"] == pytest.approx(wall, rel=0.03)
    throat = data.points[np.abs(data.points[:, 0] + 20) < 1e-9]
    assert np.linalg.norm(throat[:, 1:], axis=1).max() == pytest.approx(2.0, rel=1e-6)
    assert _all_boundary_tagged(data)


def test_schafer_turek_channel_and_cylinder():
    data = vessels.schafer_turek(size=100.0, fine_size=30.0)
    assert data.facet_names == {"inlet": 1, "outlet": 2, "wall": 3, "cylinder": 4}
    areas = _areas(data)
    assert areas["inlet"] == pytest.approx(410 ** 2, rel=1e-9)
    assert areas["outlet"] == pytest.approx(410 ** 2, rel=1e-9)
    assert areas["wall"] == pytest.approx(4 * 2500 * 410 - 2 * math.pi * 50 ** 2, rel=0.01)
    assert areas["cylinder"] == pytest.approx(math.pi * 100 * 410, rel=0.03)
    cyl = data.points[np.unique(data.facets[data.facet_values == 4])]
    assert np.allclose(np.hypot(cyl[:, 0] - 500, cyl[:, 1] - 200), 50, rtol=1e-6)
    assert _all_boundary_tagged(data)


def test_second_order_walls_lie_on_the_circle():
    from heartsim import fem

    errors = {}
    for order in (1, 2):
        tagged = vessels.generate("tube", MPI.COMM_SELF, radius=1.0, length=3.0, size=0.4, order=order)
        areas = fem.measure_of_tags(tagged.mesh, tagged.facet_tags, 2, MPI.COMM_SELF)
        errors[order] = (abs(fem.total_volume(tagged.mesh, MPI.COMM_SELF) / (3 * math.pi) - 1),
                         abs(areas[1] / math.pi - 1), abs(areas[3] / (6 * math.pi) - 1))
    assert tagged.mesh.geometry.dofmap.shape[1] == 10
    assert max(errors[2]) < 2e-4 < min(errors[1][:2])  # straight-sided: ~2 %, curved: ~1e-5


@pytest.mark.parametrize("kind, params, message", [
    ("tube", {"radius": -1}, "radius: must be a positive number"),
    ("stenosis", {"severity": 1.0}, "severity: must lie strictly between 0 and 1"),
    ("stenosis", {"reduction": "volume"}, "reduction: must be area or diameter"),
    ("stenosis", {"length": 5, "stenosis_length": 8}, "center: the stenosis"),
    ("tube", {"radiu": 1}, "radiu: not a parameter of tube; did you mean radius?"),
    ("tube", {"order": 3}, "order: must be 1 or 2"),
    ("pipe", {}, "kind: unknown geometry 'pipe'"),
])
def test_bad_parameters_name_the_key(kind, params, message):
    with pytest.raises(ConfigError) as err:
        vessels.build(kind, **params)
    assert len(err.value.lines) == 1 and err.value.lines[0].startswith(message), err.value.lines


def test_cli_writes_xdmf_that_configs_load(tmp_path, capsys):
    from heartsim.cli.main import main
    from heartsim.config.loader import validate_model
    from heartsim.config.model import MeshConfig
    from heartsim.mesh import build_mesh

    out = tmp_path / "tube.xdmf"
    assert main(["mesh", "generate", "tube", str(out), "--radius", "1", "--length", "3", "--size", "0.5"]) == 0
    assert "wrote" in capsys.readouterr().out
    assert json.loads(out.with_suffix(".tags.json").read_text())["facet_tag_names"] == {
        "inlet": 1, "outlet": 2, "wall": 3}
    tagged = build_mesh(validate_model(MeshConfig, {"file": str(out)}, tmp_path, "mesh "), MPI.COMM_SELF)
    assert tagged.facet_value("outlet") == 2 and tagged.tag_names == {"fluid": 1}
    assert main(["mesh", "generate", "stenosis", str(tmp_path / "s.xdmf"), "--severity", "2"]) == 2
    assert "severity: must lie strictly between 0 and 1" in capsys.readouterr().err
    assert not (tmp_path / "s.xdmf").exists()


@pytest.mark.mpi
def test_generated_tube_same_on_two_ranks():
    from heartsim import fem

    areas = []
    for comm in (MPI.COMM_SELF, MPI.COMM_WORLD):
        tagged = vessels.generate("tube", comm, radius=1.0, length=3.0, size=0.4)
        areas.append(fem.measure_of_tags(tagged.mesh, tagged.facet_tags, 2, comm))
        areas[-1]["volume"] = fem.total_volume(tagged.mesh, comm)
    assert areas[0].keys() == areas[1].keys() == {1, 2, 3, "volume"}
    for key in areas[0]:
        assert areas[0][key] == pytest.approx(areas[1][key], rel=1e-12)
