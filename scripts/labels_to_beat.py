"""From a CT label map of the left ventricle to a beat config: labels -> LV wall mesh -> (fibres at run time)
-> configs/<name>.yaml, paced at the apex found on the mesh (no coordinates of another anatomy).

    scripts/in-env python3 scripts/labels_to_beat.py ../shared/data/ct-labels/lv_0002.nii.gz \\
        --outflow ../shared/data/ct-labels/aorta_0002.nii.gz --mesh meshes/lv_0002_wall.xdmf \\
        --config configs/lv-0002-beat.yaml --size 5.5

1. ``heartsim mesh from-labels LABELS MESH --size S --lv-wall 8 [--outflow AORTA]`` (skipped with
   ``--reuse-mesh`` when MESH exists): the wall around the blood pool, tagged endo/epi/base.
2. The apex: the epicardial node farthest from the centroid of the base nodes, the point where the LDRB
   apicobasal coordinate is 0 (``heartsim.fibers.wall.apex_point``); the stimulus is a sphere there.
3. The config: ``configs/lv-beat.yaml`` (LDRB fibres computed from the mesh's tags when the run starts,
   TT06, Land 2017, Holzapfel-Ogden, closed loop) with this mesh, the apex stimulus, the unloaded
   reference on (the image is taken as the end-diastolic state) and ``--set`` overrides.
Then ``heartsim fibers CONFIG`` writes the fibres for ParaView and ``heartsim run CONFIG`` beats.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import yaml
from mpi4py import MPI

REPO = Path(__file__).resolve().parents[1]


def apex_of(mesh_path: Path) -> list[float]:
    from heartsim.config.fibers import FibersConfig
    from heartsim.config.model import MeshConfig
    from heartsim.fibers.wall import apex_point
    from heartsim.mesh import build_mesh

    tagged = build_mesh(MeshConfig(file=mesh_path.resolve()), MPI.COMM_SELF)
    return [round(float(c), 2) for c in apex_point(tagged, FibersConfig(method="ldrb"), MPI.COMM_SELF)]


def set_dotted(data: dict, dotted: str, value) -> None:
    *parents, last = dotted.split(".")
    node = data
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = yaml.safe_load(value) if isinstance(value, str) else value


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("labels", type=Path, help="label map (.nii.gz) of the LV blood pool")
    ap.add_argument("--outflow", type=Path, help="label map of the aorta (same grid), to find the base end")
    ap.add_argument("--mesh", type=Path, required=True, help="output mesh (.xdmf)")
    ap.add_argument("--config", type=Path, required=True, help="output beat config (.yaml)")
    ap.add_argument("--size", type=float, default=5.5, help="target edge length (mm)")
    ap.add_argument("--wall", type=float, default=8.0, help="wall thickness (mm)")
    ap.add_argument("--stimulus-radius", type=float, default=12.0, help="radius of the apical stimulus (mm)")
    ap.add_argument("--template", type=Path, default=REPO / "configs" / "lv-beat.yaml")
    ap.add_argument("--reuse-mesh", action="store_true", help="keep an existing --mesh")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="config override (dot path)")
    a = ap.parse_args()

    if not (a.reuse_mesh and a.mesh.exists()):
        cmd = [sys.executable, "-m", "heartsim", "mesh", "from-labels", str(a.labels), str(a.mesh), "--size", str(a.size),
               "--lv-wall", str(a.wall)] + (["--outflow", str(a.outflow)] if a.outflow else [])
        print("$", " ".join(cmd[1:]), flush=True)
        if subprocess.run(cmd).returncode:
            return 2
    apex = apex_of(a.mesh)
    print(f"apex (epicardial node farthest from the base centroid): {apex} mm")

    data = yaml.safe_load(a.template.read_text())
    data["name"] = a.config.stem
    data["mesh"]["file"] = os.path.relpath(a.mesh.resolve(), a.config.resolve().parent)
    stimulus = data["physics"]["ep"]["stimuli"][0]
    stimulus["region"] = {"sphere": {"center": [f"{c} mm" for c in apex], "radius": f"{a.stimulus_radius} mm"}}
    data["physics"]["electromechanics"]["preload"]["unload"] = True
    for item in a.set:
        key, _, value = item.partition("=")
        set_dotted(data, key, value)
    header = (f"# Beat config made by scripts/labels_to_beat.py from {a.labels.name} (mesh {a.mesh.name}, "
              f"{a.size:g} mm; apex {apex} mm found on the mesh)\n# from the template {a.template.name}; "
              "see docs/electromechanics.md, 'From a label map to a beating heart'.\n")
    a.config.parent.mkdir(parents=True, exist_ok=True)
    a.config.write_text(header + yaml.safe_dump(data, sort_keys=False, default_flow_style=None))
    print(f"wrote {a.config}")
    check = subprocess.run([sys.executable, "-m", "heartsim", "validate", str(a.config)])
    return check.returncode


if __name__ == "__main__":
    raise SystemExit(main())
