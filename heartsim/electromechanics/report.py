"""Per-beat haemodynamics of a coupled run and its plots (pure NumPy; matplotlib for the PNGs).

Per beat [k T, (k+1) T): EDV = the cavity volume when isovolumic contraction starts (the inflow valve
closes; the largest volume of the beat if there is none), ESV = the smallest volume, SV = EDV - ESV,
EF = SV/EDV, peak cavity pressure, dP/dt max (finite differences of the recorded steps), time
to peak of the mean Ta (from the beat's start), and the change of EDV, ESV and peak pressure from
the previous beat. Units in the report: mL, mmHg, ms, kPa (Ta), mmHg/s.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

MMHG = 7.500616827  # mmHg per kPa


def phase(q_in: float, q_out: float, dpdt: float) -> str:
    """Cardiac phase from the valve flows (mm³/ms) and the pressure rate."""
    if q_out > 0:
        return "ejection"
    if q_in > 0:
        return "filling"
    return "isovolumic_contraction" if dpdt >= 0 else "isovolumic_relaxation"


def beats(t: np.ndarray, volume: np.ndarray, pressure: np.ndarray, ta_mean: np.ndarray, period: float,
          phases: list[str] | None = None) -> list[dict]:
    """Per-beat summary (only whole beats; a partial last beat is reported with ``complete: false``)."""
    out: list[dict] = []
    if len(t) < 2:
        return out
    dpdt = np.gradient(pressure, t)
    n_beats = int(np.ceil(t[-1] / period - 1e-9))
    for k in range(n_beats):
        sel = (t > k * period + 1e-9) & (t <= (k + 1) * period + 1e-9)
        if not np.any(sel):
            continue
        v, p, ta = volume[sel], pressure[sel], ta_mean[sel]
        edv, esv = float(v.max()), float(v.min())
        if phases is not None:
            closing = [i for i, ph in zip(np.flatnonzero(sel), np.asarray(phases)[sel]) if ph == "isovolumic_contraction"]
            if closing:
                edv = float(volume[closing[0]])
        row = {"beat": k + 1, "complete": bool(t[-1] >= (k + 1) * period - 1e-6),
               "EDV_mL": round(edv / 1e3, 3), "ESV_mL": round(esv / 1e3, 3), "SV_mL": round((edv - esv) / 1e3, 3),
               "EF_percent": round(100 * (edv - esv) / edv, 2), "peak_pressure_mmHg": round(float(p.max()) * MMHG, 2),
               "dPdt_max_mmHg_per_s": round(float(dpdt[sel].max()) * MMHG * 1e3, 1),
               "time_to_peak_Ta_ms": round(float(t[sel][np.argmax(ta)] - k * period), 2),
               "peak_mean_Ta_kPa": round(float(ta.max()), 3)}
        if out:
            prev = out[-1]
            row["change"] = {key: round(row[key] - prev[key], 3) for key in ("EDV_mL", "ESV_mL", "peak_pressure_mmHg")}
        out.append(row)
    return out


def plot(folder: Path, t: np.ndarray, volume: np.ndarray, pressure: np.ndarray, extra: dict[str, np.ndarray],
         chamber: str, period: float) -> list[Path]:
    """``pv_loop.png`` (PV loop per beat, last beat dark) and ``traces.png`` (pressures and volume)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = [folder / "pv_loop.png", folder / "traces.png"]
    fig, ax = plt.subplots(figsize=(5, 4.5))
    beat = np.floor((t - 1e-9) / period).astype(int)
    for k in np.unique(beat):
        sel = beat == k
        last = k == beat.max()
        ax.plot(volume[sel] / 1e3, pressure[sel] * MMHG, color="C3" if last else "0.7", lw=2 if last else 1,
                label=f"beat {k + 1}" if last else None)
    ax.set_xlabel(f"{chamber} volume (mL)")
    ax.set_ylabel(f"{chamber} pressure (mmHg)")
    ax.set_title("pressure-volume loop")
    ax.legend()
    fig.tight_layout()
    fig.savefig(paths[0], dpi=120)
    plt.close(fig)
    fig, (a1, a2) = plt.subplots(2, 1, figsize=(7, 6), sharex=True)
    a1.plot(t, pressure * MMHG, label=f"p_{chamber}")
    for name, values in extra.items():
        a1.plot(t, values * MMHG, label=name)
    a1.set_ylabel("pressure (mmHg)")
    a1.legend(fontsize=8)
    a2.plot(t, volume / 1e3, color="C3")
    a2.set_ylabel(f"V_{chamber} (mL)")
    a2.set_xlabel("t (ms)")
    fig.tight_layout()
    fig.savefig(paths[1], dpi=120)
    plt.close(fig)
    return paths
