"""Mechanics on its own mesh (``physics.electromechanics.mechanics_mesh``), EP on ``mesh:``.

A CI-sized window of the ellipsoid beat with EP calcium (TT06 paced at the apex, 3 coupled steps of
10 ms, Ta rising to ~1 kPa mean, ~10 kPa max by 30 ms):

* the separate-mesh path with the *same* mesh for both (calcium through the non-matching interpolation,
  fibres computed twice, two mesh objects) gives the shared-mesh run's pv.csv to 1e-9 relative: the
  quadrature points lie inside EP cells, where the non-matching interpolation is the P1 interpolant;
* mechanics on the 10 mm ellipsoid with EP on the 7 mm one gives nearly the shared 7 mm run's numbers.
  Tolerances (measured differences in brackets): cavity volumes 3 % [2.3 %] (the two meshes' cavities
  differ by 1.7 % unloaded, the preload then by 2.3 %), volume change over the window 8 % [4.3 %],
  LV pressure 0.5 mmHg [0.16], mean Ta 5 % [1.7 %] (the same EP field sampled at other points);
* bad input: a mechanics mesh without a needed tag, in other units (outside the EP mesh), one that does
  not cover the EP mesh: one-line errors naming the key, nothing written.
"""

import csv
import json
from pathlib import Path

import pytest

from heartsim.cli.main import main
from test_beat import REPO, beat_config

COARSE = str(REPO / "meshes" / "lv_ellipsoid_human_10mm.xdmf")
FINE = str(REPO / "meshes" / "lv_ellipsoid_human.xdmf")


def window(tmp_path, name, **changes):
    base = {"physics.electromechanics.dt": "10 ms", "time.end": "30 ms",
            "physics.electromechanics.output_interval": "30 ms"}
    folder = tmp_path / name
    folder.mkdir()
    return beat_config(folder, transient=False, **{**base, **changes})


