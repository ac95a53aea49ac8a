"""Legacy DOLFIN XML meshes (``.xml``, ``.xml.gz``) with their markers, read without DOLFIN.

The mesh file holds ``<vertices>`` and ``<cells>`` (tetrahedra ``v0..v3``; legacy DOLFIN stores
each cell's vertices sorted by global index, so about half the cells are negatively oriented: they
are reoriented later by :func:`heartsim.mesh.meshdata.orient`). Markers come from

- ``<domains><mesh_value_collection dim="3|2">`` inside the mesh file, or in a side file: entries
  ``<value cell_index="c" local_entity="e" value="v"/>``. For facets (dim 2) the pair (c, e) names
  facet e of cell c, the one opposite vertex e (DOLFIN's and UFC's local numbering); it is turned
  into the facet's three vertices here, before any reorientation, so a later permutation of the
  cell's vertices cannot change which facet is tagged;
- side files ``<stem>_<name>.xml`` (what ``dolfin-convert`` writes: ``mesh_physical_region.xml``,
  ``mesh_facet_region.xml``) holding one ``<mesh_function dim="3">`` (``<entity index="c" value="v"/>``,
  one per cell) or a ``mesh_value_collection``. A facet ``mesh_function`` (dim 2) is indexed by
  DOLFIN's own facet numbering, which changed between DOLFIN versions; it is refused with a message
  (store facet markers as a ``mesh_value_collection``).

The collection used for cell tags is ``mesh.cell_tag_array`` (or the first of dimension 3), for
facet tags ``mesh.facet_tag_array`` (or the first of dimension 2); the names are the collections'
``name`` attributes, or ``<name>`` of a side file.
"""

from __future__ import annotations

import gzip
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from heartsim.config.errors import ConfigError

#: the facet opposite vertex i of a tetrahedron: its other three vertices
TET_FACETS = np.array([[1, 2, 3], [0, 2, 3], [0, 1, 3], [0, 1, 2]])


@dataclass
class Markers:
    """One marker collection: per-cell values (dim 3) or (cell, local facet, value) triples (dim 2)."""

    name: str
    dim: int
    source: str
    cells: list[int] = field(default_factory=list)
    local: list[int] = field(default_factory=list)
    values: list[int] = field(default_factory=list)


def _fail(path: Path, message: str, key: str = "mesh.file") -> ConfigError:
    return ConfigError([f"{key}: {path.name}: {message}"])


def _open(path: Path):
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")


def _int(elem, attr: str, path: Path) -> int:
    try:
        value = float(elem.attrib[attr])
    except (KeyError, ValueError):
        raise _fail(path, f"<{elem.tag}> without a numeric {attr!r}") from None
    if value != int(value):
        raise _fail(path, f"<{elem.tag}> {attr}={elem.attrib[attr]!r} is not an integer")
    return int(value)


def _collection(elem, path: Path, default_name: str) -> Markers:
    """A ``mesh_value_collection`` or ``mesh_function`` element (already fully parsed)."""
    dim = _int(elem, "dim", path)
    name = elem.attrib.get("name") or default_name
    m = Markers(name, dim, path.name)
    if elem.tag == "mesh_function":
        if dim != 3:
            raise _fail(path, f"a facet mesh_function (dim {dim}) is numbered by DOLFIN's own facet "
                        "numbering, which differs between DOLFIN versions: store the facet markers as a "
                        "mesh_value_collection (cell_index, local_entity) instead")
        for child in elem:
            m.cells.append(_int(child, "index", path))
            m.local.append(0)
            m.values.append(_int(child, "value", path))
    else:
        for child in elem:
            m.cells.append(_int(child, "cell_index", path))
            m.local.append(_int(child, "local_entity", path))
            m.values.append(_int(child, "value", path))
    return m


def _parse_mesh(path: Path) -> tuple[np.ndarray, np.ndarray, list[Markers]]:
    points = cells = None
    keys = ("x", "y", "z")
    markers: list[Markers] = []
    in_domains = False
    with _open(path) as f:
        for event, elem in ET.iterparse(f, events=("start", "end")):
            tag = elem.tag
            if event == "start":
                if tag == "mesh":
                    if elem.attrib.get("celltype") != "tetrahedron" or elem.attrib.get("dim") != "3":
                        raise _fail(path, f"celltype {elem.attrib.get('celltype')!r} in dimension "
                                    f"{elem.attrib.get('dim')}: heartsim reads tetrahedra in 3D")
                elif tag == "vertices":
                    points = np.full((_int(elem, "size", path), 3), np.nan)
                elif tag == "cells":
                    cells = np.full((_int(elem, "size", path), 4), -1, dtype=np.int64)
                elif tag == "domains":
                    in_domains = True
                continue
            if tag == "vertex":
                if points is None:
                    raise _fail(path, "<vertex> outside <vertices>")
                i = _int(elem, "index", path)
                try:
                    points[i] = [float(elem.attrib[k]) for k in keys]
                except (KeyError, ValueError, IndexError):
                    raise _fail(path, f"vertex {i}: bad index or coordinates") from None
                elem.clear()
            elif tag == "tetrahedron":
                if cells is None:
                    raise _fail(path, "<tetrahedron> outside <cells>")
                i = _int(elem, "index", path)
                if not 0 <= i < len(cells):
                    raise _fail(path, f"cell index {i} outside 0..{len(cells) - 1}")
                cells[i] = [_int(elem, f"v{j}", path) for j in range(4)]
                elem.clear()
            elif tag in ("mesh_value_collection", "mesh_function") and in_domains:
                markers.append(_collection(elem, path, f"domains{len(markers)}"))
                elem.clear()
            elif tag == "domains":
                in_domains = False
    if points is None or cells is None:
        raise _fail(path, "no <vertices> or <cells>: not a DOLFIN XML mesh")
    if np.isnan(points).any():
        raise _fail(path, f"{int(np.isnan(points).any(axis=1).sum())} vertices missing or not numbers")
    if (cells < 0).any() or (cells >= len(points)).any():
        raise _fail(path, "cells missing or referring to vertices that do not exist")
    return points, cells, markers


