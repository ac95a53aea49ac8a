"""The coupled heartbeat: calcium -> tension (implicit in lambda) -> mechanics <-> closed loop, one step at a time.

Per step of ``dt`` (ms): calcium at the mechanics quadrature points at t^{n+1} (from EP or a
prescribed transient, :mod:`heartsim.electromechanics.calcium`), the tension model's slow states
advanced pointwise (:class:`~heartsim.electromechanics.quadrature.QuadratureTension`), then the
mechanics/circulation step (:class:`~heartsim.electromechanics.cavity0d.ChamberCoupling`), each of
whose pressure iterates is a Newton solve with Ta(lambda) inside; after convergence the zeta states
and lambda are accepted. Before the first beat :meth:`Heartbeat.preload` inflates the passive cavity
to the end-diastolic pressure in equal load steps and hands its volume to the 0D model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from heartsim.electromechanics.bordered import BorderedNewton
from heartsim.electromechanics.cavity0d import ChamberCoupling, CoupledStepFailure, StepInfo


@dataclass
class Timings:
    """Wall seconds spent per part (``mechanics``: the Newton solves outside the preload, of which, over
    the coupled steps, ``mechanics_assembly`` assembling residuals and Jacobians and ``mechanics_solve``
    the rest (linear solves, preconditioner set-up, line search); ``preload``: :meth:`Heartbeat.preload`;
    ``unloading``: the search for the unloaded reference, :mod:`heartsim.electromechanics.unloading`)."""

    calcium: float = 0.0
    tension: float = 0.0
    mechanics: float = 0.0
    mechanics_assembly: float = 0.0
    mechanics_solve: float = 0.0
    circulation: float = 0.0
    preload: float = 0.0
    unloading: float = 0.0
    steps: int = 0

    def as_dict(self) -> dict:
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in self.__dict__.items()}


@dataclass
class Heartbeat:
    """``problem``: a MechanicsProblem with the cavities ``chambers`` (e.g. ``("LV",)`` or ``("LV", "RV")``)
    among its named cavities and Ta from ``tension.ta_of``; ``calcium(t)`` -> µM at the tension points;
    ``coupling``: the closed loop with the same chambers."""

    problem: object
    tension: object
    coupling: ChamberCoupling
    calcium: object
    dt: float
    chambers: tuple = ("LV",)
    t: float = 0.0
    timings: Timings = field(default_factory=Timings)
    #: wall seconds of the last step: total, mechanics assembly, mechanics rest (for convergence.csv)
    last_step_s: dict = field(default_factory=dict)
    #: the coupled step: ``pressure_iteration`` (ChamberCoupling.step) or ``monolithic`` (BorderedNewton)
    method: str = "pressure_iteration"

    def __post_init__(self):
        # the pressure iterates of one step share the Jacobian's preconditioner when the solver reuses
        # it (``reuse_preconditioner``); it is rebuilt at every step
        self._solver = getattr(self.problem, "solver", None)
        if self._solver is not None:
            self._solver.keep_preconditioner = True
        self.bordered = BorderedNewton(self.problem, self.chambers) if self.method == "monolithic" else None

    def _split(self) -> tuple[float, float]:
        s, b = self._solver, self.bordered
        assembly, rest = (s.assemble_time, s.linear_time) if s is not None else (0.0, 0.0)
        if b is not None:
            assembly, rest = assembly + b.assemble_time, rest + b.linear_time
        return assembly, rest

    def _refresh(self) -> None:
        if self._solver is not None:
            self._solver.refresh()

    def _solve3d(self, p):
        """Newton solve with the cavity pressures ``p`` (kPa: a float for one chamber, else one per chamber
        of ``chambers``) -> (converged, volumes (mm³, the same shape), Newton iterations, detail)."""
        start = time.perf_counter()
        n = len(self.chambers)
        pressures = dict(zip(self.chambers, np.broadcast_to(np.asarray(p, dtype=float), (n,)).tolist()))
        self.problem.set_cavity_pressures(pressures)
        result = self.problem._newton()
        if not result.converged:  # retry from the start of the step (with a fresh preconditioner)
            self.problem.restore()
            self._refresh()
            self.problem.set_cavity_pressures(pressures)
            result = self.problem._newton()
        self.timings.mechanics += time.perf_counter() - start
        if result.converged:
            volumes = self.problem.cavity_volumes()
            volume = np.array([volumes[name] for name in self.chambers])
        else:
            volume = np.full(n, np.nan)
        return result.converged, (float(volume[0]) if n == 1 and np.ndim(p) == 0 else volume), result.iterations, result.detail

    def inflate(self, pressure, steps: int, min_fraction: float = 1e-3):
        """Inflate the passive cavities from the current state to ``pressure`` (kPa; a float, or one per
        chamber) in ``steps`` equal steps (a step whose Newton solve fails is undone and halved, down to
        ``min_fraction`` of the pressure; the step grows back by 1.5 after a success); returns the cavity
        volume (mm³; an array, one per chamber, when there are several or ``pressure`` is an array).
        Raises CoupledStepFailure."""
        level, h = 0.0, 1.0 / steps
        volumes = self.problem.cavity_volumes()
        several = np.ndim(pressure) or len(self.chambers) > 1
        volume = np.array([volumes[name] for name in self.chambers]) if several else volumes[self.chambers[0]]
        if several:
            pressure = np.broadcast_to(np.asarray(pressure, dtype=float), (len(self.chambers),))
        while level < 1.0 - 1e-12:
            trial = min(1.0, level + h)
            ok, v, _, detail = self._solve3d(pressure * trial)
            if ok:
                level, volume = trial, v
                self.problem.save()
                h = min(1.5 * h, 1.0 / steps)
                continue
            self.problem.restore()
            self._refresh()
            h *= 0.5
            if h < min_fraction:
                raise CoupledStepFailure(0.0, f"preload to {np.max(pressure) * trial:.4g} kPa: {detail}")
        return volume

    def preload(self, pressure, steps: int, min_fraction: float = 1e-3):
        """:meth:`inflate` to ``pressure`` (kPa; a float, or one per chamber), then hand the volumes to the 0D
        model and take the preloaded stretch as the reference of the zeta states; returns the volume(s) (mm³)."""
        start, mechanics = time.perf_counter(), self.timings.mechanics
        volume = self.inflate(pressure, steps, min_fraction)
        self.tension.points.lmbda[:] = self.tension.stretch()  # the preloaded state is the reference of zeta
        self.tension.push()
        self.coupling.start(volume, pressure)
        self.timings.mechanics = mechanics  # the preload is counted apart
        self.timings.preload += time.perf_counter() - start
        return volume

    def _monolithic(self, dt: float) -> StepInfo:
        """The coupled step by the bordered Newton (or its fallback, the pressure iteration), all mechanics time."""
        start, before = time.perf_counter(), self.timings.mechanics
        info = self.bordered.step(self.coupling, dt, self._solve3d)
        self.timings.mechanics = before + time.perf_counter() - start
        return info

    def step(self, dt: float | None = None, substeps: int | None = None) -> StepInfo:
        """Advance by ``dt`` (ms; default the fixed ``self.dt``; the adaptive step passes its own with the tension
        model's ``substeps``) (raises CoupledStepFailure naming the time)."""
        dt = self.dt if dt is None else float(dt)
        if substeps is not None:
            self.tension.set_dt(dt, substeps)
        t_new = self.t + dt
        step_start, (assembly0, solve0) = time.perf_counter(), self._split()
        self._refresh()  # one preconditioner per step at most: a restart repeats the same iterates
        start = time.perf_counter()
        cai = self.calcium(t_new)
        self.timings.calcium += time.perf_counter() - start
        start = time.perf_counter()
        self.tension.advance(cai)
        self.timings.tension += time.perf_counter() - start
        start = time.perf_counter()
        mech_before = self.timings.mechanics
        info = self._monolithic(dt) if self.bordered is not None else self.coupling.step(dt, self._solve3d)
        self.timings.circulation += time.perf_counter() - start - (self.timings.mechanics - mech_before)
        start = time.perf_counter()
        self.tension.accept()
        self.problem.save()
        self.timings.tension += time.perf_counter() - start
        self.t = t_new
        self.timings.steps += 1
        assembly1, solve1 = self._split()
        self.timings.mechanics_assembly += assembly1 - assembly0
        self.timings.mechanics_solve += solve1 - solve0
        self.last_step_s = {"wall_s": time.perf_counter() - step_start, "mechanics_assembly_s": assembly1 - assembly0,
                            "mechanics_solve_s": solve1 - solve0}
        return info
