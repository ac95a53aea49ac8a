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
from heartsim.mechanics.active_stress import active_piola
from heartsim.mechanics.boundary import (base_point, follower_pressure, plane_normal, robin, sliding_component,
                                         tag_values)
from heartsim.mechanics.cavity import cavity_volume_form
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
                 active_field=None):
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
        self.Ta = active_field if active_field is not None else fem.constant(mesh, 0.0)
        self.F, self.J = F, J
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
        if bnd.base_condition != "free" or bnd.cavity is not None:
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

        # cavity volume and its pressure
        self.cavity_pressure = None
        self.volume_form = None
        if bnd.cavity is not None:
            tags = tuple(tag_values(tagged, bnd.cavity.tags, "physics.mechanics.boundary.cavity.tags"))
            self.cavity_pressure = fem.constant(mesh, 0.0)
            R += follower_pressure(self.cavity_pressure, F, v, ds(tags))
            self.volume_form = fem.compile_form(cavity_volume_form(u, self.x0, ds(tags)))
        self.cavity_tags = None
        if bnd.cavity is not None:
            self.cavity_tags = tags
        elif bnd.pressure and bnd.pressure[0].cavity:
            self.cavity_tags = tuple(tag_values(tagged, bnd.pressure[0].tags, "physics.mechanics.boundary.pressure[0].tags"))
        if self.cavity_tags is not None and self.volume_form is None:
            self.volume_form = fem.compile_form(cavity_volume_form(u, self.x0, ds(self.cavity_tags)))

        Jac = ufl.derivative(R, self.w, ufl.TrialFunction(self.space))
        self.solver = SNESSolver(R, Jac, self.w, self.bcs, petsc_options)
        self._saved = self.w.x.array.copy()
        self._saved_p = 0.0
        self._slope = None  # dV/dp of the cavity, from the last secant
        self.n_global = self.space.dofmap.index_map.size_global * self.space.dofmap.index_map_bs
        self.newton_iterations = 0
        self.solve_time = 0.0

    # ----------------------------------------------------------------------------------------
    def set_loads(self, loads: Loads) -> None:
        for c, value in zip(self.pressure_constants, loads.pressures):
            c.value = value
        if self.cfg.active is not None and self.cfg.active.source != "field":
            self.Ta.value = loads.active
        for g, full in self._scaled:
            g.x.array[:] = loads.fraction * full
        self._target_volume = loads.volume

    def volume(self) -> float:
        """Current cavity volume (mm³; NaN without a cavity)."""
        if self.volume_form is None:
            return float("nan")
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
        target, tol = self._target_volume, self.cfg.boundary.cavity.tolerance
        total = 0
        p0 = float(self.cavity_pressure.value)
        result = self._newton()
        total += result.iterations
        if not result.converged:
            return StepResult(False, total, result.residual, result.detail)
        r0 = self.volume() - target
        slope = self._slope
        if slope is None:  # first step: probe dV/dp
            dp = 0.1 if abs(p0) < 1 else 0.1 * abs(p0)
            state = self.w.x.array.copy()
            self.cavity_pressure.value = p0 + dp
            probe = self._newton()
            total += probe.iterations
            if not probe.converged:
                return StepResult(False, total, probe.residual, probe.detail)
            slope = (self.volume() - target - r0) / dp
            self.w.x.array[:] = state
            self.cavity_pressure.value = p0
        for _ in range(30):
            if abs(r0) <= tol:
                self._slope = slope
                return StepResult(True, total, result.residual)
            if not slope or not np.isfinite(slope):
                break
            p1 = p0 - r0 / slope
            state = self.w.x.array.copy()
            for _halving in range(8):  # a pressure update whose Newton solve fails is halved
                self.cavity_pressure.value = p1
                result = self._newton()
                total += result.iterations
                if result.converged:
                    break
                self.w.x.array[:] = state
                p1 = p0 + 0.5 * (p1 - p0)
            if not result.converged:
                return StepResult(False, total, result.residual, result.detail)
            r1 = self.volume() - target
            if r1 != r0:
                slope = (r1 - r0) / (p1 - p0)
            p0, r0 = p1, r1
        return StepResult(False, total, abs(r0), f"cavity volume off by {r0:.3g} mm^3 after 30 pressure updates")

    def save(self) -> None:
        """Remember the current state (the last converged one)."""
        self._saved[:] = self.w.x.array
        if self.cavity_pressure is not None:
            self._saved_p = float(self.cavity_pressure.value)

    def restore(self) -> None:
        """Go back to the saved state."""
        self.w.x.array[:] = self._saved
        if self.cavity_pressure is not None:
            self.cavity_pressure.value = self._saved_p

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
            P = P + active_piola(F, fibers, self.Ta, self.cfg.active.cross_fiber_fraction)
        return P

    def cauchy(self, fibers=None):
        """UFL Cauchy stress (kPa); with ``fibers``, evaluated with that material basis instead of the
        problem's (e.g. one living at the points where the stress is sampled)."""
        return kin.cauchy(self.P if fibers is None else self.piola(fibers), self.F)

    def checkpoint(self) -> tuple[np.ndarray, dict]:
        """The saved (last converged) state for a checkpoint: the local values of w (u, and p when
        mixed) and the scalars a continuation needs (cavity pressure, dV/dp, Newton iterations)."""
        return self._saved.copy(), {"cavity_pressure": self._saved_p, "slope": self._slope,
                                    "newton_iterations": self.newton_iterations}

    def restore_checkpoint(self, values: np.ndarray, scalars: dict) -> None:
        """Continue from :meth:`checkpoint` (values of the local dofs, in any partition's order)."""
        self.w.x.array[:] = values
        self._saved_p, self._slope = scalars["cavity_pressure"], scalars["slope"]
        self.newton_iterations = int(scalars["newton_iterations"])
        if self.cavity_pressure is not None:
            self.cavity_pressure.value = self._saved_p
        self.save()

    def destroy(self) -> None:
        self.solver.destroy()
