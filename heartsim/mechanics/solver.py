"""Newton's method for the mechanics residual F(w) = 0, by PETSc SNES.

Each iteration solves J(w_k) dw = -F(w_k) and sets w_{k+1} = w_k + dw (with the line search and
tolerances of the ``petsc_options``); Dirichlet rows of F read w - g so that the iterate meets the
conditions. Assembly (JIT-compiled forms) goes through :mod:`heartsim.fem`.

The linear solver is whatever the options say (``ksp_type``, ``pc_type``, ...); without either key it
is chosen by :func:`linear_defaults` from the problem size: below ``AMG_FROM_DOFS`` global dofs (and
always for the mixed u-p space) MUMPS LU, or with ``reuse_preconditioner: true`` GMRES preconditioned
by a *reused* MUMPS LU factorisation (below); above it GMRES + PETSc GAMG with the six rigid-body modes of the displacement as GAMG's
near-nullspace (attached whenever ``pc_type`` is ``gamg``).

Preconditioner reuse (option ``reuse_preconditioner: true``, heartsim's own): the Jacobian J(w_k) is assembled at every
Newton iteration (so the iteration is Newton's, same iterates to the linear tolerance), but the
preconditioner (the LU factors, 10-50x the cost of a triangular solve) is built once per
:meth:`SNESSolver.solve` and GMRES (right-preconditioned: the true residual is tested) solves with
the current J. The preconditioner is built from a second matrix, J assembled into it only when it is
to be rebuilt (PETSc keeps a preconditioner whose matrix is unchanged). With ``keep_preconditioner`` it is also kept between solves (the pressure iterates of
a coupled step) until :meth:`SNESSolver.refresh`. A linear solve that needs more than ``refresh_above``
Krylov iterations has the preconditioner rebuilt at the next Jacobian; a Newton solve whose linear
solve fails is repeated once from its start with the factors rebuilt at every Jacobian (plain Newton).
With ``reuse_jacobian: true`` (heartsim's) the Jacobian itself is kept as well (modified Newton:
MUMPS LU, no Krylov iterations): it is reassembled and refactorised at the first iteration of a step
and whenever |F| fell by less than ``jacobian_rate`` (0.25) in the last iteration; a failed Newton
solve is repeated with a new Jacobian at every iteration. Each kept iteration costs a residual and a
triangular solve instead of a Jacobian assembly and a factorisation.
Not the default: the converged state then depends on when the factors were built, to round-off
(1e-15 relative), and varies at that level between runs, so a restarted run equals the
uninterrupted one to round-off, not bit for bit (as it does with plain LU).
"""

from __future__ import annotations

import time

import numpy as np
from petsc4py import PETSc

from heartsim import fem

#: the direct solver (small problems, the mixed u-p space)
LU = {"ksp_type": "preonly", "pc_type": "lu", "pc_factor_mat_solver_type": "mumps"}
#: the scalable one: GMRES + smoothed-aggregation AMG with the rigid-body near-nullspace. The relative
#: tolerance is tight enough that Newton keeps its quadratic convergence to its own tolerance (1e-9).
AMG = {"ksp_type": "gmres", "ksp_gmres_restart": 100, "ksp_rtol": 1e-10, "ksp_atol": 1e-14, "ksp_max_it": 400,
       "pc_type": "gamg", "pc_gamg_type": "agg", "pc_gamg_agg_nsmooths": 1, "pc_gamg_threshold": 0.01,
       "pc_gamg_square_graph": 1, "mg_levels_ksp_type": "chebyshev", "mg_levels_pc_type": "jacobi",
       "mg_levels_ksp_max_it": 3}
#: the one option that is heartsim's, not PETSc's (taken out before the rest go to PETSc)
REUSE = "reuse_preconditioner"
#: heartsim's: keep the Jacobian itself (modified Newton), see :class:`SNESSolver`
REUSE_JACOBIAN = "reuse_jacobian"
#: GMRES on the current Jacobian, preconditioned by the LU factors of an earlier one (see module doc)
LU_REUSED = {**LU, "ksp_type": "gmres", "ksp_pc_side": "right", "ksp_gmres_restart": 60, "ksp_max_it": 60,
             "ksp_rtol": 1e-10, "ksp_atol": 1e-14, REUSE: True}
#: global dof count from which the default linear solver is AMG (P1 displacement only). Measured on the
#: CT LV (30,297 dofs, 1 rank): MUMPS LU set-up + solve 2.5 s CPU, a solve with its factors reused
#: 0.03 s; GMRES + GAMG to 1e-10: 2.8 s (109 iterations); LU fill grows ~n^(4/3), its flops ~n^2
AMG_FROM_DOFS = 150_000


