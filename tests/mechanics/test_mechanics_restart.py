"""Mechanics runs stop on a signal with a checkpoint and continue (``run --restart``) to the result of an
uninterrupted run: same load steps, same rows of loadsteps.csv, same final state; also on 2 ranks from
a checkpoint written on 1."""

import csv
import json
import logging

import pytest
from mpi4py import MPI

from heartsim.config.loader import validate_data
from heartsim.runtime.signals import StopAfter
from heartsim.simulation.mechanics_run import run_mechanics
from heartsim.simulation.run_folder import Checkpointed

LOG = logging.getLogger("test")
# the Land beam (problem 1), coarse: 60 P2-P1 tetrahedra, two reporting times, four load steps
CASE = {"name": "beam", "mesh": {"generate": "box", "size": [10, 1, 1], "resolution": 1.0},
        "physics": {"mechanics": {
            "material": {"model": "guccione", "guccione": {"C": "2 kPa", "b_f": 8, "b_t": 2, "b_fs": 4}},
            "formulation": {"kind": "incompressible", "degree": 2},
            "boundary": {"base": ["x0"], "base_condition": "fixed",
                         "pressure": [{"tags": ["z0"], "value": "0.004 kPa", "cavity": False}]},
            "loading": {"outputs": 2, "initial_step": 0.25},
            "fiber": [1, 0, 0], "sheet": [0, 1, 0], "probes": {"end": [10, 0.5, 1]}}},
        "output": {"formats": ["xdmf"]}}


def _rows(path):
    with open(path) as f:
        return list(csv.reader(f))


def test_stopped_and_restarted_run_equals_the_uninterrupted_one(tmp_path):
    cfg = validate_data(CASE, None)
    whole = run_mechanics(cfg, tmp_path / "whole", MPI.COMM_SELF, LOG)
    out = tmp_path / "split"
    with pytest.raises(Checkpointed):
        run_mechanics(cfg, out, MPI.COMM_SELF, LOG, stop=StopAfter(1))  # after the first of four load steps (between outputs)
    status = json.loads((out / "status.json").read_text())
    assert status["state"] == "checkpointed" and 0 < status["t_ms"] < 1
    again = run_mechanics(cfg, out, MPI.COMM_SELF, LOG, restart=True)
    assert again["restarts"] == 1 and again["final"] == whole["final"]
    assert again["load_steps"] == whole["load_steps"] and again["newton_iterations"] == whole["newton_iterations"]
    assert _rows(out / "loadsteps.csv") == _rows(tmp_path / "whole" / "loadsteps.csv")
    assert "displacement.restart1.xdmf" in again["outputs"] and "displacement.xdmf" in again["outputs"]


def test_restart_of_another_case_is_refused(tmp_path):
    cfg = validate_data(CASE, None)
    out = tmp_path / "split"
    with pytest.raises(Checkpointed):
        run_mechanics(cfg, out, MPI.COMM_SELF, LOG, stop=StopAfter(1))
    other = validate_data({**CASE, "mesh": {**CASE["mesh"], "resolution": 0.5}}, None)
    from heartsim.config.errors import ConfigError

    with pytest.raises(ConfigError, match="different case"):
        run_mechanics(other, out, MPI.COMM_SELF, LOG, restart=True)


@pytest.mark.mpi
def test_checkpoint_of_one_rank_continues_on_two(tmp_path_factory):
    comm = MPI.COMM_WORLD
    base = tmp_path_factory.getbasetemp() if comm.rank == 0 else None
    base = comm.bcast(str(base), root=0)
    from pathlib import Path

    base = Path(base)
    cfg = validate_data(CASE, None)
    if comm.rank == 0:
        whole = run_mechanics(cfg, base / "whole", MPI.COMM_SELF, LOG)
        with pytest.raises(Checkpointed):
            run_mechanics(cfg, base / "split", MPI.COMM_SELF, LOG, stop=StopAfter(2))
    whole = comm.bcast(whole if comm.rank == 0 else None, root=0)
    again = run_mechanics(cfg, base / "split", comm, LOG, restart=True)
    assert again["ranks"] == 2 and again["load_steps"] == whole["load_steps"]
    assert abs(again["final"]["end_z_mm"] - whole["final"]["end_z_mm"]) < 1e-8


def test_second_stop_before_any_new_row_keeps_the_table(tmp_path):
    """Stopped at a reporting time (t = 0.5), continued and stopped again before the next row
    (t = 0.75): the second checkpoint still records loadsteps.csv's length, so a third segment
    appends to it instead of starting the table afresh."""
    cfg = validate_data(CASE, None)
    run_mechanics(cfg, tmp_path / "whole", MPI.COMM_SELF, LOG)
    out = tmp_path / "split"
    with pytest.raises(Checkpointed):
        run_mechanics(cfg, out, MPI.COMM_SELF, LOG, stop=StopAfter(2))
    with pytest.raises(Checkpointed):
        run_mechanics(cfg, out, MPI.COMM_SELF, LOG, restart=True, stop=StopAfter(1))
    pointer = json.loads((out / "checkpoint" / "latest.json").read_text())
    assert pointer["tables"]["loadsteps.csv"] == (out / "loadsteps.csv").stat().st_size
    run_mechanics(cfg, out, MPI.COMM_SELF, LOG, restart=True)
    assert _rows(out / "loadsteps.csv") == _rows(tmp_path / "whole" / "loadsteps.csv")
