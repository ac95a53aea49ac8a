"""A 0D model run on its own: a Windkessel under a prescribed inflow, or the closed loop.

Both expose the same small interface to the runner: ``t``, ``y`` (the state vector), ``step(dt)``
and ``outputs()`` (pressures in kPa, volumes in mm^3, flows in mm^3/ms, by name).
"""

from __future__ import annotations

import numpy as np

from heartsim.circulation.build import closed_loop_from_config, inflow_from_config, outlet_from_config
from heartsim.circulation.closed_loop import ClosedLoop
from heartsim.circulation.integrator import BDFStepper, Trajectory


#: Windkessel state -> output column (the compliance pressure and the inductor flow)
STATE_COLUMNS = {"P": "p_c", "P_c": "p_c", "Q_L": "Q_L"}


class WindkesselRun:
    """A Windkessel under the inflow Q(t), stepped with Q(t^{n+1}) (BDF1 or BDF2)."""

    def __init__(self, cfg):
        self.inflow = inflow_from_config(cfg.inflow)
        self.outlet = outlet_from_config(cfg.windkessel, cfg.integrator.method, self.inflow.average())
        self.t = 0.0
        self.flow = self.inflow(0.0)
        self.P = self.outlet.model.pressure(self.outlet.state, self.flow)

    @property
    def y(self) -> np.ndarray:
        return np.concatenate([[self.P], self.outlet.state])

    def step(self, dt: float) -> None:
        self.t += dt
        self.flow = self.inflow(self.t)
        self.P = self.outlet.advance(self.flow, dt)

    def get_state(self) -> dict:
        """Everything a restart needs, as JSON-able values."""
        return {"t": self.t, "flow": self.flow, "P": self.P, "dt": self.outlet._dt,
                "history": [h.tolist() for h in self.outlet.history]}

    def set_state(self, state: dict) -> None:
        self.t, self.flow, self.P, self.outlet._dt = state["t"], state["flow"], state["P"], state["dt"]
        self.outlet.history = [np.asarray(h, dtype=float) for h in state["history"]]

    def outputs(self) -> dict[str, float]:
        out = {"p_in": self.P, "Q_in": self.flow}
        for name, value in zip(self.outlet.model.names, self.outlet.state):
            out[STATE_COLUMNS[name]] = float(value)
        return out


class ClosedLoopRun:
    """The closed loop integrated by :class:`~heartsim.circulation.integrator.BDFStepper`; ``chambers``
    replaces chamber laws by a 3D model's (see :mod:`heartsim.circulation.closed_loop`)."""

    def __init__(self, cfg, chambers: dict | None = None):
        self.model: ClosedLoop = closed_loop_from_config(cfg.closed_loop, chambers)
        y0 = self.model.initial_state(cfg.closed_loop.initial.model_dump())
        scale = np.maximum(np.abs(y0), 1.0)
        stepper = BDFStepper(self.model, cfg.integrator.method, rtol=cfg.integrator.newton_rtol,
                             atol=1e-3 * cfg.integrator.newton_rtol * scale)
        self.trajectory = Trajectory(stepper, y0)

    @property
    def t(self) -> float:
        return self.trajectory.t

    @property
    def y(self) -> np.ndarray:
        return self.trajectory.y

    def step(self, dt: float) -> None:
        self.trajectory.advance(dt)

    def trial(self, dt: float) -> dict[str, float]:
        """Outputs after a step of dt without committing it: a 3D model iterating on a coupled chamber
        (``PressureOfVolume``/``ImposedVolume`` whose function reads the 3D model's current iterate)
        calls this until its iteration converges, then :meth:`step`."""
        return self.model.outputs(self.t + dt, self.trajectory.trial(dt))

    def get_state(self) -> dict:
        """Everything a restart needs, as JSON-able values."""
        tr = self.trajectory
        return {"t": tr.t, "dt": tr._dt, "history": [h.tolist() for h in tr.history]}

    def set_state(self, state: dict) -> None:
        tr = self.trajectory
        tr.t, tr._dt = state["t"], state["dt"]
        tr.history = [np.asarray(h, dtype=float) for h in state["history"]]

    def outputs(self) -> dict[str, float]:
        return self.model.outputs(self.t, self.y)


def standalone_model(cfg):
    """The run object of a ``CirculationConfig``."""
    return ClosedLoopRun(cfg) if cfg.model == "closed_loop" else WindkesselRun(cfg)