def linear_defaults(n_dofs: int, mixed: bool, reuse: bool = False) -> dict:
    """The default linear solver options for ``n_dofs`` global unknowns (``mixed``: Taylor-Hood u-p;
    ``reuse``: the LU factors are reused, :data:`LU_REUSED`)."""
    if mixed or n_dofs < AMG_FROM_DOFS:
        return dict(LU_REUSED if reuse else LU)
    return {**AMG, REUSE: True} if reuse else dict(AMG)


def with_linear_defaults(options: dict, n_dofs: int, mixed: bool) -> dict:
    """``options`` with :func:`linear_defaults` underneath when they name neither ``ksp_type`` nor ``pc_type``
    (a factorisation named without its package gets MUMPS, which also runs in parallel)."""
    if str(options.get(REUSE_JACOBIAN, False)).lower() in ("true", "1") and not ("ksp_type" in options or "pc_type" in options):
        return {**LU, **options}  # modified Newton: the kept factors are those of the kept Jacobian
    if "ksp_type" in options or "pc_type" in options:
        if options.get("pc_type") in ("lu", "cholesky") and "pc_factor_mat_solver_type" not in options:
            return {**options, "pc_factor_mat_solver_type": "mumps"}
        return dict(options)
    reuse = str(options.get(REUSE, False)).lower() in ("true", "1")
    return {**linear_defaults(n_dofs, mixed, reuse), **options}


def rigid_body_modes(space) -> PETSc.NullSpace:
    """The six rigid-body displacements (3 translations, 3 rotations about the centroid) of a blocked
    (bs = 3) vector space, orthonormalised: the near-nullspace of elasticity for AMG."""
    im, bs = space.dofmap.index_map, space.dofmap.index_map_bs
    n = im.size_local
    x = space.tabulate_dof_coordinates()[:n]
    comm = space.mesh.comm
    centre = comm.allreduce(x.sum(axis=0), op=__import__("mpi4py").MPI.SUM) / max(im.size_global, 1)
    y = x - centre
    basis = [np.zeros((n, bs)) for _ in range(6)]
    for k in range(3):
        basis[k][:, k] = 1.0
    basis[3][:, 0], basis[3][:, 1] = -y[:, 1], y[:, 0]
    basis[4][:, 1], basis[4][:, 2] = -y[:, 2], y[:, 1]
    basis[5][:, 0], basis[5][:, 2] = y[:, 2], -y[:, 0]
    vecs = []
    for b in basis:
        v = PETSc.Vec().createMPI((n * bs, im.size_global * bs), bsize=bs, comm=comm)
        v.setArray(b.ravel())
        vecs.append(v)
    # modified Gram-Schmidt (PETSc wants an orthonormal basis)
    for i, v in enumerate(vecs):
        for u in vecs[:i]:
            v.axpy(-v.dot(u), u)
        v.normalize()
    return PETSc.NullSpace().create(vectors=vecs, comm=comm)


