"""Shared meshes of the fiber tests (generated once per session, on one rank)."""

import pytest
from mpi4py import MPI

from heartsim.geometry.cardiac import tagged_mesh


@pytest.fixture(scope="session")
def land_lv():
    return tagged_mesh("land-ellipsoid", MPI.COMM_SELF, size=1.5)


@pytest.fixture(scope="session")
def biv():
    return tagged_mesh("biv-ellipsoid", MPI.COMM_SELF, size=2.5)
