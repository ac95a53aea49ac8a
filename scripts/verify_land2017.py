"""Land 2017 tension against the independent SciPy reference; markdown tables for docs/electromechanics.md.

    scripts/in-env python3 scripts/verify_land2017.py [--dts 0.5,0.1,0.05] [--no-cell]

1. Isometric twitches under the Rice et al. 2008 analytic transient (0.09 -> 1.45 uM, onset 5 ms,
   tau 20/110 ms) at lambda = 1.0 and 1.1, both presets: peak Ta, time to peak and the max
   difference over the whole curve, heartsim (generated NumPy code, Rush-Larsen, calcium at
   mid-step) at several dt against solve_ivp (Radau, rtol 1e-10, atol 1e-12).
2. The same with the calcium of a TT06 epi cell at 1 Hz (beat 20, dt 0.01 ms), interpolated
   linearly for the reference, tension stepped every 0.1 ms.
3. Quick release: lambda 1.0 -> 0.98 within 0.1 ms at t = 100 ms of the analytic twitch.
4. Throughput of the tension step: NumPy array code against the host-compiled kernel, 1e5 nodes.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from heartsim.kernels.ionic import native
from heartsim.kernels.tension import land2017 as L
from heartsim.kernels.tension.twitch import isometric_twitch, tension_metrics
from heartsim.verification import land2017_reference as R


def _ours(p, t, ca, lam, stride):
    tt, ta = isometric_twitch(p, t, ca, lam, stride=stride, passes=1)
    return tt, ta


def analytic_table(dts):
    print("| preset | lambda | reference peak (kPa) | ref. time to peak (ms) | dt (ms) | peak diff (%) | "
          "time to peak diff (ms) | max abs diff over the twitch (% of peak) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    t = np.arange(0.0, 600.0 + 1e-9, 0.01)
    ca = np.array([R.rice_transient(s) for s in t])
    for preset in ("land_2017", "tor_ord_land"):
        p = L.LandParameters.from_preset(preset)
        for lam in (1.0, 1.1):
            for dt in dts:
                stride = int(round(dt / 0.01))
                tt, ta = _ours(p, t, ca, lam, stride)
                ref, _ = R.isometric_twitch(p.as_dict(), lam, tt, R.rice_transient)
                m, mr = tension_metrics(tt, ta), tension_metrics(tt, ref)
                print(f"| {preset} | {lam} | {mr['ta_peak_kPa']:.3f} | {mr['ta_time_to_peak_ms']:.2f} | {dt} | "
                      f"{100 * (m['ta_peak_kPa'] / mr['ta_peak_kPa'] - 1):+.4f} | "
                      f"{m['ta_time_to_peak_ms'] - mr['ta_time_to_peak_ms']:+.2f} | "
                      f"{100 * np.abs(ta - ref).max() / mr['ta_peak_kPa']:.4f} |")


def cell_table():
    from heartsim.kernels.ionic import MODELS
    from heartsim.kernels.ionic.cell import pace
    from heartsim.kernels.tension.calcium import calcium_state

    model = MODELS["tentusscher_panfilov_2006"]
    beat, _ = pace(model, "epi", 1000.0, 20, 0.01)
    cal = calcium_state(model)
    t = np.concatenate([[0.0], beat.t])
    ca = cal.to_uM * np.concatenate([[beat.ca[-1]], beat.ca])
    print(f"\nTT06 epi, beat 20 at 1 Hz: Ca_i {ca.min():.4f} -> {ca.max():.4f} uM\n")
    print("| preset | lambda | reference peak (kPa) | ref. time to peak (ms) | ours (dt 0.1 ms) | peak diff (%) | "
          "time to peak diff (ms) | max abs diff (% of peak) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    cai = lambda s: float(np.interp(s, t, ca))  # noqa: E731
    for preset in ("land_2017", "tor_ord_land"):
        p = L.LandParameters.from_preset(preset)
        for lam in (1.0, 1.1):
            tt, ta = _ours(p, t, ca, lam, 10)
            y0 = R.diastolic_state(p.as_dict(), ca[0], lam)
            ref = R.integrate(p.as_dict(), y0, tt, cai, lambda s: lam, max_step=0.05)
            ref = np.array([R.tension(p.as_dict(), ref[:, k], lam) for k in range(ref.shape[1])])
            m, mr = tension_metrics(tt, ta), tension_metrics(tt, ref)
            print(f"| {preset} | {lam} | {mr['ta_peak_kPa']:.3f} | {mr['ta_time_to_peak_ms']:.2f} | "
                  f"{m['ta_peak_kPa']:.3f} kPa at {m['ta_time_to_peak_ms']:.2f} ms | "
                  f"{100 * (m['ta_peak_kPa'] / mr['ta_peak_kPa'] - 1):+.4f} | "
                  f"{m['ta_time_to_peak_ms'] - mr['ta_time_to_peak_ms']:+.2f} | "
                  f"{100 * np.abs(ta - ref).max() / mr['ta_peak_kPa']:.4f} |")


def quick_release():
    p = L.LandParameters.from_preset("land_2017")
    pd = p.as_dict()
    t_r, ramp = 100.0, 0.1
    lam_of = lambda t: 1.0 if t <= t_r else (0.98 if t >= t_r + ramp else 1.0 - 0.02 * (t - t_r) / ramp)  # noqa: E731
    y0 = R.diastolic_state(pd, R.rice_transient(0.0), 1.0)
    y1 = R.integrate(pd, y0, np.array([0.0, t_r]), R.rice_transient)[:, -1]
    y2 = R.integrate(pd, y1, np.array([t_r, t_r + ramp]), R.rice_transient, lam_of, lambda t: -0.02 / ramp,
                     max_step=0.01)[:, -1]
    after = R.integrate(pd, y2, np.array([t_r + ramp, t_r + 2, t_r + 10, t_r + 50]), R.rice_transient,
                        lambda t: 0.98)
    print(f"\nQuick release (reference): Ta {R.tension(pd, y1, 1.0):.2f} kPa before, "
          f"{R.tension(pd, y2, 0.98):.2f} kPa after 0.1 ms; zeta_s {y1[4]:.4f} -> {y2[4]:.4f}, zeta_w {y1[5]:.4f} -> "
          f"{y2[5]:.4f}; Ta 2 / 10 / 50 ms later: "
          + " / ".join(f"{R.tension(pd, after[:, k], 0.98):.2f}" for k in (1, 2, 3)) + " kPa")
    # ours, 10 sub-steps of 0.01 ms over the ramp
    y = L.rest_state(p, 1, cai_uM=R.rice_transient(0.0))
    dt = 0.1
    for k in range(int(t_r / dt)):
        L.step(p, y, dt, R.rice_transient((k + 0.5) * dt), 1.0, 0.0)
    before = float(L.active_tension(p, y, 1.0)[0])
    for j in range(10):
        s = t_r + (j + 0.5) * ramp / 10
        L.step(p, y, ramp / 10, R.rice_transient(s), lam_of(s), -0.02 / ramp)
    print(f"Quick release (heartsim, dt 0.1 ms, the ramp in 10 steps): Ta {before:.2f} -> "
          f"{float(L.active_tension(p, y, 0.98)[0]):.2f} kPa")


def throughput(n=100_000, steps=20):
    p = L.LandParameters.from_preset("land_2017")
    rows = []
    for kernel in ("numpy", "native") if native.available() else ("numpy",):
        y = L.rest_state(p, n, cai_uM=0.1)
        cai = np.full(n, 0.8)
        L.step(p, y, 0.1, cai, 1.0, 0.0, kernel=kernel)  # warm-up (builds the native kernel)
        t0 = time.perf_counter()
        for _ in range(steps):
            L.step(p, y, 0.1, cai, 1.0, 0.0, kernel=kernel)
        rows.append((kernel, n * steps / (time.perf_counter() - t0)))
    base = rows[0][1]
    print("\n| kernel | node-steps/s | ratio to NumPy |\n| --- | --- | --- |")
    for kernel, rate in rows:
        print(f"| {kernel} | {rate:.3g} | {rate / base:.2f} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dts", default="0.5,0.1,0.05")
    ap.add_argument("--no-cell", action="store_true")
    args = ap.parse_args()
    analytic_table([float(x) for x in args.dts.split(",")])
    if not args.no_cell:
        cell_table()
    quick_release()
    throughput()


if __name__ == "__main__":
    main()
