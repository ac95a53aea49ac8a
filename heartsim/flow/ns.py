"""Incompressible Navier-Stokes in a rigid vessel by incremental pressure correction (Taylor-Hood P2-P1).

    rho (du/dt + (u . grad) u) - div(mu grad u) + grad p = 0,   div u = 0   in Omega
    u = g on the inlet (flow inlet), u = 0 on walls,
    mu du/dn - p n = -P_b n on outlets b (and on a pressure inlet), P_b from the outlet model.

Each step of length dt (BDF coefficients a0, b1, b2: BDF2 = 3/2, 2, -1/2; the first step and
``bdf1`` use 1, 1, 0; extrapolation u* = e1 u^n + e2 u^{n-1}, BDF2: 2, -1):

1. tentative velocity ũ (linear, semi-implicit convection, Temam's term for energy stability):
   rho/dt (a0 ũ - b1 u^n - b2 u^{n-1}) . v + rho ((u* . grad) ũ) . v + rho/2 (div u*) ũ . v
   + mu grad ũ : grad v - p^n div v  [dx]  + p^n n . v + beta rho |min(u* . n, 0)| ũ . v  [ds_b] = 0
   (p^n on the pressure boundaries b: the traction of the previous step, consistent with the
   interior p^n (= P_b^n exactly with ``projection: poisson``, weakly with ``discrete``); imposing P_b^{n+1} there against an old interior pressure would push a spurious
   flux pulse through the cap and make the Windkessel coupling oscillate)
   (Carreau-Yasuda: 2 mu(gamma(u*)) eps(ũ) : eps(v) - mu (grad ũ^T n) . v [ds_b], gamma = sqrt(2 eps(u*) : eps(u*)),
   whose natural condition is the same pseudo-traction mu grad u n - p n, exact for developed flow);
   (``stabilisation: supg`` adds the residual-based SUPG terms of :mod:`heartsim.flow.stabilisation`);
2. ``projection: discrete`` (default; :mod:`heartsim.flow.projection`): one SPD solve S phi = r,
   u^{n+1} = ũ + D^-1 (B^T phi - h), p^{n+1} = p^n + a0 rho / dt phi, with B u^{n+1} = 0 against every
   P1 function (mass conserved to solver tolerance; outlet pressures P_b^{n+1} as natural data);
   ``projection: poisson``, two solves:
   2a. pressure: (grad p^{n+1}, grad q) = (grad p^n, grad q) - a0 rho / dt (div ũ, q), p^{n+1} = P_b on outlets;
   2b. velocity correction: rho (u^{n+1}, v) = rho (ũ, v) - dt / a0 (grad (p^{n+1} - p^n), v).

Units: mm, ms, kPa, mg/mm^3 (rho), kPa ms (mu); velocity mm/ms (= m/s), flow mm^3/ms (= mL/s).
All solves are PETSc KSPs (the phi solve uses the ``pressure_`` options); options of ``solver.flow`` are merged over :data:`DEFAULT_OPTIONS`
(keys starting ``momentum_``, ``pressure_`` or ``correction_`` go to that solve, others to all).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import ufl
from mpi4py import MPI
from petsc4py import PETSc

from heartsim import fem
from heartsim.config.errors import InputError
from heartsim.failures import ksp_reason
from heartsim.config.flow import FlowConfig
from heartsim.flow import metrics
from heartsim.flow.inlet import Inlet
from heartsim.flow.outlets import outlet_model
from heartsim.flow.projection import DiscreteProjection
from heartsim.flow.stabilisation import supg_forms

SOLVES = ("momentum", "pressure", "correction")

DEFAULT_OPTIONS: dict[str, dict[str, object]] = {
    "momentum": {"ksp_type": "gmres", "pc_type": "bjacobi", "sub_pc_type": "ilu", "ksp_rtol": 1e-8,
                 "ksp_atol": 1e-14},
    "pressure": {"ksp_type": "cg", "pc_type": "hypre", "pc_hypre_type": "boomeramg", "ksp_rtol": 1e-8,
                 "ksp_atol": 1e-14},
    "correction": {"ksp_type": "cg", "pc_type": "jacobi", "ksp_rtol": 1e-10, "ksp_atol": 1e-14},
}


def solve_options(user: Mapping[str, object]) -> dict[str, dict[str, object]]:
    """Per-solve PETSc options: defaults, then the user's keys (``momentum_ksp_type`` to one solve,
    ``ksp_monitor`` to all)."""
    out = {name: dict(opts) for name, opts in DEFAULT_OPTIONS.items()}
    for key, value in user.items():
        target = [s for s in SOLVES if key.startswith(s + "_")]
        if target:
            out[target[0]][key[len(target[0]) + 1:]] = value
        else:
            for name in SOLVES:
                out[name][key] = value
    return out


def _ksp(comm: MPI.Comm, matrix: PETSc.Mat, options: Mapping[str, object], name: str) -> PETSc.KSP:
    return fem.ksp(comm, matrix, options, f"flow_{name}")


@dataclass
class Boundary:
    """A tagged boundary part: its name, tag value and role (inlet, outlet, wall)."""

    name: str
    value: int
    role: str
    model: object = None
    pressure: object = None  # Constant: the pressure imposed on it (outlets, pressure inlet)


def _facet_value(tagged, tag, key: str) -> int:
    value = tagged.facet_value(tag)
    have = ", ".join(sorted(tagged.facet_names)) or "none"
    if value is None:
        raise InputError(key, f"no facet tag {tag!r} in the mesh (named facet tags: {have})")
    facets = fem.facets_of_tag(tagged.facet_tags, value)
    if tagged.mesh.comm.allreduce(len(facets), op=MPI.SUM) == 0:
        raise InputError(key, f"facet tag {tag!r} ({value}) marks no facet of the mesh")
    return value


class NavierStokes:
    """The flow problem on a tagged mesh; ``advance()`` makes one time step."""

    def __init__(self, tagged, cfg: FlowConfig, dt: float, petsc_options: Mapping[str, object]):
        mesh = tagged.mesh
        if tagged.facet_tags is None:
            raise InputError("mesh", "the flow needs facet tags (inlet, outlets, walls)")
        self.mesh, self.cfg, self.comm = mesh, cfg, mesh.comm
        self.dt, self.t, self.step_count = dt, 0.0, 0
        self.V = fem.vector_lagrange_space(mesh, 2)
        self.Q = fem.lagrange_space(mesh, 1)
        self.u = fem.function(self.V, "velocity")        # u^{n+1} after a step
        self.u_n = fem.function(self.V)
        self.u_nm1 = fem.function(self.V)
        self.u_tent = fem.function(self.V)
        self.p = fem.function(self.Q, "pressure")
        self.p_n = fem.function(self.Q)
        fluid = cfg.fluid
        self.rho, self.mu = fluid.density, fluid.viscosity

        inlet_value = _facet_value(tagged, cfg.inlet.tag, "inlet.tag")
        self.inlet = Inlet(cfg.inlet, self.V, mesh, tagged.facet_tags, inlet_value, self.comm, self.mu / self.rho)
        self.boundaries = [Boundary("inlet", inlet_value, "inlet")]
        for name, ocfg in cfg.outlets.items():
            tag = int(name) if name.isdigit() else name
            value = _facet_value(tagged, tag, f"outlets.{name}")
            self.boundaries.append(Boundary(name, value, "outlet", outlet_model(ocfg)))
        self.walls = [_facet_value(tagged, w, f"walls[{i}]") for i, w in enumerate(cfg.walls)]

        # Dirichlet conditions
        ft = tagged.facet_tags
        zero = np.zeros(3, dtype=PETSc.ScalarType)
        wall_facets = np.concatenate([fem.facets_of_tag(ft, w) for w in self.walls]) if self.walls else np.zeros(0, np.int32)
        self.bcu = [fem.dirichlet(zero, fem.dofs_on_facets(self.V, wall_facets), self.V)]
        if self.inlet.bc is not None:
            self.bcu.append(self.inlet.bc)
        self.bcp = []
        self.discrete = cfg.numerics.projection == "discrete"
        for b in self.boundaries:
            if b.role == "outlet" or self.inlet.is_pressure:
                b.pressure = fem.constant(mesh, 0.0)
                if not self.discrete:
                    self.bcp.append(fem.dirichlet(
                        b.pressure, fem.dofs_on_facets(self.Q, fem.facets_of_tag(ft, b.value)), self.Q))

        # forms
        self.a0, self.b1, self.b2 = (fem.constant(mesh, c) for c in (1.0, 1.0, 0.0))
        self.e1, self.e2 = fem.constant(mesh, 1.0), fem.constant(mesh, 0.0)
        k = fem.constant(mesh, dt)
        rho = fem.constant(mesh, self.rho)
        beta = fem.constant(mesh, cfg.backflow.beta)
        u, v = ufl.TrialFunction(self.V), ufl.TestFunction(self.V)
        p, q = ufl.TrialFunction(self.Q), ufl.TestFunction(self.Q)
        n = ufl.FacetNormal(mesh)
        ds = fem.facet_measure(mesh, ft)
        self.ds, self.n = ds, n
        u_ext = self.e1 * self.u_n + self.e2 * self.u_nm1
        self.viscosity = self._viscosity(u_ext)
        if fluid.model == "newtonian":
            viscous = self.viscosity * ufl.inner(ufl.grad(u), ufl.grad(v))
        else:
            viscous = 2 * self.viscosity * ufl.inner(ufl.sym(ufl.grad(u)), ufl.sym(ufl.grad(v)))
        a1 = (rho / k * self.a0 * ufl.dot(u, v) + rho * ufl.dot(ufl.grad(u) * u_ext, v)
              + 0.5 * rho * ufl.div(u_ext) * ufl.dot(u, v) + viscous) * ufl.dx
        L1 = (rho / k * ufl.dot(self.b1 * self.u_n + self.b2 * self.u_nm1, v) + self.p_n * ufl.div(v)) * ufl.dx
        if cfg.numerics.stabilisation == "supg":
            a_s, L_s = supg_forms(u, v, u_ext, rho, self.viscosity, k, self.a0,
                                  self.b1 * self.u_n + self.b2 * self.u_nm1, self.p_n, mesh,
                                  newtonian=fluid.model == "newtonian")
            a1, L1 = a1 + a_s, L1 + L_s
        for b in self.boundaries:
            if b.pressure is not None:
                L1 -= self.p_n * ufl.dot(n, v) * ds(b.value)  # = P_b^n: traction consistent with p^n
                if fluid.model != "newtonian":  # keep the pseudo-traction mu grad(u) n - p n natural
                    a1 -= self.viscosity * ufl.dot(ufl.grad(u).T * n, v) * ds(b.value)
            if b.role == "outlet" and cfg.backflow.beta > 0:
                un = ufl.dot(u_ext, n)
                a1 += beta * rho * 0.5 * (abs(un) - un) * ufl.dot(u, v) * ds(b.value)
        options = solve_options(petsc_options)
        if self.discrete:
            unused = sorted(key for key in petsc_options if key.startswith("correction_"))
            if unused:
                raise InputError(f"solver.flow.{unused[0]}", "the discrete projection has no correction solve "
                                 "(its options are pressure_*; correction_* applies to projection: poisson)")
        if self.discrete:
            self.a = [fem.compile_form(a1)]
            self.L = [fem.compile_form(L1)]
            self.A = [fem.create_matrix(self.a[0])]
            self.b = [fem.create_vector(self.L[0])]
            fixed = [wall_facets] + ([fem.facets_of_tag(ft, inlet_value)] if self.inlet.bc is not None else [])
            fixed_dofs = np.unique(fem.dofs_on_facets(self.V, np.concatenate(fixed)))
            open_parts = [(b.value, b.pressure) for b in self.boundaries if b.pressure is not None]
            self.projection = DiscreteProjection(self.V, self.Q, fixed_dofs, open_parts, ds, n, self.p_n,
                                                 self.a0, k, self.rho)
            self.phi = fem.function(self.Q)
            self.ksp = [_ksp(self.comm, self.A[0], options["momentum"], "momentum"),
                        _ksp(self.comm, self.projection.S, options["pressure"], "pressure")]
        else:
            a2 = ufl.inner(ufl.grad(p), ufl.grad(q)) * ufl.dx
            L2 = (ufl.inner(ufl.grad(self.p_n), ufl.grad(q)) - self.a0 * rho / k * ufl.div(self.u_tent) * q) * ufl.dx
            a3 = rho * ufl.dot(u, v) * ufl.dx
            L3 = (rho * ufl.dot(self.u_tent, v) - k / self.a0 * ufl.dot(ufl.grad(self.p - self.p_n), v)) * ufl.dx
            self.a = [fem.compile_form(f) for f in (a1, a2, a3)]
            self.L = [fem.compile_form(f) for f in (L1, L2, L3)]
            self.A = [fem.create_matrix(a) for a in self.a]
            fem.assemble_matrix_into(self.A[1], self.a[1], self.bcp)
            fem.assemble_matrix_into(self.A[2], self.a[2], self.bcu)
            self.b = [fem.create_vector(L) for L in self.L]
            self.projection = None
            self.ksp = [_ksp(self.comm, A, options[name], name) for A, name in zip(self.A, SOLVES)]
        for ksp in self.ksp:
            ksp.setInitialGuessNonzero(True)
        self.iterations = {name: 0 for name in SOLVES}
        self.last_iterations = {name: 0 for name in SOLVES}

        self._flux = {b.name: metrics.flow_rate(self.u, ft, b.value) for b in self.boundaries}
        self._mean_p = {b.name: metrics.mean_pressure(self.p, ft, b.value) for b in self.boundaries}
        self.area = {name: mean.area for name, mean in self._mean_p.items()}
        self.flows = {b.name: 0.0 for b in self.boundaries}
        self.n_velocity_dofs = self.V.dofmap.index_map.size_global * 3
        self.n_pressure_dofs = self.Q.dofmap.index_map.size_global
        self.change = float("inf")

    # ------------------------------------------------------------------------------------------

    def _viscosity(self, velocity):
        """mu as a UFL expression (Carreau-Yasuda: from the shear rate of ``velocity``)."""
        fluid = self.cfg.fluid
        if fluid.model == "newtonian":
            return fem.constant(self.mesh, fluid.viscosity)
        c = fluid.carreau_yasuda
        eps = ufl.sym(ufl.grad(velocity))
        shear = ufl.sqrt(2 * ufl.inner(eps, eps) + 1e-12)
        return c.infinite_shear_viscosity + (c.zero_shear_viscosity - c.infinite_shear_viscosity) * \
            (1 + (c.relaxation_time * shear) ** c.a) ** ((c.n - 1) / c.a)

    def viscosity_now(self):
        """mu at the current velocity (UFL)."""
        return self._viscosity(self.u)

    def _solve(self, index: int, target, rhs=None) -> None:
        ksp, name = self.ksp[index], SOLVES[index]
        x = fem.petsc_vec(target)
        ksp.solve(self.b[index] if rhs is None else rhs, x)
        reason = ksp.getConvergedReason()
        if reason < 0:
            raise RuntimeError(f"flow {name} solve diverged at t = {self.t + self.dt:.4g} ms (step "
                               f"{self.step_count + 1}; KSP reason {ksp_reason(reason)}, "
                               f"{ksp.getIterationNumber()} iterations)")
        self.iterations[name] += ksp.getIterationNumber()
        self.last_iterations[name] = ksp.getIterationNumber()
        target.x.scatter_forward()

    def advance(self) -> None:
        """One time step: t -> t + dt."""
        second = self.cfg.numerics.time_scheme == "bdf2" and self.step_count >= 1
        self.a0.value, self.b1.value, self.b2.value = (1.5, 2.0, -0.5) if second else (1.0, 1.0, 0.0)
        self.e1.value, self.e2.value = (2.0, -1.0) if second else (1.0, 0.0)
        t_new = self.t + self.dt
        self.inlet.update(t_new)
        for b in self.boundaries:
            if b.pressure is None:
                continue
            b.pressure.value = (self.inlet.pressure(t_new) if b.role == "inlet"
                                else b.model.pressure(self.flows[b.name], self.dt))
        fem.assemble_matrix_into(self.A[0], self.a[0], self.bcu)
        fem.assemble_rhs_into(self.b[0], self.L[0], self.a[0], self.bcu)
        self.u_tent.x.array[:] = self.u_n.x.array
        self._solve(0, self.u_tent)
        if self.discrete:
            self._solve(1, self.phi, self.projection.rhs_for(self.u_tent))
            self.projection.correct(self.u_tent, self.phi, self.u)
            a0 = float(self.a0.value)
            self.p.x.array[:] = self.p_n.x.array + (a0 * self.rho / self.dt) * self.phi.x.array
        else:
            fem.assemble_rhs_into(self.b[1], self.L[1], self.a[1], self.bcp)
            self.p.x.array[:] = self.p_n.x.array
            self._solve(1, self.p)
            fem.assemble_rhs_into(self.b[2], self.L[2], self.a[2], self.bcu)
            self.u.x.array[:] = self.u_tent.x.array
            self._solve(2, self.u)

        diff = self.comm.allreduce(float(np.max(np.abs(self.u.x.array - self.u_n.x.array), initial=0.0)), op=MPI.MAX)
        size = self.comm.allreduce(float(np.max(np.abs(self.u.x.array), initial=0.0)), op=MPI.MAX)
        self.change = diff / size if size > 0 else 0.0
        self.u_nm1.x.array[:] = self.u_n.x.array
        self.u_n.x.array[:] = self.u.x.array
        self.p_n.x.array[:] = self.p.x.array
        self.t, self.step_count = t_new, self.step_count + 1
        self.flows = {name: flux() for name, flux in self._flux.items()}
        for b in self.boundaries:
            if b.role == "outlet":
                b.model.advance(self.flows[b.name], self.dt)

    # ------------------------------------------------------------------------------------------

    def mean_pressures(self) -> dict[str, float]:
        """Area-averaged pressure (kPa) on the inlet and every outlet."""
        return {name: mean() for name, mean in self._mean_p.items()}

    def imposed_pressures(self) -> dict[str, float]:
        """The pressure (kPa) each outlet model imposed in the last step (the natural data of the
        projection; the field's mean on the cap, :meth:`mean_pressures`, matches it weakly)."""
        return {b.name: float(b.pressure.value) for b in self.boundaries if b.role == "outlet"}

    def outlet_names(self) -> list[str]:
        return [b.name for b in self.boundaries if b.role == "outlet"]

    def counters(self) -> dict:
        """The scalar state a restart needs (JSON-serialisable): time, step count (which also fixes
        the BDF phase: BDF1 on the first step), the last outlet flows (the explicit coupling's input
        to the next step), the outlet models' states, iteration totals and the last relative change."""
        return {"t": self.t, "step": self.step_count, "flows": dict(self.flows), "change": self.change,
                "iterations": dict(self.iterations),
                "outlets": {b.name: b.model.snapshot() for b in self.boundaries if b.role == "outlet"}}

    def restore_counters(self, data: dict) -> None:
        """Continue from :meth:`counters` (the fields u^n, u^{n-1}, p^n are set by the caller)."""
        self.t, self.step_count, self.change = data["t"], data["step"], data["change"]
        self.flows = {name: float(data["flows"][name]) for name in self.flows}
        self.iterations = {name: int(data["iterations"][name]) for name in SOLVES}
        for b in self.boundaries:
            if b.role == "outlet":
                b.model.restore(data["outlets"][b.name])

    def destroy(self) -> None:
        for solver in self.ksp:
            fem.destroy_solver(solver)
        for obj in (*self.A, *self.b):
            obj.destroy()
        if self.projection is not None:
            self.projection.destroy()
