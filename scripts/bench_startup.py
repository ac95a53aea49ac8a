"""Start-up cost of a run with a cold and a warm DOLFINx/FFCx compile cache (XDG_CACHE_HOME).

    scripts/in-env python3 scripts/bench_startup.py

Runs the same small EP case three times as separate processes: once with an empty cache folder (every
form is compiled), then twice with that folder filled (forms are loaded). This is what the shared
``jit_cache`` of a site profile saves each array task of a sweep. Prints the wall times and the ratio.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CASE = """
mesh: {generate: box, size: [4, 2, 1], resolution: 0.5}
physics: {ep: {ionic: {model: mitchell_schaeffer}, stimuli: [{region: {box: {min: [0, 0, 0], max: [0.5, 2, 1]}}}]}}
time: {dt: 0.1, end: 1}
"""


def timed_run(cache: Path, work: Path, k: int) -> float:
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "heartsim", "-q", "run", str(work / "case.yaml"), "--out",
                    str(work / f"out{k}")], env=env, check=True)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "case.yaml").write_text(CASE)
        cache = work / "jit"
        cold = timed_run(cache, work, 0)
        warm = [timed_run(cache, work, k) for k in (1, 2)]
    best = min(warm)
    print(f"# heartsim start-up, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs")
    print("| cache | wall time of `heartsim run` (s) |\n|---|---|")
    print(f"| cold (empty) | {cold:.2f} |")
    print(f"| warm (run 2) | {warm[0]:.2f} |")
    print(f"| warm (run 3) | {warm[1]:.2f} |")
    print(f"\ncold / warm = {cold / best:.1f}x; compile time saved per task ~ {cold - best:.1f} s")


if __name__ == "__main__":
    main()
