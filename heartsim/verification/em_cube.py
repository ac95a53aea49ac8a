"""Coupled verification of the implicit tension-mechanics step: a cube under uniform activation.

Unit cube, fibres along x, symmetry planes x = 0, y = 0, z = 0, other faces free, incompressible
neo-Hookean W = mu/2 (I1 - 3) (P2-P1) with the active Cauchy stress Ta f⊗f along the deformed fibre,
Ta from Land 2017 driven by a prescribed, spatially uniform calcium transient. The deformation is
homogeneous, F = diag(lambda, lambda^(-1/2), lambda^(-1/2)), so the 3D problem reduces to one scalar
equation per step (sigma_yy = 0 gives p = mu/lambda):

    sigma_xx = mu (lambda² - 1/lambda) + Ta(lambda) = 0,

solved here with the same time discretisation (the same pointwise advance of the slow states and
the same backward-Euler zeta(lambda)) by a bracketing root finder: the 3D stretch at every
quadrature point must equal the 0D one to solver tolerance.

``explicit_0d`` is the staggered alternative (Ta from the previous step's stretch and stretch
rate) that the implicit scheme replaces: it oscillates once the active stiffness dTa/dlambda
exceeds the passive one.
"""

from __future__ import annotations

import numpy as np

from heartsim.electromechanics.tension import PointwiseTension, land


def calcium_transient(t: np.ndarray | float, rest: float = 0.1, peak: float = 1.0, tau: float = 30.0):
    """cai(t) = rest + (peak - rest) (t/tau) exp(1 - t/tau) (µM); peak at t = tau."""
    t = np.asarray(t, dtype=float)
    return rest + (peak - rest) * (t / tau) * np.exp(1.0 - t / tau)


def _root(f, lo: float = 0.5, hi: float = 1.3) -> float:
    from scipy.optimize import brentq

    return brentq(f, lo, hi, xtol=1e-14, rtol=1e-14, maxiter=200)


def implicit_0d(params, mu: float, dt: float, steps: int, substeps: int = 10, calcium=calcium_transient):
    """Stretch and Ta per step (arrays of steps + 1) of the 0D reduction, implicit zeta."""
    pt = PointwiseTension(params, 1, dt, substeps)
    pt.rest_at(np.atleast_1d(calcium(0.0)))
    lam, ta = [1.0], [0.0]
    for n in range(1, steps + 1):
        pt.advance(np.atleast_1d(calcium(n * dt)))
        lmbda = _root(lambda x: mu * (x * x - 1.0 / x) + float(pt.tension(np.array([x]))[0]))
        pt.accept(np.array([lmbda]))
        lam.append(lmbda)
        ta.append(float(pt.tension(np.array([lmbda]))[0]))
    return np.array(lam), np.array(ta)


def explicit_0d(params, mu: float, dt: float, steps: int, substeps: int = 10, calcium=calcium_transient):
    """The staggered scheme (stops with NaN where it blows up): zeta advanced with the previous step's dlambda/dt, Ta then fixed while the
    mechanics equation is solved for lambda."""
    pt = PointwiseTension(params, 1, dt, substeps)
    pt.rest_at(np.atleast_1d(calcium(0.0)))
    lam, rate = [1.0], 0.0
    for n in range(1, steps + 1):
        pt.advance(np.atleast_1d(calcium(n * dt)))
        guess = pt.lmbda + rate * dt  # the stretch the tension model is told about
        pt.accept(guess)
        ta = float(land.active_tension(params, pt.states, guess)[0])
        try:
            lmbda = _root(lambda x: mu * (x * x - 1.0 / x) + ta, 0.05, 3.0)
        except ValueError:  # no equilibrium stretch: the staggered scheme has blown up
            lam.append(np.nan)
            break
        rate = (lmbda - lam[-1]) / dt
        pt.lmbda = np.array([lmbda])
        lam.append(lmbda)
    return np.array(lam)


def cube_3d(params, mu: float, dt: float, steps: int, substeps: int = 10, calcium=calcium_transient, comm=None,
            petsc: dict | None = None):
    """Stretch (min and max over the quadrature points) and Newton iterations per step of the 3D cube."""
    from mpi4py import MPI

    from heartsim import fem
    from heartsim.config.mechanics import DEFAULT_MECHANICS_PETSC, MechanicsConfig
    from heartsim.electromechanics.quadrature import QuadratureTension
    from heartsim.mechanics.boundary import tag_box_faces
    from heartsim.mechanics.fiber_basis import constant_basis
    from heartsim.mechanics.problem import MechanicsProblem, Prescribed
    from heartsim.mesh.build import TaggedMesh

    comm = comm or MPI.COMM_SELF
    tagged = TaggedMesh(fem.create_box(comm, [0, 0, 0], [1, 1, 1], [1, 1, 1]), None)
    tag_box_faces(tagged)
    cfg = MechanicsConfig.model_validate({
        "material": {"model": "neo_hookean", "neo_hookean": {"mu": mu}},
        "formulation": {"kind": "incompressible", "degree": 2},
        "active": {"source": "field", "along": "deformed_fibre"},
        "boundary": {"base_condition": "free"}})
    zero = lambda x: np.zeros((1, x.shape[1]))  # noqa: E731
    sym = tuple(Prescribed((face,), zero, axis) for axis, face in enumerate(("x0", "y0", "z0")))
    tension = QuadratureTension(tagged.mesh, cfg.formulation.quadrature_degree, params, dt, substeps)
    problem = MechanicsProblem(tagged, cfg, constant_basis((1, 0, 0), (0, 1, 0)), {**DEFAULT_MECHANICS_PETSC, **(petsc or {})}, sym,
                               active_field=tension.ta_of)
    tension.points.rest_at(np.full(tension.n, float(calcium(0.0))))
    tension.push()
    lo, hi, its = [1.0], [1.0], [0]
    for n in range(1, steps + 1):
        tension.advance(np.full(tension.n, float(calcium(n * dt))))
        result = problem.solve()
        if not result.converged:
            raise RuntimeError(f"cube: step {n} (t = {n * dt:g} ms) did not converge: {result.detail}")
        tension.accept()
        lam = tension.lmbda.x.array
        lo.append(comm.allreduce(float(lam.min()), op=MPI.MIN))
        hi.append(comm.allreduce(float(lam.max()), op=MPI.MAX))
        its.append(result.iterations)
    problem.destroy()
    return np.array(lo), np.array(hi), np.array(its)
