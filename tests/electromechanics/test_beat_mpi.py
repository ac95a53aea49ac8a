"""1 rank vs 2 ranks: the same coupled window (prescribed calcium, 3 steps of 2 ms on the coarse ellipsoid)
gives the same cavity pressures and volumes to solver tolerance."""

import csv

import pytest
from mpi4py import MPI

from heartsim.config.loader import load_config
from heartsim.simulation.electromechanics_run import run_electromechanics
from test_beat import beat_config


@pytest.mark.mpi
def test_two_ranks_equal_one(tmp_path_factory):
    import logging

    comm = MPI.COMM_WORLD
    base = tmp_path_factory.mktemp("mpi") if comm.rank == 0 else None
    base = comm.bcast(str(base) if base else None, root=0)
    from pathlib import Path

    base = Path(base)
    cfg_path = beat_config(base, **{"time.end": "6 ms"}) if comm.rank == 0 else None
    cfg_path = comm.bcast(cfg_path, root=0)
    cfg = load_config(cfg_path)
    log = logging.getLogger("test")
    run_electromechanics(cfg, base / "two", comm, log)
    serial = base / f"one{comm.rank}"
    run_electromechanics(cfg, serial, MPI.COMM_SELF, log)
    two = list(csv.DictReader(open(base / "two" / "pv.csv")))
    one = list(csv.DictReader(open(serial / "pv.csv")))
    assert len(one) == len(two) == 4
    for a, b in zip(one, two):
        assert abs(float(a["p_LV_mmHg"]) - float(b["p_LV_mmHg"])) < 1e-3
        assert abs(float(a["V_LV_mL"]) - float(b["V_LV_mL"])) < 1e-4
