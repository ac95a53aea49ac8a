#!/usr/bin/env python3
"""Electromechanics benchmark: wall time per beat and where it goes (EP, calcium transfer, tension,
mechanics, 0D circulation), and peak memory, for the beat configs on 1 and 2 ranks.

Each case is the runner itself (``python3 -m heartsim run CONFIG --set time.end=...``, under
``mpirun -n N`` for N > 1), run twice from t = 0, to a short and a longer window (fractions of a beat);
the per-step cost is the difference of the two runs' phase times over the difference of their steps
(this removes the preload and the JIT compilation, which the runner counts in its ``mechanics`` time),
and the per-beat time is that cost times the steps of a cycle (800 ms): extrapolated, stated as such.
The split is the runner's own (``summary.json`` ``time_s``: ``ep`` (monodomain), ``calcium`` (transfer
to the quadrature points), ``tension`` (Land states), ``mechanics`` (all Newton solves: assembly and
linear solve together, the runner does not split them), ``circulation`` (0D steps and the coupling
iteration outside the 3D solves)); ``setup`` is the wall time outside the time loop (mesh, fibres,
forms and JIT, preload, outputs). The start of a beat of a beat is the hardest for EP (the wave front)
and the easiest for mechanics (mostly filling / isovolumic contraction): the extrapolation is rough.
Peak memory: the maximum resident set size of each rank (``ru_maxrss``), summed over ranks.

    scripts/in-env nice -n 10 python3 scripts/bench_electromechanics.py                  # both configs, 1 and 2 ranks
    scripts/in-env nice -n 10 python3 scripts/bench_electromechanics.py --cases ellipsoid --ranks 1 --windows 1 2
    scripts/in-env python3 scripts/bench_electromechanics.py configs/lv-ellipsoid-beat.yaml --window 100 --ranks 2

``--single W``: one run to W ms per case and rank count instead of two; the per-step numbers come from the
runner's ``convergence.csv`` (wall seconds of each coupled step and of its mechanics assembly and
linear solves; the first step, which pays the JIT compilation of the tension expressions, is left out)
and the preload from ``summary.json`` ``time_s.preload``. ``--variant KEY=VALUE`` (repeatable) runs
each case a second time with these ``--set`` values right after the baseline, and prints the ratio
baseline / variant of the seconds per step (same machine, same load, minutes apart):

    scripts/in-env nice -n 10 python3 scripts/bench_electromechanics.py --cases ct-lv --ranks 2 --single 4 \
        --variant solver.mechanics.reuse_preconditioner=true
    scripts/in-env nice -n 10 python3 scripts/bench_electromechanics.py --cases ct-lv --ranks 2 --single 6 \
        --set physics.electromechanics.preload.unload=false --set physics.electromechanics.coupling.method=pressure_iteration \
        --variant physics.electromechanics.coupling.method=monolithic

(a later ``--set`` of the same key wins, so the variant's replaces the baseline's; ``factorisations_per_step``
is counted by the monolithic step only.)
"""

from __future__ import annotations

import argparse
import re
import csv
import json
import statistics
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = {"ellipsoid": ROOT / "configs" / "lv-ellipsoid-beat.yaml", "ct-lv": ROOT / "configs" / "lv-beat.yaml"}
PHASES = ("ep", "calcium", "tension", "mechanics", "circulation")

# every rank reports its peak resident set size on exit (kB on Linux)
RANK_WRAPPER = (
    "import atexit, resource, runpy, sys\n"
    "atexit.register(lambda: print('PEAK_RSS_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
    "file=sys.stderr, flush=True))\n"
    "sys.argv = ['heartsim'] + sys.argv[1:]\n"
    "runpy.run_module('heartsim', run_name='__main__')\n"
)


