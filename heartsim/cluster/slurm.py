"""Rendering and submitting Slurm batch scripts for heartsim runs and sweeps.

A rendered script asks for the resources of a :class:`Resources` (profile defaults overridden on the
command line), enters the environment the site profile names, points the DOLFINx compile cache at a
shared folder, and launches ``heartsim run`` with ``srun`` or ``mpirun``. Slurm is asked to send
SIGUSR1 to the batch shell ``signal_seconds`` before the time limit; the script forwards it to the
run, which checkpoints and exits with status 75, and the script then requeues the job. When the job
starts again it finds the checkpoint and continues with ``--restart``.

Every value in the script is either checked against a strict pattern (profile model) or quoted with
:func:`shlex.quote`.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import time
from pathlib import Path

import heartsim
from heartsim.config.errors import ConfigError
from heartsim.config.profile import Resources, SiteProfile

from heartsim.runtime.status import EXIT_CHECKPOINTED, READY_ENV

REPO = Path(__file__).resolve().parents[2]


def _q(value) -> str:
    return shlex.quote(str(value))


def environment_lines(profile: SiteProfile, resources: Resources) -> tuple[list[str], list[str]]:
    """Shell lines that enter the environment, and the command prefix that runs python3 in it."""
    env = profile.environment
    if env.kind == "modules":
        return [f"module load {' '.join(_q(m) for m in env.modules)}"], ["python3"]
    if env.kind == "conda":
        return ['eval "$(conda shell.bash hook)"', f"conda activate {_q(env.conda_env)}"], ["python3"]
    if env.kind == "in_env":
        repo = env.repo or REPO
        # the folder of the readiness file (READY_DIR, set by the script) must be visible inside
        bind = ['export HEARTSIM_BIND="$READY_DIR${HEARTSIM_BIND:+:$HEARTSIM_BIND}"']
        return bind, [_q(Path(repo) / "scripts/in-env"), "python3"]
    if env.kind == "container":
        gpu = ["--nv"] if resources.gpus_per_node else []
        return [], [env.container_runtime, "exec", *gpu, "--bind", '"$READY_DIR"', _q(env.image), "python3"]
    return [], ["python3"]


def launch_prefix(profile: SiteProfile, python: list[str]) -> list[str]:
    """The launcher in front of ``python3 -m heartsim``: srun around the environment, or mpirun inside it."""
    if profile.launcher == "srun":
        return ["srun", f"--mpi={profile.srun_mpi}", *python]
    return [*python[:-1], "mpirun", "-n", '"$SLURM_NTASKS"', python[-1]]


def render(profile: SiteProfile, resources: Resources, job_name: str, log_dir: Path, case_lines: list[str],
           array: str | None = None, force_fresh: bool = False) -> str:
    """A complete sbatch script. ``case_lines`` set the shell variables CONFIG and OUT."""
    if not re.match(r"^[A-Za-z0-9._+-]+$", job_name):
        raise ConfigError([f"--job-name {job_name!r}: use letters, digits and . _ + - only"])
    r = resources
    pattern = "%x-%A_%a.out" if array else "%x-%j.out"
    head = ["#!/bin/bash", f"#SBATCH --job-name={job_name}", f"#SBATCH --nodes={r.nodes}",
            f"#SBATCH --ntasks-per-node={r.ntasks_per_node}", f"#SBATCH --cpus-per-task={r.cpus_per_task}",
            f"#SBATCH --time={r.time}"]
    for key, value in (("gpus-per-node", r.gpus_per_node or None), ("mem", r.mem), ("partition", r.partition),
                       ("account", r.account), ("qos", r.qos), ("array", array)):
        if value is not None:
            head.append(f"#SBATCH --{key}={value}")
    head += [f"#SBATCH --output={_q(Path(log_dir) / pattern)}", "#SBATCH --open-mode=append",
             f"#SBATCH --signal=B:USR1@{profile.signal_seconds}"]
    if profile.requeue:
        head.append("#SBATCH --requeue")
    if profile.launcher == "mpirun" and r.nodes > 1:
        raise ConfigError([f"--nodes {r.nodes}: the profile's launcher mpirun runs on one node; use launcher: srun"])
    setup, python = environment_lines(profile, r)
    body = [f"# rendered by heartsim {heartsim.__version__} on {time.strftime('%Y-%m-%d %H:%M')} "
            f"for site profile {profile.name}",
            "set -uo pipefail",
            "# Slurm's warning can come at any moment, even before the run can take it (a process that has",
            "# not yet installed its handlers dies of SIGUSR1): keep it, and forward it once the run is ready",
            'pending=""',
            "trap 'pending=USR1' USR1",
            "trap 'pending=TERM' TERM",
            f"READY_DIR={_q(Path(log_dir).resolve())}",
            *setup,
            'export OMP_NUM_THREADS="${SLURM_CPUS_PER_TASK:-1}"']
    if profile.jit_cache is not None:
        cache = _q(profile.jit_cache)
        body += [f"mkdir -p {cache}", f"export XDG_CACHE_HOME={cache}",
                 f'export HEARTSIM_BIND={cache}"${{HEARTSIM_BIND:+:$HEARTSIM_BIND}}"']
    body += case_lines
    fresh = ["--force"] if force_fresh else []
    run = [*launch_prefix(profile, python), "-m", "heartsim", "run", '"$CONFIG"', "--out", '"$OUT"']
    requeue_id = '"${SLURM_ARRAY_JOB_ID:-$SLURM_JOB_ID}${SLURM_ARRAY_TASK_ID:+_$SLURM_ARRAY_TASK_ID}"'
    body += [
        'if [ -f "$OUT/checkpoint/latest.json" ]; then MODE=(--restart "$OUT"); '
        'elif [ "${SLURM_RESTART_COUNT:-0}" -gt 0 ]; then MODE=(--force); '  # requeued before a checkpoint
        f'else MODE=({" ".join(fresh)}); fi',
        # the run announces (rank 0, after every rank installed its handlers) that it can take signals
        f'export {READY_ENV}="$READY_DIR/.heartsim-ready-${{SLURM_JOB_ID:-$$}}"',
        f'rm -f "${READY_ENV}"',
        'echo "heartsim job $SLURM_JOB_ID on $(hostname): $CONFIG -> $OUT ${MODE[*]}"',
        "# run in its own process group",
        "set -m",
        f'{" ".join(run)} "${{MODE[@]}}" &',
        "child=$!",
        "set +m",
        "# forward a held signal to all of the run once it is ready (or after 60 s held, whatever happens);",
        "# poll rather than block in wait: a signal arriving just before a blocking wait would be kept",
        "# until the run ends",
        "held=0",
        'while kill -0 "$child" 2>/dev/null; do',
        '  if [ -n "$pending" ]; then',
        f'    if [ -e "${READY_ENV}" ] || [ "$held" -ge 60 ]; then',
        '      kill -s "$pending" -- "-$child" 2>/dev/null; pending=""; held=0',
        '    else held=$((held + 1)); fi',
        "  fi",
        '  sleep 1 & wait $!',
        "done",
        'wait "$child"; status=$?',
        f'rm -f "${READY_ENV}"',
    ]
    if profile.requeue:
        body += [f'if [ "$status" = {EXIT_CHECKPOINTED} ]; then',
                 f'  echo "checkpointed before the time limit: requeueing {requeue_id[1:-1]}"',
                 # Slurm ends this script when it requeues the job: do not trap that, and do not
                 # exit on our own first (a job that exits while being requeued may end as FAILED)
                 "  trap - TERM USR1",
                 f"  if scontrol requeue {requeue_id}; then while :; do sleep 5; done; fi",
                 '  echo "requeue failed: continue by hand with heartsim run CONFIG --restart $OUT" >&2',
                 "fi"]
    body.append('exit "$status"')
    return "\n".join(head + [""] + body) + "\n"


def render_run(profile: SiteProfile, resources: Resources, config: Path, out: Path, job_name: str,
               log_dir: Path) -> str:
    """Script for one ``heartsim run CONFIG --out OUT``."""
    lines = [f"CONFIG={_q(Path(config).resolve())}", f"OUT={_q(Path(out).resolve())}"]
    return render(profile, resources, job_name, log_dir, lines)


def render_array(profile: SiteProfile, resources: Resources, case_list: Path, count: int, limit: int | None,
                 job_name: str, log_dir: Path) -> str:
    """Script for a job array: task i runs the case folder on line i+1 of ``case_list``."""
    if count < 1:
        raise ConfigError(["no cases to submit"])
    array = f"0-{count - 1}" + (f"%{limit}" if limit else "")
    lines = [f"CASES={_q(Path(case_list).resolve())}",
             'CASE_DIR=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" "$CASES")',
             '[ -n "$CASE_DIR" ] || { echo "no case for array task $SLURM_ARRAY_TASK_ID in $CASES" >&2; exit 2; }',
             'CONFIG="$CASE_DIR/config.yaml"', 'OUT="$CASE_DIR/out"']
    return render(profile, resources, job_name, log_dir, lines, array=array, force_fresh=True)


def submit(script: Path) -> str:
    """``sbatch --parsable SCRIPT``; returns the job id. RuntimeError with sbatch's message on failure."""
    try:
        proc = subprocess.run(["sbatch", "--parsable", str(script)], capture_output=True, text=True)
    except FileNotFoundError:
        raise RuntimeError("sbatch not found: is Slurm installed and on PATH?") from None
    if proc.returncode != 0:
        raise RuntimeError(f"sbatch failed: {proc.stderr.strip() or proc.stdout.strip()}")
    return proc.stdout.strip().split(";")[0]
