"""Wall time of the coupled electromechanics step and its split (EP, calcium transfer, tension, mechanics, 0D).

Runs CONFIG (default configs/lv-ellipsoid-beat.yaml) for a window of ``--window`` ms and extrapolates to
one beat (the heart period of physics.circulation); prints mechanics dofs, steps, iterations and the
split from the run's summary.json. Under mpirun the same on N ranks:

    scripts/in-env python3 scripts/bench_electromechanics.py --window 100
    scripts/in-env mpirun -n 2 python3 scripts/bench_electromechanics.py --window 100
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
from pathlib import Path

from mpi4py import MPI

from heartsim.config.loader import load_config
from heartsim.simulation.electromechanics_run import run_electromechanics

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("config", nargs="?", default=str(REPO / "configs" / "lv-ellipsoid-beat.yaml"))
    ap.add_argument("--window", type=float, default=100.0, help="simulated ms")
    ap.add_argument("--set", action="append", default=[], help="config override KEY=VALUE")
    a = ap.parse_args()
    comm = MPI.COMM_WORLD
    cfg = load_config(a.config, [f"time.end={a.window}ms", *a.set])
    out = Path(comm.bcast(tempfile.mkdtemp(prefix="bench-em-") if comm.rank == 0 else None, root=0))
    summary = run_electromechanics(cfg, out, comm, logging.getLogger("bench"))
    if comm.rank:
        return
    period = cfg.physics.circulation.cycle_period()
    parts = summary["time_s"]
    loop = sum(v for k, v in parts.items() if k != "steps")
    print(json.dumps({"config": a.config, "ranks": comm.size, "mechanics_dofs": summary["mechanics_dofs"],
                      "ep_nodes": summary["ep_nodes"], "window_ms": a.window, "steps": summary["steps"],
                      "pressure_iterations": summary["pressure_iterations"],
                      "newton_iterations": summary["newton_iterations"], "wall_s": summary["wall_time_s"],
                      "split_s": parts}, indent=1))
    print(f"per beat ({period:g} ms), extrapolated from the time loop: {loop * period / a.window:.0f} s "
          + ", ".join(f"{k} {v * period / a.window:.0f} s" for k, v in parts.items() if k != "steps"))


if __name__ == "__main__":
    main()
