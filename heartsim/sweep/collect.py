"""Gathering a sweep's results into one table (CSV and Parquet) and the usual plots.

One row per case: its name, state, failure reason, the swept parameters (``param.<key>``) and the
numeric metrics of its summary.json (nested keys joined with '.'). Failed and unfinished cases stay
in the table with their reason. Plots: each numeric metric of interest against each numeric
parameter, one PNG each, in ``<dir>/plots/``.
"""

from __future__ import annotations

import json
from pathlib import Path

from heartsim.sweep.cases import Case
from heartsim.sweep.local import summary_of

METRICS = ("activation_time_ms.min", "activation_time_ms.max", "wall_time_s", "steps_per_second",
           "linear_iterations_per_solve")


def _flatten(data: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            out[name] = value
    return out


def _resolved_param(case: Case, key: str, given):
    """The swept value as the case's resolved config holds it (quantities in heartsim's units)."""
    import yaml

    from heartsim.config.loader import get_path

    try:
        value = get_path(yaml.safe_load(case.config.read_text()), key)
    except (KeyError, OSError, ValueError):
        value = given
    return value if isinstance(value, (int, float, bool)) else str(value)


DEVICE_STATS = ("peak", "min", "max", "amplitude", "mean")


def device_columns(case: Case) -> dict:
    """``<site>.<metric>.<stat>`` and ``<site>.<scalar>`` of the case's devices/summary.json (if any)."""
    path = case.out / "devices" / "summary.json"
    if not path.is_file():
        return {}
    out = {}
    for site, data in json.loads(path.read_text()).items():
        for metric, stats in data.get("metrics", {}).items():
            out.update({f"{site}.{metric}.{k}": stats.get(k) for k in DEVICE_STATS})
        out.update({f"{site}.{name}": v.get("value") for name, v in data.get("scalars", {}).items()})
    return {k: (float("nan") if v is None else v) for k, v in out.items()}


def rows(cases: list[Case]) -> list[dict]:
    table = []
    for case in cases:
        result_path = case.folder / "result.json"
        result = json.loads(result_path.read_text()) if result_path.is_file() else {}
        state = case.state()
        status_path = case.out / "status.json"
        status = json.loads(status_path.read_text()) if status_path.is_file() else {}
        reason = result.get("reason") or status.get("reason", "")  # result.json: local runs; status: any run
        row = {"case": case.name, "state": state, "reason": reason if state != "completed" else ""}
        if state == "not run":
            row["reason"] = "not run yet"
        row.update({f"param.{k}": _resolved_param(case, k, v) for k, v in case.params.items()})
        summary = summary_of(case)
        row.update(_flatten(summary))
        row.update(device_columns(case))
        table.append(row)
    return table


def collect(cases: list[Case], folder: Path) -> tuple[list[Path], list[dict]]:
    """Write collected.csv, collected.parquet and plots; return (files written, failed rows)."""
    import pandas as pd

    frame = pd.DataFrame(rows(cases))
    written = [folder / "collected.csv", folder / "collected.parquet"]
    frame.to_csv(written[0], index=False)
    frame.to_parquet(written[1], index=False)
    written += plot(frame, folder / "plots")
    if (folder / "cohort.json").is_file():
        from heartsim.sweep.cohort_report import cohort_outputs

        written += cohort_outputs(frame, folder, json.loads((folder / "cohort.json").read_text()))
    failed = frame[frame["state"] != "completed"][["case", "state", "reason"]].to_dict("records")
    return written, failed


def plot(frame, folder: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    params = [c for c in frame.columns if c.startswith("param.") and pd.api.types.is_numeric_dtype(frame[c])]
    metrics = [m for m in METRICS if m in frame.columns]
    done = frame[frame["state"] == "completed"]
    paths = []
    if done.empty:
        return paths
    folder.mkdir(exist_ok=True)
    for param in params:
        for metric in metrics:
            fig, ax = plt.subplots(figsize=(5, 3.6))
            ax.plot(done[param], done[metric], "o")
            ax.set_xlabel(param[len("param."):])
            ax.set_ylabel(metric)
            ax.grid(alpha=0.3)
            fig.tight_layout()
            path = folder / f"{metric}_vs_{param[len('param.'):]}.png".replace("/", "_")
            fig.savefig(path, dpi=90)
            plt.close(fig)
            paths.append(path)
    return paths
