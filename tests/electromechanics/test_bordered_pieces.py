"""Pieces of the bordered Newton (heartsim/electromechanics/bordered.py) against the plain routines:

* the residual without the Dirichlet lifting (used when the iterate meets the Dirichlet values exactly) equals
  the lifted Newton residual of ``fem.assemble_residual_into``; with the constrained dofs moved off their
  values the lifted residual is used (and differs);
* the one multi-right-hand-side solve K X = [-R, G] gives what two separate solves with the same factors give.
"""

from pathlib import Path

import numpy as np
from mpi4py import MPI

from heartsim import fem
from heartsim.config.mechanics import DEFAULT_MECHANICS_PETSC, MechanicsConfig
from heartsim.config.model import MeshConfig
from heartsim.electromechanics.bordered import BorderedNewton
from heartsim.mechanics.fiber_basis import constant_basis
from heartsim.mechanics.problem import Loads, MechanicsProblem
from heartsim.mesh import build_mesh

REPO = Path(__file__).resolve().parents[2]


def _problem(comm):
    tagged = build_mesh(MeshConfig(file=REPO / "meshes" / "lv_ellipsoid_human.xdmf"), comm)
    cfg = MechanicsConfig.model_validate({
        "material": {"model": "neo_hookean", "neo_hookean": {"mu": 10.0}},
        "formulation": {"kind": "nearly_incompressible", "degree": 1, "kappa": 20.0, "quadrature_degree": 2},
        "active": {"source": "constant", "value": 1.0, "along": "deformed_fibre"},
        "boundary": {"base": ["base"], "base_condition": "fixed", "cavities": {"LV": ["endo"]}}})
    return MechanicsProblem(tagged, cfg, constant_basis((0, 1, 0), (1, 0, 0)), DEFAULT_MECHANICS_PETSC)


def test_residual_without_lifting_and_multi_rhs_solve():
    comm = MPI.COMM_WORLD
    problem = _problem(comm)
    problem.set_loads(Loads(active=2.0))
    problem.set_cavity_pressures({"LV": 0.5})
    assert problem.solve().converged
    problem.set_cavity_pressures({"LV": 1.0})  # a real Newton right-hand side: off equilibrium
    newton = BorderedNewton(problem, ["LV"])
    x = fem.petsc_vec(problem.w)
    lifted = newton.b.duplicate()

    assert newton._meets_bcs(x)
    norm = newton._residual()
    fem.assemble_residual_into(lifted, newton.L, newton.a, newton.bcs, x)
    assert norm > 1e-6
    assert np.array_equal(newton.b.array_r, lifted.array_r)

    # constrained dofs off their (zero) values: the lifting is not zero, the lifted residual is used
    dofs = np.concatenate([bc.dof_indices()[0] for bc in newton.bcs])
    problem.w.x.array[dofs] += 1e-3
    problem.w.x.scatter_forward()
    assert not newton._meets_bcs(x)
    newton._residual()
    fem.assemble_residual_into(lifted, newton.L, newton.a, newton.bcs, x)
    assert np.array_equal(newton.b.array_r, lifted.array_r)
    problem.w.x.array[dofs] -= 1e-3
    problem.w.x.scatter_forward()

    # K [x_R, X_G] = [-R, G] in one solve against two solves with the same factors
    newton._residual()
    newton._jacobian()
    newton._borders()
    du, dp = newton._update(np.zeros(1), np.zeros((1, 1)))
    xr, xg = newton.xR.duplicate(), newton.XG[0].duplicate()
    minus_r = newton.b.copy()
    minus_r.scale(-1.0)
    newton.ksp.solve(minus_r, xr)
    newton.ksp.solve(newton.G[0], xg)
    xr.axpy(-float(dp[0]), xg)  # du = x_R - X_G dp
    xr.axpy(-1.0, du)
    assert xr.norm() <= 1e-10 * du.norm()
    newton.destroy()
    problem.destroy()
