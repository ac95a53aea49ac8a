"""Running sweep cases on this machine: one after another or N at a time, each in its own process."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from heartsim.io.outputs import write_json_atomic
from heartsim.sweep.cases import Case


def _reason(log_text: str) -> str:
    """The last error line of a run's output (or its last line)."""
    lines = log_text.strip().splitlines()
    errors = [line for line in lines if "error" in line.lower() or "failed" in line.lower()]
    return (errors[-1] if errors else (lines[-1] if lines else ""))[:500]


def run_case(case: Case, ranks: int = 1) -> dict:
    """Run one case to completion (or failure); record exit status and reason in result.json."""
    cmd = [sys.executable, "-m", "heartsim", "run", str(case.config), "--out", str(case.out), *case.run_mode()]
    if ranks > 1:
        cmd = ["mpirun", "-n", str(ranks), *cmd]
    start = time.perf_counter()
    with open(case.folder / "run.log", "w") as log:
        code = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT).returncode
    result = {"exit_code": code, "wall_time_s": round(time.perf_counter() - start, 3),
              "reason": "" if code == 0 else _reason((case.folder / "run.log").read_text())}
    write_json_atomic(case.folder / "result.json", result)
    return result


def not_completed(cases: list[Case]) -> list[Case]:
    return [c for c in cases if c.state() != "completed"]


def run_local(cases: list[Case], jobs: int, log: logging.Logger, ranks: int = 1) -> dict[str, dict]:
    """Run the cases not yet completed, ``jobs`` at a time; returns results by case name."""
    pending = not_completed(cases)
    log.info("%d case(s), %d already completed, %d to run (%d at a time)",
             len(cases), len(cases) - len(pending), len(pending), jobs)
    results: dict[str, dict] = {}
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for done, (case, result) in enumerate(zip(pending, pool.map(lambda c: run_case(c, ranks), pending)), 1):
            results[case.name] = result
            state = "completed" if result["exit_code"] == 0 else f"failed ({result['reason']})"
            log.info("[%d/%d] %s %s in %.1f s", done, len(pending), case.name, state, result["wall_time_s"])
    return results


def pending_list(cases: list[Case], path: Path) -> list[Case]:
    """Write the folders of the cases not yet completed, one per line (a Slurm array's task list)."""
    pending = not_completed(cases)
    path.write_text("".join(f"{c.folder}\n" for c in pending))
    return pending


def summary_of(case: Case) -> dict:
    path = case.out / "summary.json"
    return json.loads(path.read_text()) if path.is_file() else {}
