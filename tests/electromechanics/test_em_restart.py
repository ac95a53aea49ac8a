"""Checkpoint and restart of the whole coupled state (EP with its ionic states, or a prescribed calcium;
Land states at the quadrature points, mechanics, the 0D loop, the tables): a run stopped by a signal
after a few coupled steps and continued equals the uninterrupted run, pv.csv and convergence.csv row
for row and the final displacement bit for bit; a checkpoint of one rank continues on two."""

import csv
import json
import logging
from pathlib import Path

import numpy as np
import pytest
from mpi4py import MPI

from conftest import read_point_field

from heartsim.config.loader import load_config
from heartsim.runtime.signals import StopAfter
from heartsim.simulation.electromechanics_run import run_electromechanics
from heartsim.simulation.run_folder import Checkpointed
from tests.electromechanics.tables import rows_without_wall_times

from tests.electromechanics.test_beat import beat_config

LOG = logging.getLogger("test")


def _rows(path):
    return rows_without_wall_times(path)


@pytest.mark.parametrize("transient", [True, False], ids=["prescribed-calcium", "ep"])
def test_stopped_and_restarted_equals_uninterrupted(tmp_path, transient):
    cfg = load_config(beat_config(tmp_path, transient, **{"time.end": "8 ms"}))
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
    assert np.array_equal(read_point_field(out / "displacement.restart1.h5", "u")[1],
                          read_point_field(tmp_path / "whole" / "displacement.h5", "u")[1])
    if not transient:
        assert "v.restart1.xdmf" in again["outputs"] and again["time_s"]["ep"] > 0


@pytest.mark.mpi
def test_checkpoint_of_one_rank_continues_on_two(tmp_path_factory):
    comm = MPI.COMM_WORLD
    base = Path(comm.bcast(str(tmp_path_factory.getbasetemp()) if comm.rank == 0 else None, root=0))
    cfg = load_config(beat_config(base, **{"time.end": "8 ms"})) if comm.rank == 0 else None
    whole = None
    if comm.rank == 0:
        whole = run_electromechanics(cfg, base / "whole", MPI.COMM_SELF, LOG)
        with pytest.raises(Checkpointed):
            run_electromechanics(cfg, base / "split", MPI.COMM_SELF, LOG, stop=StopAfter(2))
    comm.barrier()
    cfg = load_config(base / "beat.yaml")
    whole = comm.bcast(whole, root=0)
    again = run_electromechanics(cfg, base / "split", comm, LOG, restart=True)
    assert again["restarts"] == 1 and again["ranks"] == 2 and again["steps"] == whole["steps"]
    if comm.rank == 0:
        ref, got = (list(csv.DictReader(open(p / "pv.csv"))) for p in (base / "whole", base / "split"))
        assert len(ref) == len(got)
        for a, b in zip(ref, got):
            assert a["phase"] == b["phase"]
            for key in ("V_LV_mL", "p_LV_mmHg", "Ta_max_kPa"):
                assert abs(float(a[key]) - float(b[key])) <= 1e-6 * max(1.0, abs(float(a[key]))), (key, a, b)
