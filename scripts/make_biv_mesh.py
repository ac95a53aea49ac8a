"""Write the biventricular ellipsoid of ``heartsim geometry biv-ellipsoid`` scaled to human size, used by
configs/biv-beat.yaml, with its cell tags by region.

The generator's shape (Land 2015 LV ellipsoids (7, 7, 17) / (10, 10, 20) mm, RV ellipsoids (12, 9, 16) /
(15, 12, 19) mm centred at (6, 0, 0), base plane z = 5 mm) is meshed at edge ``size / scale`` and its
coordinates multiplied by ``scale`` (default 3.5: LV endo radii 24.5/59.5 mm as
meshes/lv_ellipsoid_human.xdmf, base at z = 17.5 mm). Facet tags lv_endo 1, rv_endo 2, epi 3, base 4.
Cell tags (what ``physics.electromechanics.tension.regions`` names), from the cell midpoint m (in the
generator's units, m / scale):

* ``rv`` (2), the RV free wall: m outside the LV epicardial ellipsoid (the wall added by the RV shell);
* ``septum`` (3): inside it (LV wall) and its radial projection onto the LV epicardium,
  m / sqrt(level_LV_epi(m)), inside the RV endocardial ellipsoid (the LV wall that faces the RV cavity);
* ``lv`` (1): the rest of the LV wall (the LV free wall).

    scripts/in-env python3 scripts/make_biv_mesh.py meshes/biv_ellipsoid_human.xdmf --size 8
    scripts/in-env python3 scripts/make_biv_mesh.py meshes/biv_ellipsoid_human.xdmf --retag   # tags only

``--retag`` reads the mesh file and rewrites it with these cell tags (same nodes and cells, so no new
Gmsh run; the facet tags are kept).
"""

import argparse
import json
from dataclasses import replace
from pathlib import Path

import numpy as np

from heartsim.geometry.cardiac import BIV_RV_ENDO, LAND_EPI

SCALE = 3.5
REGIONS = {"lv": 1, "rv": 2, "septum": 3}


def region_values(midpoints: np.ndarray, scale: float = SCALE) -> np.ndarray:
    """Cell tag values (REGIONS) of cells with ``midpoints`` (n, 3; mm, the scaled shape)."""
    p = np.asarray(midpoints, float) / scale
    level = LAND_EPI.level(p)
    values = np.full(len(p), REGIONS["lv"], dtype=np.int32)
    rv = level > 1.0
    values[rv] = REGIONS["rv"]
    onto_epi = p / np.sqrt(np.maximum(level, 1e-12))[:, None]  # LAND_EPI is centred at the origin
    values[~rv & (BIV_RV_ENDO.level(onto_epi) < 1.0)] = REGIONS["septum"]
    return values


def retag(path: Path, scale: float) -> None:
    from mpi4py import MPI

    from heartsim import fem

    comm = MPI.COMM_WORLD
    mesh, _, facet_tags = fem.read_xdmf_mesh(comm, path)
    cells = np.arange(fem.local_cell_count(mesh), dtype=np.int32)
    values = region_values(fem.cell_midpoints(mesh, cells), scale)
    fem.write_xdmf_mesh(comm, path, mesh, fem.cell_tags(mesh, cells, values), facet_tags)
    if comm.rank == 0:
        names = path.with_suffix(".tags.json")
        data = json.loads(names.read_text())
        data["cell_tag_names"] = dict(REGIONS)
        names.write_text(json.dumps(data, indent=2))
    counts = {name: int(comm.allreduce(np.count_nonzero(values == v))) for name, v in REGIONS.items()}
    if comm.rank == 0:
        print(f"retagged {path}: cells per region {counts}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("output", type=Path)
    ap.add_argument("--size", type=float, default=8.0, help="target edge length after scaling (mm)")
    ap.add_argument("--scale", type=float, default=SCALE)
    ap.add_argument("--retag", action="store_true", help="only rewrite the cell tags of the existing mesh file")
    a = ap.parse_args()
    if a.retag:
        retag(a.output, a.scale)
        return
    from heartsim.geometry.cardiac import generate
    from heartsim.mesh.generate_from import write_mesh

    data = generate("biv-ellipsoid", size=a.size / a.scale, order=1)  # Gmsh in a child process
    points = data.points * a.scale
    midpoints = points[data.cells].mean(axis=1)
    data = replace(data, points=points, cell_values=region_values(midpoints, a.scale), cell_names=dict(REGIONS))
    write_mesh(data, a.output)
    print(f"wrote {a.output}: {len(data.cells)} tetrahedra, {len(data.points)} nodes, facet tags {data.facet_names}, "
          f"cell tags {data.cell_names}")


if __name__ == "__main__":
    main()