def run(cfg, out) -> list[dict]:
    assert main(["-q", "run", str(cfg), "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "completed" and summary["steps"] == 3
    return [{k: float(v) for k, v in r.items() if k != "phase"} for r in csv.DictReader(open(out / "pv.csv"))]


@pytest.fixture(scope="module")
def shared_fine(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("shared")
    return run(window(tmp, "cfg"), tmp / "out")


def test_same_mesh_through_the_separate_path_equals_shared(tmp_path):
    shared = run(window(tmp_path, "a", **{"mesh.file": COARSE}), tmp_path / "a" / "out")
    separate = run(window(tmp_path, "b", **{"mesh.file": COARSE,
                                            "physics.electromechanics.mechanics_mesh": {"file": COARSE}}),
                   tmp_path / "b" / "out")
    assert len(shared) == len(separate) == 4
    assert shared[-1]["Ta_mean_kPa"] > 0.3  # the calcium has reached the tension model
    for a, b in zip(shared, separate):
        for key in ("V_LV_mL", "p_LV_mmHg", "Ta_mean_kPa", "Ta_max_kPa"):
            assert abs(a[key] - b[key]) <= 1e-9 * max(1.0, abs(a[key])), (key, a[key], b[key])


def test_coarser_mechanics_mesh_is_close_to_the_shared_run(tmp_path, shared_fine):
    coarse = run(window(tmp_path, "c", **{"physics.electromechanics.mechanics_mesh": {"file": COARSE}}),
                 tmp_path / "c" / "out")
    fine = shared_fine
    assert fine[-1]["Ta_mean_kPa"] > 0.3
    for a, b in zip(fine, coarse):
        assert abs(b["V_LV_mL"] / a["V_LV_mL"] - 1) < 0.03
        assert abs(b["p_LV_mmHg"] - a["p_LV_mmHg"]) < 0.5
    dv_fine, dv_coarse = (r[-1]["V_LV_mL"] - r[0]["V_LV_mL"] for r in (fine, coarse))
    assert abs(dv_coarse / dv_fine - 1) < 0.08
    assert abs(coarse[-1]["Ta_mean_kPa"] / fine[-1]["Ta_mean_kPa"] - 1) < 0.05


BOX = {"generate": "box", "size": [20, 20, 20], "origin": [-10, -10, -72], "resolution": 5}  # holds the apex stimulus


@pytest.mark.parametrize("changes, words", [
    ({"physics.electromechanics.mechanics_mesh": {"generate": "box", "size": [10, 10, 10], "resolution": 5}},
     "has no facet tag 'base'"),
    ({"physics.electromechanics.mechanics_mesh": {"file": COARSE, "unit": "m"}}, "outside the EP mesh"),
    ({"mesh": BOX, "physics.electromechanics.mechanics_mesh": {**BOX, "size": [10, 10, 10]},
      "physics.mechanics.boundary": {"base": ["z0"]}, "physics.electromechanics.coupling.cavity_tags": ["x0"]},
     "98 EP nodes lie more than 3 mm (the tolerance) outside the mechanics mesh"),
])
def test_bad_mechanics_mesh_is_one_line(tmp_path, capsys, changes, words):
    cfg = window(tmp_path, "x", **changes)
    assert main(["-q", "run", str(cfg), "--out", str(tmp_path / "bad")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "physics.electromechanics.mechanics_mesh" in err[0] and words in err[0], err
    assert not (tmp_path / "bad").exists()


@pytest.mark.mpi
def test_coarser_mechanics_mesh_two_ranks_equal_one(tmp_path_factory):
    """EP on the 7 mm mesh, mechanics on the 10 mm one, partitioned independently on 2 ranks: the same
    pressures, volumes and mean Ta as on 1 rank (solver tolerance), 2 steps of 10 ms."""
    import logging

    from mpi4py import MPI

    from heartsim.config.loader import load_config
    from heartsim.simulation.electromechanics_run import run_electromechanics

    comm = MPI.COMM_WORLD
    base = Path(comm.bcast(str(tmp_path_factory.mktemp("mpi")) if comm.rank == 0 else None, root=0))
    cfg_path = comm.bcast(window(base, "cfg", **{"time.end": "20 ms", "physics.electromechanics.mechanics_mesh":
                                                 {"file": COARSE}}) if comm.rank == 0 else None, root=0)
    cfg = load_config(cfg_path)
    log = logging.getLogger("test")
    run_electromechanics(cfg, base / "two", comm, log)
    run_electromechanics(cfg, base / f"one{comm.rank}", MPI.COMM_SELF, log)
    two, one = (list(csv.DictReader(open(base / name / "pv.csv"))) for name in ("two", f"one{comm.rank}"))
    assert len(one) == len(two) == 3 and float(one[-1]["Ta_mean_kPa"]) > 0.01
    for a, b in zip(one, two):
        for key, tol in (("p_LV_mmHg", 1e-4), ("V_LV_mL", 1e-5), ("Ta_mean_kPa", 1e-6), ("Ta_max_kPa", 1e-6)):
            assert abs(float(a[key]) - float(b[key])) <= tol * max(1.0, abs(float(a[key]))), (key, a[key], b[key])


def test_coarser_mechanics_mesh_restart_equals_uninterrupted(tmp_path):
    """Checkpoint (EP nodes on one mesh, tension points and mechanics on the other) and restart: the
    continued run's pv.csv equals the uninterrupted run's (EP calcium, 2 steps of 10 ms, stopped after 1)."""
    import logging

    from mpi4py import MPI

    from heartsim.config.loader import load_config
    from heartsim.runtime.signals import StopAfter
    from heartsim.simulation.electromechanics_run import run_electromechanics
    from heartsim.simulation.run_folder import Checkpointed

    cfg = load_config(window(tmp_path, "cfg", **{"time.end": "20 ms",
                                                  "physics.electromechanics.mechanics_mesh": {"file": COARSE}}))
    log = logging.getLogger("test")
    whole = run_electromechanics(cfg, tmp_path / "whole", MPI.COMM_SELF, log)
    with pytest.raises(Checkpointed):
        run_electromechanics(cfg, tmp_path / "split", MPI.COMM_SELF, log, stop=StopAfter(1))
    again = run_electromechanics(cfg, tmp_path / "split", MPI.COMM_SELF, log, restart=True)
    assert again["restarts"] == 1 and again["steps"] == whole["steps"] == 2
    rows = [list(csv.reader(open(tmp_path / name / "pv.csv"))) for name in ("whole", "split")]
    assert rows[0] == rows[1] and float(rows[0][-1][rows[0][0].index("Ta_mean_kPa")]) > 0.01
