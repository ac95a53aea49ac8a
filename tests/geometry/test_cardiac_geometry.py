"""Land 2015 beam and ellipsoid, biventricular ellipsoid: tags, volumes against closed forms, CLI."""

import json
import math

import numpy as np
import pytest
from mpi4py import MPI

from heartsim import fem
from heartsim.cli.main import main
from heartsim.geometry import cardiac
from heartsim.geometry.cavity import cavity_volume

COMM = MPI.COMM_SELF
EXACT_CAVITY = cardiac.ellipsoid_cavity_volume(7, 17, 5)
EXACT_WALL = cardiac.ellipsoid_cavity_volume(10, 20, 5) - EXACT_CAVITY


def test_exact_cavity_volume_formula():
    # a full ellipsoid (base above the top) and a half one
    assert math.isclose(cardiac.ellipsoid_cavity_volume(2, 3, 3), 4 / 3 * math.pi * 12, rel_tol=1e-12)
    assert math.isclose(cardiac.ellipsoid_cavity_volume(2, 3, 0), 2 / 3 * math.pi * 12, rel_tol=1e-12)
    assert math.isclose(EXACT_CAVITY, 2492.127, rel_tol=1e-6)


@pytest.mark.parametrize("cell, count", [("hexahedron", 80), ("tetrahedron", 480)])
def test_land_beam(cell, count):
    tagged = cardiac.tagged_mesh("land-beam", COMM, size=0.5, cell=cell)
    assert tagged.mesh.topology.index_map(3).size_global == count
    assert math.isclose(fem.total_volume(tagged.mesh, COMM), 10.0, rel_tol=1e-12)
    areas = fem.measure_of_tags(tagged.mesh, tagged.facet_tags, 2, COMM)
    assert tagged.facet_names == {"fixed": 1, "bottom": 2}
    assert math.isclose(areas[1], 1.0, rel_tol=1e-12) and math.isclose(areas[2], 10.0, rel_tol=1e-12)


@pytest.mark.parametrize("order, tolerance", [(1, 2e-2), (2, 1e-4)])
def test_land_ellipsoid_volumes(order, tolerance):
    tagged = cardiac.tagged_mesh("land-ellipsoid", COMM, size=2.0, order=order)
    assert tagged.facet_names == {"endo": 1, "epi": 2, "base": 3}
    cavity = cavity_volume(tagged, "endo", (0, 0, 5), COMM)
    wall = fem.total_volume(tagged.mesh, COMM)
    assert abs(cavity / EXACT_CAVITY - 1) < tolerance, cavity
    assert abs(wall / EXACT_WALL - 1) < tolerance / 4, wall
    # the base is the annulus between the two ellipses at z = 5
    base = fem.measure_of_tags(tagged.mesh, tagged.facet_tags, 2, COMM)[3]
    exact_base = math.pi * (100 * (1 - 25 / 400) - 49 * (1 - 25 / 289))
    assert abs(base / exact_base - 1) < tolerance


def test_curved_ellipsoid_has_no_inverted_cells():
    import dolfinx
    import ufl

    tagged = cardiac.tagged_mesh("land-ellipsoid", COMM, size=2.0, order=2)
    space = dolfinx.fem.functionspace(tagged.mesh, ("DG", 2))
    det = dolfinx.fem.Function(space)
    det.interpolate(dolfinx.fem.Expression(ufl.JacobianDeterminant(tagged.mesh), space.element.interpolation_points()))
    assert det.x.array.min() > 0


def test_biventricular_ellipsoid_tags():
    tagged = cardiac.tagged_mesh("biv-ellipsoid", COMM, size=2.5)
    assert tagged.facet_names == {"lv_endo": 1, "rv_endo": 2, "epi": 3, "base": 4}
    areas = fem.measure_of_tags(tagged.mesh, tagged.facet_tags, 2, COMM)
    assert all(areas[k] > 100 for k in (1, 2, 3, 4)), areas
    # the LV cavity is the Land one; the RV cavity (closed at the base) is a crescent of plausible size
    lv = cavity_volume(tagged, "lv_endo", (0, 0, 5), COMM)
    rv = cavity_volume(tagged, "rv_endo", (0, 0, 5), COMM)
    assert abs(lv / EXACT_CAVITY - 1) < 3e-2
    rv_ellipsoid = cardiac.ellipsoid_cavity_volume(1, 16, 5) * 12 * 9  # RV endo ellipsoid below the base
    assert 0.2 * rv_ellipsoid < rv < rv_ellipsoid, rv


def test_geometry_cli_writes_xdmf_with_named_tags(tmp_path, capsys):
    from heartsim.config.model import MeshConfig
    from heartsim.mesh import build_mesh

    out = tmp_path / "lv.xdmf"
    assert main(["geometry", "land-ellipsoid", str(out), "--size", "3"]) == 0
    assert "facet tags" in capsys.readouterr().out
    names = json.loads(out.with_suffix(".tags.json").read_text())["facet_tag_names"]
    assert names == {"endo": 1, "epi": 2, "base": 3}
    tagged = build_mesh(MeshConfig(file=out), COMM)
    assert tagged.facet_value("base") == 3
    assert np.isclose(tagged.mesh.geometry.x[:, 2].max(), 5.0)


@pytest.mark.parametrize("argv, message", [
    (["geometry", "land-beam", "beam.vtu"], "give an .xdmf output"),
    (["geometry", "land-ellipsoid", "lv.xdmf", "--size", "-1"], "size: -1.0: must be a positive length"),
])
def test_geometry_cli_bad_input(tmp_path, capsys, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not any(tmp_path.iterdir())


def test_deformed_cavity_volume_of_a_dilation():
    """u = (lam - 1)(x - x0) about a point of the base plane scales the cavity by lam^3."""
    import ufl

    tagged = cardiac.tagged_mesh("land-ellipsoid", COMM, size=2.5, order=2)
    x0 = (0.0, 0.0, 5.0)
    reference = cavity_volume(tagged, "endo", x0, COMM)
    lam = 1.1
    u = (lam - 1) * (ufl.SpatialCoordinate(tagged.mesh) - ufl.as_vector(x0))
    deformed = cavity_volume(tagged, "endo", x0, COMM, u=u)
    assert abs(deformed / (lam ** 3 * reference) - 1) < 1e-10
