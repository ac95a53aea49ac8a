"""Options of a KSP made by ``fem.ksp`` reach the parts PETSc configures only at preconditioner set-up
(sub-solvers of ASM, GAMG smoothers), and leave the database when the solver is destroyed."""

import pytest
import ufl
from mpi4py import MPI
from petsc4py import PETSc

from heartsim import fem


@pytest.fixture
def matrix():
    mesh = fem.create_box(MPI.COMM_WORLD, (0, 0, 0), (1, 1, 1), (4, 4, 4))
    V = fem.lagrange_space(mesh, 1)
    u, v = ufl.TrialFunction(V), ufl.TestFunction(V)
    A = fem.assemble_matrix(fem.compile_form((u * v + ufl.inner(ufl.grad(u), ufl.grad(v))) * ufl.dx))
    yield A
    A.destroy()


def _solve(solver, A):
    b, x = A.createVecRight(), A.createVecRight()
    b.set(1.0)
    solver.solve(b, x)
    assert solver.getConvergedReason() > 0
    b.destroy()
    x.destroy()


def test_set_up_time_options_take_effect_and_are_removed(matrix):
    asm = fem.ksp(MPI.COMM_WORLD, matrix, {"ksp_type": "cg", "pc_type": "asm", "sub_pc_type": "jacobi"}, "t")
    _solve(asm, matrix)
    assert asm.getPC().getASMSubKSP()[0].getPC().getType() == "jacobi"  # the default would be ilu
    gamg = fem.ksp(MPI.COMM_WORLD, matrix, {"ksp_type": "cg", "pc_type": "gamg",
                                            "mg_levels_ksp_type": "richardson"}, "t")
    _solve(gamg, matrix)
    pc = gamg.getPC()
    assert pc.getMGLevels() > 1 and pc.getMGSmoother(1).getType() == "richardson"  # default chebyshev
    prefixes = [asm.getOptionsPrefix(), gamg.getOptionsPrefix()]
    assert prefixes[0] != prefixes[1]
    for solver in (asm, gamg):
        fem.destroy_solver(solver)
    left = [k for k in PETSc.Options().getAll() if any(k.startswith(p) for p in prefixes)]
    assert left == []
