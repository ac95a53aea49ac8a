"""``heartsim fibers CONFIG|MESH [--out DIR]``: compute a fiber field and write it for ParaView.

From a run config, the ``mesh:`` and ``fibers:`` sections are used; from a mesh file, the mesh with
default fiber options (LDRB, tags endo/epi/base or lv_endo/rv_endo/epi/base) and ``--method``/``--space``.
Writes ``fibers.xdmf`` (+ .h5: ``fiber``, ``sheet``, ``sheet_normal`` as point data for P1 or cell
data for DG0, plus the wall coordinates) and ``fibers.json`` (the report), and prints the mean helix
angle at endo, mid and epi.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

CONFIG_SUFFIXES = (".yaml", ".yml", ".json")


def register(sub) -> None:
    p = sub.add_parser("fibers", help="compute fibers (LDRB, analytic, file) and write them for ParaView")
    p.add_argument("input", type=Path, help="run config (.yaml) with a fibers: section, or a mesh file")
    p.add_argument("--out", type=Path, help="output folder (default results/fibers-<input name>)")
    p.add_argument("--method", choices=["ldrb", "analytic", "file"], help="override fibers.method")
    p.add_argument("--space", choices=["P1", "DG0"], help="override fibers.space")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a config value (dot path; config input only), repeatable")
    p.add_argument("--force", action="store_true", help="write into a non-empty output folder")
    p.set_defaults(func=cmd_fibers)


def _inputs(args):
    """(MeshConfig, FibersConfig) from a config or a mesh file."""
    from heartsim.config.errors import ConfigError
    from heartsim.config.fibers import FibersConfig
    from heartsim.config.loader import validate_model
    from heartsim.config.model import MeshConfig

    if args.input.suffix.lower() in CONFIG_SUFFIXES:
        from heartsim.config import load_config

        cfg = load_config(args.input, args.overrides)
        if cfg.fibers is None:
            raise ConfigError([f"fibers: {args.input} has no fibers: section"])
        mesh_cfg, fib_cfg = cfg.mesh, cfg.fibers
    else:
        if args.overrides:
            raise ConfigError(["--set: applies to a config input only"])
        if not args.input.is_file():
            raise ConfigError([f"{args.input}: no such file"])
        mesh_cfg = validate_model(MeshConfig, {"file": str(args.input)}, Path.cwd(), "mesh ")
        fib_cfg = FibersConfig()
    update = {k: v for k, v in (("method", args.method), ("space", args.space)) if v is not None}
    if update:
        fib_cfg = validate_model(FibersConfig, {**fib_cfg.model_dump(exclude_unset=True), **update}, None, "fibers ")
    return mesh_cfg, fib_cfg


def report_lines(report: dict) -> list[str]:
    """Human-readable lines of a fiber report (see heartsim.fibers.summary.helix_report)."""
    lines = [f"fibers: {report['method']}, {report['space']}, {report['dofs']} vectors"]
    if report["helix_deg"] is None:
        lines.append(report["note"])
    else:
        lines.append("mean helix angle (deg): " + ", ".join(
            f"{layer} " + ("n/a (no dofs in the layer)" if angle is None else f"{angle:+.1f}")
            for layer, angle in report["helix_deg"].items()))
    return lines


def cmd_fibers(args, log: logging.Logger) -> int:
    import time

    from mpi4py import MPI

    from heartsim import fem
    from heartsim.fibers import compute_fibers
    from heartsim.fibers.summary import helix_report
    from heartsim.io.outputs import check_output_folder
    from heartsim.mesh import build_mesh
    from heartsim.runtime.collective import on_root

    comm = MPI.COMM_WORLD
    mesh_cfg, fib_cfg = _inputs(args)
    out = (args.out or Path("results") / f"fibers-{args.input.stem}").resolve()
    on_root(comm, lambda: check_output_folder(out, args.force))
    start = time.perf_counter()
    tagged = build_mesh(mesh_cfg, comm)
    fib = compute_fibers(tagged, fib_cfg, comm)
    seconds = time.perf_counter() - start
    report = helix_report(tagged, fib, fib_cfg, comm)
    report["seconds"] = round(seconds, 3)
    report["config"] = fib_cfg.model_dump(mode="json")
    if comm.rank == 0:
        out.mkdir(parents=True, exist_ok=True)
    comm.barrier()
    fem.write_functions_xdmf(comm, out / "fibers.xdmf", fib.functions())
    if comm.rank == 0:
        (out / "fibers.json").write_text(json.dumps(report, indent=2))
        for line in report_lines(report):
            print(line)
        print(f"wrote {out / 'fibers.xdmf'} (open with the Xdmf3 Reader S; Glyph filter on 'fiber') "
              f"and {out / 'fibers.json'} ({seconds:.1f} s)")
    return 0
