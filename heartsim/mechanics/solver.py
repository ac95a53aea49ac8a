"""Newton's method for the mechanics residual F(w) = 0, by PETSc SNES.

Each iteration solves J(w_k) dw = -F(w_k) and sets w_{k+1} = w_k + dw (with the line search and
tolerances of the ``petsc_options``); Dirichlet rows of F read w - g so that the iterate meets the
conditions. Assembly (JIT-compiled forms) goes through :mod:`heartsim.fem`.
"""

from __future__ import annotations

import time

from petsc4py import PETSc

from heartsim import fem


class SNESSolver:
    """Newton for F(w) = 0 with PETSc SNES; ``options`` (without prefix) go to SNES, KSP and PC."""

    def __init__(self, residual, jacobian, w, bcs, options: dict, stem: str = "mech"):
        self.L = fem.compile_form(residual)
        self.a = fem.compile_form(jacobian)
        self.w, self.bcs = w, bcs
        self.b = fem.create_vector(self.L)
        self.A = fem.create_matrix(self.a)
        self.x = fem.petsc_vec(w).copy()
        self.assemble_time = 0.0
        self.snes = PETSc.SNES().create(w.function_space.mesh.comm)
        self.snes.setFunction(self._F, self.b)
        self.snes.setJacobian(self._J, self.A)
        fem.apply_options(self.snes, options, stem)

    def _F(self, snes, x, b):
        start = time.perf_counter()
        x.ghostUpdate(addv=PETSc.InsertMode.INSERT, mode=PETSc.ScatterMode.FORWARD)
        x.copy(fem.petsc_vec(self.w))
        self.w.x.scatter_forward()
        fem.assemble_residual_into(b, self.L, self.a, self.bcs, x)
        self.assemble_time += time.perf_counter() - start

    def _J(self, snes, x, A, P):
        start = time.perf_counter()
        fem.assemble_matrix_into(A, self.a, self.bcs)
        self.assemble_time += time.perf_counter() - start

    def solve(self) -> tuple[bool, int, float, str]:
        """Solve from the current ``w``; returns (converged, iterations, residual norm, reason)."""
        fem.petsc_vec(self.w).copy(self.x)
        self.snes.solve(None, self.x)
        reason = self.snes.getConvergedReason()
        self.x.copy(fem.petsc_vec(self.w))
        self.w.x.scatter_forward()
        names = {v: k for k, v in vars(PETSc.SNES.ConvergedReason).items() if isinstance(v, int)}
        return reason > 0, self.snes.getIterationNumber(), float(self.snes.getFunctionNorm()), names.get(reason, str(reason))

    def destroy(self) -> None:
        for obj in (self.snes, self.A, self.b, self.x):
            obj.destroy()
