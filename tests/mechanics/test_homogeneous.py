"""Homogeneous uniaxial stretch of a cube: the computed Cauchy stress equals the closed form.

Cube [0,1]^3 on symmetry planes, u_x = lambda - 1 on x = 1, lateral faces free, fibers along x and
sheets along y. Incompressible: lateral stretches 1/sqrt(lambda) (the laws below are symmetric in
y, z for this load), sigma_yy = sigma_zz = 0 fixes p. The deformation is linear, so P2 reproduces it
exactly and the stress agrees to solver precision.
"""

import math

import numpy as np
import pytest
from mpi4py import MPI
from scipy.optimize import brentq

from mech_helpers import cell_values, solve, uniaxial, unit_cube

STRETCH = 1.1


def guccione_sigma_xx(l1, C=2.0, bf=8.0, bt=2.0):
    l2 = 1 / math.sqrt(l1)
    e1, e2 = (l1 ** 2 - 1) / 2, (l2 ** 2 - 1) / 2
    Q = bf * e1 ** 2 + bt * 2 * e2 ** 2
    S1, S2 = C * math.exp(Q) * bf * e1, C * math.exp(Q) * bt * e2
    return l1 ** 2 * S1 - l2 ** 2 * S2


def holzapfel_ogden_sigma_xx(l1, a=0.059, b=8.023, af=18.472, bf=16.026):
    l2 = 1 / math.sqrt(l1)  # sheet (y) compressed: the tension-only sheet term is off
    I1, I4f = l1 ** 2 + 2 * l2 ** 2, l1 ** 2
    psi1 = a / 2 * math.exp(b * (I1 - 3))
    psi4f = af * (I4f - 1) * math.exp(bf * (I4f - 1) ** 2)
    return (2 * psi1 + 2 * psi4f) * l1 ** 2 - 2 * psi1 * l2 ** 2


def neo_hookean_sigma_xx(l1, mu=10.0):
    return mu * (l1 ** 2 - 1 / l1)


def nearly_incompressible_neo_hookean(l1, mu=10.0, kappa=1000.0):
    """F = diag(l1, t, t): sigma = mu/J dev(Bbar) + kappa/2 (J - 1/J) I; t from sigma_yy = 0."""
    def sigma(t):
        J = l1 * t * t
        b = np.array([l1 ** 2, t ** 2, t ** 2]) * J ** (-2 / 3)
        return mu / J * (b - b.sum() / 3) + kappa / 2 * (J - 1 / J)
    t = brentq(lambda t: sigma(t)[1], 0.5, 1.2)
    return sigma(t)[0], l1 * t * t


CASES = {
    "guccione": ({"material": {"model": "guccione"}}, guccione_sigma_xx),
    "holzapfel_ogden": ({"material": {"model": "holzapfel_ogden"}}, holzapfel_ogden_sigma_xx),
    "neo_hookean": ({"material": {"model": "neo_hookean"}}, neo_hookean_sigma_xx),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_incompressible_uniaxial_stress_matches_closed_form(name):
    mech, closed = CASES[name]
    problem = solve(unit_cube(MPI.COMM_SELF), {**mech, "formulation": {"kind": "incompressible"}}, uniaxial(STRETCH))
    sigma = cell_values(problem, problem.cauchy(), (3, 3))
    expected = closed(STRETCH)
    assert np.allclose(sigma[:, 0, 0], expected, rtol=1e-8, atol=1e-10), (sigma[:, 0, 0], expected)
    off = sigma.copy()
    off[:, 0, 0] = 0
    assert np.max(np.abs(off)) < 1e-8 * max(1.0, abs(expected))
    J = cell_values(problem, problem.J)
    assert np.max(np.abs(J - 1)) < 1e-10  # homogeneous: J = 1 exactly, not only weakly
    problem.destroy()


def test_nearly_incompressible_neo_hookean_matches_closed_form():
    mech = {"material": {"model": "neo_hookean"},
            "formulation": {"kind": "nearly_incompressible", "degree": 1, "kappa": 1000.0}}
    problem = solve(unit_cube(MPI.COMM_SELF), mech, uniaxial(STRETCH))
    sigma = cell_values(problem, problem.cauchy(), (3, 3))
    expected, J_expected = nearly_incompressible_neo_hookean(STRETCH)
    assert np.allclose(sigma[:, 0, 0], expected, rtol=1e-8), (sigma[:, 0, 0], expected)
    assert np.max(np.abs(sigma[:, 1, 1])) < 1e-6 * abs(expected)
    assert np.allclose(cell_values(problem, problem.J), J_expected, rtol=1e-10)
    problem.destroy()


def test_isochoric_incompressible_form_gives_the_same_homogeneous_stress():
    mech = {"material": {"model": "guccione"}, "formulation": {"kind": "incompressible", "isochoric": True}}
    problem = solve(unit_cube(MPI.COMM_SELF), mech, uniaxial(STRETCH))
    sigma = cell_values(problem, problem.cauchy(), (3, 3))
    assert np.allclose(sigma[:, 0, 0], guccione_sigma_xx(STRETCH), rtol=1e-8)
    assert np.max(np.abs(sigma[:, 1, 1])) < 1e-8
    problem.destroy()
