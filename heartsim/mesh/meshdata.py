"""A volume mesh as plain arrays (rank 0), before it is distributed: reading, cleaning, checking.

Reading goes through meshio for VTU, legacy VTK, Gmsh MSH 2.2/4.1, Abaqus INP, Medit .mesh, XDMF
and legacy DOLFIN XML (.xml, .xml.gz). Node orderings follow VTK (meshio's convention).
Legacy DOLFIN XML is read by :mod:`heartsim.mesh.dolfin_xml` (with its marker collections).
Coordinates are converted to mm. Duplicate nodes are merged and unused nodes dropped; negatively
oriented cells (half of a legacy DOLFIN mesh, which stores vertices sorted) are reoriented by a
permutation of their nodes; degenerate and self-overlapping cells are errors.
"""

from __future__ import annotations

import gzip
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from heartsim.config.errors import ConfigError

UNIT_TO_MM = {"m": 1000.0, "cm": 10.0, "mm": 1.0, "um": 1e-3}

#: meshio volume cell types heartsim takes -> (DOLFINx cell, geometry degree)
VOLUME_TYPES = {"tetra": ("tetrahedron", 1), "tetra10": ("tetrahedron", 2),
                "hexahedron": ("hexahedron", 1), "hexahedron27": ("hexahedron", 2)}
#: facet cell type that goes with each volume type
FACET_TYPES = {"tetra": "triangle", "tetra10": "triangle6", "hexahedron": "quad", "hexahedron27": "quad9"}
#: cell-data arrays tried, in order, for tags when none is named
TAG_ARRAYS = ("gmsh:physical", "medit:ref", "cell_tags", "CellEntityIds", "tags", "subdomains", "markers")
#: meshio formats by file suffix
FORMATS = {".vtu": "vtu", ".vtk": "vtk", ".msh": "gmsh", ".inp": "abaqus", ".mesh": "medit",
           ".xdmf": "xdmf", ".xml": "dolfin-xml"}


@dataclass
class MeshData:
    """Volume mesh arrays: points (n, 3) in mm; cells (m, k) in VTK order; tags; vector fields."""

    points: np.ndarray
    cell_type: str  # meshio name: tetra, tetra10, hexahedron, hexahedron27
    cells: np.ndarray
    cell_values: np.ndarray
    facets: np.ndarray
    facet_values: np.ndarray
    cell_names: dict[str, int] = field(default_factory=dict)
    facet_names: dict[str, int] = field(default_factory=dict)
    point_vectors: dict[str, np.ndarray] = field(default_factory=dict)
    cell_vectors: dict[str, np.ndarray] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    reoriented: int = 0  # cells whose node order was mirrored (negatively oriented in the file)


def _fail(key: str, path: Path, message: str) -> ConfigError:
    return ConfigError([f"{key}: {path.name}: {message}"])


def read_meshio(path: Path, key: str = "mesh.file"):
    """meshio.Mesh of ``path``; one-line ConfigError for unknown formats and unreadable files."""
    import meshio

    suffixes = "".join(path.suffixes[-2:]).lower()
    if suffixes.endswith(".xml.gz"):
        with tempfile.TemporaryDirectory() as tmp:
            plain = Path(tmp) / path.name[:-3]
            with gzip.open(path, "rb") as src, open(plain, "wb") as dst:
                shutil.copyfileobj(src, dst)
            return read_meshio(plain, key)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        supported = ", ".join(sorted(FORMATS)) + ", .xml.gz"
        raise _fail(key, path, f"unsupported format {path.suffix!r} (supported: {supported})")
    try:
        if path.stat().st_size == 0:
            raise ValueError("the file is empty")
        return meshio.read(path, file_format=fmt)
    except ConfigError:
        raise
    except (Exception, SystemExit) as exc:  # meshio raises many types (even SystemExit) on corrupt files
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if isinstance(exc, SystemExit) or text.isdigit():
            text = "the file is truncated or corrupt"
        raise _fail(key, path, f"cannot read as {fmt}: {text}") from None


def _int_array(values) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim > 1:
        array = array[:, 0]
    return array.astype(np.int32)


