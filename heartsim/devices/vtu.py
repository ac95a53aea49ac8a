"""A minimal VTK XML UnstructuredGrid (.vtu, ASCII) writer for site regions (pure NumPy).

Cells: ``"vertex"`` (one per point), ``"line"`` (a poly-line through the points in order),
``"ring"`` (a closed polygon) or an (m, 3) triangle array. Point data: name -> (n,) or (n, 3).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

VTK_VERTEX, VTK_POLY_LINE, VTK_TRIANGLE, VTK_POLYGON = 1, 4, 5, 7


def _array(name: str, values: np.ndarray, kind: str = "Float64") -> str:
    values = np.asarray(values)
    comps = 1 if values.ndim == 1 else values.shape[1]
    body = " ".join(f"{v:.9g}" if kind.startswith("Float") else str(int(v)) for v in values.ravel())
    return (f'<DataArray type="{kind}" Name="{name}" NumberOfComponents="{comps}" format="ascii">'
            f"{body}</DataArray>\n")


def write_vtu(path: Path, points: np.ndarray, cells, point_data: dict[str, np.ndarray],
              field_data: dict[str, float] | None = None) -> Path:
    """Write ``path`` (written to a temporary name, then renamed)."""
    points = np.asarray(points, float)
    n = len(points)
    if isinstance(cells, str):
        if cells == "vertex":
            conn, offsets, types = np.arange(n), np.arange(1, n + 1), np.full(n, VTK_VERTEX)
        else:
            conn, offsets = np.arange(n), np.array([n])
            types = np.array([VTK_POLYGON if cells == "ring" else VTK_POLY_LINE])
    else:
        tri = np.asarray(cells, int)
        conn, offsets, types = tri.ravel(), 3 * np.arange(1, len(tri) + 1), np.full(len(tri), VTK_TRIANGLE)
    parts = ['<?xml version="1.0"?>\n<VTKFile type="UnstructuredGrid" version="1.0" byte_order="LittleEndian">\n'
             "<UnstructuredGrid>\n"]
    if field_data:
        parts.append("<FieldData>\n" + "".join(_array(k, np.array([v])) for k, v in field_data.items())
                     + "</FieldData>\n")
    parts.append(f'<Piece NumberOfPoints="{n}" NumberOfCells="{len(types)}">\n<PointData>\n')
    parts += [_array(k, np.nan_to_num(v)) for k, v in point_data.items()]
    parts.append("</PointData>\n<Points>\n" + _array("Points", points) + "</Points>\n<Cells>\n")
    parts += [_array("connectivity", conn, "Int64"), _array("offsets", offsets, "Int64"),
              _array("types", types, "UInt8")]
    parts.append("</Cells>\n</Piece>\n</UnstructuredGrid>\n</VTKFile>\n")
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text("".join(parts))
    tmp.replace(path)
    return path
