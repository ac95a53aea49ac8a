"""heartsim on a real (local, one-node) Slurm: a 2-task job, a sweep as a job array, and a job that
outlives its time limit, checkpoints on Slurm's signal, is requeued and finishes with the same result
as an uninterrupted run. The cluster's daemons are started here and stopped by their PIDs.
"""

import json
import os
import re
import time
from pathlib import Path

import numpy as np
import pytest
import yaml

from conftest import read_point_field
from heartsim.cli.main import main
from local_slurm import LocalSlurm
from tests.electromechanics.tables import rows_without_wall_times
from tests.electromechanics.test_beat import beat_config

pytestmark = pytest.mark.slurm


@pytest.fixture(scope="module")
def slurm(tmp_path_factory):
    why = LocalSlurm.unavailable()
    if why:
        pytest.skip(why)
    with LocalSlurm(tmp_path_factory.mktemp("slurm"), cpus=2) as cluster:
        old = os.environ.get("SLURM_CONF")
        os.environ["SLURM_CONF"] = cluster.env["SLURM_CONF"]
        yield cluster
        if old is None:
            del os.environ["SLURM_CONF"]
        else:
            os.environ["SLURM_CONF"] = old


@pytest.fixture
def profile(tmp_path):
    path = tmp_path / "site.yaml"
    path.write_text(yaml.safe_dump({
        "name": "local", "launcher": "mpirun", "environment": {"kind": "native"},
        "jit_cache": str(tmp_path / "jit"), "signal_seconds": 50,
        "resources": {"time": "00:05:00", "ntasks_per_node": 1},
    }))
    return path


def _submitted(capsys) -> str:
    return re.search(r"submitted job (\S+)", capsys.readouterr().out).group(1)


def test_two_task_job(slurm, profile, small_config_dict, write_config, tmp_path, capsys):
    cfg = write_config(small_config_dict)
    out = tmp_path / "run"
    assert main(["slurm", str(cfg), "--profile", str(profile), "--out", str(out), "--ntasks-per-node", "2",
                 "--submit"]) == 0
    job = _submitted(capsys)
    assert slurm.wait(job, 180) == ["COMPLETED"], (tmp_path / f"run-{job}.out")
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "completed" and summary["ranks"] == 2
    assert list((tmp_path / "jit").glob("fenics/*")), "forms compiled into the shared JIT cache"


def test_sweep_as_job_array_and_collect(slurm, profile, small_config_dict, write_config, tmp_path, capsys):
    write_config(small_config_dict, "base.yaml")
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(yaml.safe_dump({"name": "arr", "base": "base.yaml",
                                     "grid": {"physics.ep.conductivity.longitudinal": [0.1, 0.2, 0.4]}}))
    out = tmp_path / "sw"
    assert main(["sweep", str(sweep), "--out", str(out), "--slurm", "--profile", str(profile),
                 "--concurrency", "2", "--submit"]) == 0
    job = _submitted(capsys)
    assert "#SBATCH --array=0-2%2" in (out / "slurm/array.sbatch").read_text()
    assert slurm.wait(job, 240) == ["COMPLETED"] * 3
    assert main(["collect", str(out)]) == 0
    assert "3 case(s): 3 completed, 0 not" in capsys.readouterr().out


def _finish_through_requeues(slurm, job: str, timeout: float, release: tuple[str, ...] = ()) -> None:
    """Wait until ``job`` ends for good (COMPLETED, or a terminal state lasting 15 s), releasing it each time
    it is requeued: Slurm holds a requeued job for two minutes; release it sooner (``scontrol update
    StartTime=now``, plus the ``release`` fields) once its previous instance has left the node (node
    idle, no slurmstepd of the job) and 10 s have passed (starting the same job id again at once
    failed the launch now and then)."""
    deadline = time.time() + timeout
    failed_since = pending_since = None
    while time.time() < deadline:
        states = slurm.job_states(job)
        if states == ["COMPLETED"]:
            return
        if states and states[0] in ("FAILED", "CANCELLED", "TIMEOUT"):
            # a job being requeued can show a terminal state for a moment: only a lasting one counts
            failed_since = failed_since or time.time()
            if time.time() - failed_since > 15:
                return
        else:
            failed_since = None
        info = slurm.run(["scontrol", "-o", "show", "job", job], check=False).stdout
        if "JobState=PENDING" in info and "Reason=BeginTime" in info:
            pending_since = pending_since or time.time()
            if time.time() - pending_since > 10 and slurm.node_idle() and not slurm.step_daemons(job):
                slurm.run(["scontrol", "update", f"JobId={job}", "StartTime=now", *release], check=False)
                pending_since = None
        else:
            pending_since = None
        time.sleep(1)