def _pick_tag_array(mesh, name: str | None, key: str, path: Path) -> str | None:
    if name is not None:
        if name not in mesh.cell_data:
            have = ", ".join(mesh.cell_data) or "none"
            raise _fail(f"{key}", path, f"no cell-data array {name!r} (the file has: {have})")
        return name
    for candidate in TAG_ARRAYS:
        if candidate in mesh.cell_data:
            return candidate
    for candidate, blocks in mesh.cell_data.items():
        if all(np.issubdtype(np.asarray(b).dtype, np.integer) and np.asarray(b).ndim == 1 for b in blocks):
            return candidate
    return None


def from_meshio(mesh, path: Path, unit: str = "mm", cell_tag_array: str | None = None,
                facet_tag_array: str | None = None) -> MeshData:
    """Arrays of the single volume-cell type of a meshio mesh, with tags and vector fields."""
    volume = [(i, b) for i, b in enumerate(mesh.cells) if b.type in VOLUME_TYPES]
    others3d = sorted({b.type for b in mesh.cells if b.type in ("wedge", "pyramid", "hexahedron20", "wedge15",
                                                                "pyramid13", "tetra4")})
    if not volume:
        found = ", ".join(sorted({b.type for b in mesh.cells})) or "no cells"
        if others3d:
            raise _fail("mesh.file", path, f"unsupported cell type(s) {', '.join(others3d)} "
                        f"(supported: {', '.join(VOLUME_TYPES)})")
        raise _fail("mesh.file", path, f"no volume cells (found: {found})")
    types = sorted({b.type for _, b in volume})
    if len(types) > 1 or others3d:
        raise _fail("mesh.file", path, f"mixed volume cell types {', '.join(types + others3d)} are not supported")
    cell_type = types[0]
    cells = np.concatenate([b.data for _, b in volume]).astype(np.int64)
    if cells.size == 0:
        raise _fail("mesh.file", path, "the mesh has no cells")

    tag_name = _pick_tag_array(mesh, cell_tag_array, "mesh.cell_tag_array", path)
    set_names: dict[str, int] = {}
    if tag_name is not None:
        cell_values = np.concatenate([_int_array(mesh.cell_data[tag_name][i]) for i, _ in volume])
    else:
        cell_values = np.zeros(len(cells), dtype=np.int32)
        # element sets (Abaqus, some others): each named set of volume cells becomes tag 1, 2, ...
        offsets = np.cumsum([0] + [len(b.data) for _, b in volume])
        for name, per_block in (getattr(mesh, "cell_sets", None) or {}).items():
            members = [offsets[j] + np.asarray(per_block[i], dtype=np.int64)
                       for j, (i, _) in enumerate(volume) if i < len(per_block) and per_block[i] is not None
                       and len(per_block[i])]
            if members:
                set_names[name] = len(set_names) + 1
                cell_values[np.concatenate(members)] = set_names[name]

    facet_type = FACET_TYPES[cell_type]
    facet_key = facet_tag_array or tag_name
    facet_blocks = [(i, b) for i, b in enumerate(mesh.cells) if b.type == facet_type]
    if facet_tag_array is not None and facet_tag_array not in mesh.cell_data:
        have = ", ".join(mesh.cell_data) or "none"
        raise _fail("mesh.facet_tag_array", path, f"no cell-data array {facet_tag_array!r} (the file has: {have})")
    if facet_blocks and facet_key is not None:
        facets = np.concatenate([b.data for _, b in facet_blocks]).astype(np.int64)
        facet_values = np.concatenate([_int_array(mesh.cell_data[facet_key][i]) for i, _ in facet_blocks])
    else:
        facets = np.empty((0, {"triangle": 3, "triangle6": 6, "quad": 4, "quad9": 9}[facet_type]), dtype=np.int64)
        facet_values = np.empty(0, dtype=np.int32)

    cell_names, facet_names = dict(set_names), {}
    for name, (tag, dim) in ((n, tuple(v)[:2]) for n, v in (mesh.field_data or {}).items()):
        (cell_names if int(dim) == 3 else facet_names if int(dim) == 2 else {})[name] = int(tag)

    n_points = len(mesh.points)
    point_vectors = {k: np.asarray(v, float) for k, v in mesh.point_data.items()
                     if np.asarray(v).ndim == 2 and np.asarray(v).shape[1] == 3}
    cell_vectors = {}
    for k, blocks in mesh.cell_data.items():
        parts = [np.asarray(blocks[i]) for i, _ in volume]
        if all(p.ndim == 2 and p.shape[1] == 3 for p in parts):
            cell_vectors[k] = np.concatenate(parts).astype(float)
    points = np.zeros((n_points, 3))
    points[:, : mesh.points.shape[1]] = mesh.points
    data = MeshData(points * UNIT_TO_MM[unit], cell_type, cells, cell_values, facets, facet_values,
                    cell_names, facet_names, point_vectors, cell_vectors)
    return data


