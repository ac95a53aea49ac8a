"""kill -9 at a (seeded, so reproducible) point of a run, then --restart: the result equals an
uninterrupted run bit for bit, the checkpoint being written when the process died is never used, and
the field series are complete and readable.

The kill points are described in tests/killing.py.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import read_point_field
from heartsim.cli.main import main
from killing import assert_series_readable, kill_point, killed_run
from tests.electromechanics.tables import rows_without_wall_times
from tests.mechanics.test_mechanics_restart import CASE as BEAM


def _ep_case(small_config_dict):
    return dict(small_config_dict, time={"dt": "0.1 ms", "end": "8 ms"}, checkpoint={"interval": "1 ms", "keep": 3},
                output={"formats": ["xdmf"], "interval": "1 ms"})


@pytest.mark.parametrize("kind,seed", [("step", 1), ("file", 2), ("pointer", 3)])
def test_ep_killed_and_restarted_equals_uninterrupted(kind, seed, small_config_dict, write_config, tmp_path):
    cfg = write_config(_ep_case(small_config_dict))
    plain, out = tmp_path / "plain", tmp_path / "killed"
    assert main(["-q", "run", str(cfg), "--out", str(plain)]) == 0
    k = kill_point(seed, kind, steps=80, checkpoints=7)
    killed_run(cfg, out, kind, k)
    assert not (out / "summary.json").exists()
    pointer = json.loads((out / "checkpoint/latest.json").read_text())
    if kind != "step":  # the checkpoint being written when the process died is not the one pointed to
        assert pointer["step"] == 10 * (k - 1), (k, pointer)
    assert main(["-q", "run", str(cfg), "--restart", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "completed" and summary["restarts"] == 1
    for name, field in (("activation", "activation_time"), ("v.restart1", "v")):
        ref = read_point_field(plain / f"{'v' if field == 'v' else name}.h5", field)[1]
        assert np.array_equal(ref, read_point_field(out / f"{name}.h5", field)[1], equal_nan=True), name
    # the restarted series runs from the checkpoint to the end; the killed one stays readable
    assert assert_series_readable(out / "v.restart1.xdmf") == 8 - pointer["step"] // 10 + 1
    assert assert_series_readable(out / "v.xdmf") >= 1


# the coarse Land beam of the mechanics restart test (four load steps), checkpointed after every step
MECHANICS = {**BEAM, "checkpoint": {"interval": "1 ms", "keep": 3}}


@pytest.mark.parametrize("kind,seed", [("step", 4), ("file", 5), ("pointer", 6)])
def test_mechanics_killed_and_restarted_equals_uninterrupted(kind, seed, write_config, tmp_path):
    """Four load steps, a checkpoint after each: killed after a step or while a checkpoint is being
    written, the restart reaches the same load steps, table rows and final displacement."""
    cfg = write_config(MECHANICS)
    plain, out = tmp_path / "plain", tmp_path / "killed"
    assert main(["-q", "run", str(cfg), "--out", str(plain)]) == 0
    k = kill_point(seed, kind, steps=5, checkpoints=4)  # step: after load step 3 of 4; file/pointer: checkpoint 2..3
    killed_run(cfg, out, kind, k)
    assert not (out / "summary.json").exists()
    assert main(["-q", "run", str(cfg), "--restart", str(out)]) == 0
    whole, again = (json.loads((p / "summary.json").read_text()) for p in (plain, out))
    assert again["status"] == "completed" and again["restarts"] == 1
    assert again["final"] == whole["final"] and again["load_steps"] == whole["load_steps"]
    assert (out / "loadsteps.csv").read_text() == (plain / "loadsteps.csv").read_text()
    ref = read_point_field(plain / "displacement.h5", "u")[1]
    series = sorted(out.glob("displacement*.h5"))
    assert np.array_equal(ref, read_point_field(series[-1], "u")[1])
    for xdmf in out.glob("displacement*.xdmf"):
        assert_series_readable(xdmf) >= 1


@pytest.mark.parametrize("kind,seed", [("step", 7), ("file", 8)])
def test_electromechanics_killed_and_restarted_equals_uninterrupted(kind, seed, tmp_path):
    """The CI-sized coupled beat (prescribed calcium, six 2 ms steps), a checkpoint after each step: killed
    after a step or while a checkpoint is being written, the restart writes the same pv.csv and
    convergence.csv bytes and the same final displacement."""
    from tests.electromechanics.test_beat import beat_config

    cfg = beat_config(tmp_path, **{"time.end": "12 ms", "checkpoint": {"interval": "2 ms", "keep": 3}})
    plain, out = tmp_path / "plain", tmp_path / "killed"
    assert main(["-q", "run", str(cfg), "--out", str(plain)]) == 0
    k = kill_point(seed, kind, steps=6, checkpoints=6)
    killed_run(cfg, out, kind, k)
    assert not (out / "summary.json").exists()
    assert main(["-q", "run", str(cfg), "--restart", str(out)]) == 0
    whole, again = (json.loads((p / "summary.json").read_text()) for p in (plain, out))
    assert again["status"] == "completed" and again["restarts"] == 1 and again["steps"] == whole["steps"] == 6
    for table in ("pv.csv", "convergence.csv"):
        assert rows_without_wall_times(out / table) == rows_without_wall_times(plain / table), table
    ref = read_point_field(plain / "displacement.h5", "u")[1]
    assert np.array_equal(ref, read_point_field(out / "displacement.restart1.h5", "u")[1])
    for xdmf in out.glob("displacement*.xdmf"):
        assert_series_readable(xdmf) >= 1
