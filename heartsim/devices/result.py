"""The one shape every site's metrics take: time series with units, plus scalars and point fields."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


class SiteError(ValueError):
    """Bad site input (outside the mesh, degenerate ring, ...); the message names the site."""


@dataclass
class SiteResult:
    """Metrics of one site.

    ``columns``: name -> values over time (the CSV columns, ``time_ms`` first); ``units``: name -> unit;
    ``scalars``: whole-run numbers (bench-test table, safety factor, margin) name -> value;
    ``points``: the site's points at every time (nt, n, 3) (mm) and ``point_fields`` name -> (nt, n[, 3])
    values on them (written into the site's .vtu); ``cells``: how the points connect for the .vtu
    (``"line"``, ``"ring"`` or a (m, k) int array of triangles).
    """

    kind: str
    columns: dict[str, np.ndarray]
    units: dict[str, str]
    scalars: dict[str, float] = field(default_factory=dict)
    scalar_units: dict[str, str] = field(default_factory=dict)
    points: np.ndarray | None = None
    point_fields: dict[str, np.ndarray] = field(default_factory=dict)
    cells: object = "line"
