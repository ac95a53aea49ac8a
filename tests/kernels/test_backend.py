"""Device choice per rank: from the launcher's variables, else from MPI's shared-memory split."""

import pytest
from mpi4py import MPI

from heartsim.kernels.backend import LOCAL_RANK_VARIABLES, local_rank_source, select_backend


def _check_local_rank(monkeypatch):
    for var in LOCAL_RANK_VARIABLES:
        monkeypatch.delenv(var, raising=False)
    comm = MPI.COMM_WORLD
    # every rank of the test shares one node, so the node-local rank is the world rank
    expected = (comm.rank, "MPI shared-memory communicator") if comm.size > 1 else (0, "single process")
    assert local_rank_source(comm) == expected
    assert local_rank_source() == (0, "single process")
    monkeypatch.setenv("PMI_LOCAL_RANK", "5")
    assert local_rank_source(comm) == (5, "PMI_LOCAL_RANK")


def test_local_rank_without_launcher_variables(monkeypatch):
    _check_local_rank(monkeypatch)


@pytest.mark.mpi
def test_local_rank_from_mpi_on_two_ranks(monkeypatch):
    _check_local_rank(monkeypatch)


def test_backend_reason_names_the_local_rank_source(monkeypatch):
    for var in LOCAL_RANK_VARIABLES:
        monkeypatch.delenv(var, raising=False)
    backend = select_backend("auto", MPI.COMM_WORLD)
    if backend.name == "cupy":
        assert "local rank" in backend.reason and ("single process" in backend.reason
                                                   or "shared-memory" in backend.reason)
    else:
        assert backend.reason.startswith("no GPU: NumPy backend")