def side_files(path: Path) -> list[tuple[Path, str]]:
    """(file, name) of each ``<stem>_<name>.xml[.gz]`` beside the mesh file, sorted."""
    name = path.name
    stem = name[: -len(".xml.gz")] if name.lower().endswith(".xml.gz") else name[: -len(".xml")]
    pattern = re.compile(re.escape(stem) + r"_([^.]+)\.xml(\.gz)?$", re.IGNORECASE)
    found = ((p, pattern.match(p.name)) for p in sorted(path.parent.iterdir()))
    return [(p, m.group(1)) for p, m in found if m]


def _parse_side(path: Path, stem_name: str) -> list[Markers]:
    found = []
    with _open(path) as f:
        for _, elem in ET.iterparse(f, events=("end",)):
            if elem.tag in ("mesh_value_collection", "mesh_function"):
                found.append(_collection(elem, path, stem_name))
                elem.clear()
    if not found:
        raise _fail(path, "no mesh_function or mesh_value_collection")
    return found


def _choose(markers: list[Markers], dim: int, name: str | None, key: str, path: Path) -> Markers | None:
    of_dim = [m for m in markers if m.dim == dim]
    if name is None:
        return of_dim[0] if of_dim else None
    for m in of_dim:
        if m.name == name:
            return m
    have = ", ".join(f"{m.name} (dim {m.dim})" for m in markers) or "none"
    raise _fail(path, f"no marker collection {name!r} of dimension {dim} (the file has: {have})", key)


def read_dolfin_xml(path: Path, cell_tag_array: str | None = None, facet_tag_array: str | None = None):
    """(points, cells, cell_values, facets, facet_values, notes) of a legacy DOLFIN XML mesh and its
    markers; ConfigError naming the file for anything unreadable."""
    try:
        points, cells, markers = _parse_mesh(path)
        for side, name in side_files(path):
            markers += _parse_side(side, name)
    except ConfigError:
        raise
    except (ET.ParseError, EOFError, OSError, gzip.BadGzipFile) as exc:
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise _fail(path, f"cannot read as dolfin-xml: {text}") from None
    n = len(cells)
    notes = []
    cell_values = np.zeros(n, dtype=np.int32)
    chosen = _choose(markers, 3, cell_tag_array, "mesh.cell_tag_array", path)
    if chosen is not None:
        idx = np.asarray(chosen.cells, dtype=np.int64)
        if idx.size and (idx.min() < 0 or idx.max() >= n):
            raise _fail(path, f"markers {chosen.name!r} ({chosen.source}) refer to cells outside 0..{n - 1}")
        cell_values[idx] = chosen.values
        notes.append(f"cell tags from {chosen.name!r} ({chosen.source})")
    facets = np.empty((0, 3), dtype=np.int64)
    facet_values = np.empty(0, dtype=np.int32)
    chosen = _choose(markers, 2, facet_tag_array, "mesh.facet_tag_array", path)
    if chosen is not None:
        c, e = np.asarray(chosen.cells, dtype=np.int64), np.asarray(chosen.local, dtype=np.int64)
        if c.size and (c.min() < 0 or c.max() >= n or e.min() < 0 or e.max() > 3):
            raise _fail(path, f"facet markers {chosen.name!r} ({chosen.source}) refer to a cell outside "
                        f"0..{n - 1} or a local facet outside 0..3")
        tri = cells[c[:, None], TET_FACETS[e]]
        # an interior facet can be listed from both of its cells: keep it once
        _, first = np.unique(np.sort(tri, axis=1), axis=0, return_index=True)
        first = np.sort(first)
        facets, facet_values = tri[first], np.asarray(chosen.values, dtype=np.int32)[first]
        notes.append(f"facet tags from {chosen.name!r} ({chosen.source}): {len(first)} facets "
                     "given as (cell, local facet)")
    return points, cells, cell_values, facets, facet_values, notes
