"""Write the biventricular ellipsoid of ``heartsim geometry biv-ellipsoid`` scaled to human size, used by
configs/biv-beat.yaml.

The generator's shape (Land 2015 LV ellipsoids (7, 7, 17) / (10, 10, 20) mm, RV ellipsoids (12, 9, 16) /
(15, 12, 19) mm centred at (6, 0, 0), base plane z = 5 mm) is meshed at edge ``size / scale`` and its
coordinates multiplied by ``scale`` (default 3.5: LV endo radii 24.5/59.5 mm as
meshes/lv_ellipsoid_human.xdmf, base at z = 17.5 mm). Facet tags lv_endo 1, rv_endo 2, epi 3, base 4.

    scripts/in-env python3 scripts/make_biv_mesh.py meshes/biv_ellipsoid_human.xdmf --size 8
"""

import argparse
from dataclasses import replace
from pathlib import Path

from heartsim.geometry.cardiac import generate
from heartsim.mesh.generate_from import write_mesh

SCALE = 3.5


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("output", type=Path)
    ap.add_argument("--size", type=float, default=8.0, help="target edge length after scaling (mm)")
    ap.add_argument("--scale", type=float, default=SCALE)
    a = ap.parse_args()
    data = generate("biv-ellipsoid", size=a.size / a.scale, order=1)  # Gmsh in a child process
    data = replace(data, points=data.points * a.scale)
    write_mesh(data, a.output)
    print(f"wrote {a.output}: {len(data.cells)} tetrahedra, {len(data.points)} nodes, facet tags {data.facet_names}")


if __name__ == "__main__":
    main()
