"""Checkpoints, restart and stop signals: a continued run equals an uninterrupted one."""

import json
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from conftest import read_point_field
from heartsim.cli.main import EXIT_CHECKPOINTED, main


def _case(small_config_dict, end="8 ms", **checkpoint):
    data = dict(small_config_dict, time={"dt": "0.1 ms", "end": end})
    if checkpoint:
        data["checkpoint"] = checkpoint
    return data


def _activation(out):
    return read_point_field(out / "activation.h5", "activation_time")[1]


def test_restart_from_interval_checkpoint_is_bit_identical(small_config_dict, write_config, tmp_path):
    plain, ckpt = tmp_path / "plain", tmp_path / "ckpt"
    assert main(["-q", "run", str(write_config(_case(small_config_dict), "a.yaml")), "--out", str(plain)]) == 0
    cfg = write_config(_case(small_config_dict, interval="3 ms", keep=2), "b.yaml")
    assert main(["-q", "run", str(cfg), "--out", str(ckpt)]) == 0
    assert sorted(p.name for p in (ckpt / "checkpoint").glob("*.npz")) == ["ckpt-000000030.npz", "ckpt-000000060.npz"]
    # continue from the newest checkpoint (t = 6 ms) to the end again
    assert main(["-q", "run", str(cfg), "--restart", str(ckpt)]) == 0
    assert np.array_equal(_activation(plain), _activation(ckpt), equal_nan=True)
    summary = json.loads((ckpt / "summary.json").read_text())
    assert summary["restarts"] == 1 and summary["steps"] == 80
    assert (ckpt / "v.restart1.xdmf").exists()
    assert json.loads((ckpt / "status.json").read_text())["state"] == "completed"


def test_sigterm_checkpoints_and_restart_matches(small_config_dict, write_config, tmp_path):
    """A real process gets SIGTERM mid-run, checkpoints, exits 75; --restart finishes it."""
    data = _case(small_config_dict, end="1500 ms")
    data["mesh"] = dict(data["mesh"], resolution="0.25 mm")
    cfg = write_config(data)
    plain, stopped = tmp_path / "plain", tmp_path / "stopped"
    assert main(["-q", "run", str(cfg), "--out", str(plain)]) == 0
    proc = subprocess.Popen([sys.executable, "-m", "heartsim", "run", str(cfg), "--out", str(stopped)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 60
    while time.time() < deadline and not (stopped / "status.json").exists():
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGTERM)
    output, _ = proc.communicate(timeout=60)
    assert proc.returncode == EXIT_CHECKPOINTED, output
    status = json.loads((stopped / "status.json").read_text())
    assert status["state"] == "checkpointed" and status["reason"] == f"signal {int(signal.SIGTERM)}"
    assert 0 < status["step"] < 15000, status
    assert not (stopped / "summary.json").exists()
    assert main(["-q", "run", str(cfg), "--restart", str(stopped)]) == 0
    assert np.array_equal(_activation(plain), _activation(stopped), equal_nan=True)


def test_restart_errors(small_config_dict, write_config, tmp_path, capsys):
    cfg = write_config(_case(small_config_dict))
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["run", str(cfg), "--restart", str(empty)]) == 2
    assert "no checkpoint to continue from" in capsys.readouterr().err
    out = tmp_path / "out"
    assert main(["-q", "run", str(write_config(_case(small_config_dict, interval="3 ms"), "c.yaml")),
                 "--out", str(out)]) == 0
    other = write_config(dict(_case(small_config_dict), time={"dt": "0.05 ms", "end": "8 ms"}), "d.yaml")
    assert main(["run", str(other), "--restart", str(out)]) == 2
    assert "checkpoint was written by a different case" in capsys.readouterr().err
    before = sorted(p.name for p in out.iterdir())
    earlier_end = write_config(_case(small_config_dict, end="4 ms", interval="3 ms"), "e.yaml")  # checkpoint at 6 ms
    assert main(["-q", "run", str(earlier_end), "--restart", str(out)]) == 2
    err = capsys.readouterr().err
    assert "time.end: 4 ms is before the checkpoint" in err and "t = 6 ms" in err and len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in out.iterdir()) == before


@pytest.mark.mpi
def test_checkpoint_on_two_ranks_restarts_on_one(small_config_dict, tmp_path_factory):
    """Written on 2 ranks, continued on 1: the same activation map (to solver tolerance)."""
    import logging
    from pathlib import Path

    from mpi4py import MPI

    from heartsim.config.loader import validate_data
    from heartsim.simulation.ep_run import run_ep

    comm = MPI.COMM_WORLD
    base = Path(comm.bcast(str(tmp_path_factory.mktemp("ckpt")) if comm.rank == 0 else None))
    log = logging.getLogger("test")
    cfg = validate_data(_case(small_config_dict, interval="3 ms"), None)
    run_ep(cfg, base / "np2", comm, log)
    if comm.rank == 0:
        run_ep(cfg, base / "np2", MPI.COMM_SELF, log, restart=True)
        run_ep(cfg, base / "np1", MPI.COMM_SELF, log)
        _, a = read_point_field(base / "np1/activation.h5", "activation_time")
        _, b = read_point_field(base / "np2/activation.h5", "activation_time")
        assert np.array_equal(np.isnan(a), np.isnan(b))
        assert np.nanmax(np.abs(a - b)) < 1e-6
    comm.barrier()


def test_sigkill_leaves_previous_checkpoint_readable(small_config_dict, write_config, tmp_path):
    """SIGKILL at an arbitrary moment: the newest complete checkpoint still restarts the run."""
    data = _case(small_config_dict, end="1500 ms", interval="5 ms", keep=2)
    data["mesh"] = dict(data["mesh"], resolution="0.25 mm")
    data["output"] = {"formats": ["xdmf"], "interval": "100 ms"}
    cfg = write_config(data)
    plain, killed = tmp_path / "plain", tmp_path / "killed"
    assert main(["-q", "run", str(cfg), "--out", str(plain)]) == 0
    proc = subprocess.Popen([sys.executable, "-m", "heartsim", "-q", "run", str(cfg), "--out", str(killed)])
    deadline = time.time() + 60
    while time.time() < deadline and len(list((killed / "checkpoint").glob("ckpt-*.npz"))) < 2:
        time.sleep(0.01)
    time.sleep(0.137)
    proc.kill()
    proc.wait()
    assert main(["-q", "run", str(cfg), "--restart", str(killed)]) == 0
    assert np.array_equal(_activation(plain), _activation(killed), equal_nan=True)


def test_signal_during_setup_is_kept(small_config_dict, write_config, tmp_path):
    """SIGUSR1 while the run is still setting up (Slurm may warn early): checkpoint after step 1, exit 75."""
    cfg = write_config(_case(small_config_dict, end="500 ms"))
    out = tmp_path / "early"
    proc = subprocess.Popen([sys.executable, "-m", "heartsim", "run", str(cfg), "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in proc.stdout:
        if "running" in line:  # the config is loaded; the mesh and solver are being set up
            proc.send_signal(signal.SIGUSR1)
            break
    proc.communicate(timeout=60)
    assert proc.returncode == EXIT_CHECKPOINTED
    assert json.loads((out / "status.json").read_text())["state"] == "checkpointed"
    assert main(["-q", "run", str(cfg), "--restart", str(out)]) == 0
