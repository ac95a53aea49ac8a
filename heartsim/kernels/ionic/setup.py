"""The ionic model and its parameters for a run, from the ``physics.ep.ionic`` config section.

``ionic_from_config(cfg, region)`` returns ``(model, params)`` ready for ``model.step(y, dt,
params, xp)``: the model with the configured integrator, sub-steps and CPU kernel, and the
parameters of every node (:class:`~heartsim.kernels.ionic.parameters.NodeParameters`). ``region``
is an int32 index per local node: 0 where no listed cell tag applies (``variant``), k for the k-th
entry of ``regions``; :func:`region_index` builds it from the nodes of each tagged region.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from heartsim.kernels.ionic import MODELS
from heartsim.kernels.ionic.generated_model import GeneratedModel
from heartsim.kernels.ionic.parameters import NodeParameters, parameter_table, region_values


def region_index(n_local: int, nodes_per_region: Sequence[np.ndarray]) -> np.ndarray:
    """int32 region per node: 0 by default, k + 1 at the nodes of ``nodes_per_region[k]`` (later wins)."""
    region = np.zeros(n_local, dtype=np.int32)
    for k, nodes in enumerate(nodes_per_region):
        region[np.asarray(nodes, dtype=np.int64)] = k + 1
    return region


def resolve_cpu_kernel(choice: str) -> str:
    """``auto`` -> ``native`` when a C compiler exists, else ``numpy``; other choices unchanged."""
    if choice != "auto":
        return choice
    from heartsim.kernels.ionic import native

    return "native" if native.available() else "numpy"


def ionic_from_config(cfg, region: np.ndarray | None = None, xp: Any = np):
    """(model, params) for the ionic section ``cfg`` (an IonicConfig); see the module docstring."""
    model = MODELS[cfg.model]
    if isinstance(model, GeneratedModel):
        model = model.with_integrator(cfg.method, cfg.substeps, resolve_cpu_kernel(cfg.cpu_kernel))
    default = cfg.variant if cfg.variant is not None else getattr(model, "default_variant", None) or None
    rows = [region_values(model, default, cfg.parameters, cfg.scale)]
    rows += [region_values(model, variant, cfg.parameters, cfg.scale) for variant in cfg.regions.values()]
    if region is None and len(rows) > 1:
        raise ValueError("ionic.regions given but no region index per node")
    params = NodeParameters(model, parameter_table(model, rows), region if len(rows) > 1 else None, xp)
    if isinstance(model, GeneratedModel) and params.region is not None:
        model.regions = (params.table, params.region)  # a fresh instance: the fused kernels take the table
    return model, params
