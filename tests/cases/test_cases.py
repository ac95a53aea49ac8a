"""Every case under tests/cases/ runs and matches its stored reference fields and tables, on 1 rank and
(``-m mpi``) on 2 ranks. See tests/cases/cases.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from mpi4py import MPI

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cases import CASES, compare, run  # noqa: E402


@pytest.mark.parametrize("case", CASES)
def test_case_matches_reference(case, tmp_path):
    run(case, tmp_path / "out")
    assert compare(case, tmp_path / "out") == []


@pytest.mark.mpi
@pytest.mark.parametrize("case", CASES)
def test_case_matches_reference_on_two_ranks(case, tmp_path_factory):
    comm = MPI.COMM_WORLD
    out = Path(comm.bcast(str(tmp_path_factory.mktemp("case")) if comm.rank == 0 else None, root=0)) / "out"
    run(case, out)
    problems = compare(case, out) if comm.rank == 0 else []
    assert comm.bcast(problems, root=0) == []
