"""``heartsim cohort COHORT.yaml [--jobs N | --slurm ...]``: mesh every anatomy (cached), prepare a case per
anatomy and sample, run those not yet completed (here N at a time, or as one Slurm job array), and analyse
their device sites. ``heartsim collect OUT`` then gathers the table, statistics and plots."""

from __future__ import annotations

import logging
from pathlib import Path


def register(sub) -> None:
    from heartsim.cli.batch import add_slurm_options

    p = sub.add_parser("cohort", help="run a cohort of anatomies (label maps or meshes) x parameter samples")
    p.add_argument("cohort", type=Path)
    p.add_argument("--out", type=Path, help="cohort folder (default: the cohort's out or results/<name>)")
    p.add_argument("--jobs", type=int, default=1, help="cases at a time when running locally")
    p.add_argument("--ranks", type=int, default=1, help="MPI ranks per case when running locally")
    p.add_argument("--slurm", action="store_true", help="render a Slurm job array instead of running here")
    add_slurm_options(p)
    p.set_defaults(func=cmd_cohort)


def analyse_case(case, log: logging.Logger) -> str:
    """Device report of a completed case whose config has sites (once); returns an error line or ''."""
    import yaml

    from heartsim.config.devices import DevicesConfig
    from heartsim.config.errors import ConfigError
    from heartsim.devices.report import report

    if case.state() != "completed" or (case.out / "devices" / "summary.json").is_file():
        return ""
    sites = (yaml.safe_load(case.config.read_text()) or {}).get("devices") or {}
    if not sites.get("sites"):
        return ""
    try:
        report(case.out, DevicesConfig.model_validate(sites))
    except ConfigError as exc:
        return exc.lines[0]
    except Exception as exc:  # a failure of one case's analysis is that case's row, never the cohort's end
        return f"{type(exc).__name__}: {exc}"
    return ""


def cmd_cohort(args, log: logging.Logger) -> int:
    from heartsim.cli.batch import _sweep_array
    from heartsim.sweep.cohort import load_cohort, prepare_cohort, runnable
    from heartsim.sweep.local import run_local

    cohort = load_cohort(args.cohort)
    out = (args.out or cohort.out or Path("results") / cohort.name).resolve()
    cases = prepare_cohort(cohort, out, log)
    ready = runnable(cases)
    log.info("cohort %s: %d case(s) (%d anatomies), %d with a mesh, in %s", cohort.name, len(cases),
             len(cohort.anatomies), len(ready), out)
    if args.slurm:
        return _sweep_array(args, cohort, ready, out, log)
    run_local(ready, args.jobs, log, args.ranks)
    for case in ready:
        error = analyse_case(case, log)
        if error:
            log.error("%s: device analysis failed: %s", case.name, error)
    failed = [c for c in cases if c.state() != "completed"]
    if failed:
        log.error("%d of %d case(s) failed (heartsim collect %s lists the reasons)", len(failed), len(cases), out)
        return 1
    return 0
