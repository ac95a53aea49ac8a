"""A run stopped by a signal continues from its checkpoint to the same result; 2 ranks give 1 rank's result."""

import csv
import json
import logging

import pytest
from mpi4py import MPI

from heartsim.config.loader import validate_data
from heartsim.simulation.circulation_run import run_circulation

CASE = {"name": "cl", "physics": {"circulation": {"model": "closed_loop"}}, "time": {"dt": "4 ms", "end": "2.5 s"},
        "output": {"interval": "20 ms"}}
LOG = logging.getLogger("test")


class StopAfter:
    """A StopRequest stand-in whose signal arrives after ``n`` looks."""

    def __init__(self, n):
        self.n = n

    @property
    def signum(self):
        self.n -= 1
        return 15 if self.n < 0 else 0


def _rows(path):
    with open(path) as f:
        return list(csv.reader(f))


def test_signal_checkpoint_and_restart_give_the_uninterrupted_result(tmp_path):
    from heartsim.simulation.run_folder import Checkpointed

    cfg = validate_data(CASE, None)
    whole = run_circulation(cfg, tmp_path / "whole", MPI.COMM_SELF, LOG)
    out = tmp_path / "split"
    with pytest.raises(Checkpointed):
        run_circulation(cfg, out, MPI.COMM_SELF, LOG, stop=StopAfter(300))
    assert json.loads((out / "status.json").read_text())["state"] == "checkpointed"
    again = run_circulation(cfg, out, MPI.COMM_SELF, LOG, restart=True)
    assert again["last_cycle"] == whole["last_cycle"] and again["cycles"] == whole["cycles"] == 3  # 2.5 s of 0.8 s beats
    assert _rows(out / "circulation.csv") == _rows(tmp_path / "whole" / "circulation.csv")


@pytest.mark.mpi
def test_two_ranks_give_the_one_rank_summary(tmp_path):
    """Only rank 0 writes, so each rank may name its own folder (no collective needed to agree on one)."""
    comm = MPI.COMM_WORLD
    cfg = validate_data(CASE, None)
    both = run_circulation(cfg, tmp_path / "np2", comm, LOG)
    assert (tmp_path / "np2" / "summary.json").is_file() == (comm.rank == 0)
    single = run_circulation(cfg, tmp_path / "np1", MPI.COMM_SELF, LOG)
    assert both["last_cycle"] == single["last_cycle"]
    assert both["headline"].split(";")[0] == single["headline"].split(";")[0]


def test_killed_inside_a_checkpoint_write_restarts_to_the_uninterrupted_result(tmp_path, write_config):
    """kill -9 (tests/killing.py) while an interval checkpoint is being written: the previous one is
    used and the continued run's tables equal the uninterrupted run's."""
    from heartsim.cli.main import main
    from killing import kill_point, killed_run

    config = write_config({**CASE, "time": {"dt": "4 ms", "end": "1.2 s"}, "checkpoint": {"interval": "200 ms"}})
    plain, out = tmp_path / "plain", tmp_path / "killed"
    assert main(["-q", "run", str(config), "--out", str(plain)]) == 0
    k = kill_point(6, "file", steps=300, checkpoints=5)
    killed_run(config, out, "file", k)
    assert json.loads((out / "checkpoint/latest.json").read_text())["step"] == 50 * (k - 1)
    assert main(["-q", "run", str(config), "--restart", str(out)]) == 0
    for table in ("circulation.csv", "cycles.csv"):
        assert _rows(out / table) == _rows(plain / table), table
