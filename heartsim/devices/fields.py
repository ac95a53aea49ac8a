"""Reading what a finished run wrote, for the device analysis: its mesh and its field time series
(XDMF + HDF5 as DOLFINx writes them, read with h5py, no DOLFINx), the flow runner's forces.csv, and the
mesh file's facet tags. Field series come through :class:`heartsim.io.reader.RunFolder` (restart segments
included); mesh files with facet tags are read here.

Points are located in the tetrahedra of the field's mesh (reference configuration) and fields
interpolated linearly (P1: barycentric weights), so site points move with the tissue:
x(t) = X + u(X, t).
"""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from heartsim.config.errors import ConfigError


@dataclass
class Series:
    """A nodal field over time on a tetrahedral mesh: ``points`` (n, 3), ``cells`` (m, 4), ``times`` (nt,),
    ``values`` list of (n,) or (n, 3) arrays (one per time)."""

    points: np.ndarray
    cells: np.ndarray
    times: np.ndarray
    values: list


def _h5(xdmf: Path, text: str):
    import h5py

    file, dataset = text.strip().split(":", 1)
    with h5py.File(xdmf.parent / file, "r") as f:
        return np.asarray(f[dataset])


def locate(points: np.ndarray, cells: np.ndarray, queries: np.ndarray, site: str,
           tol: float = 1e-3) -> tuple[np.ndarray, np.ndarray]:
    """(cell index (q,), barycentric weights (q, 4)) of every query point in the tetrahedral mesh.
    ConfigError naming ``site`` and the point for a point outside the mesh."""
    from scipy.spatial import cKDTree

    queries = np.atleast_2d(np.asarray(queries, float))
    verts = points[cells]                                   # (m, 4, 3)
    centres = verts.mean(axis=1)
    reach = np.linalg.norm(verts - centres[:, None], axis=2).max()
    tree = cKDTree(centres)
    T = np.transpose(verts[:, 1:] - verts[:, :1], (0, 2, 1))  # (m, 3, 3)
    found_cell = np.empty(len(queries), int)
    weights = np.empty((len(queries), 4))
    for i, q in enumerate(queries):
        cand = np.array(tree.query_ball_point(q, reach * (1 + 1e-9)), int)
        best, best_w, best_min = -1, None, -np.inf
        if len(cand):
            lam = np.linalg.solve(T[cand], (q - verts[cand, 0])[..., None])[..., 0]
            w = np.concatenate([1 - lam.sum(axis=1, keepdims=True), lam], axis=1)
            k = int(np.argmax(w.min(axis=1)))
            best, best_w, best_min = cand[k], w[k], w[k].min()
        if best < 0 or best_min < -tol:
            raise ConfigError([f"devices.sites.{site}: point {i} ({', '.join(f'{v:.4g}' for v in q)}) lies outside "
                               "the mesh"])
        found_cell[i], weights[i] = best, best_w
    return found_cell, weights


def interpolate(cells: np.ndarray, where: tuple[np.ndarray, np.ndarray], values: np.ndarray) -> np.ndarray:
    """P1 interpolation of nodal ``values`` at located points ``where`` = (cell, weights)."""
    cell, w = where
    return np.einsum("qk,qk...->q...", w, np.asarray(values)[cells[cell]])


def boundary_triangles(cells: np.ndarray) -> np.ndarray:
    """Faces (k, 3) that belong to one tetrahedron only, ordered so their normal points out of it."""
    faces = np.concatenate([cells[:, [1, 2, 3]], cells[:, [0, 3, 2]], cells[:, [0, 1, 3]], cells[:, [0, 2, 1]]])
    key = np.sort(faces, axis=1)
    _, index, counts = np.unique(key, axis=0, return_index=True, return_counts=True)
    return faces[index[counts == 1]]


