"""Diffusion part against a manufactured solution (heartsim.verification.ep_mms).

Theory: L2 error O(h^2) for P1; O(dt) for theta = 1 with Godunov splitting and O(dt^2) for
theta = 1/2 with Strang splitting. Measured rates must be within 0.2 of the theory.
"""

import pytest

from mpi4py import MPI

from heartsim.verification.ep_mms import mms_error, rates


def test_space_order_two():
    ns = [4, 8, 16]
    errors = [mms_error(n, dt=0.0025, end=0.05, theta=0.5, splitting="strang", comm=MPI.COMM_SELF) for n in ns]
    observed = rates([1 / n for n in ns], errors)
    assert all(abs(r - 2.0) <= 0.2 for r in observed), (errors, observed)


@pytest.mark.parametrize("theta,splitting,order,dts", [
    (1.0, "godunov", 1.0, [0.1, 0.05, 0.025]),
    (0.5, "strang", 2.0, [0.2, 0.1, 0.05]),
])
def test_time_order(theta, splitting, order, dts):
    errors = [mms_error(1000, dt=dt, end=1.0, theta=theta, splitting=splitting, mode="1d", comm=MPI.COMM_SELF)
              for dt in dts]
    observed = rates(dts, errors)
    assert all(abs(r - order) <= 0.2 for r in observed), (errors, observed)


def test_lumped_mass_keeps_space_order():
    ns = [4, 8, 16]
    errors = [mms_error(n, dt=0.0025, end=0.05, theta=0.5, splitting="strang", lumped=True, comm=MPI.COMM_SELF)
              for n in ns]
    observed = rates([1 / n for n in ns], errors)
    assert all(abs(r - 2.0) <= 0.2 for r in observed), (errors, observed)
