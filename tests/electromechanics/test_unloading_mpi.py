"""The unloaded reference on 2 ranks equals the one of 1 rank: same iterations, mismatches and volumes to
solver tolerance (the fixed point's dot products and maxima are global; ghost nodes move with their owners)."""

import logging
from pathlib import Path

import pytest
from mpi4py import MPI

from heartsim.config.loader import load_config
from heartsim.simulation.electromechanics_run import run_electromechanics
from test_beat import beat_config
from test_unloading import UNLOAD


@pytest.mark.mpi
def test_unloading_on_two_ranks_equals_one(tmp_path_factory):
    comm = MPI.COMM_WORLD
    base = comm.bcast(str(tmp_path_factory.mktemp("unl")) if comm.rank == 0 else None, root=0)
    base = Path(base)
    path = beat_config(base, **{"time.end": "2 ms", "physics.electromechanics.preload": UNLOAD}) if comm.rank == 0 else None
    cfg = load_config(comm.bcast(path, root=0))
    log = logging.getLogger("test")
    two = run_electromechanics(cfg, base / "two", comm, log)
    if comm.rank == 0:
        one = run_electromechanics(cfg, base / "one", MPI.COMM_SELF, log)
        a, b = one["unloading"], two["unloading"]
        assert a["iterations"] == b["iterations"], (a, b)
        assert all(abs(x - y) < 1e-4 for x, y in zip(a["mismatch_mm"], b["mismatch_mm"])), (a, b)
        for key in ("unloaded_volume_mL", "loaded_volume_mL", "max_shift_mm"):
            assert abs(a[key] - b[key]) < 1e-4, (key, a, b)
        assert abs(one["preload_volume_mL"] - two["preload_volume_mL"]) < 1e-4
    comm.Barrier()
