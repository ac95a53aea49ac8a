"""``heartsim`` command line: info, validate, schema, run, demo.

Exit status: 0 success, 2 bad input (config, options, files; one line per problem), 1 a failure
while running (for example a diverged solver). Works unchanged under ``mpirun -n N``: messages are
printed by rank 0 only.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from heartsim.cli.logs import setup_logging
from heartsim.config.errors import ConfigError

from heartsim.runtime.status import EXIT_CHECKPOINTED  # noqa: F401  (75: checkpointed on a signal)

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2

REPO_CONFIGS = Path(__file__).resolve().parents[2] / "configs"
DEMO_CONFIG = REPO_CONFIGS / "demo.yaml"


class _Parser(argparse.ArgumentParser):
    """argparse with exit status 2 and a one-line error on bad usage."""

    def error(self, message: str) -> None:  # noqa: D401
        self.exit(EXIT_BAD_INPUT, f"heartsim: error: {message} (see {self.prog} --help)\n")


def _rank() -> int:
    """MPI rank without importing mpi4py unless running under an MPI launcher."""
    import os

    for var in ("OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK", "SLURM_PROCID"):
        if var in os.environ:
            return int(os.environ[var])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="heartsim", description="Cardiac finite-element simulation.")
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug messages")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sub.add_parser("info", help="versions, MPI size and GPU availability")

    p = sub.add_parser("validate", help="check a config without running it")
    p.add_argument("config", type=Path)
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a config value (dot path), repeatable")

    sub.add_parser("schema", help="print the JSON Schema of the config")

    p = sub.add_parser("run", help="run a case")
    p.add_argument("config", type=Path)
    p.add_argument("--out", type=Path, help="output folder (default: output.folder or results/<config name>)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a config value (dot path), repeatable")
    p.add_argument("--force", action="store_true", help="write into a non-empty output folder")
    p.add_argument("--restart", type=Path, metavar="DIR",
                   help="continue the run in DIR from its newest checkpoint (DIR is also the output folder)")

    p = sub.add_parser("demo", help="run the built-in demo case (configs/demo.yaml)")
    p.add_argument("--out", type=Path, default=Path("results/demo"), help="output folder (default results/demo)")
    p.add_argument("--force", action="store_true", help="write into a non-empty output folder")

    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(f"heartsim.cli.{name}").register(sub)
    return parser


#: modules that add sub-commands: each has ``register(subparsers)``, which sets ``func`` (args, log) -> int
#: as the parser's default (``p.set_defaults(func=...)``)
COMMAND_MODULES = ["batch", "mesh_cmd", "circulation_cmd", "geometry_cmd", "ep_cmd", "cell_cmd", "fibers_cmd",
                   "cardiac_geometry_cmd", "devices_cmd", "cohort_cmd"]


def cmd_info(args, log: logging.Logger) -> int:
    from mpi4py import MPI

    from heartsim.kernels.backend import probe_gpu
    from heartsim.versions import stack_versions

    import socket

    from heartsim.kernels.backend import local_rank

    comm = MPI.COMM_WORLD
    versions = stack_versions()
    _, gpu = probe_gpu(comm)
    mapping = comm.gather((comm.rank, socket.gethostname(), local_rank(comm), gpu), root=0)
    if comm.rank == 0:
        for name, version in versions.items():
            print(f"{name:>8}: {version}")
        print(f"{'MPI size':>8}: {comm.size}")
        print(f"{'GPU':>8}: {gpu}")
        if comm.size > 1:
            for rank, host, local, device in mapping:
                print(f"    rank {rank} on {host} (local rank {local}): {device}")
    return EXIT_OK


def cmd_validate(args, log: logging.Logger) -> int:
    from heartsim.config import load_config

    cfg = load_config(args.config, args.overrides)
    if _rank() == 0:
        print(f"{args.config}: valid ({cfg.name}: {', '.join(k for k, v in cfg.physics if v is not None)})")
    return EXIT_OK


def cmd_schema(args, log: logging.Logger) -> int:
    from heartsim.config.model import config_json_schema

    print(json.dumps(config_json_schema(), indent=2))
    return EXIT_OK


def _run_config(config_path: Path, out: Path | None, overrides: list[str], force: bool,
                log: logging.Logger, restart: Path | None = None) -> int:
    # first thing: a SIGTERM/SIGUSR1 arriving while the run is still setting up is kept, not fatal
    from heartsim.runtime.signals import StopRequest

    stop = StopRequest()
    # a job script forwards Slurm's warning once the run's set-up is done (Lifecycle.run announces it)
    from heartsim.config import load_config
    from heartsim.io.outputs import check_output_folder

    cfg = load_config(config_path, overrides)
    if restart is not None:
        if out is not None and out.resolve() != restart.resolve():
            raise ConfigError([f"--out {out}: differs from --restart {restart} (a restart writes into its own folder)"])
        out = restart
    if out is None:
        out = cfg.output.folder or Path("results") / config_path.stem
    out = out.resolve()

    from mpi4py import MPI

    from heartsim.runtime.collective import on_root

    comm = MPI.COMM_WORLD
    if restart is None:
        on_root(comm, lambda: check_output_folder(out, force))

    from heartsim.simulation import runner_for
    from heartsim.simulation.run_folder import Checkpointed

    run = runner_for(cfg)
    log.info("running %s (%s) into %s", cfg.name, config_path, out)
    try:
        summary = run(cfg, out, comm, log, restart=restart is not None, stop=stop)
    except Checkpointed:
        return EXIT_CHECKPOINTED
    from heartsim.devices.credibility import write_record
    from heartsim.devices.report import report_after_run

    on_root(comm, lambda: report_after_run(out, cfg, log))  # the config's device sites, if any
    on_root(comm, lambda: write_record(out, cfg.model_dump(mode="json"), versions=summary.get("versions")))
    log.info("%s", summary.get("headline") or f"done in {summary.get('wall_time_s', 0):.1f} s")
    return EXIT_OK


def cmd_run(args, log: logging.Logger) -> int:
    return _run_config(args.config, args.out, args.overrides, args.force, log, args.restart)


def cmd_demo(args, log: logging.Logger) -> int:
    status = _run_config(DEMO_CONFIG, args.out, [], args.force, log)
    if status == EXIT_OK and _rank() == 0:
        out = args.out.resolve()
        print(f"demo finished: results in {out}")
        print(f"open in ParaView: {out / 'activation.xdmf'} (activation time map) "
              f"and {out / 'v.xdmf'} (transmembrane potential over time; press Play)")
    return status


def _batch(name: str):
    def command(args, log):
        from heartsim.cli import batch

        return getattr(batch, f"cmd_{name}")(args, log)
    return command


COMMANDS = {"info": cmd_info, "validate": cmd_validate, "schema": cmd_schema, "run": cmd_run, "demo": cmd_demo,
            "slurm": _batch("slurm"), "sweep": _batch("sweep"), "collect": _batch("collect"),
            "mesh": lambda args, log: __import__("heartsim.cli.mesh_cmd", fromlist=["cmd_mesh"]).cmd_mesh(args, log)}


def _output_refused(exc: Exception) -> bool:
    """An OSError of a file the file system refused to take (no space, quota, read-only)."""
    import errno

    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS) \
        and exc.filename is not None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    log = setup_logging(_rank(), args.quiet, args.verbose)
    try:
        # a sub-command's own func (set by a COMMAND_MODULES parser) wins over its parent command's
        func = getattr(args, "func", None) or COMMANDS[args.command]
        return func(args, log)
    except ConfigError as exc:
        if _rank() == 0:
            for line in exc.lines:
                print(f"heartsim: error: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        log.error("interrupted")
        return 130
    except Exception as exc:  # a failure while running: one line, traceback with --verbose
        if _output_refused(exc):  # disk full or read-only while writing: name the file, exit 2
            if _rank() == 0:
                print(f"heartsim: error: {exc.filename}: {exc.strerror}", file=sys.stderr)
            return EXIT_BAD_INPUT
        log.error("failed: %s: %s", type(exc).__name__, exc)
        if args.verbose:
            raise
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
