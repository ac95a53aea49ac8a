"""Checkpoint and restart of the whole coupled state (EP off: prescribed calcium; tension, mechanics,
0D loop, tables): a run stopped by a signal after a few coupled steps and continued equals the
uninterrupted run, pv.csv row for row and the final displacement."""

import csv
import json
import logging

import numpy as np
import pytest
from mpi4py import MPI

from heartsim.config.loader import load_config
from heartsim.runtime.signals import StopAfter
from heartsim.simulation.electromechanics_run import run_electromechanics
from heartsim.simulation.run_folder import Checkpointed

from tests.electromechanics.test_beat import beat_config

LOG = logging.getLogger("test")


def _rows(path):
    return list(csv.reader(open(path)))


def _final_u(out, name):
    import h5py

    with h5py.File(out / f"{name}.h5") as f:
        group = f["Function"]["u"]
        return np.asarray(group[sorted(group, key=float)[-1]])


def test_stopped_and_restarted_equals_uninterrupted(tmp_path):
    cfg = load_config(beat_config(tmp_path, **{"time.end": "8 ms"}))
    whole = run_electromechanics(cfg, tmp_path / "whole", MPI.COMM_SELF, LOG)
    out = tmp_path / "split"
    with pytest.raises(Checkpointed):
        run_electromechanics(cfg, out, MPI.COMM_SELF, LOG, stop=StopAfter(2))
    status = json.loads((out / "status.json").read_text())
    assert status["state"] == "checkpointed" and status["step"] == 2
    again = run_electromechanics(cfg, out, MPI.COMM_SELF, LOG, restart=True)
    assert again["restarts"] == 1 and again["steps"] == whole["steps"] == 4
    assert _rows(out / "pv.csv") == _rows(tmp_path / "whole" / "pv.csv")
    assert _rows(out / "convergence.csv") == _rows(tmp_path / "whole" / "convergence.csv")
    assert again["newton_iterations"] == whole["newton_iterations"]
    assert "displacement.restart1.xdmf" in again["outputs"] and "displacement.xdmf" in again["outputs"]
    assert np.array_equal(_final_u(out, "displacement.restart1"), _final_u(tmp_path / "whole", "displacement"))
