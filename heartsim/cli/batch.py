"""Batch subcommands: ``slurm`` (job scripts), ``sweep`` (parameter and cohort sweeps), ``collect``."""

from __future__ import annotations

import argparse
import logging
import os
import time
from pathlib import Path

from heartsim.config.errors import ConfigError

RESOURCE_OPTIONS = ("nodes", "ntasks_per_node", "cpus_per_task", "gpus_per_node", "mem", "time",
                    "partition", "account", "qos")


def add_slurm_options(p: argparse.ArgumentParser) -> None:
    """Options shared by ``slurm`` and ``sweep --slurm``."""
    p.add_argument("--profile", type=Path, help="site profile YAML (environment, launcher, defaults)")
    for opt in RESOURCE_OPTIONS:
        kind = int if opt in ("nodes", "ntasks_per_node", "cpus_per_task", "gpus_per_node") else str
        p.add_argument(f"--{opt.replace('_', '-')}", dest=opt, type=kind, help=f"Slurm --{opt.replace('_', '-')}")
    p.add_argument("--job-name", help="job name (default: the config's or sweep's name)")
    p.add_argument("--concurrency", type=int, help="at most this many array tasks at once (sweeps)")
    p.add_argument("--script", type=Path, help="where to write the sbatch script")
    p.add_argument("--submit", action="store_true", help="submit with sbatch and print the job id")


def register(sub) -> None:
    p = sub.add_parser("slurm", help="render (and --submit) a Slurm job for a config or a sweep")
    p.add_argument("target", type=Path, metavar="CONFIG|SWEEP")
    p.add_argument("--out", type=Path, help="output folder of the run (or of the sweep's cases)")
    add_slurm_options(p)

    p = sub.add_parser("sweep", help="run a parameter or cohort sweep (locally, or as a Slurm array)")
    p.add_argument("sweep", type=Path)
    p.add_argument("--out", type=Path, help="folder of the case folders (default: the sweep's out)")
    p.add_argument("--jobs", type=int, default=1, help="cases at a time when running locally")
    p.add_argument("--ranks", type=int, default=1, help="MPI ranks per case when running locally")
    p.add_argument("--slurm", action="store_true", help="render a Slurm job array instead of running here")
    add_slurm_options(p)

    p = sub.add_parser("collect", help="gather a sweep's results into a table and plots")
    p.add_argument("folder", type=Path)


def _profile(path: Path | None):
    from heartsim.config.loader import read_yaml, validate_model
    from heartsim.config.profile import SiteProfile

    if path is None:
        return SiteProfile()
    path = path.resolve()
    return validate_model(SiteProfile, read_yaml(path), path.parent, f"--profile {path.name}: ")


def _resources(profile, args):
    from heartsim.config.errors import ConfigError as _ConfigError
    from heartsim.config.loader import validate_model
    from heartsim.config.profile import Resources

    given = {k: getattr(args, k) for k in RESOURCE_OPTIONS if getattr(args, k, None) is not None}
    try:
        return validate_model(Resources, {**profile.resources.model_dump(), **given}, None)
    except _ConfigError as exc:  # name the command-line option: --ntasks-per-node, not ntasks_per_node
        raise _ConfigError([f"--{line.replace('_', '-')}" for line in exc.lines]) from None


def _emit(script_text: str, script: Path, submit: bool) -> None:
    from heartsim.cluster.slurm import submit as sbatch

    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(script_text)
    script.chmod(0o755)
    print(f"job script: {script}")
    if submit:
        try:
            job = sbatch(script)
        except RuntimeError as exc:
            raise ConfigError([str(exc)]) from None
        print(f"submitted job {job}")


def _sweep_array(args, sweep, cases, out: Path, log: logging.Logger) -> int:
    from heartsim.cluster.slurm import render_array
    from heartsim.sweep.local import pending_list

    profile = _profile(args.profile)
    resources = _resources(profile, args)
    slurm_dir = out / "slurm"
    slurm_dir.mkdir(parents=True, exist_ok=True)
    # one task list per rendered array, so a queued or requeued earlier array keeps its own list
    case_list = slurm_dir / f"cases-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.txt"
    pending = pending_list(cases, case_list)
    if not pending:
        case_list.unlink()
        print(f"all {len(cases)} cases are completed: nothing to submit")
        return 0
    text = render_array(profile, resources, case_list, len(pending), args.concurrency,
                        args.job_name or sweep.name, slurm_dir)
    _emit(text, args.script or slurm_dir / "array.sbatch", args.submit)
    print(f"{len(pending)} of {len(cases)} cases in the array")
    return 0


def _prepare_sweep(path: Path, out: Path | None):
    from heartsim.sweep.cases import load_sweep, prepare

    sweep = load_sweep(path)
    folder = (out or sweep.out or Path("results") / path.stem).resolve()
    return sweep, prepare(sweep, folder), folder


def cmd_slurm(args, log: logging.Logger) -> int:
    from heartsim.cluster.slurm import render_run
    from heartsim.config import load_config
    from heartsim.sweep.cases import is_sweep_file

    if is_sweep_file(args.target):
        sweep, cases, out = _prepare_sweep(args.target, args.out)
        return _sweep_array(args, sweep, cases, out, log)
    cfg = load_config(args.target)
    profile = _profile(args.profile)
    resources = _resources(profile, args)
    out = (args.out or cfg.output.folder or Path("results") / args.target.stem).resolve()
    name = args.job_name or cfg.name
    text = render_run(profile, resources, args.target, out, name, out.parent)
    _emit(text, args.script or out.parent / f"{out.name}.sbatch", args.submit)
    return 0


def cmd_sweep(args, log: logging.Logger) -> int:
    from heartsim.sweep.local import run_local

    sweep, cases, out = _prepare_sweep(args.sweep, args.out)
    log.info("sweep %s: %d case(s) in %s", sweep.name, len(cases), out)
    if args.slurm:
        return _sweep_array(args, sweep, cases, out, log)
    results = run_local(cases, args.jobs, log, args.ranks)
    failed = [name for name, r in results.items() if r["exit_code"] != 0]
    if failed:
        log.error("%d case(s) failed: %s (heartsim collect %s lists the reasons)", len(failed), ", ".join(failed), out)
        return 1
    return 0


def cmd_collect(args, log: logging.Logger) -> int:
    from heartsim.sweep.cases import existing_cases
    from heartsim.sweep.collect import collect

    folder = args.folder.resolve()
    cases = existing_cases(folder)
    if (folder / "cohort.json").is_file():  # device sites of cases run elsewhere (a Slurm array) are analysed here
        from heartsim.cli.cohort_cmd import analyse_case

        for case in cases:
            error = analyse_case(case, log)
            if error:
                log.error("%s: device analysis failed: %s", case.name, error)
    written, failed = collect(cases, folder)
    print(f"{len(cases)} case(s): {len(cases) - len(failed)} completed, {len(failed)} not")
    for row in failed:
        print(f"  {row['case']}: {row['state']}: {row['reason']}")
    for path in written:
        print(f"wrote {path}")
    return 0
