"""Sweep files: a base config and the cases to run from it.

Generators, each optional, combined as a Cartesian product of those given:

* ``grid``: every combination of the listed values of each key (dot paths, ``[i]`` for list items);
* ``cases``: an explicit list of override mappings;
* ``lhs``: a Latin-hypercube sample of ``samples`` points over numeric ``ranges`` with a ``seed``;
* ``meshes``: a list of mesh files (a cohort of patients), each set as ``mesh.file``.

With none given the sweep has one case, the base config.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any, Optional

import numpy as np
from pydantic import Field, model_validator

from heartsim.config.model import ConfigPath, ExistingFile, Section


class LatinHypercube(Section):
    """Latin-hypercube sample: each range split into ``samples`` strata, one point per stratum."""

    samples: int = Field(ge=1)
    """Number of sample points."""
    seed: int = 0
    """Random seed (the same seed gives the same cases)."""
    ranges: dict[str, tuple[float, float]] = Field(min_length=1)
    """Key (dot path) -> [low, high], in the key's default unit."""

    @model_validator(mode="after")
    def _ordered(self) -> "LatinHypercube":
        for key, (lo, hi) in self.ranges.items():
            if not lo < hi:
                raise ValueError(f"@ranges.{key}: low must be below high")
        return self

    def points(self) -> list[dict[str, float]]:
        rng = np.random.default_rng(self.seed)
        n, keys = self.samples, list(self.ranges)
        columns = {}
        for key in keys:
            lo, hi = self.ranges[key]
            u = (rng.permutation(n) + rng.random(n)) / n
            columns[key] = lo + u * (hi - lo)
        return [{key: float(columns[key][i]) for key in keys} for i in range(n)]


class SweepConfig(Section):
    """A sweep: base config, generators of cases, output folder."""

    name: str = "sweep"
    """Name of the sweep (job names, tables)."""
    base: ExistingFile
    """Base config file (relative to the sweep file)."""
    out: Optional[ConfigPath] = None
    """Folder of the case folders (relative to the sweep file); ``--out`` overrides it."""
    grid: dict[str, list[Any]] = {}
    """Key (dot path) -> values; every combination is a case."""
    cases: list[dict[str, Any]] = []
    """Explicit cases: each a mapping of key (dot path) -> value."""
    lhs: Optional[LatinHypercube] = None
    """Latin-hypercube sample over numeric ranges."""
    meshes: list[ExistingFile] = []
    """Mesh files of a cohort, each set as mesh.file (relative to the sweep file)."""

    @model_validator(mode="after")
    def _nonempty(self) -> "SweepConfig":
        for key, values in self.grid.items():
            if not values:
                raise ValueError(f"@grid.{key}: give at least one value")
        return self

    def overrides(self) -> list[dict[str, Any]]:
        """The override mapping of every case, in a fixed order."""
        factors: list[list[dict[str, Any]]] = []
        if self.grid:
            keys = list(self.grid)
            factors.append([dict(zip(keys, combo)) for combo in itertools.product(*self.grid.values())])
        if self.cases:
            factors.append([dict(c) for c in self.cases])
        if self.lhs is not None:
            factors.append(self.lhs.points())
        if self.meshes:
            factors.append([{"mesh.file": str(Path(m))} for m in self.meshes])
        cases = []
        for combo in itertools.product(*factors) if factors else [()]:
            merged: dict[str, Any] = {}
            for part in combo:
                merged.update(part)
            cases.append(merged)
        return cases
