"""``heartsim geometry KIND OUT.xdmf``: Land 2015 beam and ellipsoid, biventricular ellipsoid (Gmsh).

Writes DOLFINx XDMF (+ .h5) and ``OUT.tags.json`` (facet tag names), as ``heartsim mesh convert`` does,
so that ``mesh.file: OUT.xdmf`` reads it with its named tags.
"""

from __future__ import annotations

import logging
from pathlib import Path

KINDS = ("land-beam", "land-ellipsoid", "biv-ellipsoid")


def register(sub) -> None:
    p = sub.add_parser("geometry", help="generate a cardiac benchmark geometry (Land 2015 beam/ellipsoid, BiV)")
    p.add_argument("kind", choices=KINDS)
    p.add_argument("output", type=Path, help="output .xdmf")
    p.add_argument("--size", type=float, help="target edge length (mm; default 0.5 beam, 2 ellipsoids)")
    p.add_argument("--order", type=int, default=1, choices=[1, 2], help="geometry order (2: curved 10-node tetrahedra)")
    p.add_argument("--cell", choices=["hexahedron", "tetrahedron"], default="hexahedron",
                   help="land-beam cell type")
    p.set_defaults(func=cmd_geometry)


def cmd_geometry(args, log: logging.Logger) -> int:
    import time

    from mpi4py import MPI

    from heartsim.config.errors import ConfigError
    from heartsim.geometry import cardiac
    from heartsim.mesh.generate_from import write_mesh
    from heartsim.runtime.collective import on_root

    if args.output.suffix.lower() != ".xdmf":
        raise ConfigError([f"{args.output}: give an .xdmf output"])
    size = args.size if args.size is not None else (0.5 if args.kind == "land-beam" else 2.0)
    options = {"size": size, "order": args.order}
    if args.kind == "land-beam":
        options["cell"] = args.cell
    comm = MPI.COMM_WORLD
    start = time.perf_counter()
    data = on_root(comm, lambda: cardiac.generate(args.kind, **options))
    seconds = time.perf_counter() - start
    if comm.rank == 0:
        args.output.parent.mkdir(parents=True, exist_ok=True)
    write_mesh(data, args.output)
    if comm.rank == 0:
        print(f"wrote {args.output} (+ .h5, {args.output.with_suffix('.tags.json').name}): {len(data.cells)} "
              f"{data.cell_type} cells, {len(data.points)} nodes, facet tags {data.facet_names}, {seconds:.1f} s")
    return 0
