"""Rendering of Slurm job scripts: resources, environment entry, launchers, quoting, bad values."""

import subprocess
from pathlib import Path

import pytest
import yaml

from heartsim.cli.main import main
from heartsim.cluster.slurm import render_array, render_run
from heartsim.config.profile import Resources, SiteProfile


def _profile(**kw):
    return SiteProfile.model_validate(kw, context={"base_dir": Path("/")})


def _syntax_ok(text, tmp_path):
    path = tmp_path / "job.sh"
    path.write_text(text)
    assert subprocess.run(["bash", "-n", str(path)]).returncode == 0


def test_run_script_has_resources_signal_requeue_and_quoting(tmp_path):
    profile = _profile(name="hpc", launcher="srun", jit_cache="/shared/jit cache",
                       resources={"partition": "gpu", "account": "proj-1", "gpus_per_node": 4, "mem": "64G"})
    res = Resources.model_validate({**profile.resources.model_dump(), "nodes": 2, "ntasks_per_node": 4})
    text = render_run(profile, res, tmp_path / "my case.yaml", tmp_path / "out dir", "lead-1", tmp_path)
    for line in ("#SBATCH --nodes=2", "#SBATCH --ntasks-per-node=4", "#SBATCH --gpus-per-node=4",
                 "#SBATCH --mem=64G", "#SBATCH --partition=gpu", "#SBATCH --account=proj-1",
                 "#SBATCH --signal=B:USR1@120", "#SBATCH --requeue", "#SBATCH --open-mode=append"):
        assert line in text.splitlines(), line
    assert f"CONFIG='{tmp_path / 'my case.yaml'}'" in text
    assert "export XDG_CACHE_HOME='/shared/jit cache'" in text
    assert "srun --mpi=pmix" in text and "scontrol requeue" in text
    assert 'MODE=(--restart "$OUT")' in text
    _syntax_ok(text, tmp_path)


@pytest.mark.parametrize("env,expected", [
    ({"kind": "in_env"}, "scripts/in-env mpirun -n \"$SLURM_NTASKS\" python3 -m heartsim run"),
    ({"kind": "modules", "modules": ["dolfinx/0.9", "openmpi"]}, "module load dolfinx/0.9 openmpi"),
    ({"kind": "conda", "conda_env": "heartsim"}, "conda activate heartsim"),
    ({"kind": "container", "image": "/images/heartsim.sif"}, "apptainer exec --bind \"$READY_DIR\" /images/heartsim.sif mpirun"),
    ({"kind": "native"}, "mpirun -n \"$SLURM_NTASKS\" python3 -m heartsim run"),
])
def test_environment_entry(env, expected, tmp_path):
    text = render_run(_profile(launcher="mpirun", environment=env), Resources(), tmp_path / "c.yaml",
                      tmp_path / "o", "job", tmp_path)
    assert expected in text
    _syntax_ok(text, tmp_path)


def test_array_script(tmp_path):
    text = render_array(_profile(), Resources(), tmp_path / "cases.txt", 5, 2, "sweep", tmp_path)
    assert "#SBATCH --array=0-4%2" in text and "%x-%A_%a.out" in text
    assert 'CASE_DIR=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" "$CASES")' in text
    assert "MODE=(--force)" in text
    _syntax_ok(text, tmp_path)


@pytest.mark.parametrize("option,value,message", [
    ("--partition", "gpu;rm -rf /", "--partition: 'gpu;rm -rf /' has characters a job script cannot take"),
    ("--time", "2 hours", "--time: '2 hours' is not a Slurm time"),
    ("--mem", "lots", "--mem: 'lots' is not a Slurm memory size"),
    ("--account", "a\nb", "--account:"),
    ("--job-name", "x y", "--job-name 'x y': use letters"),
])
def test_unsafe_values_are_errors(option, value, message, small_config_dict, write_config, tmp_path, capsys):
    cfg = write_config(small_config_dict)
    assert main(["slurm", str(cfg), "--out", str(tmp_path / "o"), option, value]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if "error" in line]
    assert len(err) == 1 and message in err[0], err
    assert not list(tmp_path.glob("*.sbatch"))


def test_bad_profile_names_key(small_config_dict, write_config, tmp_path, capsys):
    profile = tmp_path / "site.yaml"
    profile.write_text(yaml.safe_dump({"launcher": "ssh", "environment": {"kind": "conda"}}))
    assert main(["slurm", str(write_config(small_config_dict)), "--profile", str(profile)]) == 2
    err = capsys.readouterr().err
    assert "--profile site.yaml: launcher: Input should be 'srun' or 'mpirun'" in err
    assert "--profile site.yaml: environment: kind: conda needs conda_env" in err


def test_slurm_cli_writes_script_next_to_output(small_config_dict, write_config, tmp_path, capsys):
    cfg = write_config(small_config_dict)
    assert main(["slurm", str(cfg), "--out", str(tmp_path / "run1"), "--time", "00:10:00"]) == 0
    script = tmp_path / "run1.sbatch"
    assert "#SBATCH --time=00:10:00" in script.read_text()
    assert "job script:" in capsys.readouterr().out


def test_submit_without_slurm_is_one_line(small_config_dict, write_config, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    assert main(["slurm", str(write_config(small_config_dict)), "--out", str(tmp_path / "r"), "--submit"]) == 2
    assert "sbatch not found" in capsys.readouterr().err


def test_local_rank_selects_gpu(monkeypatch):
    from heartsim.kernels.backend import local_rank

    monkeypatch.delenv("OMPI_COMM_WORLD_LOCAL_RANK", raising=False)
    monkeypatch.setenv("SLURM_LOCALID", "3")
    assert local_rank() == 3
    monkeypatch.delenv("SLURM_LOCALID")
    monkeypatch.setenv("MPI_LOCALRANKID", "1")
    assert local_rank() == 1


def test_warning_before_the_run_is_ready_is_held_not_fatal(small_config_dict, write_config, tmp_path):
    """Slurm's SIGUSR1 can reach the job while the ranks still start (no handler yet: they would die of
    it, prterun reporting 'exited on signal 10'). The script holds it until the run announces that
    every rank has its handlers, then forwards it: the run checkpoints and exits 75."""
    import os
    import signal
    import time

    cfg = write_config(dict(small_config_dict, time={"dt": "0.1 ms", "end": "2000 ms"}))  # 20000 steps, ~6 s
    out = tmp_path / "out"
    text = render_run(_profile(launcher="mpirun", environment={"kind": "native"}, requeue=False), Resources(),
                      cfg, out, "early", tmp_path)
    script = tmp_path / "job.sh"
    script.write_text(text)
    env = dict(os.environ, SLURM_NTASKS="1", SLURM_JOB_ID="4242", SLURM_CPUS_PER_TASK="1")
    proc = subprocess.Popen(["bash", str(script)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    first = proc.stdout.readline()  # printed just before the run starts: its handlers are not in yet
    assert first.startswith("heartsim job 4242"), first
    proc.send_signal(signal.SIGUSR1)
    sent = time.time()
    log = first + proc.stdout.read()
    assert proc.wait(timeout=120) == 75, log
    assert not (tmp_path / ".heartsim-ready-4242").exists()
    assert (out / "checkpoint/latest.json").exists(), log
    assert "exited on signal" not in log and "signal 10: checkpoint" in log and time.time() - sent < 60, log
