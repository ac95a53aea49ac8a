"""Discrete (mass-conserving) projection step of the pressure-correction scheme.

After the tentative velocity ũ (which satisfies the velocity Dirichlet conditions of t^{n+1}), find
u^{n+1} in the P2 velocity space and phi in the *whole* P1 pressure space such that

    D (u - ũ) = B^T phi - h,          B u = 0,

with
    B_{ji} = int q_j div(v_i) dx                      (the discrete divergence, P1 x P2),
    D      = HRZ-lumped velocity mass matrix           (diag(M) scaled to keep the total mass; for affine
                                                        tetrahedra the element ratio is the same for all
                                                        elements, so one global factor is HRZ exactly),
    h_i    = int_Gamma_open phi_b v_i . n ds,  phi_b = dt / (a0 rho) (P_b^{n+1} - p^n)
                                                       (the outlet pressures enter as natural data),

and the rows of velocity dofs with a Dirichlet condition (walls, flow inlet) removed (D^{-1} := 0 there).
This is the weak form of u = ũ - grad phi, div u = 0, phi = phi_b on open boundaries, in the inner
product D. Eliminating u gives one symmetric positive definite P1 system

    S phi = B D^{-1} h - B ũ,         S = B D^{-1} B^T,

(assembled once: it depends on neither dt nor the flow) and then

    u = ũ + D^{-1} (B^T phi - h),     p^{n+1} = p^n + a0 rho / dt phi.

Because B u = 0 holds for every P1 test function, the constant one included, the flow through the
boundary sums to zero: inflow equals the sum of the outflows to the tolerance of the phi solve, at every
step and on any mesh. The standard pressure-Poisson projection (with p = P_b imposed on the outlet
nodes) does not control the divergence in the cell layer next to an outlet.

Units: phi in mm^2/ms (dt / rho times a pressure: ms kPa / (mg/mm^3)), velocities in mm/ms.
"""

from __future__ import annotations

import numpy as np
import ufl
from petsc4py import PETSc

from heartsim import fem
from heartsim.config.errors import InputError


class DiscreteProjection:
    """The projection operators of one mesh: :meth:`rhs_for` (assembles h, then the phi system's
    right-hand side) and, after the phi solve, :meth:`correct` (which uses that h)."""

    def __init__(self, V, Q, dirichlet_dofs: np.ndarray, open_boundaries, ds, n, p_n, a0, dt_const, rho: float):
        """``dirichlet_dofs``: local block dofs of V with a velocity condition; ``open_boundaries``: list
        of (tag value, Constant pressure P_b) where the pressure is imposed naturally."""
        u, v = ufl.TrialFunction(V), ufl.TestFunction(V)
        q = ufl.TestFunction(Q)
        mass = fem.compile_form(ufl.dot(u, v) * ufl.dx)
        M = fem.create_matrix(mass)
        fem.assemble_matrix_into(M, mass, [])
        diag = M.getDiagonal()
        ones = diag.duplicate()
        ones.set(1.0)
        row_sums = diag.duplicate()
        M.mult(ones, row_sums)
        scale = row_sums.sum() / diag.sum()       # total mass / trace
        M.destroy()
        self.d_inv = diag
        self.d_inv.scale(scale)
        self.d_inv.reciprocal()
        bs = V.dofmap.index_map_bs
        owned = V.dofmap.index_map.size_local
        blocks = dirichlet_dofs[dirichlet_dofs < owned]
        rows = (blocks[:, None] * bs + np.arange(bs)[None, :]).ravel().astype(PETSc.IntType)
        self.d_inv.array[rows] = 0.0
        ones.destroy()
        row_sums.destroy()

        div = fem.compile_form(q * ufl.div(u) * ufl.dx)
        self.B = fem.create_matrix(div)
        fem.assemble_matrix_into(self.B, div, [])
        bt = self.B.transpose(PETSc.Mat())  # out of place (no argument would transpose B itself)
        bt.diagonalScale(L=self.d_inv)
        self.S = self.B.matMult(bt)
        bt.destroy()
        # a pressure node whose every neighbouring velocity dof is fixed gives a zero row of S
        lowest = self.S.getDiagonal()
        smallest = lowest.min()[1]
        lowest.destroy()
        if smallest <= 0.0:
            raise InputError("numerics.projection", "the mesh has a pressure node surrounded by "
                             "velocity Dirichlet dofs only (a cell with all its faces on walls/inlet?); "
                             "remesh, or use projection: poisson")

        factor = dt_const / (a0 * rho)
        h_form = 0
        for value, pressure in open_boundaries:
            h_form += factor * (pressure - p_n) * ufl.dot(v, n) * ds(value)
        self.h_form = fem.compile_form(h_form) if open_boundaries else None
        self.h = self.B.createVecRight() if self.h_form is None else fem.create_vector(self.h_form)
        self.h.set(0.0)
        self.work = self.B.createVecRight()
        self.rhs = self.S.createVecLeft()

    def rhs_for(self, u_tent) -> PETSc.Vec:
        """The right-hand side B D^{-1} h - B ũ of the phi system (after assembling h)."""
        if self.h_form is not None:
            fem.assemble_rhs_into(self.h, self.h_form, None, [])
        self.work.pointwiseMult(self.d_inv, self.h)
        self.work.axpy(-1.0, fem.petsc_vec(u_tent))
        self.B.mult(self.work, self.rhs)
        return self.rhs

    def correct(self, u_tent, phi, u) -> None:
        """u = ũ + D^{-1} (B^T phi - h)."""
        self.B.multTranspose(fem.petsc_vec(phi), self.work)
        self.work.axpy(-1.0, self.h)
        self.work.pointwiseMult(self.work, self.d_inv)
        target = fem.petsc_vec(u)
        fem.petsc_vec(u_tent).copy(target)
        target.axpy(1.0, self.work)
        u.x.scatter_forward()

    def destroy(self) -> None:
        for obj in (self.B, self.S, self.d_inv, self.h, self.work, self.rhs):
            obj.destroy()
