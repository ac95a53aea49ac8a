"""Runners: build a run from a config and own its time loop.

``runner_for(cfg)`` picks the runner of the configured physics. Every runner has the signature
``run(cfg, out, comm, log, restart=False, stop=None) -> dict`` and returns the run's summary (also
written to ``out/summary.json``); the summary's ``"headline"`` (one line) is what the CLI logs at
the end. Combinations of physics that no runner takes are a config error naming the sections.
"""

from __future__ import annotations

import importlib
from typing import Callable

from heartsim.config.errors import ConfigError

#: physics combination (sorted names) -> "module:function"
RUNNERS: dict[tuple[str, ...], str] = {
    ("ep",): "heartsim.simulation.ep_run:run_ep",
    ("mechanics",): "heartsim.simulation.mechanics_run:run_mechanics",
    ("flow",): "heartsim.simulation.flow_run:run_flow",
    ("circulation", "flow"): "heartsim.simulation.flow_run:run_flow",
    ("circulation",): "heartsim.simulation.circulation_run:run_circulation",
    ("circulation", "electromechanics", "ep", "mechanics"): "heartsim.simulation.electromechanics_run:run_electromechanics",
    ("circulation", "electromechanics", "mechanics"): "heartsim.simulation.electromechanics_run:run_electromechanics",
}


def runner_for(cfg) -> Callable:
    """The run function for ``cfg.physics`` (ConfigError when the combination has none)."""
    active = tuple(sorted(cfg.physics.active()))
    target = RUNNERS.get(active)
    if target is None:
        have = "; ".join(" + ".join(k) for k in RUNNERS)
        raise ConfigError([f"physics: no runner for {' + '.join(active)} (runs exist for: {have})"])
    module, func = target.split(":")
    try:
        return getattr(importlib.import_module(module), func)
    except (ImportError, AttributeError) as exc:
        raise ConfigError([f"physics: {' + '.join(active)} is not available in this build ({exc})"]) from None