def run_case(config: Path, ranks: int, window: float, extra: list[str], keep: Path | None) -> dict:
    """Run ``config`` for ``window`` ms on ``ranks`` ranks; returns the summary, the wall time and memory."""
    out = Path(tempfile.mkdtemp(prefix="bench_em_", dir=keep)) / "run"
    cmd = [sys.executable, "-c", RANK_WRAPPER, "-v", "run", str(config), "--out", str(out),
           "--set", f"time.end={window}", "--set", f"physics.electromechanics.output_interval={window}"]
    for s in extra:
        cmd += ["--set", s]
    if ranks > 1:
        cmd = ["mpirun", "-n", str(ranks)] + cmd
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    wall = time.perf_counter() - start
    (out.parent / "output.txt").write_text(proc.stdout + proc.stderr)
    rss = [int(k) for k in re.findall(r"PEAK_RSS_KB (\d+)", proc.stderr)]  # (the ranks' lines may interleave)
    summary_path = out / "summary.json"
    if proc.returncode != 0 or not summary_path.is_file():
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-12:]
        raise RuntimeError(f"{config.name} on {ranks} rank(s) failed (exit {proc.returncode}): {' | '.join(tail)}")
    summary = json.loads(summary_path.read_text())
    conv = list(csv.DictReader(open(out / "convergence.csv"))) if (out / "convergence.csv").is_file() else []
    return {"summary": summary, "wall_s": wall, "peak_rss_mb": sum(rss) / 1024.0, "ranks_reporting": len(rss),
            "steps": conv}


