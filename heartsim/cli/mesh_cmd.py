"""``heartsim mesh inspect|convert``."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import numpy as np


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
    q = msub.add_parser("from-surface", help="closed surface (STL, VTP, PLY, OBJ) -> tetrahedral XDMF mesh")
    q.add_argument("file", type=Path)
    q.add_argument("output", type=Path, help="output .xdmf")
    q.add_argument("--size", type=float, required=True, help="target edge length (mm)")
    q.add_argument("--feature-angle", type=float, default=40.0, help="patches split at edges sharper than this (deg)")
    q.add_argument("--unit", choices=["m", "cm", "mm", "um"], default="mm", help="length unit of the surface")
    q = msub.add_parser("from-labels", help="label map (NIfTI, NRRD) -> tetrahedral XDMF mesh (one label, a vessel "
                                            "with caps, an LV wall, or all labels with interface tags)")
    q.add_argument("file", type=Path)
    q.add_argument("output", type=Path, help="output .xdmf")
    q.add_argument("--size", type=float, required=True, help="target edge length (mm)")
    q.add_argument("--label", type=int, help="label to mesh (default: every label, each a cell tag, each "
                                             "interface a facet tag)")
    q.add_argument("--lv-wall", type=float, metavar="MM",
                   help="mesh a left-ventricular wall of this thickness around the blood-pool label, cut by a "
                        "base plane, tagged endo/epi/base (see docs/meshing.md for what this approximates)")
    q.add_argument("--outflow", type=Path, help="with --lv-wall: label map (same grid) of the aorta/outflow, "
                                                "to find the base end")
    q.add_argument("--base-offset", type=float, metavar="MM", help="with --lv-wall: base plane this far below "
                                                                   "the cavity's basal extreme")
    q.add_argument("--vessel", action="store_true",
                   help="mesh a vessel lumen: open ends cut flat and tagged inlet/outlet_k, the rest wall")
    q.add_argument("--inlet-near", type=Path, metavar="LABELMAP",
                   help="with --vessel: label map (same grid; e.g. the left ventricle) whose nearest end is the inlet "
                        "(default: the largest end)")
    q.add_argument("--cap-offset", type=float, default=2.0, metavar="MM",
                   help="with --vessel: caps this far inside where the vessel's full section ends (default 2)")


def _mesh_config(args):
    from heartsim.config.loader import validate_model
    from heartsim.config.model import MeshConfig

    data = {"file": str(args.file), "unit": args.unit}
    if args.cell_tag_array:
        data["cell_tag_array"] = args.cell_tag_array
    if args.facet_tag_array:
        data["facet_tag_array"] = args.facet_tag_array
    return validate_model(MeshConfig, data, Path.cwd(), "mesh ")


def _generate(args, log: logging.Logger) -> int:
    from mpi4py import MPI

    from heartsim.config.errors import ConfigError
    from heartsim.mesh import generate_from as gen
    from heartsim.mesh.meshdata import UNIT_TO_MM
    from heartsim.mesh.quality import quality

    if not args.file.is_file():
        raise ConfigError([f"{args.file}: no such file"])
    if args.output.suffix.lower() != ".xdmf":
        raise ConfigError([f"{args.output}: give an .xdmf output"])
    if not args.size > 0:
        raise ConfigError([f"--size {args.size}: must be positive (mm)"])
    comm = MPI.COMM_WORLD
    data, error, extra, seconds = None, None, {}, 0.0
    if comm.rank == 0:
        try:
            if args.mesh_command == "from-surface":
                data, seconds = gen.timed(gen.from_surface, args.file, args.size, args.feature_angle,
                                          UNIT_TO_MM[args.unit])
            elif args.vessel:
                if args.lv_wall is not None:
                    raise ConfigError(["--vessel and --lv-wall: give one of them"])
                (data, extra), seconds = gen.timed(gen.vessel_from_labels, args.file, args.size, args.label,
                                                   args.inlet_near, args.cap_offset)
            elif args.lv_wall is not None:
                (data, extra), seconds = gen.timed(gen.lv_from_labels, args.file, args.size, args.label,
                                                   args.lv_wall, args.outflow, args.base_offset)
            else:
                (data, extra), seconds = gen.timed(gen.from_labels, args.file, args.size, args.label)
        except ConfigError as exc:
            error = exc.lines
    error = comm.bcast(error, root=0)
    if error:
        raise ConfigError(error)
    gen.write_mesh(data, args.output)
    if comm.rank == 0:
        q = quality(data)
        line = (f"wrote {args.output}: {len(data.cells)} tetrahedra, volume {q.volume:.6g} mm^3, "
                f"min scaled Jacobian {q.min_scaled_jacobian:.3f}, {seconds:.1f} s; facet tags {data.facet_names}")
        if "label_volume_mm3" in extra:
            line += f"; label volume {extra['label_volume_mm3']:.6g} mm^3"
        for cap in extra.get("caps", []):
            print(f"  {cap['name']}: centre {cap['centre']} mm, normal {cap['normal']}, area {cap['area_mm2']} mm^2")
        if "wall_volume_mm3" in extra:
            line += f"; wall (voxel) volume {extra['wall_volume_mm3']:.6g} mm^3"
        for warning in extra.get("warnings", []):  # e.g. caps on the image border plane (heartsim.mesh.vessel)
            print(f"warning: {warning}", file=sys.stderr)
        if len(extra.get("attempts", [])) > 1:  # vessel caps recovered (heartsim.mesh.vessel)
            for attempt in extra["attempts"]:
                print(f"  attempt: {attempt}")
        for note in data.notes:  # e.g. the quality pass (heartsim.mesh.untangle)
            print(f"  note: {note}")
        print(line)
    return 0


def _inspect_data(cfg):
    """MeshData of a file: DOLFINx XDMF through DOLFINx (one rank), anything else through meshio."""
    from mpi4py import MPI

    from heartsim.mesh.build import read_on_root

    if cfg.file.suffix.lower() == ".xdmf":
        from heartsim import fem
        from heartsim.mesh.build import _read_dolfinx_xdmf
        from heartsim.mesh.meshdata import MeshData

        tagged = _read_dolfinx_xdmf(cfg, MPI.COMM_SELF)
        if tagged is not None:
            points, cells, kind = fem.cells_in_vtk_order(tagged.mesh)
            values = np.zeros(len(cells), np.int32)
            if tagged.cell_tags is not None:
                values[tagged.cell_tags.indices] = tagged.cell_tags.values
            facets, facet_values = np.zeros((0, 3), np.int64), np.zeros(0, np.int32)
            ft = tagged.facet_tags
            if ft is not None and kind in ("tetra", "tetra10"):  # corner nodes (areas: straight-sided)
                facets = fem.facet_corner_nodes(tagged.mesh, ft.indices)
                facet_values = np.asarray(ft.values, np.int32)
            return MeshData(points, kind, cells, values, facets, facet_values,
                            dict(tagged.tag_names), dict(tagged.facet_names))
    return read_on_root(cfg, MPI.COMM_SELF)


def cmd_mesh(args, log: logging.Logger) -> int:
    from mpi4py import MPI

    from heartsim.mesh.build import read_on_root

    if args.mesh_command in ("from-surface", "from-labels"):
        return _generate(args, log)
    cfg = _mesh_config(args)
    comm = MPI.COMM_WORLD
    if args.mesh_command == "inspect":
        from heartsim.mesh.inspect import render_png, report

        data = _inspect_data(cfg) if comm.rank == 0 else None
        if comm.rank == 0:
            print("\n".join(report(data, cfg.file, cfg.unit)))
            if args.png:
                render_png(data, args.png)
                print(f"picture: {args.png}")
        return 0
    from heartsim.config.errors import ConfigError
    from heartsim.mesh.generate_from import write_mesh

    out = args.output
    if out.suffix.lower() != ".xdmf":
        raise ConfigError([f"{out}: convert writes DOLFINx XDMF: give an .xdmf output"])
    write_mesh(read_on_root(cfg, comm), out)
    if comm.rank == 0:
        print(f"wrote {out} (+ .h5) and {out.with_suffix('.tags.json')}")
    return 0
