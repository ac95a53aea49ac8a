"""The mechanics Newton solve gives the same answer, to the solver tolerance, whichever linear solver it
uses: MUMPS LU (the reference, the default below ``AMG_FROM_DOFS``), GMRES preconditioned by a reused
LU factorisation (``reuse_preconditioner: true``), GMRES + GAMG with the rigid-body near-nullspace (the default above it). A small
nearly incompressible Holzapfel-Ogden block, base fixed, stretched at its far face and loaded by a
follower pressure on a side (a non-symmetric Jacobian), in two load steps."""

import numpy as np
import pytest
from mpi4py import MPI

from heartsim.config.mechanics import DEFAULT_MECHANICS_PETSC, MechanicsConfig
from heartsim.mechanics import solver as mech_solver
from heartsim.mechanics.problem import Loads, MechanicsProblem, Prescribed
from tests.mechanics.mech_helpers import AXES, unit_cube

MECH = {"material": {"model": "holzapfel_ogden"},
        "formulation": {"kind": "nearly_incompressible", "degree": 1, "kappa": 100.0, "quadrature_degree": 2},
        "boundary": {"base": ["x0"], "base_condition": "fixed", "pressure": [{"tags": ["y0"], "value": 0.01, "cavity": False}]}}


def _solve(linear: dict):
    tagged = unit_cube(MPI.COMM_WORLD, 4)
    cfg = MechanicsConfig.model_validate(MECH)
    pull = Prescribed(("x1",), lambda x: np.full((1, x.shape[1]), 0.05), 0)
    problem = MechanicsProblem(tagged, cfg, AXES, {**DEFAULT_MECHANICS_PETSC, **linear}, (pull,))
    for k in (1, 2):
        problem.set_loads(Loads(pressures=[0.01 * k / 2], fraction=k / 2))
        result = problem.solve()
        assert result.converged, result.detail
    u = problem.w.x.array[: problem.space.dofmap.index_map.size_local * 3].copy()
    solver = problem.solver
    info = (solver.linear_iterations, (solver.pc_setups, problem.newton_iterations),
            solver.snes.getKSP().getPC().getType(), solver.A.getNearNullSpace())
    problem.destroy()
    return u, info


def _relative(a, b):
    comm = MPI.COMM_WORLD
    return np.sqrt(comm.allreduce(float(np.sum((a - b) ** 2)), op=MPI.SUM)
                   / comm.allreduce(float(np.sum(b ** 2)), op=MPI.SUM))


def _check_iterative_paths_equal_lu():
    reference, (its, _, pc, _) = _solve({"ksp_type": "preonly", "pc_type": "lu"})
    assert pc == "lu"
    # GMRES on the current Jacobian, LU factors reused across Newton iterations
    reused, (its_r, setups, pc_r, _) = _solve({"reuse_preconditioner": True})
    # factors reused: fewer factorisations than Newton iterations, more Krylov iterations than LU's one each
    assert pc_r == "lu" and 2 <= setups[0] < setups[1] and its_r > its
    assert _relative(reused, reference) < 1e-8
    # modified Newton: the Jacobian and its factors kept while Newton converges fast
    modified, (_, setups_m, pc_m, _) = _solve({"reuse_jacobian": True})
    assert pc_m == "lu" and 2 <= setups_m[0] < setups_m[1]
    assert _relative(modified, reference) < 1e-8
    amg, (its_a, _, pc_a, nullspace) = _solve(dict(mech_solver.AMG))
    assert pc_a == "gamg" and nullspace is not None and its_a > 10
    assert _relative(amg, reference) < 1e-8


def test_iterative_paths_equal_lu():
    _check_iterative_paths_equal_lu()


@pytest.mark.mpi
def test_iterative_paths_equal_lu_mpi():
    _check_iterative_paths_equal_lu()


def test_default_linear_solver_by_size():
    assert mech_solver.linear_defaults(1000, False) == mech_solver.LU
    assert mech_solver.with_linear_defaults({"reuse_preconditioner": True}, 1000, False)["ksp_type"] == "gmres"
    assert mech_solver.linear_defaults(10 * mech_solver.AMG_FROM_DOFS, False)["pc_type"] == "gamg"
    assert mech_solver.linear_defaults(10 * mech_solver.AMG_FROM_DOFS, True)["pc_type"] == "lu"  # Taylor-Hood
    # an option naming the solver wins; a factorisation named alone gets MUMPS (parallel)
    assert mech_solver.with_linear_defaults({"pc_type": "lu"}, 10**7, False) == {"pc_type": "lu", "pc_factor_mat_solver_type": "mumps"}


def test_setup_time_options_reach_the_factorisation():
    """Options read only when the preconditioner is set up (MUMPS ICNTL) are still in the database then."""
    tagged = unit_cube(MPI.COMM_WORLD, 2)
    cfg = MechanicsConfig.model_validate(MECH)
    problem = MechanicsProblem(tagged, cfg, AXES, {**DEFAULT_MECHANICS_PETSC, "ksp_type": "preonly", "pc_type": "lu",
                                                   "mat_mumps_icntl_14": 77}, ())
    problem.set_loads(Loads(pressures=[0.005]))
    assert problem.solve().converged
    assert problem.solver.snes.getKSP().getPC().getFactorMatrix().getMumpsIcntl(14) == 77
    problem.destroy()
