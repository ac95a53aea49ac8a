"""The diffusion (PDE) half of the monodomain splitting, by the theta-scheme.

    c dv/dt = div(sigma grad v)  in Omega,  sigma grad v . n = 0 on the boundary,  c = chi C_m

P1 Galerkin with mass matrix M and stiffness matrix K gives, for one step of dt,

    (c M + theta dt K) v^{n+1} = (c M - (1 - theta) dt K) v^n

theta = 1 is backward Euler (first order), theta = 1/2 Crank-Nicolson (second order). With
``lumped`` the mass matrix is replaced by its row sums (diagonal). Both matrices are assembled once
and reused while dt is constant; the solve goes through a PETSc KSP whose options are passed through.
"""

from __future__ import annotations

from typing import Mapping

import ufl
from petsc4py import PETSc

from heartsim import fem
from heartsim.failures import ksp_reason

def mass_and_stiffness(space, sigma: ufl.core.expr.Expr) -> tuple[PETSc.Mat, PETSc.Mat]:
    """Assembled P1 mass matrix M_ij = (w_j, w_i) and stiffness K_ij = (sigma grad w_j, grad w_i)."""
    u, w = ufl.TrialFunction(space), ufl.TestFunction(space)
    return (fem.assemble_matrix(u * w * ufl.dx),
            fem.assemble_matrix(ufl.inner(sigma * ufl.grad(u), ufl.grad(w)) * ufl.dx))


class DiffusionStep:
    """Advance a P1 Function ``v`` by one theta-step of the diffusion equation, in place."""

    def __init__(self, space, sigma: ufl.core.expr.Expr, c: float, dt: float, theta: float,
                 lumped: bool, petsc_options: Mapping[str, object]):
        mass, stiffness = mass_and_stiffness(space, sigma)
        self.dt, self.theta = dt, theta
        self.A = self._combine(mass, stiffness, c, theta * dt, lumped)
        self.B = self._combine(mass, stiffness, c, -(1.0 - theta) * dt, lumped)
        comm = space.mesh.comm
        self.ksp = fem.ksp(comm, self.A, petsc_options, "ep")
        self.ksp.setInitialGuessNonzero(True)
        self._rhs = self.A.createVecRight()
        self.iterations = 0
        self.solves = 0
        mass.destroy()
        stiffness.destroy()

    @staticmethod
    def _combine(mass: PETSc.Mat, stiffness: PETSc.Mat, c: float, k: float, lumped: bool) -> PETSc.Mat:
        """c M + k K, with M lumped to its row sums when asked."""
        out = stiffness.copy()
        out.scale(k)
        if lumped:
            diagonal = mass.getRowSum()
            diagonal.scale(c)
            out.setDiagonal(diagonal, addv=PETSc.InsertMode.ADD_VALUES)
            diagonal.destroy()
        else:
            out.axpy(c, mass, structure=PETSc.Mat.Structure.SAME_NONZERO_PATTERN)
        return out

    def step(self, v) -> None:
        """Replace ``v`` (a Function on the space) by its value one step later."""
        x = fem.petsc_vec(v)
        self.B.mult(x, self._rhs)
        self.ksp.solve(self._rhs, x)
        reason = self.ksp.getConvergedReason()
        if reason < 0:
            raise RuntimeError(f"diffusion solve diverged (KSP reason {ksp_reason(reason)}) after "
                               f"{self.ksp.getIterationNumber()} iterations")
        self.iterations += self.ksp.getIterationNumber()
        self.solves += 1
        v.x.scatter_forward()

    def destroy(self) -> None:
        for obj in (self.ksp, self.A, self.B, self._rhs):
            obj.destroy()
