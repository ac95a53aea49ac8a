"""Write the Land 2015 ellipsoid scaled to human size (factor 3.5: endo radii 24.5/59.5 mm, epi 35/70 mm,
base z = 17.5 mm; unloaded cavity 106.8 mL) used by configs/lv-ellipsoid-beat.yaml.

    scripts/in-env python3 scripts/make_lv_ellipsoid_mesh.py meshes/lv_ellipsoid_human.xdmf --size 7
"""

import argparse
from pathlib import Path

from heartsim.geometry.cardiac import Ellipsoid, land_ellipsoid
from heartsim.mesh.generate_from import write_mesh

SCALE = 3.5


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("output", type=Path)
    ap.add_argument("--size", type=float, default=7.0)
    ap.add_argument("--scale", type=float, default=SCALE)
    a = ap.parse_args()
    s = a.scale
    data = land_ellipsoid(a.size, 1, Ellipsoid(7 * s, 7 * s, 17 * s), Ellipsoid(10 * s, 10 * s, 20 * s), 5 * s)
    write_mesh(data, a.output)


if __name__ == "__main__":
    main()
