"""The coupled 3D-0D step as one (bordered) Newton iteration on the displacement and the cavity pressures.

Unknowns w (the mechanics unknowns) and p = (p_1, ..., p_m) (kPa, one per chamber); equations

    R(w, p) = R_0(w) + Σ_i p_i G_i(w) = 0           (the mechanics residual, mN),
    g_i(w, p) = V_3D,i(w) - V_0D,i(p) = 0             (mm³, one per chamber),

with G_i(w) = ∂R/∂p_i = ∫_endo,i J F⁻ᵀ N · v dA (the follower pressure of unit pressure: R is linear in
the pressures), V_3D,i the cavity volume -1/3 ∫ (X + u - x0)·(J F⁻ᵀ N) dA and V_0D,i(p) the chamber
volume after the trial 0D step with p imposed
(:meth:`~heartsim.electromechanics.cavity0d.ChamberCoupling.volume_0d`). Newton's step solves

    [ K    G ] [du]   [-R]        K = ∂R/∂w,  c_i = ∂V_3D,i/∂w,
    [ cᵀ  -D ] [dp] = [-g],       D = ∂V_0D/∂p (m x m, finite differences of the cheap 0D step),

by block elimination with K's LU factors: K X = [-R, G_1, ..., G_m] (one MUMPS solve with m + 1
right-hand sides: the factors are traversed once, ~1.7x less than m + 1 solves for m = 1), then
(cᵀ X_G + D) dp = g + cᵀ x_R (the m x m Schur system: cᵀ K⁻¹ G is the 3D compliance dV_3D/dp) and
du = x_R - X_G dp. With a fixed or sliding base c is exact; with a free base the closing point x0
follows the base centroid and c leaves out that dependence (x0 held at its current value), so the
iteration is then a quasi-Newton one; it converges to the same equations (they are evaluated exactly).

Modified Newton: K and its factors are kept across iterations *and steps*; K is reassembled and
refactorised (at the current w and p) when the mechanics residual fell by less than ``rate`` in the
last iteration (not judged on the step's first update, which carries the pressure change of the step
and may raise |R| while it brings V_3D to V_0D), when an update with kept factors made it grow by
more than ``GROWTH`` (the update is then undone and taken again with the new K), and at the first
step and after a failure: a rule of residual norms only, so runs repeat (not across a restart, which
builds K afresh). G, c, D and the residuals are evaluated afresh at every iteration (vector
assemblies, triangular solves, trial 0D steps). The kept-factor iteration is Anderson-accelerated
(:class:`Anderson`, history cleared with every new K), and a step starts from the linear extrapolation
of the last two step starts. Converged when |R| <= max(atol, rtol |R^0|) (the SNES tolerances of the
mechanics solver, R^0 the residual at the last state with the new tension, where the mechanics SNES
would start) and |g_i| <= ``tol`` for every chamber. A step that does not converge in
``max_iterations`` is repeated from the last state with K rebuilt at every iteration (plain Newton),
halving an update that makes the residual grow by more than ``BLOWUP`` or not finite; if that fails
too the caller gets ``converged = False`` (:meth:`BorderedNewton.step` then hands the step to the
pressure iteration). Units: mm, kPa, mm³, ms.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
import ufl
from petsc4py import PETSc

from heartsim import fem
from heartsim.electromechanics.cavity0d import StepInfo
from heartsim.mechanics.boundary import follower_pressure
from heartsim.mechanics.cavity import cavity_volume_form
from heartsim.mechanics.solver import LU

LOG = logging.getLogger(__name__)

#: start a step from the linear extrapolation of the last two step starts (False: from the last state)
EXTRAPOLATE = True
#: Anderson acceleration of the kept-factor iteration: the number of earlier updates mixed in (0: none)
DEPTH = 5

#: a new Jacobian when the mechanics residual fell by less than this factor in one iteration
RATE = 0.5
#: an update with kept (stale) factors that makes |R| grow by more than this factor is undone and taken
#: again with a new K
GROWTH = 2.0
#: an update with a new K is halved while it makes |R| grow by more than this factor (or not finite): the
#: pressure update of the first iteration of a step may well raise |R| while it brings V_3D to V_0D
BLOWUP = 1e3


@dataclass
class BorderedResult:
    """What one coupled step took: converged, Newton iterations, Jacobians (LU factorisations) built,
    final |R| (mN) and |g| per chamber (mm³), pressures (kPa) and 3D volumes (mm³), why it stopped."""

    converged: bool
    iterations: int
    factorisations: int
    residual: float
    volume_residuals: np.ndarray
    pressures: np.ndarray
    volumes: np.ndarray
    detail: str = ""


class BorderedNewton:
    """The bordered Newton of the coupled step for ``problem`` (a MechanicsProblem) and its cavities
    ``chambers`` (names, in the order of the 0D chambers). ``assemble_time`` / ``linear_time``: wall seconds
    in assembly (residuals, Jacobians, G, c) and in the rest (factorisations, solves), summed. K is always
    factorised by MUMPS LU (the kept factors are the point; ``mat_mumps_*`` options of the mechanics solver
    are passed on, its ``ksp_type``/``pc_type`` are not used here). Tested against the pressure iteration
    with P1 displacement, the nearly incompressible formulation and a fixed base, with a free base, and
    with the Taylor-Hood space (c then has no pressure block, resp. leaves out the base centroid;
    tests/electromechanics/test_monolithic*.py)."""

    def __init__(self, problem, chambers, rate: float = RATE, max_iterations: int = 40, depth: int = DEPTH):
        self.problem, self.chambers = problem, tuple(chambers)
        self.rate, self.max_iterations, self.depth = rate, max_iterations, depth
        solver = problem.solver
        self.L, self.a, self.bcs = solver.L, solver.a, solver.bcs
        opts = solver.options
        self.rtol = float(opts.get("snes_rtol", 1e-8))
        self.atol = float(opts.get("snes_atol", 1e-50))
        space, w = problem.space, problem.w
        v = ufl.TestFunctions(space)[0] if problem.mixed else ufl.TestFunction(space)
        unit = fem.constant(problem.mesh, 1.0)
        self._G, self._c = [], []
        for name in self.chambers:
            ds = problem.ds(problem.cavities[name].tags)
            self._G.append(fem.compile_form(follower_pressure(unit, problem.F, v, ds)))
            volume = cavity_volume_form(problem.u, problem.x0, ds)
            self._c.append(fem.compile_form(ufl.derivative(volume, w, ufl.TestFunction(space))))
        self.A = fem.create_matrix(self.a)
        self.b = fem.create_vector(self.L)
        self.G = [fem.create_vector(self.L) for _ in self.chambers]
        self.c = [fem.create_vector(self.L) for _ in self.chambers]
        self.xR = fem.create_vector(self.L)
        self._scratch = fem.create_vector(self.L)
        self.XG = [fem.create_vector(self.L) for _ in self.chambers]
        # [-R, G_1, ..., G_m] and K^-1 of it as dense (multi-right-hand-side) matrices, rows as the vectors
        sizes = ((self.b.getLocalSize(), self.b.getSize()), (PETSc.DECIDE, len(self.chambers) + 1))
        self.B, self.X = (PETSc.Mat().createDense(sizes, comm=problem.comm) for _ in range(2))
        for mat in (self.B, self.X):
            mat.setUp()
            mat.assemble()
        self.ksp = PETSc.KSP().create(problem.comm)
        self.ksp.setOperators(self.A)
        mumps = {k: val for k, val in opts.items() if k.startswith("mat_mumps_")}
        fem.apply_options(self.ksp, {**LU, **mumps}, "bordered", keep=True)
        self.valid = False  # A holds a Jacobian whose factors may be used
        self.assemble_time = 0.0
        self.linear_time = 0.0
        self.factorisations = 0
        self.extrapolate = EXTRAPOLATE
        self._last = None  # (w, p) at the start of the last step: the predictor's second point

    def destroy(self) -> None:
        fem.destroy_solver(self.ksp)  # and its options, kept under its prefix since apply_options
        for obj in [self.A, self.b, self.xR, self._scratch, *self.G, *self.c, *self.XG, self.B, self.X]:
            obj.destroy()

    # ---- pieces
    def _residual(self) -> float:
        start = time.perf_counter()
        w = self.problem.w
        w.x.scatter_forward()
        x = fem.petsc_vec(w)
        if self._meets_bcs(x):
            # the lifting -K (g - x) of the Dirichlet values is zero: R assembled without it (the rows of the
            # constrained dofs still read x - g = 0); the lifting runs K's kernel on the constrained cells
            fem.assemble_vector_into(self.b, self.L, [])
            fem.set_dirichlet_rows(self.b, self.bcs, x)
        else:
            fem.assemble_residual_into(self.b, self.L, self.a, self.bcs, x)
        self.assemble_time += time.perf_counter() - start
        return self.b.norm()

    def _meets_bcs(self, x: PETSc.Vec) -> bool:
        """Whether the iterate ``x`` equals the Dirichlet values at every constrained dof, exactly, on every
        rank (true from the first iterate on: the steps start from converged states, the predictor and the
        updates leave the constrained dofs of a fixed or sliding base unchanged)."""
        if not self.bcs:
            return True
        with self._scratch.localForm() as local:
            local.set(0.0)
        fem.set_dirichlet_rows(self._scratch, self.bcs, x)  # x - g at the constrained dofs, else 0
        return self._scratch.norm(PETSc.NormType.NORM_INFINITY) == 0.0

    def _jacobian(self) -> None:
        start = time.perf_counter()
        fem.assemble_matrix_into(self.A, self.a, self.bcs)
        self.assemble_time += time.perf_counter() - start
        start = time.perf_counter()
        self.ksp.setUp()  # the LU factorisation (PETSc refactorises because A changed)
        self.linear_time += time.perf_counter() - start
        self.factorisations += 1
        self.valid = True

    def _borders(self) -> None:
        start = time.perf_counter()
        for vec, form in zip(self.G + self.c, self._G + self._c):
            fem.assemble_vector_into(vec, form, self.bcs)
        self.assemble_time += time.perf_counter() - start

    def _volumes(self) -> np.ndarray:
        volumes = self.problem.cavity_volumes()
        return np.array([volumes[name] for name in self.chambers])

    def _set_pressures(self, p: np.ndarray) -> None:
        self.problem.set_cavity_pressures(dict(zip(self.chambers, map(float, p))))

    def _update(self, g: np.ndarray, dv0: np.ndarray) -> tuple[PETSc.Vec, np.ndarray]:
        """(du, dp) of the bordered system with the kept factors (R in ``b``, G and c assembled)."""
        start = time.perf_counter()
        columns = self.B.getDenseArray()
        columns[:, 0] = self.b.array_r
        columns[:, 0] *= -1.0
        for j, G in enumerate(self.G, start=1):
            columns[:, j] = G.array_r
        self.ksp.matSolve(self.B, self.X)  # K X = [-R, G_1, ..., G_m]
        sol = self.X.getDenseArray(readonly=True)
        self.xR.array[:] = sol[:, 0]
        for j, X in enumerate(self.XG, start=1):
            X.array[:] = sol[:, j]
        m = len(self.chambers)
        schur = np.array([[self.c[i].dot(self.XG[j]) for j in range(m)] for i in range(m)]) + dv0
        rhs = g + np.array([c.dot(self.xR) for c in self.c])
        dp = rhs / schur[0, 0] if m == 1 else np.linalg.solve(schur, rhs)
        du = self.xR  # x_R - X_G dp, in place
        for X, d in zip(self.XG, dp):
            du.axpy(-float(d), X)
        self.linear_time += time.perf_counter() - start
        return du, dp

    def _move(self, du: PETSc.Vec, scale: float) -> None:
        fem.petsc_vec(self.problem.w).axpy(scale, du)
        self.problem.w.x.scatter_forward()

    # ---- the step
    def step(self, coupling, dt: float, solve3d) -> StepInfo:
        """One coupled step of ``coupling`` (a ChamberCoupling) by the bordered Newton, the 0D step committed;
        a step it cannot converge is done by the pressure iteration ``coupling.step(dt, solve3d)`` from the
        step's start (the StepInfo then has more than one pressure iteration). Raises CoupledStepFailure."""
        result = self.solve(coupling, dt)
        if not result.converged:
            LOG.info("bordered Newton failed (%s); the pressure iteration takes the step", result.detail)
            self.problem.restore()
            return coupling.step(dt, solve3d)
        coupling.commit(result.pressures, dt)
        p, v, res = result.pressures, result.volumes, np.abs(result.volume_residuals)
        names = self.chambers
        return StepInfo(1, result.iterations, float(res.max()), float(p[0]), float(v[0]),
                        dict(zip(names, map(float, p))), dict(zip(names, map(float, v))),
                        dict(zip(names, map(float, res))), result.factorisations)

    def solve(self, coupling, dt: float) -> BorderedResult:
        """One coupled step of ``dt`` (ms) from the current state and the coupling's last pressures; on return
        the problem holds the last iterate (the caller restores the saved state on failure) and nothing of
        the 0D model is committed. Starts from the linear extrapolation of the last two step starts
        (w, p) = (w^n, p^n) + r ((w^n, p^n) - (w^(n-1), p^(n-1))), r = dt / (the last step's dt), when there are two, with the kept factors; if that fails,
        again from (w^n, p^n) with plain Newton. |R^0| of the relative tolerance is the residual at
        (w^n, p^n) with the new tension (what the mechanics SNES would start from)."""
        w = self.problem.w.x.array
        start_w, p0 = w.copy(), np.array(coupling.p, dtype=float)
        self._set_pressures(p0)
        norm0 = self._residual()
        last, self._last = self._last, (start_w, p0, dt)
        p = p0
        if self.extrapolate and last is not None and last[0].shape == start_w.shape:
            r = dt / last[2]  # 1 with a fixed step
            if r == 1.0:
                w[:] = 2.0 * start_w - last[0]
                p = 2.0 * p0 - last[1]
            else:
                w[:] = start_w + r * (start_w - last[0])
                p = p0 + r * (p0 - last[1])
        result = self._iterate(coupling, dt, p, norm0, always=False)
        if not result.converged:
            w[:] = start_w
            self.valid = False
            retry = self._iterate(coupling, dt, p0, norm0, always=True)
            retry.iterations += result.iterations
            retry.factorisations += result.factorisations
            result = retry
        if not result.converged:
            self.valid = False
        return result

    def _iterate(self, coupling, dt: float, p: np.ndarray, norm0: float, always: bool) -> BorderedResult:
        m = len(self.chambers)
        its = built = 0
        self._set_pressures(p)
        norm = self._residual()
        previous = None  # |R| at the previous iterate (None after the step's first update)
        first = True  # the first update of the step: it moves the pressures most, |R| may well grow
        mixer = Anderson(self.depth)
        g = np.full(m, np.inf)
        v3d = np.full(m, np.nan)
        stop = max(self.atol, self.rtol * norm0)
        while True:
            if not np.isfinite(norm):
                return BorderedResult(False, its, built, norm, g, p, v3d, f"|R| = {norm:.3g} (not finite)")
            v3d = self._volumes()
            v0d, dv0 = coupling.volume_0d_jacobian(p, dt)
            g = v3d - v0d
            if norm <= stop and np.all(np.abs(g) <= coupling.tol):
                return BorderedResult(True, its, built, norm, g, p, v3d)
            if its >= self.max_iterations:
                return BorderedResult(False, its, built, norm, g, p, v3d,
                                      f"bordered Newton: |R| = {norm:.3g}, |V_3D - V_0D| = {np.max(np.abs(g)):.3g} mm^3 "
                                      f"after {its} iterations")
            slow = previous is not None and norm > self.rate * previous
            LOG.debug("bordered it %d |R| %.3e (stop %.1e) |g| %s p %s kept %s slow %s", its, norm, stop,
                      np.abs(g), p, self.valid, slow)
            fresh = always or slow or not self.valid
            if fresh:
                self._jacobian()
                built += 1
            self._borders()
            du, dp = self._update(g, dv0)
            if fresh:
                mixer.clear()  # the map x -> x + (du, dp) changed with K
            du, dp = mixer.mix(fem.petsc_vec(self.problem.w), p, du, dp)
            scale, state, p_old = 1.0, self.problem.w.x.array.copy(), p
            limit = BLOWUP if fresh or first else GROWTH
            for _ in range(6):  # an update that makes |R| grow: with stale factors a new K, else halved
                p = p_old + scale * dp
                self._move(du, scale)
                self._set_pressures(p)
                trial = self._residual()
                its += 1
                if np.isfinite(trial) and trial <= limit * norm:
                    break
                self.problem.w.x.array[:] = state
                if not fresh:
                    break
                scale *= 0.5
            else:
                self._set_pressures(p_old)
                return BorderedResult(False, its, built, trial, g, p_old, v3d,
                                      f"bordered Newton: |R| grew to {trial:.3g} with the update halved 5 times")
            if not fresh and not (np.isfinite(trial) and trial <= limit * norm):  # stale factors: rebuild, repeat
                p = p_old
                self._set_pressures(p)
                norm = self._residual()
                self.valid, previous = False, None
                continue
            previous, norm, first = (None if first else norm), trial, False


