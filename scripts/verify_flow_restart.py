"""Checkpoint/restart of a 3D flow run: a run stopped at a checkpoint and continued vs the same run uninterrupted.

    scripts/in-env python3 scripts/verify_flow_restart.py [CONFIG] [--steps 6] [--stop 3] [--set KEY=VALUE ...]
    scripts/in-env mpirun -n 2 python3 scripts/verify_flow_restart.py [CONFIG] --stop-on-one-rank

CONFIG defaults to configs/aorta-flow.yaml (the CT aorta, five RCR outlets). Both runs do ``--steps``
steps; the second is stopped after ``--stop`` steps as a SIGUSR1 would stop it (checkpoint, exit
status 75 in the CLI) and continued with restart=True. With ``--stop-on-one-rank`` (under mpirun)
the stopped part runs on rank 0 alone and the continuation on all ranks. Prints, per column of
boundaries.csv and forces.csv, the largest difference relative to the column's largest magnitude,
the same for the final velocity and pressure fields (with ``--stop-on-one-rank`` also for the
uninterrupted run on 1 rank vs on all: the difference a partition makes by itself), the checkpoint's size and write time, and the
time per step; writes nothing outside --out (default results/verify-flow-restart).
"""

from __future__ import annotations

import argparse
import csv
import logging
import shutil
import sys
import time
from pathlib import Path

import numpy as np
from mpi4py import MPI

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from heartsim.config import load_config  # noqa: E402
from heartsim.runtime.signals import StopAfter  # noqa: E402
from heartsim.simulation import flow_run  # noqa: E402
from heartsim.simulation.run_folder import Checkpointed  # noqa: E402

COMM = MPI.COMM_WORLD
REPO = Path(__file__).resolve().parents[1]


def say(*args) -> None:
    if COMM.rank == 0:
        print(*args, flush=True)


def table(path: Path) -> tuple[list[str], np.ndarray]:
    with path.open() as f:
        rows = list(csv.reader(f))
    def number(text: str) -> bool:
        try:
            float(text)
            return True
        except ValueError:
            return False

    keep = [i for i, v in enumerate(rows[1]) if number(v)] if len(rows) > 1 else []
    return [rows[0][i] for i in keep], np.array([[float(r[i]) for i in keep] for r in rows[1:]])


def final_field(out: Path, name: str) -> tuple[np.ndarray, np.ndarray]:
    import h5py

    path = sorted(out.glob(f"{name}*.h5"), key=lambda p: p.stat().st_mtime)[-1]
    with h5py.File(path, "r") as f:
        xyz = f["Mesh/mesh/geometry"][:]
        group = f[f"Function/{name}"]
        values = group[sorted(group.keys(), key=lambda k: float(k.replace("_", ".")))[-1]][:]
    order = np.lexsort(np.round(xyz, 6).T[::-1])
    return xyz[order], values[order]


def report(name: str, a: np.ndarray, b: np.ndarray) -> None:
    scale, diff = float(np.max(np.abs(a))), float(np.max(np.abs(a - b)))
    print(f"{name:34s} {scale:20.6e} {diff:17.3e} {diff / scale if scale else 0.0:10.2e}")


def compare(plain: Path, split: Path, label: str) -> None:
    print(f"\n{label}")
    print(f"{'quantity':34s} {'max |first|':>20s} {'max |difference|':>17s} {'relative':>10s}")
    for name in ("boundaries.csv", "forces.csv"):
        head_a, a = table(plain / name)
        head_b, b = table(split / name)
        assert head_a == head_b and a.shape == b.shape, (name, a.shape, b.shape)
        for i, column in enumerate(head_a):
            report(f"{name}:{column}", a[:, i], b[:, i])
    for name in ("velocity", "pressure"):
        xa, va = final_field(plain, name)
        xb, vb = final_field(split, name)
        assert np.allclose(xa, xb)
        report(f"final {name}", va, vb)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", nargs="?", default=str(REPO / "configs/aorta-flow.yaml"))
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--stop", type=int, default=3)
    parser.add_argument("--set", dest="overrides", action="append", default=[])
    parser.add_argument("--stop-on-one-rank", action="store_true")
    parser.add_argument("--out", type=Path, default=REPO / "results/verify-flow-restart")
    args = parser.parse_args()
    cfg = load_config(args.config, args.overrides)
    cfg = load_config(args.config, args.overrides + [f"time.end={args.steps * cfg.time.dt} ms",
                                                     "output.formats=[xdmf]"])
    log = logging.getLogger("verify")
    logging.basicConfig(level=logging.WARNING)
    if COMM.rank == 0:
        shutil.rmtree(args.out, ignore_errors=True)
    COMM.barrier()
    plain, split, one = args.out / "uninterrupted", args.out / "restarted", args.out / "uninterrupted-1rank"

    timings: list[float] = []
    write = flow_run.write_checkpoint

    def timed(*a, **k):
        start = time.perf_counter()
        path = write(*a, **k)
        timings.append(time.perf_counter() - start)
        return path

    flow_run.write_checkpoint = timed
    first = flow_run.run_flow(cfg, plain, COMM, log)
    stop_comm = MPI.COMM_SELF if args.stop_on_one_rank else COMM
    if args.stop_on_one_rank and COMM.rank == 0:
        flow_run.run_flow(cfg, one, MPI.COMM_SELF, log)
    if stop_comm is COMM or COMM.rank == 0:
        try:
            flow_run.run_flow(cfg, split, stop_comm, log, stop=StopAfter(args.stop))
            raise SystemExit("the run did not stop")
        except Checkpointed as exc:
            ckpt = Path(str(exc))
    COMM.barrier()
    second = flow_run.run_flow(cfg, split, COMM, log, restart=True)

    if COMM.rank == 0:
        ranks = f"{stop_comm.size} -> {COMM.size}"
        print(f"case {cfg.name}: {first['dofs']['velocity']} velocity + {first['dofs']['pressure']} pressure dofs, "
              f"{args.steps} steps of {cfg.time.dt} ms, stopped after step {args.stop}, ranks {ranks}")
        print(f"checkpoint {ckpt.name}: {ckpt.stat().st_size / 1e6:.2f} MB written in {timings[0]:.3f} s; "
              f"time per step {first['time_per_step_s']} s (uninterrupted)")
        compare(plain, split, f"restarted ({ranks}) vs uninterrupted ({COMM.size})")
        if args.stop_on_one_rank:
            compare(one, plain, f"uninterrupted (1) vs uninterrupted ({COMM.size}): the partition's own effect")
            compare(one, split, f"restarted ({ranks}) vs uninterrupted (1)")
        print(f"summary steps {first['steps']} and {second['steps']}, restarts {second['restarts']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
