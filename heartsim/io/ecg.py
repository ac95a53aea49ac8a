"""Pseudo-ECG tables (CSV) and plots (PNG)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from heartsim.kernels.ecg import TWELVE, has_twelve_leads, twelve_leads


def ecg_columns(times: np.ndarray, names: list[str], trace: np.ndarray) -> dict[str, np.ndarray]:
    """Columns time_ms, every electrode, and the 12 leads when the electrodes allow them."""
    phi = {name: trace[:, i] for i, name in enumerate(names)}
    columns = {"time_ms": np.asarray(times)}
    columns.update(phi)
    if has_twelve_leads(names):
        columns.update({f"lead_{k}": v for k, v in twelve_leads(phi).items()})
    return columns


def write_ecg(folder: Path, times: np.ndarray, names: list[str], trace: np.ndarray) -> list[Path]:
    """Write ``ecg.csv`` (mV per electrode and lead) and ``ecg.png``; returns the paths."""
    columns = ecg_columns(times, names, trace)
    csv = folder / "ecg.csv"
    table = np.column_stack(list(columns.values())) if len(times) else np.zeros((0, len(columns)))
    np.savetxt(csv, table, delimiter=",", header=",".join(columns), comments="", fmt="%.9g")
    png = folder / "ecg.png"
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    leads = [k for k in TWELVE if f"lead_{k}" in columns] or names
    keys = [f"lead_{k}" if f"lead_{k}" in columns else k for k in leads]
    ncols = 2 if len(keys) > 4 else 1
    nrows = int(np.ceil(len(keys) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(5 * ncols, 1.6 * nrows + 0.8), sharex=True, squeeze=False)
    for ax, key, label in zip(axes.flat, keys, leads):
        ax.plot(columns["time_ms"], columns[key], lw=1.0)
        ax.set_ylabel(f"{label} (mV)")
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(keys):]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("time (ms)")
    fig.suptitle("pseudo-ECG" + (" (12 leads)" if has_twelve_leads(names) else ""))
    fig.tight_layout()
    fig.savefig(png, dpi=100)
    plt.close(fig)
    return [csv, png]