class Anderson:
    """Anderson acceleration (type II, Walker & Ni 2011, SIAM J Numer Anal 49:1715) of the fixed-point map
    x -> x + f(x), x = (w, p), f = (du, dp) the bordered update with the kept factors: with the last
    ``depth`` differences ΔX_i = x_{i+1} - x_i, ΔF_i = f_{i+1} - f_i, the update is
    f - Σ γ_i (ΔX_i + ΔF_i), γ = argmin |f - Σ γ_i ΔF_i|² (Euclidean over the owned unknowns and the
    pressures; the small normal equations solved on every rank alike). Depth 0 or an empty history: f."""

    def __init__(self, depth: int):
        self.depth = depth
        self.clear()

    def clear(self) -> None:
        self.dx, self.df, self.last = [], [], None

    def mix(self, w: PETSc.Vec, p: np.ndarray, du: PETSc.Vec, dp: np.ndarray) -> tuple[PETSc.Vec, np.ndarray]:
        """The accelerated update from the iterate (w, p) and its update (du, dp) (``du`` overwritten)."""
        if self.depth <= 0:
            return du, dp
        x, f = (w.copy(), np.array(p, dtype=float)), (du.copy(), np.array(dp, dtype=float))
        if self.last is not None:
            (xw, xp), (fw, fp) = self.last
            xw.aypx(-1.0, x[0])  # x - x_last, in place of x_last
            fw.aypx(-1.0, f[0])
            self.dx.append((xw, x[1] - xp))
            self.df.append((fw, f[1] - fp))
            if len(self.dx) > self.depth:
                for v in (self.dx.pop(0)[0], self.df.pop(0)[0]):
                    v.destroy()
        self.last = (x, f)
        if not self.df:
            return du, dp
        k = len(self.df)
        gram = np.array([[self.df[i][0].dot(self.df[j][0]) + self.df[i][1] @ self.df[j][1] for j in range(k)]
                         for i in range(k)])
        rhs = np.array([self.df[i][0].dot(f[0]) + self.df[i][1] @ f[1] for i in range(k)])
        gram += 1e-12 * np.trace(gram) / k * np.eye(k)  # (nearly collinear differences)
        try:
            gamma = np.linalg.solve(gram, rhs)
        except np.linalg.LinAlgError:
            return du, dp
        if not np.all(np.isfinite(gamma)):
            return du, dp
        dp = f[1].copy()
        for gi, (xw, xp), (fw, fp) in zip(gamma, self.dx, self.df):
            du.axpy(-float(gi), xw)
            du.axpy(-float(gi), fw)
            dp -= gi * (xp + fp)
        return du, dp
