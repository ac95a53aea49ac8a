"""Calcium of a cell model for the tension model: which state it is and how to convert it to uM.

The tension models take cytosolic calcium in uM; the ionic models hold it in their own unit
(TT06 ``Ca_i`` and ORd ``cai`` in mM). This module is the one place that converts:
``cai_uM = factor * y[index]`` with ``factor`` from the state's unit (mM -> 1e3, uM -> 1, nM -> 1e-3).
A model without a calcium state (Aliev-Panfilov, Mitchell-Schaeffer) raises :class:`NoCalciumError`,
which a runner maps to its config key (``physics.ep.ionic.model``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: factor taking a calcium concentration in the given unit to uM
TO_UM = {"M": 1e6, "mM": 1e3, "uM": 1.0, "nM": 1e-3}


class NoCalciumError(ValueError):
    """The cell model has no calcium state (or one in an unknown unit)."""


@dataclass(frozen=True)
class CalciumState:
    """Where a cell model keeps its cytosolic calcium: state name, row index, unit, factor to uM."""

    model: str
    name: str
    index: int
    unit: str
    to_uM: float

    def uM(self, y: Any) -> Any:
        """Calcium in uM from a state array (n_states, n) (or a state vector)."""
        return self.to_uM * y[self.index]


def calcium_state(model) -> CalciumState:
    """The calcium state of an ionic model (a GeneratedModel or any object with ``name``,
    ``state_names`` and, where it has calcium, ``calcium`` and the generated ``STATE_UNITS``)."""
    name = getattr(model, "calcium", "") or ""
    if not name:
        raise NoCalciumError(f"ionic model {model.name} has no calcium state; active tension needs a "
                             f"physiological model (tentusscher_panfilov_2006 or ohara_rudy_2011)")
    units = getattr(getattr(model, "code", None), "STATE_UNITS", {})
    unit = units.get(name, "")
    if unit not in TO_UM:
        raise NoCalciumError(f"ionic model {model.name}: calcium state {name} has unit {unit!r} "
                             f"(known: {', '.join(TO_UM)})")
    return CalciumState(model.name, name, list(model.state_names).index(name), unit, TO_UM[unit])


def calcium_uM(model, y: Any) -> Any:
    """Cytosolic calcium in uM of the states ``y`` of ``model`` (NoCalciumError if it has none)."""
    return calcium_state(model).uM(y)
