"""Inflation of a thick incompressible neo-Hookean sphere (inner radius A = 5, outer B = 10 mm,
mu = 10 kPa) by a follower pressure P on the inner surface, against the exact solution.

Radial deformation r(R) with r³ - a³ = R³ - A³ (incompressible), hoop stretch lambda = r/R, and
sigma_tt - sigma_rr = mu (lambda² - lambda⁻⁴); radial equilibrium gives
    P = 2 mu ∫_a^b (lambda² - lambda⁻⁴) dr / r,
solved for the deformed inner radius a. The octant x, y, z >= 0 is meshed (flat-faceted tetrahedra,
symmetry planes sliding); the FE inner radius approaches the exact one as the mesh is refined.
"""

import numpy as np
from mpi4py import MPI
from scipy.integrate import quad
from scipy.optimize import brentq

from ellipsoid_mesh import shell_octant
from heartsim import fem
from heartsim.config.mechanics import DEFAULT_MECHANICS_PETSC, MechanicsConfig
from heartsim.mechanics.problem import Loads, MechanicsProblem
from mech_helpers import AXES, uniaxial

A, B, MU, P = 5.0, 10.0, 10.0, 5.0


def exact_inner_radius(pressure=P):
    def p_of(a):
        b = (B ** 3 - A ** 3 + a ** 3) ** (1 / 3)
        lam = lambda r: r / (r ** 3 - a ** 3 + A ** 3) ** (1 / 3)  # noqa: E731
        return 2 * MU * quad(lambda r: (lam(r) ** 2 - lam(r) ** -4) / r, a, b)[0]
    return brentq(lambda a: p_of(a) - pressure, A, 3 * A)


def fe_inner_radius(size):
    tagged = shell_octant(MPI.COMM_SELF, size)
    cfg = MechanicsConfig.model_validate({"material": {"model": "neo_hookean", "neo_hookean": {"mu": MU}},
                                          "boundary": {"base_condition": "free",
                                                       "pressure": [{"tags": ["inner"], "value": P, "cavity": False}]}})
    symmetry = uniaxial(1.0)[:3]  # u_x = 0 on x0, u_y = 0 on y0, u_z = 0 on z0
    problem = MechanicsProblem(tagged, cfg, AXES, DEFAULT_MECHANICS_PETSC, symmetry)
    for k in (1, 2, 3, 4):
        problem.set_loads(Loads([P * k / 4]))
        assert problem.solve().converged
    u = fem.evaluate(problem.displacement(), np.array([[A, 0, 0], [0, A, 0], [0, 0, A]]))
    problem.destroy()
    return A + np.array([u[0, 0], u[1, 1], u[2, 2]])


def test_thick_sphere_inflation_converges_to_exact_radius():
    a = exact_inner_radius()
    assert 5.5 < a < 8  # a large deformation
    coarse, fine = fe_inner_radius(3.0), fe_inner_radius(1.5)
    err_coarse, err_fine = np.max(np.abs(coarse - a)), np.max(np.abs(fine - a))
    assert err_fine < 0.04 * (a - A), (a, coarse, fine)  # 2.9 % at h = 1.5 mm (flat facets)
    assert err_fine < err_coarse
