#!/usr/bin/env python3
"""Full-size verification of the 0D circulation (heartsim.circulation); prints tables for docs/circulation.md.

    scripts/in-env python3 scripts/verify_circulation.py [--out DIR]

1. Windkessels (2, 3 = RCR, 4 elements) under Q = 80 + 80 sin(2 pi t / 1 s) mL/s: amplitude, phase and
   mean of the periodic pressure against the analytic solution P = P_v + Z(0) Q_0 + |Z(w)| Q_1 sin(w t + arg Z(w)).
2. Time-step convergence of backward Euler (BDF1) and BDF2: max error over a period against the analytic
   periodic solution, started on it, for dt = 8 ... 0.5 ms; observed orders.
3. Closed loop (Regazzoni et al. 2022, default parameters): periodic steady state (cycle-to-cycle change
   below 1e-4), LV/RV volumes, ejection fraction, systemic and pulmonary pressures and the pulmonary
   vascular resistance for dt = 2, 1, 0.5 ms; the last cycle against scipy's Radau IIA (rtol 1e-10)
   from the same start state; and the values against normal adult ranges (Lang et al. 2015, J Am Soc
   Echocardiogr 28:1-39; ACC/AHA 2017 blood pressure; Kovacs et al. 2009, Eur Respir J 34:888-894;
   ESC/ERS 2022 pulmonary hypertension guidelines; textbook catheterisation values).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from heartsim.circulation.build import closed_loop_from_config  # noqa: E402
from heartsim.circulation.integrator import BDFStepper, Trajectory  # noqa: E402
from heartsim.circulation.outlet import RCROutlet, Windkessel2Outlet, Windkessel4Outlet  # noqa: E402
from heartsim.circulation.periodic import CycleMonitor, cycle_metrics  # noqa: E402
from heartsim.circulation.units import COMPLIANCE, INERTANCE, ML, MMHG, RESISTANCE  # noqa: E402
from heartsim.circulation.windkessel import fit_sinusoid, sine_response  # noqa: E402
from heartsim.config.circulation import CirculationConfig  # noqa: E402

R_P, C, R_D, L, P_V = 0.05 * RESISTANCE, 1.5 * COMPLIANCE, 1.0 * RESISTANCE, 0.005 * INERTANCE, 5 * MMHG
PERIOD, MEAN, AMP = 1000.0, 80.0, 80.0
OMEGA = 2 * math.pi / PERIOD


def outlet(elements: int, scheme: str):
    return {2: lambda: Windkessel2Outlet(R_D, C, P_V, scheme=scheme),
            3: lambda: RCROutlet(R_P, C, R_D, P_V, scheme=scheme),
            4: lambda: Windkessel4Outlet(R_P, C, R_D, L, P_V, scheme=scheme)}[elements]()


def windkessel_periodic(elements: int, scheme: str, dt: float, cycles: int = 12):
    out = outlet(elements, scheme)
    out.history = [out.model.steady_state(MEAN)]
    t = np.arange(1, round(cycles * PERIOD / dt) + 1) * dt
    p = np.array([out.advance(MEAN + AMP * math.sin(OMEGA * tk), dt) for tk in t])
    last = t > t[-1] - PERIOD + 1e-9
    mean, amp, phase = fit_sinusoid(t[last], p[last], OMEGA)
    z = out.model.impedance(OMEGA)[0]
    exact = sine_response(out.model, MEAN, AMP, OMEGA, t[last])
    return (mean, amp, phase, float(out.model.pressure(out.model.steady_state(MEAN), MEAN)), abs(z) * AMP,
            float(np.angle(z)), float(np.max(np.abs(p[last] - exact))))


def windkessel_error(elements: int, scheme: str, dt: float) -> float:
    out = outlet(elements, scheme)
    wk = out.model
    n = wk.A.shape[0]
    out.history = [wk.steady_state(MEAN) + np.imag(np.linalg.solve(1j * OMEGA * np.eye(n) - wk.A, wk.B) * AMP)]
    t = np.arange(1, round(PERIOD / dt) + 1) * dt
    p = np.array([out.advance(MEAN + AMP * math.sin(OMEGA * tk), dt) for tk in t])
    return float(np.max(np.abs(p - sine_response(wk, MEAN, AMP, OMEGA, t))))


# The defaults before the Regazzoni et al. 2022 table was adopted (ComputationalPhysiology's
# ``circulation`` package): 1 s period, pulmonary resistances 0.1625, systemic 0.8 / 0.26, C_VEN,SYS 130.
PREVIOUS_DEFAULTS = {
    "period": "1 s",
    "chambers": {"LA": {"E_pass": "0.09 mmHg/mL", "t_contract": "0.8 s", "T_contract": "0.17 s", "T_relax": "0.17 s"},
                 "RA": {"t_contract": "0.8 s", "T_contract": "0.17 s", "T_relax": "0.17 s"},
                 "LV": {"t_contract": "0 s", "T_contract": "0.34 s", "T_relax": "0.17 s"},
                 "RV": {"V0": "10 mL", "t_contract": "0 s", "T_contract": "0.34 s", "T_relax": "0.17 s"}},
    "compartments": {"AR_SYS": {"R": "0.8 mmHg*s/mL"}, "VEN_SYS": {"R": "0.26 mmHg*s/mL", "C": "130 mL/mmHg"},
                     "AR_PUL": {"R": "0.1625 mmHg*s/mL"}, "VEN_PUL": {"R": "0.1625 mmHg*s/mL"}},
}


def closed_loop(dt: float, tolerance: float = 1e-4, max_cycles: int = 80, closed_loop_section: dict | None = None):
    cfg = CirculationConfig(closed_loop=closed_loop_section or {})
    model = closed_loop_from_config(cfg.closed_loop)
    period = cfg.closed_loop.period
    y0 = model.initial_state(cfg.closed_loop.initial.model_dump())
    tr = Trajectory(BDFStepper(model, "bdf2"), y0)
    monitor = CycleMonitor(round(period / dt), y0)
    rows, start, change = [], y0.copy(), None
    while monitor.cycles < max_cycles:
        tr.advance(dt)
        rows.append(model.outputs(tr.t, tr.y))
        c = monitor.update(tr.y)
        if c is not None:
            change, last, rows = c, rows, []
            if c < tolerance:
                break
            start = tr.y.copy()
    metrics = cycle_metrics({k: np.array([r[k] for r in last]) for k in last[0]}, period)
    return model, monitor.cycles, change, metrics, start, tr.t - period


def radau_cycle(model, start: np.ndarray, t0: float, period: float) -> dict:
    from scipy.integrate import solve_ivp

    n = len(start)
    zero = np.zeros(n)
    sol = solve_ivp(lambda t, y: -model.residual(t, y, zero), (t0, t0 + period), start, method="Radau",
                    jac=lambda t, y: -model.jacobian(t, y, zero, 0.0), rtol=1e-10, atol=1e-8, max_step=0.5,
                    dense_output=True)
    ts = np.linspace(t0, t0 + period, 20001)[1:]
    rows = [model.outputs(t, y) for t, y in zip(ts, sol.sol(ts).T)]
    return cycle_metrics({k: np.array([r[k] for r in rows]) for k in rows[0]}, period)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.parse_args()
    t_start = time.perf_counter()

    print("## 1. Windkessel periodic response, Q = 80 + 80 sin(2 pi t / 1 s) mL/s, BDF2, dt = 1 ms, 12 periods")
    print("| elements | mean (mmHg) | analytic | amplitude (mmHg) | analytic | phase (rad) | analytic | max error (mmHg) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for elements in (2, 3, 4):
        mean, amp, ph, mean_a, amp_a, ph_a, err = windkessel_periodic(elements, "bdf2", 1.0)
        print(f"| {elements} | {mean / MMHG:.4f} | {mean_a / MMHG:.4f} | {amp / MMHG:.4f} | {amp_a / MMHG:.4f} | "
              f"{ph:.5f} | {ph_a:.5f} | {err / MMHG:.2e} |")

    print("\n## 2. Time-step convergence: max pressure error over one period (mmHg), started on the periodic solution")
    dts = (8.0, 4.0, 2.0, 1.0, 0.5)
    print("| elements | scheme | " + " | ".join(f"dt = {dt:g} ms" for dt in dts) + " | observed order |")
    print("| --- | --- | " + " | ".join("---" for _ in dts) + " | --- |")
    for elements in (2, 3, 4):
        for scheme in ("backward_euler", "bdf2"):
            errors = [windkessel_error(elements, scheme, dt) for dt in dts]
            order = np.log2(errors[-2] / errors[-1])
            print(f"| {elements} | {scheme} | " + " | ".join(f"{e / MMHG:.2e}" for e in errors) + f" | {order:.3f} |")

    period = CirculationConfig().closed_loop.period
    print(f"\n## 3. Closed loop (Regazzoni et al. 2022 defaults, period {period / 1000:g} s), BDF2, periodic to 1e-4")
    names = [("LV_EDV", "LV EDV (mL)"), ("LV_ESV", "LV ESV (mL)"), ("LV_SV", "LV SV (mL)"), ("LV_EF", "LV EF (%)"),
             ("RV_EDV", "RV EDV (mL)"), ("RV_ESV", "RV ESV (mL)"), ("RV_EF", "RV EF (%)"),
             ("p_AR_SYS_max", "aortic systolic (mmHg)"), ("p_AR_SYS_min", "aortic diastolic (mmHg)"),
             ("p_AR_SYS_mean", "aortic mean (mmHg)"), ("p_LV_max", "LV peak (mmHg)"),
             ("p_RV_max", "RV peak (mmHg)"), ("p_AR_PUL_max", "pulmonary systolic (mmHg)"),
             ("p_AR_PUL_min", "pulmonary diastolic (mmHg)"), ("p_AR_PUL_mean", "pulmonary mean (mmHg)"),
             ("p_LA_mean", "LA mean (mmHg)"), ("p_RA_mean", "RA mean (mmHg)"),
             ("cardiac_output", "cardiac output (L/min)"), ("PVR", "pulmonary vascular resistance (Wood units)")]

    def show(key, m):
        if key == "PVR":  # (mean PAP - mean LA pressure) / cardiac output, mmHg min/L
            return (m["p_AR_PUL_mean"] - m["p_LA_mean"]) / MMHG / (m["cardiac_output"] * 60.0 / 1000.0)
        v = m[key]
        if key.endswith("_EF"):
            return 100 * v
        if key.startswith("p_"):
            return v / MMHG
        if key == "cardiac_output":
            return v * 60.0 / 1000.0  # mL/s -> L/min
        return v / ML

    runs = {}
    for dt in (2.0, 1.0, 0.5):
        t0 = time.perf_counter()
        runs[dt] = closed_loop(dt)
        model, cycles, change, metrics, start, t_start_cycle = runs[dt]
        print(f"dt = {dt:g} ms: periodic after {cycles} cycles (change {change:.1e}), {time.perf_counter() - t0:.1f} s")
    model, _, _, _, start, t_cycle = runs[1.0]
    radau = radau_cycle(model, start, t_cycle, period)
    previous = closed_loop(1.0, closed_loop_section=PREVIOUS_DEFAULTS)[3]
    ranges = {"LV_EDV": "62-150 (men), 46-106 (women) [1]", "LV_ESV": "21-61 (men), 14-42 (women) [1]",
              "LV_EF": "52-72 (men), 54-74 (women) [1]", "RV_EF": ">= 45 [1]",
              "p_AR_SYS_max": "< 120 normal [2]", "p_AR_SYS_min": "< 80 normal [2]", "p_AR_SYS_mean": "70-105 [3]",
              "p_LV_max": "90-140 [3]", "p_RV_max": "15-30 [3]", "p_AR_PUL_max": "15-30 [3]",
              "p_AR_PUL_min": "4-12 [3]", "p_AR_PUL_mean": "14.0 +- 3.3, upper limit 20.6 [4]; 9-19 [3]",
              "p_LA_mean": "4-12 [3]", "p_RA_mean": "1-5 [3]", "cardiac_output": "4-8 [3]", "PVR": "<= 2 [5]"}
    print("\n| quantity | dt = 2 ms | dt = 1 ms | dt = 0.5 ms | Radau (last cycle of dt = 1 ms) | normal adult range "
          "| previous defaults (dt = 1 ms) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for key, label in names:
        vals = [show(key, runs[dt][3]) for dt in (2.0, 1.0, 0.5)]
        print(f"| {label} | " + " | ".join(f"{v:.2f}" for v in vals) + f" | {show(key, radau):.2f} | "
              f"{ranges.get(key, '')} | {show(key, previous):.2f} |")
    print("[1] Lang et al. 2015, J Am Soc Echocardiogr 28:1-39; [2] Whelton et al. 2017 ACC/AHA guideline; "
          "[3] textbook resting catheterisation values; [4] Kovacs et al. 2009, Eur Respir J 34:888-894; "
          "[5] Humbert et al. 2022 ESC/ERS guidelines, Eur Heart J 43:3618-3731")
    print(f"\ntotal {time.perf_counter() - t_start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