def test_time_limit_checkpoint_requeue_and_finish(slurm, profile, small_config_dict, write_config, tmp_path,
                                                  capsys, monkeypatch):
    # A 2-minute limit with the warning 90 s before it: due 30 s after each start (Slurm sends it a
    # few seconds after it is due). The first instance enters its environment slowly (a 'module'
    # command that takes 45 s, as on a busy cluster), so the warning always arrives before the run
    # could take a signal: the script holds it and forwards it once every rank is ready (a rank
    # still starting used to die of it, prterun: 'exited on signal 10', and the job FAILED). Later
    # instances start at once; a few seconds of work (much more on a loaded machine) may meet
    # another warning mid-run. Either way the job is requeued and finishes.
    data = dict(small_config_dict, time={"dt": "0.1 ms", "end": "400 ms"},
                output={"formats": ["xdmf"], "interval": "100 ms"})
    data["mesh"] = dict(data["mesh"], resolution="0.2 mm")
    cfg = write_config(data)
    out = tmp_path / "long"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "module").write_text('#!/bin/sh\n[ "${SLURM_RESTART_COUNT:-0}" -gt 0 ] || sleep 45\n')
    (bin_dir / "module").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")  # sbatch exports it
    site = yaml.safe_load(profile.read_text())
    site.update(signal_seconds=90, environment={"kind": "modules", "modules": ["slow-start"]})
    profile.write_text(yaml.safe_dump(site))
    assert main(["slurm", str(cfg), "--profile", str(profile), "--out", str(out), "--time", "2", "--job-name", "long", "--submit"]) == 0
    job = _submitted(capsys)
    # the uninterrupted reference, computed while the job runs
    assert main(["-q", "run", str(cfg), "--out", str(tmp_path / "reference")]) == 0
    _finish_through_requeues(slurm, job, 900)
    log = Path(tmp_path / f"long-{job}.out").read_text()
    assert slurm.job_states(job) == ["COMPLETED"], log + slurm.log_tails()
    assert "checkpointed before the time limit: requeueing" in log
    assert "exited on signal" not in log, log  # no rank killed by the warning while it started
    # the first instance's warning came while it entered its environment: held, then forwarded once
    # the run was ready (the script polls once a second, so a fast run may be some steps in by then;
    # on an idle machine a CI run was 2,261 steps in), and the run checkpointed on it
    first = log.split("checkpointed before the time limit: requeueing", 1)[0]
    assert re.search(r"signal 10: checkpoint ckpt-\d+\.npz written at t = [\d.]+ ms", first), log
    summary = json.loads((out / "summary.json").read_text())
    assert summary["restarts"] >= 1
    ref_act = read_point_field(tmp_path / "reference/activation.h5", "activation_time")[1]
    act = read_point_field(out / "activation.h5", "activation_time")[1]
    assert np.array_equal(ref_act, act, equal_nan=True)
    last = sorted(out.glob("v.restart*.h5"))[-1]
    assert np.array_equal(read_point_field(tmp_path / "reference/v.h5", "v")[1], read_point_field(last, "v")[1])


def test_electromechanics_warning_checkpoint_requeue_and_finish(slurm, profile, tmp_path, capsys, monkeypatch):
    # The CI-sized ellipsoid beat (prescribed calcium, 6 coupled steps of 2 ms) under the rendered script.
    # Slurm sends its time-limit warning (--signal=B:USR1) from a periodic check, not at the second
    # (with a 1-minute limit and the warning due at the start it came 45-55 s in: a 63-79 s test), so
    # the time limit itself is left to the EP test above and here the warning is sent as Slurm sends it,
    # to the batch shell (scancel --batch --signal=USR1), at a set moment: while the job enters its
    # environment. The site's 'module' is a shell function (as Lmod's) that the batch shell imports;
    # on the first start it says so and returns only once the shell holds the warning, so the run
    # starts with it pending: the script forwards it when the run is ready (it polls once a second, so
    # it lands in the first coupled steps), the run checkpoints after the step it is in and the job is
    # requeued, then continues with --restart and finishes.
    cfg = beat_config(tmp_path, **{"time.end": "12 ms"})
    out = tmp_path / "beat"
    # (at most 2 minutes: the job still ends if the test fails before it sends the warning)
    monkeypatch.setenv("BASH_FUNC_module%%", '() { [ "${SLURM_RESTART_COUNT:-0}" -gt 0 ] && return; '
                                             'echo "entering the environment"; local n=0; '
                                             'until [ -n "$pending" ] || [ $n -ge 600 ]; do sleep 0.2; n=$((n + 1)); done; }')
    site = yaml.safe_load(profile.read_text())
    site.update(environment={"kind": "modules", "modules": ["em"]})
    del site["jit_cache"]  # the run's usual compile cache, filled by the reference run
    profile.write_text(yaml.safe_dump(site))
    assert main(["slurm", str(cfg), "--profile", str(profile), "--out", str(out), "--job-name", "beat",
                 "--submit"]) == 0
    job = _submitted(capsys)
    # the uninterrupted reference, computed while the job starts and waits in its environment
    assert main(["-q", "run", str(cfg), "--out", str(tmp_path / "reference")]) == 0
    log_file = tmp_path / f"beat-{job}.out"
    deadline = time.time() + 60
    while not (log_file.is_file() and "entering the environment" in log_file.read_text()):
        assert time.time() < deadline and slurm.job_states(job) in (["PENDING"], ["RUNNING"]), \
            slurm.job_states(job)
        time.sleep(0.2)
    slurm.run(["scancel", "--batch", "--signal=USR1", job])
    _finish_through_requeues(slurm, job, 240)
    log = log_file.read_text()
    assert slurm.job_states(job) == ["COMPLETED"], log + slurm.log_tails()
    assert log.count("checkpointed before the time limit: requeueing") == 1, log
    assert re.search(r"signal 10: checkpoint ckpt-\d+\.npz written at t = [\d.]+ ms", log), log
    assert f"--restart {out}" in log
    ref, summary = (json.loads((d / "summary.json").read_text()) for d in (tmp_path / "reference", out))
    assert summary["status"] == "completed" and summary["restarts"] == 1
    assert 1 <= json.loads((out / "checkpoint" / "latest.json").read_text())["step"] < 6
    for key in ("steps", "newton_iterations", "beats", "preload_volume_mL"):
        assert summary[key] == ref[key], key
    for table in ("pv.csv", "convergence.csv"):  # row for row, wall-time columns aside
        assert rows_without_wall_times(out / table) == rows_without_wall_times(tmp_path / "reference" / table)
    assert np.array_equal(read_point_field(out / "displacement.restart1.h5", "u")[1],
                          read_point_field(tmp_path / "reference/displacement.h5", "u")[1])