def clean(data: MeshData, tolerance: float = 1e-9) -> MeshData:
    """Merge duplicate nodes (closer than tolerance x bounding-box diagonal) and drop unused ones."""
    pts = data.points
    diag = float(np.linalg.norm(pts.max(axis=0) - pts.min(axis=0))) or 1.0
    keys = np.round(pts / (tolerance * diag)).astype(np.int64)
    _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    merged = len(pts) - len(first)
    cells, facets = inverse[data.cells], inverse[data.facets] if data.facets.size else data.facets
    used = np.zeros(len(first), dtype=bool)
    used[cells.ravel()] = True
    unused = int((~used).sum())
    renumber = np.cumsum(used) - 1
    if merged:
        data.notes.append(f"merged {merged} duplicate node(s)")
    if unused:
        data.notes.append(f"dropped {unused} node(s) used by no cell")
    if not merged and not unused:
        return data
    # facets whose nodes are all used survive
    keep_facets = used[facets].all(axis=1) if facets.size else np.zeros(0, bool)
    data.points = pts[first][used]
    data.cells = renumber[cells]
    data.facets = renumber[facets[keep_facets]] if facets.size else facets
    data.facet_values = data.facet_values[keep_facets] if facets.size else data.facet_values
    data.point_vectors = {k: v[first][used] for k, v in data.point_vectors.items()}
    return data


def signed_volumes(points: np.ndarray, cells: np.ndarray, cell_type: str) -> np.ndarray:
    """Signed volume of each cell (exact for tetrahedra and parallelepipeds: corner-Jacobian mean)."""
    det = corner_jacobians(points, cells, cell_type)
    return det[0] / 6.0 if cell_type.startswith("tetra") else det.mean(axis=0)


#: for each corner of a VTK hexahedron, its three edge neighbours in right-handed order
_HEX_CORNERS = ((0, 1, 3, 4), (1, 2, 0, 5), (2, 3, 1, 6), (3, 0, 2, 7),
                (4, 7, 5, 0), (5, 4, 6, 1), (6, 5, 7, 2), (7, 6, 4, 3))
_TET_CORNERS = ((0, 1, 2, 3), (1, 2, 0, 3), (2, 0, 1, 3), (3, 0, 2, 1))


def corner_jacobians(points: np.ndarray, cells: np.ndarray, cell_type: str, scaled: bool = False) -> np.ndarray:
    """det of the three edge vectors at each corner (n_corners, n_cells); ``scaled`` divides by the
    product of their lengths (the scaled Jacobian, 1 for a right-angled corner)."""
    corners = _TET_CORNERS if cell_type.startswith("tetra") else _HEX_CORNERS
    out = []
    for o, a, b, c in corners:
        e1, e2, e3 = (points[cells[:, n]] - points[cells[:, o]] for n in (a, b, c))
        det = np.einsum("ij,ij->i", np.cross(e1, e2), e3)
        if scaled:
            det = det / np.maximum(np.linalg.norm(e1, axis=1) * np.linalg.norm(e2, axis=1)
                                   * np.linalg.norm(e3, axis=1), 1e-300)
        out.append(det)
    return np.array(out)


#: corner sets of the higher-order nodes in VTK order (edges, then faces, then the centre)
_NODE_CORNERS = {
    "tetra10": [(0, 1), (1, 2), (0, 2), (0, 3), (1, 3), (2, 3)],
    "hexahedron27": [(0, 1), (1, 2), (2, 3), (0, 3), (4, 5), (5, 6), (6, 7), (4, 7), (0, 4), (1, 5), (2, 6),
                     (3, 7), (0, 3, 4, 7), (1, 2, 5, 6), (0, 1, 4, 5), (2, 3, 6, 7), (0, 1, 2, 3), (4, 5, 6, 7),
                     tuple(range(8))],
}
#: the corner permutation that mirrors a cell (tetrahedron: swap vertices 1 and 2; hexahedron: swap
#: the x and y edges at corner 0), turning a negatively oriented cell into a positive one
_MIRROR_CORNERS = {"tetra": [0, 2, 1, 3], "hexahedron": [0, 3, 2, 1, 4, 7, 6, 5]}


