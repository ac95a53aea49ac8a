"""The tension model at the quadrature points of the mechanics forms (DOLFINx side of
:mod:`heartsim.electromechanics.tension`).

S, W, zeta_s^n, zeta_w^n and lambda^n live in Functions of the quadrature space of the mechanics
forms' quadrature degree (same points, same scheme), so Ta(lambda) of :func:`ufl_tension` is
evaluated exactly where the stress is integrated. Values are local arrays over owned and ghost
cells' points; every rank computes its ghosts' points itself (pointwise updates, same inputs).
"""

from __future__ import annotations

import numpy as np

from heartsim import fem
from heartsim.electromechanics.tension import PointwiseTension, S_, W_, ZS, ZW, ufl_tension


class QuadratureTension:
    """Tension states at the quadrature points of degree ``degree`` on ``mesh``."""

    def __init__(self, mesh, degree: int, params, dt: float, substeps: int):

        self.space = fem.quadrature_space(mesh, degree)
        self.n = self.space.dofmap.index_map.size_local + self.space.dofmap.index_map.num_ghosts
        self.points = PointwiseTension(params, self.n, dt, substeps)
        self.params = params
        self.dt = fem.constant(mesh, float(dt))
        self.fields = {name: fem.function(self.space, name) for name in ("S", "W", "zeta_s", "zeta_w", "lambda_old")}
        self.Ta = fem.function(self.space, "Ta")
        self.lmbda = fem.function(self.space, "lambda")
        self._lmbda_expr = None
        self.scale = None  # per-point factor on Ta (contractility by region, :meth:`set_scale`); None: 1
        self.push()

    def set_dt(self, dt: float, substeps: int) -> None:
        """The next step is ``dt`` (ms) in ``substeps`` sub-steps of the slow states (the adaptive step); the
        forms read dt through a Constant, nothing is recompiled."""
        self.points.dt, self.points.substeps = float(dt), int(substeps)
        self.dt.value = float(dt)

    def set_scale(self, scale: np.ndarray) -> None:
        """Ta times ``scale`` (local points; e.g. Tref_region / Tref, heartsim.electromechanics.regions) in the
        forms and the output; call before the forms are built (``ta_of``)."""
        self.scale = np.asarray(scale, dtype=float).copy()
        self._scale_fn = fem.function(self.space, "Tref_scale")
        self._scale_fn.x.array[:] = self.scale

    def _scaled(self, ta: np.ndarray) -> np.ndarray:
        return ta if self.scale is None else ta * self.scale

    def n_global(self) -> int:
        im = self.space.dofmap.index_map
        return im.size_global

    def ta_of(self, lmbda):
        """Ta(lambda) (UFL) for :class:`~heartsim.mechanics.problem.MechanicsProblem`'s ``active_field``."""
        self._lmbda_expr = lmbda
        f = self.fields
        ta = ufl_tension(self.params, lmbda, f["S"], f["W"], f["zeta_s"], f["zeta_w"], f["lambda_old"], self.dt)
        return ta if self.scale is None else self._scale_fn * ta

    def push(self) -> None:
        """Copy the point arrays into the Functions the forms read."""
        st = self.points.states
        for name, row in (("S", S_), ("W", W_), ("zeta_s", ZS), ("zeta_w", ZW)):
            self.fields[name].x.array[:] = st[row]
        self.fields["lambda_old"].x.array[:] = self.points.lmbda

    def advance(self, cai_uM: np.ndarray) -> None:
        """Slow states to the end of the step (calcium at the points, µM)."""
        self.points.advance(cai_uM)
        self.push()

    def stretch(self) -> np.ndarray:
        """lambda = |F f0| of the current mechanics state at the points."""
        fem.interpolate_expression(self.lmbda, self._lmbda_expr)
        return self.lmbda.x.array.copy()

    def accept(self) -> None:
        """After a converged mechanics step: zeta and lambda to the new state; Ta for output."""
        lmbda = self.stretch()
        self.points.accept(lmbda)
        self.Ta.x.array[:] = self._scaled(self.points.tension(lmbda))
        self.push()

    def state(self) -> dict:
        return self.points.state()

    def restore(self, state: dict) -> None:
        self.points.restore(state)
        self.Ta.x.array[:] = self._scaled(self.points.tension(self.points.lmbda))
        self.push()
