"""1 rank vs 2 ranks on the biventricular case: the CI-sized BiV window (prescribed calcium, 2 steps of
2 ms, LV and RV both 3D cavities of the closed loop) gives the same pressures and volumes of both chambers
to solver tolerance."""

import csv
import logging
from pathlib import Path

import pytest
from mpi4py import MPI

from heartsim.config.loader import load_config
from heartsim.simulation.electromechanics_run import run_electromechanics
from test_biv import biv_config


@pytest.mark.mpi
def test_biv_two_ranks_equal_one(tmp_path_factory):
    comm = MPI.COMM_WORLD
    base = tmp_path_factory.mktemp("mpi") if comm.rank == 0 else None
    base = Path(comm.bcast(str(base) if base else None, root=0))
    cfg_path = biv_config(base, **{"time.end": "4 ms"}) if comm.rank == 0 else None
    cfg = load_config(comm.bcast(cfg_path, root=0))
    log = logging.getLogger("test")
    run_electromechanics(cfg, base / "two", comm, log)
    serial = base / f"one{comm.rank}"
    run_electromechanics(cfg, serial, MPI.COMM_SELF, log)
    two = list(csv.DictReader(open(base / "two" / "pv.csv")))
    one = list(csv.DictReader(open(serial / "pv.csv")))
    assert len(one) == len(two) == 3
    for a, b in zip(one, two):
        for c in ("LV", "RV"):
            assert abs(float(a[f"p_{c}_mmHg"]) - float(b[f"p_{c}_mmHg"])) < 1e-3
            assert abs(float(a[f"V_{c}_mL"]) - float(b[f"V_{c}_mL"])) < 1e-4
            assert abs(float(a[f"V_3D_{c}_mL"]) - float(b[f"V_3D_{c}_mL"])) < 1e-4
    assert float(one[-1]["p_LV_mmHg"]) > float(one[0]["p_LV_mmHg"]) + 0.2  # the window moves (contraction starts)
