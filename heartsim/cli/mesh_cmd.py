"""``heartsim mesh inspect|convert``."""

from __future__ import annotations

import json
import logging
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("mesh", help="inspect or convert mesh files")
    msub = p.add_subparsers(dest="mesh_command", required=True, parser_class=sub._parser_class)
    for name, text in (("inspect", "counts, bounding box, tag volumes/areas and quality of a mesh file"),
                       ("convert", "convert a mesh file (with its tags) to DOLFINx XDMF")):
        q = msub.add_parser(name, help=text)
        q.add_argument("file", type=Path)
        if name == "convert":
            q.add_argument("output", type=Path, help="output .xdmf")
        q.add_argument("--unit", choices=["m", "cm", "mm", "um"], default="mm", help="length unit of the file")
        q.add_argument("--cell-tag-array", help="cell-data array holding cell tags")
        q.add_argument("--facet-tag-array", help="cell-data array of boundary cells holding facet tags")
        if name == "inspect":
            q.add_argument("--png", type=Path, help="write a picture of the tagged surfaces")


def _mesh_config(args):
    from pydantic import ValidationError

    from heartsim.config.errors import ConfigError, format_validation_error
    from heartsim.config.model import MeshConfig

    data = {"file": str(args.file), "unit": args.unit}
    if args.cell_tag_array:
        data["cell_tag_array"] = args.cell_tag_array
    if args.facet_tag_array:
        data["facet_tag_array"] = args.facet_tag_array
    try:
        return MeshConfig.model_validate(data, context={"base_dir": Path.cwd()})
    except ValidationError as exc:
        raise ConfigError([line.replace("file:", str(args.file) + ":", 1)
                           for line in format_validation_error(exc, MeshConfig)]) from None


def cmd_mesh(args, log: logging.Logger) -> int:
    from mpi4py import MPI

    from heartsim.mesh.build import read_on_root

    cfg = _mesh_config(args)
    comm = MPI.COMM_WORLD
    if args.mesh_command == "inspect":
        from heartsim.mesh.inspect import render_png, report

        data = read_on_root(cfg, MPI.COMM_SELF) if comm.rank == 0 else None
        if comm.rank == 0:
            print("\n".join(report(data, cfg.file, cfg.unit)))
            if args.png:
                render_png(data, args.png)
                print(f"picture: {args.png}")
        return 0
    from heartsim import dolfinx_api as dx
    from heartsim.mesh.build import distribute

    out = args.output
    if out.suffix.lower() != ".xdmf":
        from heartsim.config.errors import ConfigError

        raise ConfigError([f"{out}: convert writes DOLFINx XDMF: give an .xdmf output"])
    tagged = distribute(read_on_root(cfg, comm), comm)
    dx.write_xdmf_mesh(comm, out, tagged.mesh, tagged.cell_tags, tagged.facet_tags)
    if comm.rank == 0:
        out.with_suffix(".tags.json").write_text(json.dumps(
            {"cell_tag_names": tagged.tag_names, "facet_tag_names": tagged.facet_names}, indent=2))
        print(f"wrote {out} (+ .h5) and {out.with_suffix('.tags.json')}")
    return 0
