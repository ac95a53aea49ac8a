"""Load time of a 1-million-cell tagged VTU, on 1 and 2 ranks, against DOLFINx's own XDMF reader.

    scripts/in-env python3 scripts/bench_mesh_load.py [--cells-per-unit 26]

Writes a block of ~10^6 tetrahedra with cell tags and tagged boundary triangles as VTU (the
baseline format users bring) and as DOLFINx XDMF (what `heartsim mesh convert` writes), then times
`build_mesh` for each on 1 and 2 ranks (separate processes: read, convert, check, partition,
distribute the tags). Prints a table; results go to docs/meshing.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def worker(path: str) -> None:
    from mpi4py import MPI

    from heartsim.config.model import MeshConfig
    from heartsim.mesh import build_mesh

    comm = MPI.COMM_WORLD
    cfg = MeshConfig.model_validate({"file": path})
    comm.barrier()
    start = time.perf_counter()
    tagged = build_mesh(cfg, comm)
    comm.barrier()
    seconds = time.perf_counter() - start
    cells = comm.allreduce(tagged.mesh.topology.index_map(3).size_local)
    if comm.rank == 0:
        print(json.dumps({"seconds": seconds, "cells": cells}))


def make_block(folder: Path, n: int) -> tuple[Path, Path]:
    import meshio
    import numpy as np
    from mpi4py import MPI

    from heartsim import fem
    from heartsim.mesh.build import distribute
    from heartsim.mesh.meshdata import read_mesh_data

    mesh = fem.create_box(MPI.COMM_SELF, (0, 0, 0), (2.0 * n, n, n), (2 * n, n, n))  # 12 n^3 tetrahedra
    x, cells, kind = fem.cells_in_vtk_order(mesh)
    mid = x[cells].mean(axis=1)
    tags = np.where(mid[:, 0] < n, 1, 2).astype(np.int32)
    faces = np.sort(np.concatenate([cells[:, f] for f in ((0, 1, 2), (0, 1, 3), (1, 2, 3), (0, 2, 3))]), axis=1)
    uniq, counts = np.unique(faces, axis=0, return_counts=True)
    tris = uniq[counts == 1]
    ftags = np.where(np.isclose(x[tris].mean(axis=1)[:, 0], 0), 10, 30).astype(np.int32)
    vtu = folder / "block.vtu"
    meshio.write(vtu, meshio.Mesh(x, [("triangle", tris), ("tetra", cells)], cell_data={"tags": [ftags, tags]}))
    xdmf = folder / "block.xdmf"
    tagged = distribute(read_mesh_data(vtu), MPI.COMM_SELF)
    fem.write_xdmf_mesh(MPI.COMM_SELF, xdmf, tagged.mesh, tagged.cell_tags, tagged.facet_tags)
    return vtu, xdmf


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cells-per-unit", type=int, default=44)
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker)
        return
    with tempfile.TemporaryDirectory() as tmp:
        vtu, xdmf = make_block(Path(tmp), args.cells_per_unit)
        print(f"# mesh load, {time.strftime('%Y-%m-%d')}; VTU {vtu.stat().st_size / 1e6:.0f} MB")
        print("| file | ranks | cells | load time (s) | vs XDMF on the same ranks |\n|---|---|---|---|---|")
        for ranks in (1, 2):
            times = {}
            for path in (xdmf, vtu):
                cmd = ["mpirun", "-n", str(ranks), sys.executable, __file__, "--worker", str(path)]
                out = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.splitlines()[-1])
                times[path.suffix] = out["seconds"]
                print(f"| {path.suffix} | {ranks} | {out['cells']} | {out['seconds']:.2f} | "
                      f"{out['seconds'] / times['.xdmf']:.2f} |", flush=True)


if __name__ == "__main__":
    main()
