"""The quasi-static mechanics problem: spaces, forms and the Newton solve at one load level.

Find u (and p, incompressible) with, for all v (and q),
  ∫ P(F) : Grad v dX + Σ ∫ p_endo J F^(-T) N · v dA + Σ ∫ k u · v dA = 0,   ∫ (J - 1) q dX = 0,
where P = dW/dF - p J F^(-T) + F S_a (incompressible, Taylor-Hood P(k)-P(k-1); W(F), or W(J^(-1/3) F)
with ``formulation.isochoric``) or
P = d/dF [W(J^(-1/3) F) + kappa/4 (J² - 1 - 2 ln J)] + F S_a (nearly incompressible).
A cavity-volume constraint V(u) = V_target is met by a secant iteration on the cavity pressure
(the Lagrange multiplier of the constraint), each iterate a converged Newton solve.
Units: mm, kPa, mN.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import ufl
from mpi4py import MPI

from heartsim import fem
from heartsim.config.errors import ConfigError
from heartsim.mechanics import kinematics as kin
from heartsim.mechanics.active_stress import active_piola, fibre_stretch
from heartsim.mechanics.boundary import (base_point, follower_pressure, plane_normal, robin, sliding_component,
                                         tag_values)
from heartsim.mechanics.cavity import CONSTRAINED, Cavity, base_centroid_forms, cavity_volume_form
from heartsim.mechanics.loadstep import StepResult
from heartsim.mechanics.materials import material_from_config
from heartsim.mechanics.solver import SNESSolver


@dataclass
class Prescribed:
    """A prescribed displacement on facets (tests, benchmarks): u = s * value(x) at load fraction s."""

    tags: tuple
    value: Callable
    component: int | None = None


@dataclass
class Loads:
    """Load values at one load level (kPa, mm³)."""

    pressures: list[float] = field(default_factory=list)
    active: float = 0.0
    volume: float | None = None
    fraction: float = 1.0


class MechanicsProblem:
    """Spaces, forms and solver of ``cfg`` (a MechanicsConfig) on ``tagged`` with ``fibers`` (f0, s0, n0)."""

    def __init__(self, tagged, cfg, fibers, petsc_options: dict, prescribed: tuple[Prescribed, ...] = (),
                 active_field=None, cavities: dict[str, tuple] | None = None):
        """``active_field``: Ta (kPa) as a Function (e.g. on a quadrature space) or UFL expression, or a
        callable ``lambda_ -> Ta`` of the UFL fibre stretch lambda = |F f0| (a tension model solved inside
        the Newton iteration); ``cavities``: named cavities (name -> facet tags) added to the config's."""
        self.tagged, self.cfg = tagged, cfg
        mesh = self.mesh = tagged.mesh
        self.comm = mesh.comm
        self.fibers = fibers
        form = cfg.formulation
        self.mixed = form.kind == "incompressible"
        self.space = fem.taylor_hood_space(mesh, form.degree, self.mixed)
        self.w = fem.function(self.space)
        if self.mixed:
            u, p = ufl.split(self.w)
            v, q = ufl.TestFunctions(self.space)
        else:
            u, p = self.w, None
            v, q = ufl.TestFunction(self.space), None
        self.u, self.p = u, p
        quad = {"quadrature_degree": form.quadrature_degree}
        ds = ufl.Measure("ds", domain=mesh, subdomain_data=tagged.facet_tags, metadata=quad)
        dX = ufl.Measure("dx", domain=mesh, metadata=quad)
        self.ds = ds
        bnd = cfg.boundary

        F = ufl.variable(kin.deformation_gradient(u))
        J = ufl.det(F)
        self.law = material_from_config(cfg.material)
        self.F, self.J = F, J
        self.lmbda = fibre_stretch(F, fibers[0])
        if active_field is None:
            self.Ta = fem.constant(mesh, 0.0)
        elif isinstance(active_field, ufl.core.expr.Expr):
            self.Ta = active_field
        else:
            self.Ta = active_field(self.lmbda)
        P = self.P = self.piola(fibers)
        R = ufl.inner(P, ufl.grad(v)) * dX
        if self.mixed:
            R += (J - 1) * q * dX

        # follower pressures (each its own Constant), springs
        self.pressure_constants = []
        for i, load in enumerate(bnd.pressure):
            c = fem.constant(mesh, 0.0)
            self.pressure_constants.append(c)
            R += follower_pressure(c, F, v, ds(tuple(tag_values(tagged, load.tags, f"physics.mechanics.boundary.pressure[{i}].tags"))))
        for i, spring in enumerate(bnd.robin):
            tags = tuple(tag_values(tagged, spring.tags, f"physics.mechanics.boundary.robin[{i}].tags"))
            R += robin(spring.stiffness, u, v, ds(tags), spring.direction)

        # base: Dirichlet (fixed or sliding), and the base point closing the cavity
        self.bcs, self._scaled = [], []
        sub = 0 if self.mixed else None
        self.x0 = np.zeros(3)
        self._moving_base = None  # free base: forms of the deformed base centroid, which x0 follows
        has_cavity = bool(bnd.cavities or cavities or (bnd.pressure and bnd.pressure[0].cavity))
        if bnd.base_condition == "free" and bnd.cavity is None and has_cavity:
            try:
                base_tags = tag_values(tagged, bnd.base, "physics.mechanics.boundary.base")
            except ConfigError:  # no base facets: the origin stays the closing point (docs/mechanics.md)
                base_tags = None
            if base_tags is not None:
                self.x0 = fem.constant(mesh, base_point(mesh, ds(tuple(base_tags)), self.comm))
                self._moving_base = [fem.compile_form(f) for f in base_centroid_forms(u, ds(tuple(base_tags)))]
        elif bnd.base_condition != "free" or bnd.cavity is not None:
            base_tags = tag_values(tagged, bnd.base, "physics.mechanics.boundary.base")
            ds_base = ds(tuple(base_tags))
            self.x0 = base_point(mesh, ds_base, self.comm)
            facets = fem.facets_with_tags(mesh, tagged.facet_tags, base_tags)
            if bnd.base_condition == "fixed":
                self.bcs.append(fem.dirichlet_on_facets(self.space, facets, sub=sub)[0])
            elif bnd.base_condition == "sliding":
                axis = sliding_component(plane_normal(mesh, ds_base, self.comm), "physics.mechanics.boundary.base")
                self.bcs.append(fem.dirichlet_on_facets(self.space, facets, sub=sub, component=axis)[0])
        for pres in prescribed:
            facets = fem.facets_with_tags(mesh, tagged.facet_tags, [tagged.facet_value(t) for t in pres.tags])
            value = pres.value
            bc, g = fem.dirichlet_on_facets(self.space, facets, value, component=pres.component, sub=sub)
            self.bcs.append(bc)
            self._scaled.append((g, g.x.array.copy()))

        # cavities: the volume-constrained one of the config (``boundary.cavity``), the named ones
        # (``boundary.cavities`` and the ``cavities`` argument); each has its pressure Constant acting on its
        # surface and its volume form
        self.cavities: dict[str, Cavity] = {}
        named = {**{k: tuple(v) for k, v in bnd.cavities.items()}, **(cavities or {})}
        if named and bnd.cavity is not None:
            raise ConfigError(["physics.mechanics.boundary: give either cavity (one volume constraint) or cavities (named)"])
        if bnd.cavity is not None:
            named = {CONSTRAINED: tuple(bnd.cavity.tags)}
        for name, refs in named.items():
            key = ("physics.mechanics.boundary.cavity.tags" if name == CONSTRAINED
                   else f"physics.mechanics.boundary.cavities.{name}")
            tags = tuple(tag_values(tagged, refs, key))
            pressure = fem.constant(mesh, 0.0)
            R += follower_pressure(pressure, F, v, ds(tags))
            self.cavities[name] = Cavity(name, tags, pressure, fem.compile_form(cavity_volume_form(u, self.x0, ds(tags))))
        self.cavity_pressure = self.cavities[CONSTRAINED].pressure if CONSTRAINED in self.cavities else None
        self.volume_form = self.cavities[CONSTRAINED].volume_form if CONSTRAINED in self.cavities else None
        self.cavity_tags = self.cavities[CONSTRAINED].tags if CONSTRAINED in self.cavities else None
        if self.cavity_tags is None and self.cavities:
            self.cavity_tags = next(iter(self.cavities.values())).tags
            self.volume_form = next(iter(self.cavities.values())).volume_form
        elif self.cavity_tags is None and bnd.pressure and bnd.pressure[0].cavity:
            self.cavity_tags = tuple(tag_values(tagged, bnd.pressure[0].tags, "physics.mechanics.boundary.pressure[0].tags"))
            self.volume_form = fem.compile_form(cavity_volume_form(u, self.x0, ds(self.cavity_tags)))

        Jac = ufl.derivative(R, self.w, ufl.TrialFunction(self.space))
        self.solver = SNESSolver(R, Jac, self.w, self.bcs, petsc_options)
        self._saved = self.w.x.array.copy()
        self._saved_p = self.cavity_pressures()
        self._dvdp: dict[tuple, np.ndarray] = {}  # dV/dp of the cavities, from the last quasi-Newton solve
        self.n_global = self.space.dofmap.index_map.size_global * self.space.dofmap.index_map_bs
        self.newton_iterations = 0
        self.solve_time = 0.0

    # ----------------------------------------------------------------------------------------
    def set_loads(self, loads: Loads) -> None:
        for c, value in zip(self.pressure_constants, loads.pressures):
            c.value = value
        if self.cfg.active is not None and self.cfg.active.source != "field" and hasattr(self.Ta, "value"):
            self.Ta.value = loads.active
        for g, full in self._scaled:
            g.x.array[:] = loads.fraction * full
        self._target_volume = loads.volume

    def _follow_base(self) -> None:
        """Free base: x0 <- the centroid of the deformed base facets (weighted by reference area), so that the
        plane closing the cavity moves with the base (a rigid motion leaves the volume unchanged)."""
        if self._moving_base is not None:
            *moments, area = [fem.assemble_scalar(f, self.comm) for f in self._moving_base]
            self.x0.value[:] = np.array(moments) / area

    def volume(self) -> float:
        """Current volume (mm³) of the constrained (or first named, or first pressure-loaded) cavity; NaN without."""
        if self.volume_form is None:
            return float("nan")
        self._follow_base()
        return fem.assemble_scalar(self.volume_form, self.comm)

    def _newton(self) -> StepResult:
        import time

        start = time.perf_counter()
        ok, its, res, reason = self.solver.solve()
        self.solve_time += time.perf_counter() - start
        self.newton_iterations += its
        finite = bool(np.isfinite(res)) and bool(np.all(np.isfinite(self.w.x.array)))
        if not self.comm.allreduce(finite, op=MPI.LAND):  # collective: every rank takes the same branch
            ok = False
        return StepResult(ok, its, res, f"Newton: {reason}, |R| = {res:.3g} after {its} iterations")

    def solve(self) -> StepResult:
        """Solve at the current loads from the current state (the cavity volume constraint, if any,
        by secant iteration on the cavity pressure)."""
        if self.cfg.boundary.cavity is None:
            return self._newton()
        return self.solve_volumes({CONSTRAINED: self._target_volume}, self.cfg.boundary.cavity.tolerance)

    # ---- named cavities (the coupling interface)
    def cavity_volumes(self) -> dict[str, float]:
        """Current volume (mm³) of every cavity, by name."""
        self._follow_base()
        return {name: fem.assemble_scalar(c.volume_form, self.comm) for name, c in self.cavities.items()}

    def cavity_pressures(self) -> dict[str, float]:
        """Current pressure (kPa) of every cavity, by name."""
        return {name: float(c.pressure.value) for name, c in self.cavities.items()}

    def set_cavity_pressures(self, pressures: dict[str, float]) -> None:
        """Impose cavity pressures (kPa), by name (cavities not named keep theirs)."""
        for name, p in pressures.items():
            self.cavities[name].pressure.value = float(p)

    def solve_volumes(self, targets: dict[str, float], tol: float, max_updates: int = 30) -> StepResult:
        """Solve with the volumes of the named cavities imposed (mm³, to ``tol``): the cavity pressures are
        the constraints' Lagrange multipliers, found by a quasi-Newton (Broyden) iteration on the pressure
        vector whose iterates are converged Newton solves; dV/dp is probed by one extra solve per cavity the
        first time and updated by Broyden's rule after that (kept between calls)."""
        names = list(targets)
        goal = np.array([targets[n] for n in names], dtype=float)
        total = 0

        def run(p: np.ndarray):
            nonlocal total
            self.set_cavity_pressures(dict(zip(names, p)))
            result = self._newton()
            total += result.iterations
            vols = self.cavity_volumes()
            return result, np.array([vols[n] for n in names]) - goal

        p0 = np.array([self.cavities[n].pressure.value for n in names], dtype=float)
        result, r0 = run(p0)
        if not result.converged:
            return StepResult(False, total, result.residual, result.detail)
        jac = self._dvdp.get(tuple(names))
        if jac is None:  # probe dV/dp, one cavity at a time
            jac = np.zeros((len(names), len(names)))
            state = self.w.x.array.copy()
            for k in range(len(names)):
                dp = 0.1 if abs(p0[k]) < 1 else 0.1 * abs(p0[k])
                probe_p = p0.copy()
                probe_p[k] += dp
                probe, rk = run(probe_p)
                if not probe.converged:
                    return StepResult(False, total, probe.residual, probe.detail)
                jac[:, k] = (rk - r0) / dp
                self.w.x.array[:] = state
            self.set_cavity_pressures(dict(zip(names, p0)))
        for _ in range(max_updates):
            if np.max(np.abs(r0)) <= tol:
                self._dvdp[tuple(names)] = jac
                return StepResult(True, total, result.residual)
            try:
                step = -np.linalg.solve(jac, r0)
            except np.linalg.LinAlgError:
                break
            if not np.all(np.isfinite(step)):
                break
            state = self.w.x.array.copy()
            for _halving in range(8):  # a pressure update whose Newton solve fails is halved
                result, r1 = run(p0 + step)
                if result.converged:
                    break
                self.w.x.array[:] = state
                step = 0.5 * step
            if not result.converged:
                return StepResult(False, total, result.residual, result.detail)
            dr = r1 - r0
            if np.any(dr != 0):
                jac = jac + np.outer(dr - jac @ step, step) / float(step @ step)
            p0, r0 = p0 + step, r1
        worst = float(np.max(np.abs(r0)))
        return StepResult(False, total, worst, f"cavity volume off by {worst:.3g} mm^3 after {max_updates} pressure updates")

    def save(self) -> None:
        """Remember the current state (the last converged one)."""
        self._saved[:] = self.w.x.array
        self._saved_p = self.cavity_pressures()

    def restore(self) -> None:
        """Go back to the saved state."""
        self.w.x.array[:] = self._saved
        self.set_cavity_pressures(self._saved_p)

    # ----------------------------------------------------------------------------------------
    def displacement(self):
        """The displacement Function (collapsed copy for the mixed space)."""
        return fem.sub_function(self.w, 0) if self.mixed else self.w

    def pressure_field(self):
        return fem.sub_function(self.w, 1) if self.mixed else None

    def piola(self, fibers):
        """UFL first Piola-Kirchhoff stress (kPa) of the current state with the material basis ``fibers``."""
        form, F, J = self.cfg.formulation, self.F, self.J
        if self.mixed:
            W = self.law.energy(kin.isochoric(F) if form.isochoric else F, fibers)
            P = ufl.diff(W, F) - self.p * J * ufl.inv(F).T
        else:
            W = self.law.energy(kin.isochoric(F), fibers) + form.kappa / 4 * (J ** 2 - 1 - 2 * ufl.ln(J))
            P = ufl.diff(W, F)
        if self.cfg.active is not None:
            act = self.cfg.active
            P = P + active_piola(F, fibers, self.Ta, act.cross_fiber_fraction, act.along)
        return P

    def cauchy(self, fibers=None):
        """UFL Cauchy stress (kPa); with ``fibers``, evaluated with that material basis instead of the
        problem's (e.g. one living at the points where the stress is sampled)."""
        return kin.cauchy(self.P if fibers is None else self.piola(fibers), self.F)

    def checkpoint(self) -> tuple[np.ndarray, dict]:
        """The saved (last converged) state for a checkpoint: the local values of w (u, and p when
        mixed) and the scalars a continuation needs (cavity pressures (kPa), the quasi-Newton dV/dp
        of the cavities (mm^3/kPa), Newton iterations), JSON-ready."""
        dvdp = {"|".join(names): np.asarray(jac).tolist() for names, jac in self._dvdp.items()}
        return self._saved.copy(), {"cavity_pressures": dict(self._saved_p), "dvdp": dvdp,
                                    "newton_iterations": self.newton_iterations}

    def restore_checkpoint(self, values: np.ndarray, scalars: dict) -> None:
        """Continue from :meth:`checkpoint` (values of the local dofs, in any partition's order)."""
        self.w.x.array[:] = values
        self._saved_p = {name: float(p) for name, p in scalars["cavity_pressures"].items()}
        self._dvdp = {tuple(key.split("|")): np.asarray(jac, dtype=float) for key, jac in scalars["dvdp"].items()}
        self.newton_iterations = int(scalars["newton_iterations"])
        self.set_cavity_pressures(self._saved_p)
        self.save()

    def destroy(self) -> None:
        self.solver.destroy()
