"""Parameter values of an ionic model per region: variant, overrides, conductance scaling.

The value of a parameter in a region is, in order of precedence,

    model default  <  the region's variant (endo / epi / M)  <  ``ionic.parameters``  then  x ``ionic.scale``

(scaling multiplies after overrides, so ``scale: {g_Kr: 0.5}`` halves whatever g_Kr is: drug block).
All regions together form a table (n_regions, n_params); with a region index per node (int32,
0 = the default region), :class:`NodeParameters` gives each parameter as a scalar where it is the
same everywhere, else as a per-node array on the backend. That is what ``model.step`` reads.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping, Sequence

import numpy as np


class ParameterError(ValueError):
    """A bad parameter, variant or scale; the message names it."""


def region_values(model, variant: str | None = None, overrides: Mapping[str, float] | None = None,
                  scale: Mapping[str, float] | None = None) -> dict[str, float]:
    """Parameter values of one region (see the module docstring)."""
    values = {name: float(spec[0]) for name, spec in model.parameters.items()}
    variants = getattr(model, "variants", {})
    if variant is not None:
        if variant not in variants:
            known = ", ".join(variants) or "none"
            raise ParameterError(f"variant {variant!r} is not a variant of {model.name} (known: {known})")
        values.update(variants[variant])
    for name, value in (overrides or {}).items():
        if name not in values:
            raise ParameterError(f"parameters.{name}: not a parameter of {model.name}")
        values[name] = float(value)
    scalable = getattr(model, "scalable", ())
    for name, factor in (scale or {}).items():
        if name not in scalable:
            raise ParameterError(f"scale.{name}: not a scalable conductance of {model.name} "
                                 f"(scalable: {', '.join(scalable) or 'none'})")
        if not factor >= 0:
            raise ParameterError(f"scale.{name}: factor must be >= 0, got {factor}")
        values[name] *= float(factor)
    return values


def parameter_table(model, regions: Sequence[Mapping[str, float]]) -> np.ndarray:
    """(n_regions, n_params) float64 table, columns in the model's parameter order."""
    names = list(model.parameters)
    return np.array([[float(r[n]) for n in names] for r in regions], dtype=np.float64).reshape(len(regions), len(names))


class NodeParameters(Mapping):
    """Parameters of every node: scalar where uniform, per-node array (on ``xp``) where not."""

    def __init__(self, model, table: np.ndarray, region: np.ndarray | None = None, xp: Any = np):
        self.names = list(model.parameters)
        self.table = np.ascontiguousarray(table, dtype=np.float64)
        self.region = None if region is None else np.ascontiguousarray(region, dtype=np.int32)
        if self.region is not None and self.region.size and (self.region.min() < 0 or self.region.max() >= len(table)):
            raise ParameterError("region index out of range of the parameter table")
        self._values: dict[str, Any] = {}
        for j, name in enumerate(self.names):
            column = self.table[:, j]
            if self.region is None or np.all(column == column[0]):
                self._values[name] = float(column[0])
            else:
                self._values[name] = xp.asarray(column[self.region])

    @property
    def uniform(self) -> bool:
        return all(isinstance(v, float) for v in self._values.values())

    def __getitem__(self, name: str):
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)
