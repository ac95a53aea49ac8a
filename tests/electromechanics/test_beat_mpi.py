"""1 rank vs 2 ranks: the same coupled window (prescribed calcium, 3 steps of 2 ms on the coarse ellipsoid)
gives the same cavity pressures and volumes to solver tolerance."""

import csv
import logging
from pathlib import Path

import pytest
from mpi4py import MPI

from heartsim.config.loader import load_config
from heartsim.simulation.electromechanics_run import run_electromechanics
from test_beat import beat_config


def pv_rows_on_one_and_two_ranks(make_config, tmp_path_factory, **changes):
    """(pv.csv rows of the run on 1 rank, on 2 ranks) of the config ``make_config(folder, **changes)``."""
    comm = MPI.COMM_WORLD
    base = tmp_path_factory.mktemp("mpi") if comm.rank == 0 else None
    base = Path(comm.bcast(str(base) if base else None, root=0))
    cfg_path = make_config(base, **changes) if comm.rank == 0 else None
    cfg = load_config(comm.bcast(cfg_path, root=0))
    log = logging.getLogger("test")
    run_electromechanics(cfg, base / "two", comm, log)
    serial = base / f"one{comm.rank}"
    run_electromechanics(cfg, serial, MPI.COMM_SELF, log)
    return list(csv.DictReader(open(serial / "pv.csv"))), list(csv.DictReader(open(base / "two" / "pv.csv")))


@pytest.mark.mpi
def test_two_ranks_equal_one(tmp_path_factory):
    one, two = pv_rows_on_one_and_two_ranks(beat_config, tmp_path_factory, **{"time.end": "6 ms"})
    assert len(one) == len(two) == 4
    for a, b in zip(one, two):
        assert abs(float(a["p_LV_mmHg"]) - float(b["p_LV_mmHg"])) < 1e-3
        assert abs(float(a["V_LV_mL"]) - float(b["V_LV_mL"])) < 1e-4