def orient_outward(points: np.ndarray, cells: np.ndarray, tris: np.ndarray) -> np.ndarray:
    """``tris`` reordered so that each normal points away from the tetrahedron that owns it."""
    key = {tuple(sorted(t)): i for i, t in enumerate(tris.tolist())}
    opposite = np.empty(len(tris), int)
    for c in cells:
        for j in range(4):
            face = tuple(sorted(np.delete(c, j)))
            if face in key:
                opposite[key[face]] = c[j]
    p = points[tris]
    n = np.cross(p[:, 1] - p[:, 0], p[:, 2] - p[:, 0])
    flip = np.einsum("ij,ij->i", n, points[opposite] - p[:, 0]) > 0
    out = tris.copy()
    out[flip] = out[flip][:, [0, 2, 1]]
    return out


def facet_tags(mesh_file: Path) -> tuple[np.ndarray, np.ndarray, dict[str, int], np.ndarray] | None:
    """(mesh points, tagged triangles (k, 3), names -> values, values (k,)) of a DOLFINx XDMF mesh file with
    facet tags (names from the ``.tags.json`` beside it); None when the file has no facet tags."""
    if mesh_file.suffix != ".xdmf" or not mesh_file.is_file():
        return None
    root = ET.parse(mesh_file).getroot()
    grids = {g.get("Name"): g for g in root.iter("Grid")}
    if "facet_tags" not in grids:
        return None
    points = _h5(mesh_file, next(g for g in root.iter("Grid") if g.get("GridType") == "Uniform")
                 .find("Geometry/DataItem").text)
    tris = _h5(mesh_file, grids["facet_tags"].find("Topology/DataItem").text).astype(np.int64)
    vals = _h5(mesh_file, grids["facet_tags"].find("Attribute/DataItem").text).ravel().astype(int)
    names_file = mesh_file.with_suffix(".tags.json")
    names = json.loads(names_file.read_text()).get("facet_tag_names", {}) if names_file.is_file() else {}
    return points, tris, names, vals


def read_forces(folder: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """forces.csv of a flow run: region -> (times (nt,), F (nt, 3) mN); empty when the run wrote none."""
    path = folder / "forces.csv"
    if not path.is_file():
        return {}
    out: dict[str, list] = {}
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["region"], []).append([float(row["time_ms"]), float(row["Fx_mN"]),
                                                      float(row["Fy_mN"]), float(row["Fz_mN"])])
    return {k: (np.array(v)[:, 0], np.array(v)[:, 1:]) for k, v in out.items()}


def read_resolved(folder: Path) -> dict:
    path = folder / "config.resolved.json"
    if not path.is_file():
        raise ConfigError([f"{folder}: not a heartsim run folder (no config.resolved.json)"])
    return json.loads(path.read_text())


def run_series(folder: Path, name: str) -> Series | None:
    """The series ``name`` of a run folder through :class:`heartsim.io.reader.RunFolder` (restart segments
    included); later times on a differently numbered mesh (a restart on another number of ranks) are mapped
    onto the first time's nodes by coordinates. None when the run wrote no such field."""
    from scipy.spatial import cKDTree

    from heartsim.io.reader import RunFolder

    try:
        run = RunFolder(folder)
        times = run.fields().get(name)
    except (FileNotFoundError, ET.ParseError):
        return None
    if not times:
        return None
    first = run.field(name, times[0])
    if first.center != "Node" or first.cells.shape[1] != 4:
        raise ConfigError([f"{folder}: field {name!r} is not a nodal field on tetrahedra of degree 1"])
    values = []
    for t in times:
        f = run.field(name, t)
        v = f.values if f.values.shape[1] > 1 else f.values[:, 0]
        if f.points.shape != first.points.shape or not np.allclose(f.points, first.points):
            v = v[cKDTree(f.points).query(first.points)[1]]  # another node numbering: match by coordinates
        values.append(v)
    return Series(first.points, first.cells.astype(np.int64), np.array(times), values)


def motion(folder: Path) -> Series | None:
    """The displacement series ``u`` of a mechanics run, or None when the run has none."""
    return run_series(folder, "u")


def any_mesh_series(folder: Path) -> tuple[Series, str] | None:
    """The first nodal series of a run with no motion (pressure of flow, v of EP): its mesh and times."""
    for name in ("pressure", "v", "velocity"):
        series = run_series(folder, name)
        if series is not None:
            return series, name
    return None
