"""``heartsim mesh inspect``: what a mesh file holds and how good it is (arrays only, one rank)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from heartsim.mesh.meshdata import MeshData
from heartsim.mesh.quality import facet_areas, quality, signed_volumes

#: bounding-box diagonals (mm) plausible for a heart or a vessel segment
PLAUSIBLE_MM = (5.0, 1000.0)


def plausibility(points_mm: np.ndarray, unit: str) -> str | None:
    """A warning when the mesh size is implausible for a heart or vessel in the declared unit."""
    diag = float(np.linalg.norm(points_mm.max(axis=0) - points_mm.min(axis=0)))
    lo, hi = PLAUSIBLE_MM
    if diag < lo or diag > hi:
        return (f"the mesh spans {diag:.4g} mm with mesh.unit = {unit}: implausible for a heart or vessel "
                f"({lo:g}-{hi:g} mm); is mesh.unit right?")
    return None


def _name(value: int, names: dict[str, int]) -> str:
    inverse = {v: k for k, v in names.items()}
    return f"{value} ({inverse[value]})" if value in inverse else str(value)


def report(data: MeshData, path: Path, unit: str) -> list[str]:
    """Lines describing the mesh: counts, types, bounding box, volume, tag measures, quality."""
    q = quality(data)
    lo, hi = data.points.min(axis=0), data.points.max(axis=0)
    kind = "hexahedron" if data.cell_type.startswith("hexa") else "tetra"
    corners = data.cells[:, : (8 if kind == "hexahedron" else 4)]
    volumes = np.abs(signed_volumes(data.points, corners, kind))
    lines = [f"file: {path}", f"cells: {len(data.cells)} {data.cell_type}; nodes: {len(data.points)}; "
             f"boundary/tagged facets: {len(data.facets)}; reoriented: {data.reoriented}",
             f"bounding box (mm): [{lo[0]:.4g}, {lo[1]:.4g}, {lo[2]:.4g}] to [{hi[0]:.4g}, {hi[1]:.4g}, {hi[2]:.4g}]",
             f"volume: {volumes.sum():.6g} mm^3"]
    for value in np.unique(data.cell_values):
        lines.append(f"  cell tag {_name(int(value), data.cell_names)}: {volumes[data.cell_values == value].sum():.6g} mm^3, "
                     f"{int((data.cell_values == value).sum())} cells")
    if len(data.facets):
        areas = facet_areas(data.points, data.facets)
        for value in np.unique(data.facet_values):
            lines.append(f"  facet tag {_name(int(value), data.facet_names)}: "
                         f"{areas[data.facet_values == value].sum():.6g} mm^2")
    lines.append(f"quality: min scaled Jacobian {q.min_scaled_jacobian:.4f}, max aspect ratio "
                 f"{q.max_aspect_ratio:.4g}, inverted {q.inverted}, degenerate {q.degenerate}")
    if data.point_vectors or data.cell_vectors:
        lines.append("vector fields: " + ", ".join([f"{k} (points)" for k in data.point_vectors]
                                                  + [f"{k} (cells)" for k in data.cell_vectors]))
    lines += [f"note: {n}" for n in data.notes]
    warning = plausibility(data.points, unit)
    if warning:
        lines.append(f"warning: {warning}")
    return lines


def render_png(data: MeshData, png: Path) -> None:
    """A headless picture of the tagged boundary surfaces (matplotlib, no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from mpl_toolkits.mplot3d.art3d import Poly3DCollection

    from heartsim.mesh.surfaces import boundary_facets

    facets, values = data.facets[:, :3], data.facet_values
    if not len(facets) and data.cell_type.startswith("tetra"):
        facets, values = boundary_facets(data.cells[:, :4]), np.zeros(0, int)
        values = np.zeros(len(facets), int)
    fig = plt.figure(figsize=(7, 6))
    ax = fig.add_subplot(projection="3d")
    from matplotlib.patches import Patch

    cmap = plt.get_cmap("tab10")
    unique = list(np.unique(values))
    colors = [cmap(unique.index(v) % 10) for v in values]
    # one collection, so that matplotlib depth-sorts all faces together
    ax.add_collection3d(Poly3DCollection(data.points[facets], facecolors=colors, edgecolor="k", linewidth=0.1))
    inverse = {v: k for k, v in data.facet_names.items()}
    handles = [Patch(color=cmap(i % 10), label=inverse.get(int(v), str(v))) for i, v in enumerate(unique)]
    lo, hi = data.points.min(axis=0), data.points.max(axis=0)
    span = (hi - lo).max() / 2
    centre = (hi + lo) / 2
    for setter, c in zip((ax.set_xlim, ax.set_ylim, ax.set_zlim), centre):
        setter(c - span, c + span)
    ax.set_xlabel("x (mm)")
    ax.set_ylabel("y (mm)")
    ax.set_zlabel("z (mm)")
    if len(unique) > 1 or data.facet_names:
        ax.legend(handles=handles, loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(png, dpi=100)
    plt.close(fig)
