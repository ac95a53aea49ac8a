"""kill -9 from inside a run at a seeded point (shared by the kill tests of every runner).

The run process sends SIGKILL to itself at one of three kinds of points: ``step`` (after time step
k: the k-th stop-request poll), ``file`` (a checkpoint's data file written to its temporary name,
not yet renamed) and ``pointer`` (the data file renamed, ``latest.json`` not yet moved).
"""

from __future__ import annotations

import random
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import h5py
import numpy as np

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