def mirror_permutation(cell_type: str) -> list[int]:
    """Node permutation ``perm`` (new node k = old node perm[k]) that mirrors a cell of ``cell_type``:
    corners as in :data:`_MIRROR_CORNERS`, each edge/face/centre node moved with its corners."""
    corners = _MIRROR_CORNERS["tetra" if cell_type.startswith("tetra") else "hexahedron"]
    higher = _NODE_CORNERS.get(cell_type, [])
    index = {frozenset(c): len(corners) + i for i, c in enumerate(higher)}
    return list(corners) + [index[frozenset(corners[v] for v in c)] for c in higher]


def _curved_tet_jacobians(points: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """det of the P2 geometry's Jacobian at the four corners of tetra10 cells (4, n): the edge
    tangent at corner o towards n is 4 x_mid(o, n) - 3 x_o - x_n."""
    mid = {frozenset(c): 4 + i for i, c in enumerate(_NODE_CORNERS["tetra10"])}
    out = []
    for o, a, b, c in _TET_CORNERS:
        e = [4 * points[cells[:, mid[frozenset((o, n))]]] - 3 * points[cells[:, o]] - points[cells[:, n]]
             for n in (a, b, c)]
        out.append(np.einsum("ij,ij->i", np.cross(e[0], e[1]), e[2]))
    return np.array(out)


def orient(data: MeshData, path: Path) -> MeshData:
    """Reorient negatively oriented cells by mirroring their node order (cell tags stay with their cell,
    facet tags are vertex sets, so both are kept); degenerate (zero-volume) and self-overlapping cells
    (corner Jacobians of both signs, also of the curved tetra10 geometry) are errors."""
    det = corner_jacobians(data.points, data.cells, data.cell_type)
    size = np.abs(det).max() or 1.0
    degenerate = np.flatnonzero(np.all(np.abs(det) <= 1e-12 * size, axis=0))
    if degenerate.size:
        raise _fail("mesh.file", path, f"{degenerate.size} degenerate (zero-volume) cell(s), first ids "
                    f"{degenerate[:5].tolist()}")
    if data.cell_type.startswith("tetra"):
        negative = det[0] < 0
        signs = np.sign(_curved_tet_jacobians(data.points, data.cells)) if data.cell_type == "tetra10" else None
        mixed = (signs != np.where(negative, -1, 1)).any(axis=0) if signs is not None else np.zeros(len(det[0]), bool)
    else:
        negative = np.all(det < 0, axis=0)
        mixed = np.any(det < 0, axis=0) & ~negative
    bad = np.flatnonzero(mixed)
    if bad.size:
        raise _fail("mesh.file", path, f"{bad.size} of {len(data.cells)} cells are self-overlapping (Jacobian of "
                    f"both signs), first ids {bad[:5].tolist()}")
    flip = np.flatnonzero(negative)
    if flip.size:
        data.cells[flip] = data.cells[flip][:, mirror_permutation(data.cell_type)]
        data.reoriented = int(flip.size)
        data.notes.append(f"reoriented {flip.size} of {len(data.cells)} cells (negative vertex order)")
    return data


def read_mesh_data(path: Path, unit: str = "mm", cell_tag_array: str | None = None,
                   facet_tag_array: str | None = None) -> MeshData:
    """Read, convert to mm, clean and orient a volume mesh file (call on one rank)."""
    name = path.name.lower()
    if name.endswith(".xml") or name.endswith(".xml.gz"):
        from heartsim.mesh.dolfin_xml import read_dolfin_xml

        if not path.is_file():
            raise _fail("mesh.file", path, "no such file")
        points, cells, cell_values, facets, facet_values, notes = read_dolfin_xml(path, cell_tag_array,
                                                                                  facet_tag_array)
        data = MeshData(points * UNIT_TO_MM[unit], "tetra", cells, cell_values, facets, facet_values, notes=notes)
    else:
        data = from_meshio(read_meshio(path), path, unit, cell_tag_array, facet_tag_array)
    if not np.isfinite(data.points).all():
        bad = np.flatnonzero(~np.isfinite(data.points).all(axis=1))
        raise _fail("mesh.file", path, f"{bad.size} node(s) with NaN or infinite coordinates, first ids "
                    f"{bad[:5].tolist()}")
    return orient(clean(data), path)
