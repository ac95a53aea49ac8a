"""The diffusion (PDE) half of the monodomain splitting, by the theta-scheme.

    c dv/dt = div(sigma grad v)  in Omega,  sigma grad v . n = 0 on the boundary,  c = chi C_m

P1 Galerkin with mass matrix M and stiffness matrix K gives, for one step of dt,

    (c M + theta dt K) v^{n+1} = (c M - (1 - theta) dt K) v^n

theta = 1 is backward Euler (first order), theta = 1/2 Crank-Nicolson (second order). With
``lumped`` the mass matrix is replaced by its row sums (diagonal). Both matrices are assembled once
and reused while dt is constant (so is the KSP's preconditioner set-up); the solve goes through a
PETSc KSP whose options are passed through.

Preconditioner: ``pc_type: sor`` (the default: symmetric SOR, per rank on several ranks) is
applied on one rank with Eisenstat's trick (``pc_type: eisenstat``: the same SSOR preconditioner,
omega 1, with the mat-vec folded into the triangular sweeps, about half the work per iteration;
PETSc has it for one-rank matrices only), unless ``pc_sor_*`` options ask for another SOR variant.

Initial guess: v plus the diffusion increment d = v_out - v_in linearly extrapolated from the
two previous solves, x0 = v + 2 d_{n-1} - d_{n-2} (the front moves a fraction of a cell per
step, so the increment changes smoothly). The stopping test is the KSP's own (by default
||r|| <= rtol ||b||, b the right-hand side), the same as with x0 = v: only the number of
iterations needed to meet it changes (Niederer, dx 0.5 mm, steps 100-300: 17.0 with x0 = v,
15.0 with x0 = v + d_{n-1}, 14.0 extrapolated).
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import ufl
from petsc4py import PETSc

from heartsim import fem
from heartsim.failures import ksp_reason

def mass_and_stiffness(space, sigma: ufl.core.expr.Expr) -> tuple[PETSc.Mat, PETSc.Mat]:
    """Assembled P1 mass matrix M_ij = (w_j, w_i) and stiffness K_ij = (sigma grad w_j, grad w_i)."""
    u, w = ufl.TrialFunction(space), ufl.TestFunction(space)
    return (fem.assemble_matrix(u * w * ufl.dx),
            fem.assemble_matrix(ufl.inner(sigma * ufl.grad(u), ufl.grad(w)) * ufl.dx))


def eisenstat_on_one_rank(petsc_options: Mapping[str, object], ranks: int) -> dict:
    """``pc_type: sor`` -> ``eisenstat`` on one rank without ``pc_sor_*`` options (module docstring)."""
    out = dict(petsc_options)
    if ranks == 1 and out.get("pc_type") == "sor" and not any(str(k).startswith("pc_sor_") for k in out):
        out["pc_type"] = "eisenstat"
    return out


class DiffusionStep:
    """Advance a P1 Function ``v`` by one theta-step of the diffusion equation, in place."""

    def __init__(self, space, sigma: ufl.core.expr.Expr, c: float, dt: float, theta: float,
                 lumped: bool, petsc_options: Mapping[str, object]):
        mass, stiffness = mass_and_stiffness(space, sigma)
        self.dt, self.theta = dt, theta
        self.A = self._combine(mass, stiffness, c, theta * dt, lumped)
        self.B = self._combine(mass, stiffness, c, -(1.0 - theta) * dt, lumped)
        comm = space.mesh.comm
        self.ksp = fem.ksp(comm, self.A, eisenstat_on_one_rank(petsc_options, comm.size), "ep")
        self.ksp.setInitialGuessNonzero(True)
        self._rhs = self.A.createVecRight()
        self._start = self.A.createVecRight()  # v before the solve
        self._increments = [self.A.createVecRight(), self.A.createVecRight()]  # d_{n-1}, d_{n-2}
        for d in self._increments:
            d.set(0.0)
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
        x.copy(self._start)
        last, before = self._increments
        x.maxpy([2.0, -1.0], [last, before])  # x0 = v + 2 d_{n-1} - d_{n-2}
        self.ksp.solve(self._rhs, x)
        before.waxpy(-1.0, self._start, x)  # the oldest vector becomes d_n
        self._increments = [before, last]
        reason = self.ksp.getConvergedReason()
        if reason < 0:
            raise RuntimeError(f"diffusion solve diverged (KSP reason {ksp_reason(reason)}) after "
                               f"{self.ksp.getIterationNumber()} iterations")
        self.iterations += self.ksp.getIterationNumber()
        self.solves += 1
        v.x.scatter_forward()

    def increments(self) -> np.ndarray:
        """The two previous increments (d_{n-1}, d_{n-2}) at the owned nodes, shape (2, owned), for a checkpoint."""
        return np.array([d.getArray(readonly=True) for d in self._increments])

    def set_increments(self, values: np.ndarray) -> None:
        """Restore what :meth:`increments` returned (so that a restarted run repeats the same solves)."""
        for d, row in zip(self._increments, values):
            d.getArray()[:] = row

    def destroy(self) -> None:
        fem.destroy_solver(self.ksp)
        for obj in (self.A, self.B, self._rhs, self._start, *self._increments):
            obj.destroy()