class SNESSolver:
    """Newton for F(w) = 0 with PETSc SNES; ``options`` (without prefix) go to SNES, KSP and PC.

    ``assemble_time`` / ``linear_time``: wall seconds in residual + Jacobian assembly and in the rest of
    the Newton solve (linear solves, PC set-up, line search, vector work), summed over solves."""

    def __init__(self, residual, jacobian, w, bcs, options: dict, stem: str = "mech"):
        self.forms = (residual, jacobian)  # UFL, for inspection (quadrature degrees)
        self.L = fem.compile_form(residual)
        self.a = fem.compile_form(jacobian)
        self.w, self.bcs = w, bcs
        self.b = fem.create_vector(self.L)
        self.A = fem.create_matrix(self.a)
        self.x = fem.petsc_vec(w).copy()
        self.assemble_time = 0.0
        self.linear_time = 0.0
        space = w.function_space
        mixed = space.num_sub_spaces > 0 and space.dofmap.index_map_bs == 1
        n = space.dofmap.index_map.size_global * space.dofmap.index_map_bs
        self.options = with_linear_defaults(dict(options), n, mixed)
        self.reuse = str(self.options.pop(REUSE, False)).lower() in ("true", "1")
        self.reuse_jacobian = str(self.options.pop(REUSE_JACOBIAN, False)).lower() in ("true", "1")
        self.reuse = self.reuse and not self.reuse_jacobian
        self.jacobian_rate = 0.25  # modified Newton: a new Jacobian when |F| fell by less than this factor
        self._norm = None
        self.P = fem.create_matrix(self.a) if self.reuse else self.A
        self.snes = PETSc.SNES().create(space.mesh.comm)
        self.snes.setFunction(self._F, self.b)
        self.snes.setJacobian(self._J, self.A, self.P)
        if self.options.get("pc_type") == "gamg" and not mixed and space.dofmap.index_map_bs == 3:
            self._nns = rigid_body_modes(space)
            for m in {id(self.A): self.A, id(self.P): self.P}.values():
                m.setNearNullSpace(self._nns)
        # kept in the database until destroy(): PC options read at set-up (MUMPS ICNTL, ...) must be seen
        self.prefix = fem.apply_options(self.snes, self.options, stem, keep=True)
        self.keep_preconditioner = False
        self.refresh_above = 20  # Krylov iterations of one linear solve above which the preconditioner is rebuilt
        self._always = False  # rebuild at every Jacobian (plain Newton), after a failed linear solve
        self._ksp = self.snes.getKSP()
        self._fresh = True  # the next solve builds the preconditioner
        self._build = True  # the next Jacobian builds it
        self._built = False  # P holds a Jacobian (a solve converged at its start assembles none)
        self.linear_iterations = 0
        self.pc_setups = 0

    def refresh(self) -> None:
        """Build the preconditioner anew at the next solve."""
        self._fresh = True

    def _F(self, snes, x, b):
        start = time.perf_counter()
        x.ghostUpdate(addv=PETSc.InsertMode.INSERT, mode=PETSc.ScatterMode.FORWARD)
        x.copy(fem.petsc_vec(self.w))
        self.w.x.scatter_forward()
        fem.assemble_residual_into(b, self.L, self.a, self.bcs, x)
        self.assemble_time += time.perf_counter() - start

    def _J(self, snes, x, A, P):
        start = time.perf_counter()
        if self.reuse_jacobian:  # modified Newton: J (and its factors) kept while |F| falls fast enough
            norm = snes.getFunctionNorm()
            slow = self._norm is not None and norm > self.jacobian_rate * self._norm
            self._norm = norm
            if self._always or self._build or not self._built or slow:
                fem.assemble_matrix_into(A, self.a, self.bcs)
                self.pc_setups += 1
                self._build, self._built = False, True
            self.assemble_time += time.perf_counter() - start
            return
        fem.assemble_matrix_into(A, self.a, self.bcs)
        if self.reuse and (self._always or not self._built or self._ksp.getIterationNumber() > self.refresh_above):
            self._build = True  # the last linear solve was slow: the preconditioner is too far from J
        if self.reuse and self._build:  # the preconditioner's matrix changes only now
            fem.assemble_matrix_into(self.P, self.a, self.bcs)  # (a copy of A: PETSc needs both assembled)
            self.pc_setups += 1
            self._build, self._built = False, True
        self.assemble_time += time.perf_counter() - start

    def _snes_solve(self, fresh: bool, always: bool = False) -> int:
        self._build, self._always, self._norm = fresh, always, None
        fem.petsc_vec(self.w).copy(self.x)
        self.snes.solve(None, self.x)
        self.linear_iterations += self.snes.getLinearSolveIterations()
        return self.snes.getConvergedReason()

    def solve(self) -> tuple[bool, int, float, str]:
        """Solve from the current ``w``; returns (converged, iterations, residual norm, reason)."""
        start, assembled = time.perf_counter(), self.assemble_time
        kept = self.reuse or self.reuse_jacobian
        fresh = self._fresh or not (kept and self.keep_preconditioner)
        reason = self._snes_solve(fresh)
        its = self.snes.getIterationNumber()
        if (self.reuse and reason == PETSc.SNES.ConvergedReason.DIVERGED_LINEAR_SOLVE) or (self.reuse_jacobian and reason < 0):
            reason = self._snes_solve(True, always=True)  # stale factors: again, factorising every Jacobian
            its += self.snes.getIterationNumber()
        self._always = False
        self._fresh = reason < 0
        self.x.copy(fem.petsc_vec(self.w))
        self.w.x.scatter_forward()
        self.linear_time += time.perf_counter() - start - (self.assemble_time - assembled)
        names = {v: k for k, v in vars(PETSc.SNES.ConvergedReason).items() if isinstance(v, int)}
        return reason > 0, its, float(self.snes.getFunctionNorm()), names.get(reason, str(reason))

    def destroy(self) -> None:
        fem.clear_options(self.prefix, self.options)
        for obj in {id(o): o for o in (self.snes, self.A, self.P, self.b, self.x)}.values():
            obj.destroy()

