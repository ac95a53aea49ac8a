"""Contractility by region (``physics.electromechanics.tension.regions``) on the CI-sized BiV window of
test_biv.py (meshes/biv_ellipsoid_human.xdmf, cell tags lv, rv (RV free wall), septum):

* every cell in a region of Tref 320 kPa with ``parameters.Tref`` 160 is the run with Tref 320: the factor
  Tref_region / Tref reaches the forms and the output (pv.csv to rounding);
* a weaker RV free wall (Tref 120 against 320) lowers the RV's pressure rise in isovolumic contraction and
  leaves the LV's nearly as it was; the factor sits on the RV free wall's points only;
* bad input: a cell tag the mesh lacks (one line naming ``...tension.regions[0].cell_tags``, exit 2, nothing
  written), a tag in two regions (at config load).
"""

import csv

import numpy as np
import pytest
from mpi4py import MPI

from heartsim.cli.main import main
from heartsim.config.loader import load_config
from heartsim.electromechanics.regions import tension_scale
from heartsim.fem import quadrature_space
from heartsim.mesh.build import build_mesh
from tests.electromechanics.test_biv import biv_config
from tests.electromechanics.test_monolithic import _run

EM = "physics.electromechanics"
TREF = f"{EM}.tension.parameters.Tref"
REGIONS = f"{EM}.tension.regions"
WINDOW = {"time.end": "4 ms"}


def _p(rows, c):
    return np.array([float(r[f"p_{c}_mmHg"]) for r in rows])


def test_regions_covering_the_mesh_equal_the_global_tref(tmp_path):
    ref, _ = _run(biv_config, tmp_path / "global", {**WINDOW, TREF: 320, REGIONS: []})
    got, _ = _run(biv_config, tmp_path / "regions", {**WINDOW, TREF: 160,
                                                      REGIONS: [{"cell_tags": ["lv", "septum", "rv"], "Tref": 320}]})
    assert len(ref) == len(got) == 3
    for a, b in zip(ref, got):
        for key in ("p_LV_mmHg", "p_RV_mmHg", "V_LV_mL", "V_RV_mL", "Ta_max_kPa", "Ta_mean_kPa"):
            assert abs(float(a[key]) - float(b[key])) <= 1e-8 * max(1.0, abs(float(a[key]))), (key, a[key], b[key])
    assert float(ref[-1]["Ta_max_kPa"]) > 0.3  # the tension acts in the window (kPa)


def test_weaker_rv_free_wall_lowers_the_rv_pressure_rise(tmp_path):
    ref, _ = _run(biv_config, tmp_path / "global", {**WINDOW, TREF: 320, REGIONS: []})
    got, _ = _run(biv_config, tmp_path / "weak_rv", {**WINDOW, TREF: 320, REGIONS: [{"cell_tags": ["rv"], "Tref": 120}]})
    rise = {name: (_p(rows, "LV")[-1] - _p(rows, "LV")[0], _p(rows, "RV")[-1] - _p(rows, "RV")[0])
            for name, rows in (("ref", ref), ("weak", got))}
    assert rise["weak"][1] < 0.8 * rise["ref"][1], rise
    assert abs(rise["weak"][0] - rise["ref"][0]) < 0.2 * rise["ref"][0], rise


def test_scale_sits_on_the_region_points_only(tmp_path):
    cfg = load_config(biv_config(tmp_path, **{REGIONS: [{"cell_tags": ["rv"], "Tref": 80}]}))
    tagged = build_mesh(cfg.mesh, MPI.COMM_WORLD)
    space = quadrature_space(tagged.mesh, 2)
    scale = tension_scale(tagged, cfg.physics.electromechanics.tension.regions, 320.0, space, REGIONS)
    rv = tagged.cell_tags.find(tagged.tag_value("rv"))
    cells = space.dofmap.list
    assert np.all(scale[cells[rv]] == 0.25)
    others = np.setdiff1d(np.arange(cells.shape[0]), rv)
    assert np.all(scale[cells[others]] == 1.0) and others.size > 0 and rv.size > 0


def test_unknown_region_tag_is_one_line(tmp_path, capsys):
    cfg = biv_config(tmp_path, **{REGIONS: [{"cell_tags": ["rv_free_wall"], "Tref": 100}]})
    assert main(["-q", "run", str(cfg), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"{REGIONS}[0].cell_tags" in err[0] and "rv_free_wall" in err[0] and "rv=2" in err[0], err
    assert not (tmp_path / "out").exists()


def test_tag_in_two_regions_is_a_load_error(tmp_path, capsys):
    cfg = biv_config(tmp_path, **{REGIONS: [{"cell_tags": ["rv"], "Tref": 100}, {"cell_tags": ["rv", "lv"], "Tref": 90}]})
    assert main(["validate", str(cfg)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"{REGIONS}: cell tag rv given to more than one region" in err[0], err


@pytest.mark.mpi
def test_scale_on_two_ranks_covers_the_rv_free_wall(tmp_path):
    """On 2 ranks the owned points with the RV factor are those of the mesh's 1,447 RV free-wall cells (the
    count of scripts/make_biv_mesh.py --retag), every owned point of another cell has factor 1."""
    cfg = load_config(biv_config(tmp_path, **{REGIONS: [{"cell_tags": ["rv"], "Tref": 80}]}))
    tagged = build_mesh(cfg.mesh, MPI.COMM_WORLD)
    space = quadrature_space(tagged.mesh, 2)
    scale = tension_scale(tagged, cfg.physics.electromechanics.tension.regions, 320.0, space, REGIONS)
    owned = scale[: space.dofmap.index_map.size_local]
    comm = tagged.mesh.comm
    per_cell = space.dofmap.list.shape[1]
    assert comm.allreduce(int(np.count_nonzero(owned == 0.25))) == 1447 * per_cell
    assert comm.allreduce(int(np.count_nonzero((owned != 0.25) & (owned != 1.0)))) == 0