def single_row(case: str, ranks: int, label: str, run: dict, period: float) -> dict:
    """Per-step numbers of one run from its convergence.csv (steps after the first)."""
    s = run["summary"]
    steps = run["steps"][1:] or run["steps"]

    def mean(key):
        values = [float(r[key]) for r in steps if r.get(key) not in (None, "")]
        return statistics.fmean(values) if values else float("nan")

    step_s = mean("wall_s")
    return {"case": case, "ranks": ranks, "solver": label, "mech_dofs": s["mechanics_dofs"], "steps": len(steps),
            "newton_its_per_step": round(mean("newton_iterations"), 1),
            "pressure_its_per_step": round(mean("pressure_iterations"), 1),
            "factorisations_per_step": round(mean("factorisations"), 2),  # (monolithic step only; nan otherwise)
            "assembly_s_per_step": round(mean("mechanics_assembly_s"), 3),
            "solve_s_per_step": round(mean("mechanics_solve_s"), 3), "step_s": round(step_s, 3),
            "per_beat_min_extrapolated": round(step_s * period / float(s["dt_ms"]) / 60.0, 1),
            "preload_s": s.get("time_s", {}).get("preload"), "run_wall_s": round(run["wall_s"], 1),
            "peak_rss_mb": round(run["peak_rss_mb"])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", nargs="?", type=Path, default=None, help="one config instead of --cases")
    parser.add_argument("--cases", nargs="+", choices=sorted(CASES), default=["ellipsoid", "ct-lv"])
    parser.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--windows", type=float, nargs=2, default=[2.0, 6.0], help="short and long window from t = 0 (ms)")
    parser.add_argument("--window", type=float, default=None, help="long window W (ms): windows min(2, W/2) and W")
    parser.add_argument("--period", type=float, default=800.0, help="cycle length for the per-beat extrapolation (ms)")
    parser.add_argument("--set", dest="sets", action="append", default=[], help="extra --set for every run")
    parser.add_argument("--keep", type=Path, default=None, help="keep the run folders under this folder")
    parser.add_argument("--json", type=Path, default=None, help="write the rows here")
    parser.add_argument("--single", type=float, default=None, help="one run to this time (ms), per-step numbers from convergence.csv")
    parser.add_argument("--variant", action="append", default=[], help="with --single: KEY=VALUE --set of a second run to compare")
    args = parser.parse_args()
    if int(os.environ.get("OMPI_COMM_WORLD_SIZE", os.environ.get("PMI_SIZE", "1"))) > 1:
        parser.error("run it without mpirun: it starts the runner on each of --ranks itself")
    if args.window:
        args.windows = [min(2.0, args.window / 2), args.window]
    if args.config is not None:
        CASES[args.config.stem] = args.config.resolve()
        args.cases = [args.config.stem]
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)

    rows = []
    if args.single is not None:
        for case in args.cases:
            for ranks in args.ranks:
                pair = []
                for label, extra in (("default", []), ("variant", args.variant)) if args.variant else (("default", []),):
                    print(f"{case} on {ranks} rank(s), {label} {' '.join(extra)}, to {args.single:g} ms ...", flush=True)
                    run = run_case(CASES[case], ranks, args.single, args.sets + extra, args.keep)
                    pair.append(single_row(case, ranks, label + (" " + " ".join(extra) if extra else ""), run, args.period))
                    print("  " + ", ".join(f"{k} {v}" for k, v in pair[-1].items()), flush=True)
                if len(pair) == 2 and pair[1]["step_s"] > 0:
                    print(f"{case}, {ranks} rank(s): seconds per step default / variant = {pair[0]['step_s'] / pair[1]['step_s']:.2f}x")
                rows += pair
        keys = list(rows[0]) if rows else []
        print("\n| " + " | ".join(keys) + " |")
        print("|" + " --- |" * len(keys))
        for row in rows:
            print("| " + " | ".join(str(row[k]) for k in keys) + " |")
        if args.json:
            args.json.write_text(json.dumps(rows, indent=1))
        return 0
    for case in args.cases:
        for ranks in args.ranks:
            print(f"{case} on {ranks} rank(s), windows {args.windows[0]:g} and {args.windows[1]:g} ms ...", flush=True)
            a, b = (run_case(CASES[case], ranks, w, args.sets, args.keep) for w in args.windows)
            sa, sb = a["summary"], b["summary"]
            ta, tb = sa.get("time_s", {}), sb.get("time_s", {})
            steps = max(1, int(sb["steps"]) - int(sa["steps"]))
            per_step = {k: (float(tb.get(k, 0.0)) - float(ta.get(k, 0.0))) / steps for k in PHASES}
            step_s = sum(per_step.values())
            beat_steps = args.period / float(sb["dt_ms"])
            row = {"case": case, "ranks": ranks, "mech_dofs": sb["mechanics_dofs"], "ep_nodes": sb.get("ep_nodes"),
                   "windows_ms": f"{sa['end_time_ms']:g}/{sb['end_time_ms']:g}",
                   "newton_its_per_step": round((sb["newton_iterations"] - sa["newton_iterations"]) / steps, 1),
                   "pressure_its_per_step": round((sb["pressure_iterations"] - sa["pressure_iterations"]) / steps, 1),
                   **{f"{k}_s_per_step": round(v, 3) for k, v in per_step.items()},
                   "step_s": round(step_s, 2), "per_beat_min_extrapolated": round(step_s * beat_steps / 60.0, 1),
                   "first_run_wall_s": round(a["wall_s"], 1), "peak_rss_mb": round(max(a["peak_rss_mb"], b["peak_rss_mb"])),
                   "ranks_reporting_rss": min(a["ranks_reporting"], b["ranks_reporting"])}
            rows.append(row)
            print("  " + ", ".join(f"{k} {v}" for k, v in row.items()), flush=True)

    keys = list(rows[0]) if rows else []
    print("\n| " + " | ".join(keys) + " |")
    print("|" + " --- |" * len(keys))
    for row in rows:
        print("| " + " | ".join(str(row[k]) for k in keys) + " |")
    for case in args.cases:
        pair = {r["ranks"]: r for r in rows if r["case"] == case}
        if 1 in pair and 2 in pair and pair[2]["step_s"] > 0:
            print(f"{case}: time per step 1 rank / 2 ranks = {pair[1]['step_s'] / pair[2]['step_s']:.2f}x")
    print(f"per beat: seconds per step between t = {args.windows[0]:g} and {args.windows[1]:g} ms x the steps of "
          f"{args.period:g} ms (extrapolated, not measured over a beat)")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
