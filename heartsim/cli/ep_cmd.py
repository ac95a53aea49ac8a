"""``heartsim ep export CONFIG OUT.npz``: the assembled EP case as arrays for the DOLFINx-free runner."""

from __future__ import annotations

import logging
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("ep", help="electrophysiology tools")
    esub = p.add_subparsers(dest="ep_command", required=True, parser_class=sub._parser_class)
    q = esub.add_parser("export", help="write operators (CSR), initial states, stimulus masks and node coordinates "
                                       "of an EP config to .npz (run it with python -m heartsim.kernels.bench)")
    q.add_argument("config", type=Path)
    q.add_argument("output", type=Path, help="output .npz")
    q.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a config value (dot path), repeatable")
    q.set_defaults(func=cmd_export)


def cmd_export(args, log: logging.Logger) -> int:
    import numpy as np
    from mpi4py import MPI

    from heartsim.config import load_config
    from heartsim.config.errors import ConfigError
    from heartsim.ep.export import export_problem
    from heartsim.ep.monodomain import Monodomain
    from heartsim.kernels.backend import select_backend
    from heartsim.mesh import build_mesh

    cfg = load_config(args.config, args.overrides)
    if cfg.physics.ep is None:
        raise ConfigError([f"{args.config}: physics.ep: the config has no EP section to export"])
    if args.output.suffix != ".npz":
        raise ConfigError([f"{args.output}: the output must be a .npz file"])
    if not args.output.resolve().parent.is_dir():
        raise ConfigError([f"{args.output}: no such folder {args.output.resolve().parent}"])
    comm = MPI.COMM_WORLD
    problem = Monodomain(build_mesh(cfg.mesh, comm), cfg.physics.ep, cfg.time.dt, cfg.solver.ep_options(),
                         select_backend("numpy"))
    rtol = float(cfg.solver.ep_options().get("ksp_rtol", 1e-10))
    arrays = export_problem(problem, cfg.time.end, rtol)
    problem.destroy()
    if comm.rank == 0:
        tmp = args.output.with_name(args.output.name + ".part.npz")
        np.savez(tmp, **arrays)
        tmp.replace(args.output)
        log.info("wrote %s: %d nodes, %d leads, model %s, dt %g ms (run: python -m heartsim.kernels.bench %s "
                 "--backend numpy|cupy)", args.output, arrays["coordinates"].shape[0], len(arrays["lead_names"]),
                 cfg.physics.ep.ionic.model, cfg.time.dt, args.output)
    comm.Barrier()
    return 0
