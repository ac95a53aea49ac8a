"""Rigid rotation: a cube whose face x = 0 is turned rigidly by 30 degrees about z (other faces free)
ends in the rotated, unstressed state: zero Cauchy stress and J = 1, for each formulation."""

import math

import numpy as np
import pytest
from mpi4py import MPI

from heartsim.mechanics.problem import Prescribed
from mech_helpers import cell_values, solve, unit_cube

ANGLE = math.radians(30)
R = np.array([[math.cos(ANGLE), -math.sin(ANGLE), 0], [math.sin(ANGLE), math.cos(ANGLE), 0], [0, 0, 1]])


def rotation(x):
    return (R - np.eye(3)) @ x


@pytest.mark.parametrize("kind,degree", [("incompressible", 2), ("nearly_incompressible", 1)])
def test_rigid_rotation_is_stress_free(kind, degree):
    mech = {"material": {"model": "guccione"}, "formulation": {"kind": kind, "degree": degree}}
    problem = solve(unit_cube(MPI.COMM_SELF), mech, (Prescribed(("x0",), rotation),), steps=3)
    sigma = cell_values(problem, problem.cauchy(), (3, 3))
    assert np.max(np.abs(sigma)) < 1e-6, np.max(np.abs(sigma))  # kPa (kappa = 1000 kPa, mu ~ 1 kPa)
    assert np.max(np.abs(cell_values(problem, problem.J) - 1)) < 1e-10
    u = problem.displacement()
    x = u.function_space.tabulate_dof_coordinates()
    expected = (x @ (R - np.eye(3)).T).ravel()
    assert np.allclose(u.x.array, expected, atol=1e-7)
    problem.destroy()
