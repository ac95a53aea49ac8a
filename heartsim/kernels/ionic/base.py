"""What every ionic model provides: named states and parameters and an explicit time step.

A state array ``y`` has shape ``(n_states, n_nodes)``; row 0 is always the transmembrane potential
``v`` in mV. ``step(y, dt, p, xp)`` advances ``y`` by ``dt`` ms in place using only operations of the
array namespace ``xp`` (NumPy or CuPy), so one definition serves both backends.
The ionic current enters the monodomain equation as ``dv/dt = -I_ion / C_m``; models here are
written directly in terms of that rate (mV/ms).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, Mapping, Protocol


class IonicModel(Protocol):
    """Protocol of an ionic model (see the module docstring for the array layout)."""

    name: str
    state_names: tuple[str, ...]
    #: parameter name -> (default value, unit, description)
    parameters: Mapping[str, tuple[float, str, str]]

    def initial_state(self, p: Mapping[str, float]) -> tuple[float, ...]:
        """Resting values of every state, in the order of ``state_names``."""

    def step(self, y: Any, dt: float, p: Mapping[str, float], xp: ModuleType) -> None:
        """Advance the states ``y`` by ``dt`` (ms) in place."""


def resolve_parameters(model: IonicModel, overrides: Mapping[str, float]) -> dict[str, float]:
    """Defaults of ``model`` updated by ``overrides``; unknown names raise KeyError."""
    values = {name: spec[0] for name, spec in model.parameters.items()}
    for name, value in overrides.items():
        if name not in values:
            raise KeyError(name)
        values[name] = float(value)
    return values
