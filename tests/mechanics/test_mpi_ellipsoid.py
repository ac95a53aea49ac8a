"""MPI: Land et al. 2015 problem 2 (passive inflation of the truncated ellipsoid to 10 kPa, Guccione
C = 10 kPa, b_f = b_t = b_fs = 1, incompressible P2-P1, base fixed) on a coarse mesh gives the same
apex positions and cavity volume on 2 ranks as on 1 (positions to 1e-6 mm)."""

import numpy as np
import pytest
from mpi4py import MPI

from ellipsoid_mesh import land_ellipsoid
from heartsim.verification.land2015 import run_problem

pytestmark = pytest.mark.mpi


def test_problem2_apex_same_on_two_ranks():
    world = MPI.COMM_WORLD
    assert world.size == 2
    two = run_problem(2, land_ellipsoid(world, size=5.0)).values
    one = run_problem(2, land_ellipsoid(MPI.COMM_SELF, size=5.0)).values
    assert one["z_apex_endo"] < -20  # the apex moved down by several mm
    for key in ("z_apex_endo", "z_apex_epi"):
        assert abs(one[key] - two[key]) < 1e-6, (key, one[key], two[key])
    assert abs(one["volume"] - two["volume"]) < 1e-6 * one["volume"]
