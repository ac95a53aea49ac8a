"""The config of ``heartsim circulation CONFIG``: a 0D model alone, without a mesh.

Top-level keys: ``version``, ``name``, ``circulation`` (exactly the keys of ``physics.circulation``),
``time`` and ``output`` (the sections of a full config). A full config whose only physics is
``physics.circulation`` runs as well (``heartsim run`` or ``heartsim circulation``).
Defaults differ from a full config's where a 0D model needs it: ``time.dt`` 1 ms and ``time.end``
60 s (the run usually ends earlier, at its periodic steady state).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import model_validator

from heartsim.config.base import SCHEMA_VERSION, Section
from heartsim.config.circulation import CirculationConfig
from heartsim.config.model import OutputConfig, TimeConfig

TIME_DEFAULTS = {"dt": 1.0, "end": 60_000.0}


class StandaloneCirculationConfig(Section):
    """A standalone 0D circulation run."""

    version: Literal[1] = SCHEMA_VERSION
    """Config format version."""
    name: str = "circulation"
    """Name of the case (in logs and summary.json)."""
    circulation: CirculationConfig = CirculationConfig()
    """The 0D model (same keys as physics.circulation)."""
    time: TimeConfig = TimeConfig(**TIME_DEFAULTS)
    """Time step and longest simulated time (defaults here: dt 1 ms, end 60 s)."""
    output: OutputConfig = OutputConfig()
    """Output folder and table interval (``interval``: time between CSV rows, ms)."""

    @model_validator(mode="before")
    @classmethod
    def _time_defaults(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("time"), dict):
            data = {**data, "time": {**TIME_DEFAULTS, **data["time"]}}
        return data
