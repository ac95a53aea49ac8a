"""Reading a finished (or stopped) run folder without re-running it: for post-processors.

:class:`RunFolder` gives the resolved config, the summary and status, the CSV tables (columns as
NumPy arrays) and the field series by name and time, read from the XDMF (+ HDF5) files the runners
write (restart segments ``<stem>.restart<k>.xdmf`` continue a series). Needs h5py, not DOLFINx, so
it runs where the solver does not. What a folder may contain is listed once, in
:mod:`heartsim.io.outputs`.
"""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from heartsim.io.outputs import FIELD_SERIES, TABLES


@dataclass
class Field:
    """One field at one time: ``values`` (n, components) at the mesh ``points`` (node-centred) or at
    its ``cells`` (cell-centred); ``cells`` are node indices per cell (the mesh topology)."""

    name: str
    time: float
    points: np.ndarray
    cells: np.ndarray
    values: np.ndarray
    center: str  # "Node" or "Cell"


@dataclass
class _Entry:
    time: float
    file: Path
    values: str      # "file.h5:/Function/name/key"
    geometry: str
    topology: str
    center: str


def _h5(folder: Path, reference: str) -> np.ndarray:
    import h5py

    file, path = reference.strip().split(":", 1)
    with h5py.File(folder / file, "r") as handle:
        return handle[path][...]


def _entries(path: Path) -> dict[str, list[_Entry]]:
    """Every function of an XDMF file written by DOLFINx: name -> entries in time order."""
    root = ET.parse(path).getroot()
    domain = root.find("Domain")
    mesh = domain.find("Grid[@GridType='Uniform']")
    geometry = mesh.find("Geometry/DataItem").text
    topology = mesh.find("Topology/DataItem").text
    out: dict[str, list[_Entry]] = {}
    for collection in domain.findall("Grid[@GridType='Collection']"):
        for grid in collection.findall("Grid"):
            time = float(grid.find("Time").get("Value"))
            for attribute in grid.findall("Attribute"):
                name = attribute.get("Name")
                values = attribute.find("DataItem").text
                out.setdefault(name, []).append(_Entry(time, path, values, geometry, topology,
                                                       attribute.get("Center", "Node")))
    return out


class RunFolder:
    """A heartsim output folder, read-only."""

    def __init__(self, path: Path):
        self.path = Path(path)
        if not (self.path / "config.resolved.json").is_file():
            raise FileNotFoundError(f"{self.path}: not a heartsim run folder (no config.resolved.json)")

    # -- records -----------------------------------------------------------------------------------
    def _json(self, name: str) -> dict:
        return json.loads((self.path / name).read_text())

    def config(self) -> dict:
        """The config as run (every default and unit resolved)."""
        return self._json("config.resolved.json")

    def summary(self) -> dict | None:
        """``summary.json`` (None while the run has not finished or failed)."""
        return self._json("summary.json") if (self.path / "summary.json").is_file() else None

    def status(self) -> dict | None:
        return self._json("status.json") if (self.path / "status.json").is_file() else None

    # -- tables ------------------------------------------------------------------------------------
    def tables(self) -> list[str]:
        """Names of the CSV tables present."""
        return [name for name in TABLES if (self.path / name).is_file()]

    def table(self, name: str) -> dict[str, np.ndarray]:
        """Columns of a table by header name: float arrays, or string arrays for text columns."""
        with open(self.path / name, newline="") as handle:
            rows = list(csv.reader(handle))
        if not rows:
            return {}
        header, body = rows[0], rows[1:]
        columns = {}
        for i, key in enumerate(header):
            raw = [r[i] if i < len(r) else "" for r in body]
            try:
                columns[key] = np.array([float(v) if v != "" else np.nan for v in raw])
            except ValueError:
                columns[key] = np.array(raw)
        return columns

    # -- fields ------------------------------------------------------------------------------------
    def _series(self) -> dict[str, list[_Entry]]:
        out: dict[str, list[_Entry]] = {}
        for stem in FIELD_SERIES:
            files = [self.path / f"{stem}.xdmf"] + sorted(
                self.path.glob(f"{stem}.restart*.xdmf"), key=lambda p: int(p.name.split(".restart")[1].split(".")[0]))
            for file in files:
                if not file.is_file():
                    continue
                for name, entries in _entries(file).items():
                    merged = out.setdefault(name, [])
                    # a continued segment starts at its checkpoint's time: it replaces later entries
                    if entries and merged:
                        merged[:] = [e for e in merged if e.time < entries[0].time - 1e-12]
                    merged.extend(entries)
        return out

    def fields(self) -> dict[str, list[float]]:
        """Field names and their times (ms)."""
        return {name: [e.time for e in entries] for name, entries in self._series().items()}

    def field(self, name: str, time: float | None = None) -> Field:
        """The field ``name`` at the stored time nearest to ``time`` (None: the last)."""
        series = self._series()
        if name not in series:
            raise KeyError(f"{self.path}: no field {name!r} (have: {', '.join(sorted(series)) or 'none'})")
        entries = series[name]
        entry = entries[-1] if time is None else min(entries, key=lambda e: abs(e.time - time))
        folder = entry.file.parent
        values = _h5(folder, entry.values)
        return Field(name, entry.time, _h5(folder, entry.geometry), _h5(folder, entry.topology),
                     values.reshape(len(values), -1), entry.center)
