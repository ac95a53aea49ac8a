"""``heartsim circulation CONFIG [--out DIR] [--force] [--set KEY=VALUE] [--restart DIR]``: a 0D model alone.

CONFIG is a run config whose only physics is ``physics.circulation`` (it needs no ``mesh``);
``heartsim run`` runs the same config.
"""

from __future__ import annotations

import logging
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("circulation", help="run a 0D circulation model alone (Windkessel or closed loop)")
    p.add_argument("config", type=Path)
    p.add_argument("--out", type=Path, help="output folder (default: output.folder or results/<config name>)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a config value (dot path, e.g. physics.circulation.closed_loop.chambers.LV.E_act=3mmHg/mL), repeatable")
    p.add_argument("--force", action="store_true", help="write into a non-empty output folder")
    p.add_argument("--restart", type=Path, metavar="DIR",
                   help="continue the run in DIR from its checkpoint (DIR is also the output folder)")
    p.set_defaults(func=cmd_circulation)


def load_circulation_config(path: Path, overrides: list[str] = ()):
    """The validated config of ``path``, which must have ``physics.circulation`` as its only physics."""
    from heartsim.config import load_config
    from heartsim.config.errors import ConfigError

    cfg = load_config(path, overrides)
    if cfg.physics.active() != ("circulation",):
        raise ConfigError([f"physics: heartsim circulation runs physics.circulation alone "
                           f"(got {', '.join(cfg.physics.active())}); use heartsim run"])
    return cfg


def cmd_circulation(args, log: logging.Logger) -> int:
    from heartsim.runtime.signals import StopRequest

    stop = StopRequest()
    from mpi4py import MPI

    from heartsim.config.errors import ConfigError
    from heartsim.io.outputs import check_output_folder
    from heartsim.runtime.collective import on_root
    from heartsim.runtime.status import EXIT_CHECKPOINTED

    cfg = load_circulation_config(args.config, args.overrides)
    out = args.out
    if args.restart is not None:
        if out is not None and out.resolve() != args.restart.resolve():
            raise ConfigError([f"--out {out}: differs from --restart {args.restart}"])
        out = args.restart
    out = (out or cfg.output.folder or Path("results") / args.config.stem).resolve()
    comm = MPI.COMM_WORLD
    if args.restart is None:
        on_root(comm, lambda: check_output_folder(out, args.force))

    from heartsim.simulation.circulation_run import run_circulation

    log.info("running %s (%s) into %s", cfg.name, args.config, out)
    try:
        summary = run_circulation(cfg, out, comm, log, restart=args.restart is not None, stop=stop)
    except Exception as exc:
        from heartsim.simulation.run_folder import Checkpointed

        if isinstance(exc, Checkpointed):
            return EXIT_CHECKPOINTED
        raise
    finally:
        stop.restore()
    log.info("%s", summary["headline"])
    return 0
