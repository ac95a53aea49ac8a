"""What ``heartsim collect`` adds for a cohort (a folder with cohort.json), from the collected table:

    cohort_stats.csv      per device metric: n, mean, p5, p25, p50, p75, p95 over the completed cases
    thresholds.json       per threshold: cases with a value, passed, pass fraction, Wilson 95 % interval,
                          and the number of cases without a value (failed or missing)
    reference.json        per reference: ECDF area metric between the cohort and the measured values
    plots/ecdf_<metric>.png   ECDF of every device peak and whole-run number (with the reference's, if any)

A metric is named ``site.metric`` (its peak), ``site.metric.stat`` or ``site.scalar``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from heartsim.io.outputs import write_json_atomic
from heartsim.sweep import stats


def resolve(frame, name: str) -> str | None:
    for candidate in (name, f"{name}.peak"):
        if candidate in frame.columns:
            return candidate
    return None


def site_names(folder: Path) -> set[str]:
    """Names of the device sites any case of the cohort reported."""
    return {name for path in (folder / "cases").glob("case-*/out/devices/summary.json")
            for name in json.loads(path.read_text())}


def device_metrics(frame, sites: set[str]) -> list[str]:
    """Numeric columns that come from device summaries (``<site>.`` prefixed)."""
    import pandas as pd

    return [c for c in frame.columns if c.split(".")[0] in sites and pd.api.types.is_numeric_dtype(frame[c])]


def _ecdf_plot(path: Path, name: str, values, reference=None) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3.4))
    x, f = stats.ecdf(values)
    ax.step(np.concatenate([[x[0]], x]), np.concatenate([[0], f]), where="post", label=f"cohort (n = {len(x)})")
    if reference is not None:
        xr, fr = stats.ecdf(reference)
        ax.step(np.concatenate([[xr[0]], xr]), np.concatenate([[0], fr]), where="post", label=f"measured (n = {len(xr)})")
    ax.set_xlabel(name)
    ax.set_ylabel("ECDF")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def cohort_outputs(frame, folder: Path, meta: dict) -> list[Path]:
    import pandas as pd

    done = frame[frame["state"] == "completed"]
    metrics = device_metrics(frame, site_names(folder))
    written = []
    table = pd.DataFrame([{"metric": m, **stats.percentiles(done[m].to_numpy(float))} for m in metrics])
    table.to_csv(folder / "cohort_stats.csv", index=False)
    written.append(folder / "cohort_stats.csv")

    results = []
    for text in meta.get("thresholds", []):
        from heartsim.config.cohort import THRESHOLD

        metric, op, limit = THRESHOLD.match(text).groups()
        column = resolve(frame, metric)
        values = done[column].to_numpy(float) if column else np.array([])
        ok = np.isfinite(values)
        n, k = int(ok.sum()), int(stats.passes(values, op, float(limit)).sum())
        results.append({"threshold": text, "column": column, "cases_with_value": n, "passed": k,
                        "pass_fraction": k / n if n else None, "wilson_95": list(stats.wilson(k, n)),
                        "cases_without_value": int(len(frame) - n)})
    write_json_atomic(folder / "thresholds.json", results)
    written.append(folder / "thresholds.json")

    refs, ref_values = [], {}
    for ref in meta.get("reference", []):
        column = resolve(frame, ref["metric"])
        measured = pd.read_csv(ref["file"])[ref["column"]].to_numpy(float)
        model = done[column].to_numpy(float) if column else np.array([])
        ref_values[column] = measured
        refs.append({**ref, "column_used": column, "cases": int(np.isfinite(model).sum()),
                     "measured": int(np.isfinite(measured).sum()), "ecdf_area": stats.ecdf_area(model, measured)})
    write_json_atomic(folder / "reference.json", refs)
    written.append(folder / "reference.json")

    written.append(_credibility(folder, refs))
    plots = folder / "plots"
    plots.mkdir(exist_ok=True)
    for m in metrics:
        if not (m.endswith(".peak") or m.count(".") == 1):
            continue
        values = done[m].to_numpy(float)
        if np.isfinite(values).any():
            written.append(_ecdf_plot(plots / f"ecdf_{m}.png", m, values, ref_values.get(m)))
    return written


def _credibility(folder: Path, refs: list) -> Path:
    """The cohort's credibility.json: the template case's record plus the population comparison."""
    import yaml

    from heartsim.devices.credibility import write_record

    configs = sorted((folder / "cases").glob("case-*/config.yaml"))
    resolved = yaml.safe_load(configs[0].read_text()) if configs else {}
    return write_record(folder, resolved, population=refs, kind="cohort")
