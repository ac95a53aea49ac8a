"""kill -9 at a (seeded, so reproducible) point of a run, then --restart: the result equals an
uninterrupted run bit for bit, the checkpoint being written when the process died is never used, and
the field series are complete and readable.

The kill comes from inside the run process (SIGKILL to itself), at one of three kinds of points:
``step`` (after time step k), ``file`` (a checkpoint's data file written to its temporary name, not yet
renamed) and ``pointer`` (the data file renamed, ``latest.json`` not yet moved).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import h5py
import numpy as np
import pytest

from conftest import read_point_field
from heartsim.cli.main import main

DRIVER = r"""
import os, signal, sys
kind, k = sys.argv[1], int(sys.argv[2])
count = [0]

def die_at_k():
    count[0] += 1
    if count[0] == k:
        os.kill(os.getpid(), signal.SIGKILL)

real_replace = os.replace
def replace(src, dst, *a, **kw):
    d = os.fspath(dst)
    if "checkpoint" in d and kind in ("file", "pointer") and d.endswith("latest.json") == (kind == "pointer"):
        die_at_k()
    return real_replace(src, dst, *a, **kw)
os.replace = replace

if kind == "step":
    from heartsim.runtime import signals
    real_pending = signals.StopRequest.pending
    def pending(self, comm):
        die_at_k()
        return real_pending(self, comm)
    signals.StopRequest.pending = pending

from heartsim.cli.main import main
sys.exit(main(sys.argv[3:]))
"""


def kill_point(seed: int, kind: str, steps: int, checkpoints: int) -> int:
    """The k of a kill of ``kind``: a seeded choice, late enough that a checkpoint exists before."""
    rng = random.Random(seed)
    return rng.randint(steps // checkpoints + 2, steps - 2) if kind == "step" else rng.randint(2, checkpoints - 1)


def killed_run(cfg: Path, out: Path, kind: str, k: int) -> None:
    proc = subprocess.run([sys.executable, "-c", DRIVER, kind, str(k), "-q", "run", str(cfg), "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == -9, (proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:])


def assert_series_readable(xdmf: Path) -> int:
    """Every time step of an XDMF file names an HDF5 dataset that exists and holds finite values;
    returns the number of time steps."""
    root = ET.parse(xdmf).getroot()
    items = [item.text.strip() for item in root.iter("DataItem") if item.text and ".h5:" in item.text]
    assert items
    for text in items:
        name, dataset = text.split(":", 1)
        with h5py.File(xdmf.parent / name, "r") as f:
            assert np.isfinite(f[dataset][:]).all(), text
    return sum(1 for _ in root.iter("Time"))


def _ep_case(small_config_dict):
    return dict(small_config_dict, time={"dt": "0.1 ms", "end": "8 ms"}, checkpoint={"interval": "1 ms", "keep": 3},
                output={"formats": ["xdmf"], "interval": "1 ms"})


@pytest.mark.parametrize("kind,seed", [("step", 1), ("file", 2), ("pointer", 3)])
def test_ep_killed_and_restarted_equals_uninterrupted(kind, seed, small_config_dict, write_config, tmp_path):
    cfg = write_config(_ep_case(small_config_dict))
    plain, out = tmp_path / "plain", tmp_path / "killed"
    assert main(["-q", "run", str(cfg), "--out", str(plain)]) == 0
    k = kill_point(seed, kind, steps=80, checkpoints=7)
    killed_run(cfg, out, kind, k)
    assert not (out / "summary.json").exists()
    pointer = json.loads((out / "checkpoint/latest.json").read_text())
    if kind != "step":  # the checkpoint being written when the process died is not the one pointed to
        assert pointer["step"] == 10 * (k - 1), (k, pointer)
    assert main(["-q", "run", str(cfg), "--restart", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "completed" and summary["restarts"] == 1
    for name, field in (("activation", "activation_time"), ("v.restart1", "v")):
        ref = read_point_field(plain / f"{'v' if field == 'v' else name}.h5", field)[1]
        assert np.array_equal(ref, read_point_field(out / f"{name}.h5", field)[1], equal_nan=True), name
    # the restarted series runs from the checkpoint to the end; the killed one stays readable
    assert assert_series_readable(out / "v.restart1.xdmf") == 8 - pointer["step"] // 10 + 1
    assert assert_series_readable(out / "v.xdmf") >= 1
