"""``heartsim mesh generate KIND OUT.xdmf --param value ...``: idealised vessels and flow benchmarks.

Adds ``generate`` to the ``mesh`` sub-commands (registered after ``mesh_cmd``). Kinds and their
parameters come from :data:`heartsim.geometry.vessels.GENERATORS` (parameter help in
``vessels.PARAMETERS``); the mesh is written as DOLFINx XDMF with its ``.tags.json`` the way
``heartsim mesh convert`` does, so that configs load it with ``mesh.file``.
"""

from __future__ import annotations

import argparse
import inspect
import logging
from pathlib import Path


def _mesh_subcommands(sub) -> argparse._SubParsersAction:
    mesh = sub.choices["mesh"]
    return next(a for a in mesh._actions if isinstance(a, argparse._SubParsersAction))


def register(sub) -> None:
    from heartsim.geometry.vessels import GENERATORS, PARAMETERS, SUMMARIES

    p = _mesh_subcommands(sub).add_parser(
        "generate", help="mesh an idealised vessel or flow benchmark (tube, stenosis, fda-nozzle, schafer-turek)")
    kinds = p.add_subparsers(dest="kind", required=True, metavar="KIND", parser_class=sub._parser_class)
    for kind, function in GENERATORS.items():
        q = kinds.add_parser(kind, help=SUMMARIES[kind], description=f"{SUMMARIES[kind]} (see docs/flow.md, "
                             "Geometries). Facet tags inlet, outlet, wall; lengths in mm.")
        q.add_argument("output", type=Path, help="output .xdmf (+ .h5 and .tags.json)")
        for name, parameter in inspect.signature(function).parameters.items():
            default = parameter.default
            kind_of = str if isinstance(default, str) else int if isinstance(default, int) else float
            text = PARAMETERS.get(name, name)
            q.add_argument(f"--{name.replace('_', '-')}", dest=name, type=kind_of, default=None,
                           help=text if default is None else f"{text} (default {default})")
        q.set_defaults(func=cmd_generate)


def cmd_generate(args, log: logging.Logger) -> int:
    from mpi4py import MPI

    from heartsim.config.errors import ConfigError
    from heartsim.geometry.vessels import GENERATORS, build
    from heartsim.mesh.generate_from import timed, write_mesh
    from heartsim.mesh.quality import quality
    from heartsim.runtime.collective import on_root

    if args.output.suffix.lower() != ".xdmf":
        raise ConfigError([f"{args.output}: give an .xdmf output"])
    params = {name: getattr(args, name) for name in inspect.signature(GENERATORS[args.kind]).parameters
              if getattr(args, name, None) is not None}
    comm = MPI.COMM_WORLD
    result = on_root(comm, lambda: timed(lambda: build(args.kind, **params)))
    data, seconds = result if result is not None else (None, 0.0)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    write_mesh(data, args.output)
    if comm.rank == 0:
        q = quality(data)
        volume = "volume" if data.cell_type == "tetra" else "straight-sided volume"
        print(f"wrote {args.output}: {args.kind}, {len(data.points)} nodes, {len(data.cells)} {data.cell_type}, "
              f"{volume} {q.volume:.6g} mm^3, min scaled Jacobian {q.min_scaled_jacobian:.3f}, {seconds:.1f} s; "
              f"facet tags {data.facet_names}")
    return 0
