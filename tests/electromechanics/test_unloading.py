"""Unloaded reference (backward-displacement fixed point, heartsim/electromechanics/unloading.py) on the
CI-sized ellipsoid beat: the mesh is taken as imaged at the preload pressure; after unloading, the preload
(a fresh inflation of the unloaded reference from u = 0, in load steps) must land on the imaged nodes to
the tolerance and give the imaged cavity volume to < 1 %; too few iterations is a one-line error."""

import json

import h5py
import numpy as np
import pytest
from scipy.spatial import cKDTree

from heartsim.cli.main import main

from tests.electromechanics.tables import rows_without_wall_times
from tests.electromechanics.test_beat import REPO, beat_config

UNLOAD = {"pressure": "8 mmHg", "steps": 4, "unload": True, "unload_tolerance": "0.05 mm"}


def _first_displacement(h5_path):
    with h5py.File(h5_path, "r") as f:
        xyz = f["Mesh/mesh/geometry"][:]
        group = f["Function/u"]
        first = sorted(group.keys(), key=lambda k: float(k.replace("_", ".")))[0]
        return xyz, group[first][:]


def test_unloaded_reference_inflates_onto_the_imaged_mesh(tmp_path):
    out = tmp_path / "out"
    cfg = beat_config(tmp_path, **{"time.end": "2 ms", "physics.electromechanics.preload": UNLOAD})
    assert main(["-q", "run", str(cfg), "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    unl = summary["unloading"]
    assert 1 <= unl["iterations"] <= 10 and unl["mismatch_mm"][-1] <= 0.05
    assert unl["mismatch_mm"][0] > 1.0  # the imaged mesh is not its own reference: inflating it misses by mm
    # the reference is smaller than the image, and the preload brings the cavity back to the imaged volume
    assert summary["unloaded_volume_mL"] < 0.95 * unl["imaged_volume_mL"]
    assert abs(summary["preload_volume_mL"] - unl["imaged_volume_mL"]) < 0.01 * unl["imaged_volume_mL"]
    # node by node: the written reference plus the preload displacement (t = 0) is the imaged mesh
    X, u = _first_displacement(out / "displacement.h5")
    with h5py.File(REPO / "meshes" / "lv_ellipsoid_human.h5", "r") as f:
        imaged = f["Mesh/mesh/geometry"][:]
    assert len(X) == len(imaged)
    dist, _ = cKDTree(X + u.reshape(len(X), -1)[:, :3]).query(imaged)
    assert dist.max() <= 0.05 + 1e-3  # the tolerance (mm), plus the Newton tolerance of the fresh preload
    moved, _ = cKDTree(X).query(imaged)
    assert moved.max() > 1.0  # and the reference did move


def test_unloading_that_does_not_converge_is_one_line(tmp_path, capsys):
    cfg = beat_config(tmp_path, **{"time.end": "2 ms", "physics.electromechanics.preload":
                                   {**UNLOAD, "unload_iterations": 1, "unload_tolerance": "0.001 mm"}})
    assert main(["-q", "run", str(cfg), "--out", str(tmp_path / "bad")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "physics.electromechanics.preload.unload" in err[0], err


def test_restart_recomputes_the_same_reference(tmp_path):
    """The unloaded reference is not checkpointed: a restart recomputes it (same fixed point, same numbers),
    so stopped + restarted equals uninterrupted, tables byte for byte and the final displacement bit for bit."""
    import logging

    import pytest
    from mpi4py import MPI

    from conftest import read_point_field
    from heartsim.config.loader import load_config
    from heartsim.runtime.signals import StopAfter
    from heartsim.simulation.electromechanics_run import run_electromechanics
    from heartsim.simulation.run_folder import Checkpointed

    log = logging.getLogger("test")
    loose = {**UNLOAD, "unload_tolerance": "0.3 mm"}  # fewer iterations: the test is about the restart
    cfg = load_config(beat_config(tmp_path, **{"time.end": "4 ms", "physics.electromechanics.preload": loose}))
    whole = run_electromechanics(cfg, tmp_path / "whole", MPI.COMM_SELF, log)
    out = tmp_path / "split"
    with pytest.raises(Checkpointed):
        run_electromechanics(cfg, out, MPI.COMM_SELF, log, stop=StopAfter(1))
    again = run_electromechanics(cfg, out, MPI.COMM_SELF, log, restart=True)
    assert again["restarts"] == 1 and again["unloading"] == whole["unloading"]
    for name in ("pv.csv", "convergence.csv"):
        assert rows_without_wall_times(out / name) == rows_without_wall_times(tmp_path / "whole" / name)
    assert np.array_equal(read_point_field(out / "displacement.restart1.h5", "u")[1],
                          read_point_field(tmp_path / "whole" / "displacement.h5", "u")[1])


def test_ep_stays_on_the_imaged_geometry(tmp_path):
    """With EP calcium and the unloaded reference, EP keeps its own copy of the imaged mesh: its v output is
    written on the imaged nodes while the displacement's reference moved (heartsim/simulation/em_meshes.py)."""
    out = tmp_path / "out"
    cfg = beat_config(tmp_path, transient=False, **{"time.end": "2 ms", "physics.electromechanics.preload": UNLOAD})
    assert main(["-q", "run", str(cfg), "--out", str(out)]) == 0
    with h5py.File(REPO / "meshes" / "lv_ellipsoid_human.h5", "r") as f:
        imaged = f["Mesh/mesh/geometry"][:]
    with h5py.File(out / "v.h5", "r") as f:
        ep_nodes = f["Mesh/mesh/geometry"][:]
        v = f["Function/v"]
        assert all(np.isfinite(v[k][:]).all() for k in v)
    dist, _ = cKDTree(ep_nodes).query(imaged)
    assert dist.max() < 1e-9
    X, _ = _first_displacement(out / "displacement.h5")
    moved, _ = cKDTree(X).query(imaged)
    assert moved.max() > 1.0


def test_unloading_time_is_counted_apart(tmp_path):
    """summary.json time_s: the unloading's inflations in ``unloading``, not in the coupled steps' ``mechanics``."""
    out = tmp_path / "out"
    cfg = beat_config(tmp_path, **{"time.end": "2 ms", "physics.electromechanics.preload": UNLOAD})
    assert main(["-q", "run", str(cfg), "--out", str(out)]) == 0
    times = json.loads((out / "summary.json").read_text())["time_s"]
    assert times["unloading"] > times["preload"] > 0  # several inflations against one
    assert times["unloading"] > times["mechanics"]  # one 2 ms step against several inflations


def test_aitken_factor_is_exact_on_a_linear_map_and_bounded():
    from heartsim.electromechanics.unloading import OMEGA_MAX, OMEGA_MIN, aitken_factor

    # fixed point x = a x + b with a = 0.6: r_k = (a - 1) x_k + b; Aitken's factor gives 1 / (1 - a) = 2.5
    # after a plain step, bounded to OMEGA_MAX; with a = -0.5 (oscillating) the exact 1 / 1.5
    for a, expected in ((0.6, min(2.5, OMEGA_MAX)), (-0.5, 1 / 1.5)):
        x0 = np.array([3.0, -1.0])
        b = np.array([0.5, 2.0])
        r0 = (a - 1) * x0 + b
        r1 = (a - 1) * (x0 + r0) + b
        assert aitken_factor(1.0, r0, r1) == pytest.approx(expected, rel=1e-12)
    # a residual that grows and turns back: the raw factor is negative, the step is the smallest allowed
    r0 = np.array([1.0, 0.0])
    assert aitken_factor(1.0, r0, 3.0 * r0) == OMEGA_MIN
