"""Per-beat haemodynamics of a coupled run and its plots (pure NumPy; matplotlib for the PNGs).

Per beat [k T, (k+1) T): EDV = the cavity volume when isovolumic contraction starts (the inflow valve
closes; the largest volume of the beat if there is none), ESV = the smallest volume, SV = EDV - ESV,
EF = SV/EDV, peak cavity pressure, dP/dt max (finite differences of the recorded steps), time
to peak of the mean Ta (from the beat's start), and the change of EDV, ESV and peak pressure from
the previous beat; for each coupled chamber (LV, RV) from its own volume, pressure and phase. Units in the
report: mL, mmHg, ms, kPa (Ta), mmHg/s.
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


#: inflow and outflow valve of each ventricle of the closed loop
VALVES_OF = {"LV": ("MV", "AV"), "RV": ("TV", "PV")}
#: 0D pressures drawn with each ventricle's trace (its atrium and its artery)
NEIGHBOURS = {"LV": ("p_LA", "p_AR_SYS"), "RV": ("p_RA", "p_AR_PUL")}
COLOURS = {"LV": "C3", "RV": "C0"}


def valve_margins(chambers, row: dict) -> list[float]:
    """The adaptive step's valve margins from a pv.csv ``row``: per chamber c, p_c - p_in and p_out - p_c (kPa;
    p_in, p_out its ``NEIGHBOURS``' pressures), positive while the inflow resp. outflow valve is closed, then
    the flows through its inflow and outflow valve (mL/s), positive while the valve is open."""
    margins = []
    for c in chambers:
        p_in, p_out = (row[f"{name}_mmHg"] / MMHG for name in NEIGHBOURS[c])
        margins += [row[f"_p_{c}"] - p_in, p_out - row[f"_p_{c}"],
                    *(row[f"Q_{valve}_mL_per_s"] for valve in VALVES_OF[c])]
    return margins


def pv_columns(chambers, outputs: dict, volumes_3d: dict | None, previous: dict | None, dt: float) -> dict:
    """The ``pv.csv`` columns of the coupled chambers from the 0D ``outputs`` (kPa, mm³, mm³/ms), the 3D
    volumes (mm³; None: the 0D ones), the previous row (for dp/dt and the phase) and the step (ms).
    One chamber (as before): V_<c>_mL, p_<c>_mmHg, V_3D_mL, phase; several: V_<c>_mL, p_<c>_mmHg per
    chamber, then V_3D_<c>_mL, then phase_<c>. Hidden ``_p_<c>``, ``_v_<c>`` (kPa, mm³) keep the raw values."""
    single = len(chambers) == 1
    row: dict = {}
    for c in chambers:
        row[f"V_{c}_mL"] = outputs[f"V_{c}"] / 1e3
        row[f"p_{c}_mmHg"] = outputs[f"p_{c}"] * MMHG
    for c in chambers:
        v3d = outputs[f"V_{c}"] if volumes_3d is None else volumes_3d[c]
        row["V_3D_mL" if single else f"V_3D_{c}_mL"] = v3d / 1e3
    for c in chambers:
        dpdt = (outputs[f"p_{c}"] - previous[f"_p_{c}"]) / dt if previous else 0.0
        inflow, outflow = VALVES_OF[c]
        row["phase" if single else f"phase_{c}"] = phase(outputs[f"Q_{inflow}"], outputs[f"Q_{outflow}"], dpdt)
    for c in chambers:
        row[f"_p_{c}"], row[f"_v_{c}"] = outputs[f"p_{c}"], outputs[f"V_{c}"]
    return row


def phase_column(chambers, chamber: str) -> str:
    """The ``pv.csv`` column holding ``chamber``'s phase."""
    return "phase" if len(chambers) == 1 else f"phase_{chamber}"


def convergence_columns(chambers, info) -> dict:
    """The per-chamber ``convergence.csv`` columns of a coupled step (one chamber: volume_residual_mm3,
    pressure_kPa as before; several: the largest residual, then residual and pressure per chamber)."""
    if len(chambers) == 1:
        return {"volume_residual_mm3": info.residual, "pressure_kPa": info.pressure}
    row = {"volume_residual_mm3": info.residual}
    row.update({f"volume_residual_{c}_mm3": info.residuals[c] for c in chambers})
    row.update({f"pressure_{c}_kPa": info.pressures[c] for c in chambers})
    return row


def chamber_beats(rows: list[dict], chambers, period: float) -> dict[str, list[dict]]:
    """Per-beat summary (:func:`beats`) of every chamber from the recorded rows (the first, the preloaded
    state, left out)."""
    rows = rows[1:]
    t = np.array([r["t_ms"] for r in rows])
    ta = np.array([r["Ta_mean_kPa"] for r in rows])
    return {c: beats(t, np.array([r[f"_v_{c}"] for r in rows]), np.array([r[f"_p_{c}"] for r in rows]), ta, period,
                     [r[phase_column(chambers, c)] for r in rows]) for c in chambers}


def plot(folder: Path, t: np.ndarray, volumes: dict[str, np.ndarray], pressures: dict[str, np.ndarray],
         extra: dict[str, np.ndarray], period: float) -> list[Path]:
    """``pv_loop.png`` (PV loop per beat of each chamber, the last beat dark) and ``traces.png`` (pressures
    and volumes); ``volumes``/``pressures``: chamber -> mm³ / kPa per recorded time, ``extra``: other 0D
    pressures (kPa) by label."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = [folder / "pv_loop.png", folder / "traces.png"]
    names = list(volumes)
    fig, ax = plt.subplots(figsize=(5, 4.5))
    beat = np.floor((t - 1e-9) / period).astype(int)
    for c in names:
        colour = COLOURS.get(c, "C2")
        for k in np.unique(beat):
            sel = beat == k
            last = k == beat.max()
            ax.plot(volumes[c][sel] / 1e3, pressures[c][sel] * MMHG, color=colour, lw=2 if last else 1,
                    alpha=1.0 if last else 0.35, label=f"{c}, beat {k + 1}" if last else None)
    label = "/".join(names)
    ax.set_xlabel(f"{label} volume (mL)")
    ax.set_ylabel(f"{label} pressure (mmHg)")
    ax.set_title("pressure-volume loop")
    ax.legend()
    fig.tight_layout()
    fig.savefig(paths[0], dpi=120)
    plt.close(fig)
    fig, (a1, a2) = plt.subplots(2, 1, figsize=(7, 6), sharex=True)
    for c in names:
        a1.plot(t, pressures[c] * MMHG, color=COLOURS.get(c, "C2"), lw=2, label=f"p_{c}")
    for name, values in extra.items():
        a1.plot(t, values * MMHG, lw=1, label=name)
    a1.set_ylabel("pressure (mmHg)")
    a1.legend(fontsize=8)
    for c in names:
        a2.plot(t, volumes[c] / 1e3, color=COLOURS.get(c, "C2"), label=f"V_{c}")
    a2.set_ylabel("volume (mL)")
    a2.legend(fontsize=8)
    a2.set_xlabel("t (ms)")
    fig.tight_layout()
    fig.savefig(paths[1], dpi=120)
    plt.close(fig)
    return paths
