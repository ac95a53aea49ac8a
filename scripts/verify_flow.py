"""Verification of the Navier-Stokes solver (heartsim.flow.ns) against exact solutions and benchmarks.

    scripts/in-env python3 scripts/verify_flow.py poiseuille    [--sizes 0.5 0.35 0.25]
    scripts/in-env python3 scripts/verify_flow.py womersley     [--sizes 0.5 0.35 0.25] [--steps 40]
    scripts/in-env python3 scripts/verify_flow.py schafer-turek [--sizes 82 55]
    scripts/in-env python3 scripts/verify_flow.py stenosis-mass [--size 0.4]
    scripts/in-env mpirun -n 2 python3 scripts/verify_flow.py poiseuille --sizes 0.35   (MPI check)

Each prints a table and writes it as CSV under --out (default results/verify-flow).

poiseuille: tube R = 1 mm, L = 4 mm, rho = 1, mu = 1, Q = 1 (Re 0.6), parabolic inlet, zero-traction
    outlet, time-stepped to steady state; relative L2 error of u against u = 2Q/(pi R^2)(1 - r^2/R^2)
    and of the pressure drop against 8 mu L Q / (pi R^4) (geometric error of the polygonal section included).
womersley: tube R = 1 mm, L = 2 mm, rho = 1, mu = 0.03927 (alpha = 4 at T = 10 ms), Q(t) = 1 + 0.8 sin(w t),
    Womersley inlet, started from the analytic field (for R_eff); max over one cycle of the relative L2 velocity error
    against the tube's solution and against the solution for the equivalent radius of the meshed section.
schafer-turek: 3D-1Z (steady, Re = 20) in mm/ms/kPa: rho = 1e-3 mg/mm^3, mu = 1e-3 kPa ms, inlet
    16 U_m y z (H - y)(H - z) / H^4 with U_m = 0.45 mm/ms; drag and lift coefficients
    c = 2 F / (rho U^2 D H) with U = 4 U_m / 9 = 0.2 and the pressure difference (Pa) between
    (450, 200, 205) and (550, 200, 205) mm, against Schafer & Turek 1996 (Notes Numer. Fluid Mech. 52:547,
    bounds 6.05-6.25, 0.008-0.010, 0.165-0.175) and the reference values of Bayraktar, Mierka & Turek 2012
    (Int. J. Comput. Sci. Eng. 7:253): c_D = 6.18533, c_L = 0.009401, dp = 0.17102.
stenosis-mass: 75 % area stenosis (R = 2 mm, throat at x = 8 mm, tube --length), Q = 1 + 0.5 sin(2 pi t / 200 ms) mL/s, RCR outlet, one period:
    inflow vs outflow at every step.
The FDA nozzle (throat Re = 500) is run by scripts/fda_nozzle.py (configs/fda-nozzle.yaml).
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import time
from pathlib import Path

import numpy as np
from mpi4py import MPI

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from heartsim import fem  # noqa: E402
from heartsim.config.base import Region  # noqa: E402
from heartsim.config.flow import FlowConfig  # noqa: E402
from heartsim.flow.ns import NavierStokes  # noqa: E402
from heartsim.flow import metrics  # noqa: E402
from heartsim.flow.womersley import womersley_velocity  # noqa: E402
from heartsim.geometry import vessels  # noqa: E402

COMM = MPI.COMM_WORLD


def say(*args) -> None:
    if COMM.rank == 0:
        print(*args, flush=True)


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    if COMM.rank == 0:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="") as f:
            w = csv.writer(f)
            w.writerow(header)
            w.writerows(rows)
        print(f"wrote {path}", flush=True)


def relative_l2(ns: NavierStokes, exact_values: np.ndarray) -> float:
    """||u_h - u_ex|| / ||u_ex|| with u_ex given at the P2 dofs (its interpolant)."""
    import ufl

    ex = fem.function(ns.V)
    ex.x.array[:] = exact_values.ravel()
    err = fem.assemble_scalar(ufl.inner(ns.u - ex, ns.u - ex) * ufl.dx, COMM)
    ref = fem.assemble_scalar(ufl.inner(ex, ex) * ufl.dx, COMM)
    return math.sqrt(err / ref)


def rates(sizes, errors) -> list[str]:
    out = [""]
    for i in range(1, len(sizes)):
        out.append(f"{math.log(errors[i - 1] / errors[i]) / math.log(sizes[i - 1] / sizes[i]):.2f}")
    return out


# ------------------------------------------------------------------------------------------------


def poiseuille(args) -> None:
    R, L, Q, mu = 1.0, 4.0, 1.0, 1.0
    rows = []
    for size in args.sizes:
        tagged = vessels.generate("tube", COMM, radius=R, length=L, size=size)
        cfg = FlowConfig.model_validate({"fluid": {"density": 1.0, "viscosity": mu},
                                         "inlet": {"waveform": {"constant": Q}},
                                         "outlets": {"outlet": {}}})
        ns = NavierStokes(tagged, cfg, 0.1, {})
        x = ns.V.tabulate_dof_coordinates()
        exact = np.zeros_like(x)
        exact[:, 0] = 2 * Q / (math.pi * R ** 2) * np.maximum(0.0, 1 - (x[:, 1] ** 2 + x[:, 2] ** 2) / R ** 2)
        start = time.perf_counter()
        while ns.step_count < args.max_steps and not ns.change < 1e-7:
            ns.advance()
        dp = ns.mean_pressures()["inlet"] - ns.mean_pressures()["outlet"]
        dp_exact = 8 * mu * L * Q / (math.pi * R ** 4)
        err_u = relative_l2(ns, exact)
        rows.append([size, ns.n_velocity_dofs + ns.n_pressure_dofs, ns.step_count, err_u, dp, dp_exact,
                     abs(dp - dp_exact) / dp_exact, -ns.flows["inlet"] - ns.flows["outlet"],
                     time.perf_counter() - start])
        ns.destroy()
    header = ["size_mm", "dofs", "steps", "velocity_rel_L2", "dp_kPa", "dp_exact_kPa", "dp_rel_error",
              "inflow_minus_outflow", "seconds"]
    err = [r[3] for r in rows]
    dperr = [r[6] for r in rows]
    sizes = [r[0] for r in rows]
    for r, ru, rp in zip(rows, rates(sizes, err), rates(sizes, dperr)):
        say(f"h = {r[0]:5.3f} mm  dofs {r[1]:7d}  steps {r[2]:4d}  |u-u_ex|/|u_ex| = {r[3]:.3e} (rate {ru:>5})  "
            f"dp = {r[4]:.4f} vs {r[5]:.4f} kPa, rel. error {r[6]:.3e} (rate {rp:>5})  {r[8]:.0f} s")
    write_csv(args.out / f"poiseuille-np{COMM.size}.csv", header, rows)


def womersley(args) -> None:
    R, L, rho, period = 1.0, 2.0, 1.0, 10.0
    alpha = 4.0
    nu = 2 * math.pi / period * R ** 2 / alpha ** 2
    mean, amp = 1.0, 0.8
    coefficients = np.array([mean, -1j * amp])  # Q = mean + amp sin(w t) = Re(mean + (-i amp) e^{iwt})
    rows = []
    for size in args.sizes:
        tagged = vessels.generate("tube", COMM, radius=R, length=L, size=size)
        cfg = FlowConfig.model_validate({
            "fluid": {"density": rho, "viscosity": rho * nu},
            "inlet": {"waveform": {"fourier": {"mean": mean, "sin": [amp]}, "period": period},
                      "profile": "womersley", "harmonics": 1},
            "outlets": {"outlet": {}}})
        dt = period / args.steps
        ns = NavierStokes(tagged, cfg, dt, {})
        x = ns.V.tabulate_dof_coordinates()
        r = np.hypot(x[:, 1], x[:, 2])

        r_eff = ns.inlet.cap.equivalent_radius  # radius of the circle with the meshed (polygonal) section's area

        def exact(t, radius=R):
            values = np.zeros_like(x)
            values[:, 0] = womersley_velocity(r, t, coefficients, period, radius, nu)
            return values

        from heartsim.flow.womersley import womersley_pressure_gradient

        xq = ns.Q.tabulate_dof_coordinates()
        for f, t in ((ns.u_nm1, -dt), (ns.u_n, 0.0)):  # the solution the inlet condition belongs to
            f.x.array[:] = exact(t, r_eff).ravel()
        ns.p_n.x.array[:] = womersley_pressure_gradient(0.0, coefficients, period, r_eff, nu, rho) * (L - xq[:, 0])
        ns.step_count = 1  # the analytic u^{-1} makes the first step BDF2 too
        worst, worst_eff, start = 0.0, 0.0, time.perf_counter()
        for _ in range(args.steps):
            ns.advance()
            worst = max(worst, relative_l2(ns, exact(ns.t)))
            worst_eff = max(worst_eff, relative_l2(ns, exact(ns.t, r_eff)))
        rows.append([size, ns.n_velocity_dofs + ns.n_pressure_dofs, args.steps, worst, worst_eff,
                     time.perf_counter() - start])
        ns.destroy()
    sizes = [r[0] for r in rows]
    for r, rr, re in zip(rows, rates(sizes, [r[3] for r in rows]), rates(sizes, [r[4] for r in rows])):
        say(f"h = {r[0]:5.3f} mm  dofs {r[1]:7d}  dt = T/{r[2]}  max_t |u-u_W|/|u_W| = {r[3]:.3e} (rate {rr:>5}); "
            f"against Womersley for R_eff = sqrt(A_h/pi): {r[4]:.3e} (rate {re:>5})  {r[5]:.0f} s")
    write_csv(args.out / "womersley.csv", ["size_mm", "dofs", "steps_per_cycle", "max_velocity_rel_L2",
                                                  "max_velocity_rel_L2_vs_R_eff", "seconds"],
              rows)


def schafer_turek(args) -> None:
    H, D, Um, rho, mu = 410.0, 100.0, 0.45, 1e-3, 1e-3
    U = 4 * Um / 9
    ref = {"cD": 6.18533, "cL": 0.009401, "dp_Pa": 0.17102}
    bounds = {"cD": (6.05, 6.25), "cL": (0.008, 0.010), "dp_Pa": (0.165, 0.175)}
    rows = []
    for size in args.sizes:
        tagged = vessels.generate("schafer-turek", COMM, size=size)
        cfg = FlowConfig.model_validate({
            "fluid": {"density": rho, "viscosity": mu},
            "inlet": {"waveform": {"constant": 4 * Um / 9 * H * H}},
            "outlets": {"outlet": {}}, "walls": ["wall", "cylinder"], "backflow": {"beta": 0.0}})
        ns = NavierStokes(tagged, cfg, args.dt, {})
        y, z = ns.inlet.coords[:, 1], ns.inlet.coords[:, 2]
        ns.inlet.set_shape(np.maximum(0.0, y * z * (H - y) * (H - z)))
        # start from the inlet profile carried down the channel (zero on the cylinder)
        x = ns.V.tabulate_dof_coordinates()
        u0 = np.zeros_like(x)
        u0[:, 0] = 16 * Um * x[:, 1] * x[:, 2] * (H - x[:, 1]) * (H - x[:, 2]) / H ** 4
        u0[(x[:, 0] - 500) ** 2 + (x[:, 1] - 200) ** 2 <= (D / 2) ** 2 * 1.0001] = 0.0
        ns.u_n.x.array[:] = u0.ravel()
        drag = metrics.DisplacementForce(ns.u, ns.p, ns.viscosity_now(),
                                         metrics.region_facets(tagged, Region(tag="cylinder"), ns.walls, "cylinder"))
        say(f"size {size}: {ns.n_velocity_dofs + ns.n_pressure_dofs} dofs")
        start = time.perf_counter()
        while ns.step_count < args.max_steps and not ns.change < args.tol:
            ns.advance()
            if ns.step_count % 10 == 0:
                f = drag()
                say(f"  step {ns.step_count} t = {ns.t:.0f} ms change {ns.change:.2e} "
                    f"cD {2 * f[0] / (rho * U * U * D * H):.4f} cL {2 * f[1] / (rho * U * U * D * H):.5f}")
        f = drag()
        p = fem.evaluate(ns.p, np.array([[450.0, 200.0, 205.0], [550.0, 200.0, 205.0]]))[:, 0]
        cD, cL, dp = 2 * f[0] / (rho * U * U * D * H), 2 * f[1] / (rho * U * U * D * H), 1000 * (p[0] - p[1])
        rows.append([size, ns.n_velocity_dofs + ns.n_pressure_dofs, ns.step_count, ns.change, cD, cL, dp,
                     time.perf_counter() - start])
        say(f"size {size}: dofs {rows[-1][1]}, {ns.step_count} steps, change {ns.change:.1e}: "
            f"cD = {cD:.4f} (ref {ref['cD']}), cL = {cL:.5f} (ref {ref['cL']}), dp = {dp:.4f} Pa (ref {ref['dp_Pa']}); "
            f"1996 bounds {bounds}")
        ns.destroy()
    write_csv(args.out / "schafer-turek-3d1z.csv", ["size_mm", "dofs", "steps", "final_change", "cD", "cL", "dp_Pa",
                                                   "seconds"], rows)


def stenosis_mass(args) -> None:
    period = 200.0
    tagged = vessels.generate("stenosis", COMM, radius=2.0, length=args.length, center=8.0, severity=0.75,
                              size=args.size)
    cfg = FlowConfig.model_validate({
        "inlet": {"waveform": {"fourier": {"mean": 1.0, "sin": [0.5]}, "period": period}, "ramp": 20.0},
        "outlets": {"outlet": {"type": "rcr", "proximal_resistance": "0.1 mmHg*s/mL", "compliance": "0.5 mL/mmHg",
                               "distal_resistance": "1 mmHg*s/mL"}}})
    ns = NavierStokes(tagged, cfg, args.dt, {})
    rows = []
    for _ in range(round(period / args.dt)):
        ns.advance()
        inflow, outflow = -ns.flows["inlet"], ns.flows["outlet"]
        rows.append([ns.t, inflow, outflow, (inflow - outflow) / inflow])
        if ns.step_count % 20 == 0:
            say(f"  t = {ns.t:.0f} ms  inflow {inflow:.4f}  outflow {outflow:.4f} mL/s")
    worst = max(abs(r[3]) for r in rows if r[0] > 20.0)
    say(f"stenosis 75 %, length {args.length} mm: {ns.n_velocity_dofs + ns.n_pressure_dofs} dofs, dt {args.dt} ms, {len(rows)} steps; "
        f"max |inflow - outflow| / inflow after the 20 ms ramp = {100 * worst:.3f} % (criterion 0.5 %); "
        f"during the ramp {100 * max(abs(r[3]) for r in rows):.3f} %")
    write_csv(args.out / "stenosis-mass.csv", ["time_ms", "inflow_mL_s", "outflow_mL_s", "relative_imbalance"], rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("case", choices=["poiseuille", "womersley", "schafer-turek", "stenosis-mass"])
    parser.add_argument("--sizes", type=float, nargs="+")
    parser.add_argument("--size", type=float, default=0.4)
    parser.add_argument("--steps", type=int, default=40, help="womersley: steps per cycle")
    parser.add_argument("--dt", type=float, default=None)
    parser.add_argument("--tol", type=float, default=1e-5)
    parser.add_argument("--max-steps", type=int, default=400)
    parser.add_argument("--length", type=float, default=16.0, help="stenosis-mass: tube length (mm), throat at 8 mm")
    parser.add_argument("--out", type=Path, default=Path("results/verify-flow"))
    args = parser.parse_args()
    defaults = {"poiseuille": ([0.5, 0.35, 0.25], None), "womersley": ([0.5, 0.35, 0.25], None),
                "schafer-turek": ([82.0, 55.0], 100.0), "stenosis-mass": (None, 1.0)}
    sizes, dt = defaults[args.case]
    args.sizes = args.sizes or sizes
    args.dt = args.dt or dt
    args.out.mkdir(parents=True, exist_ok=True)
    {"poiseuille": poiseuille, "womersley": womersley, "schafer-turek": schafer_turek,
     "stenosis-mass": stenosis_mass}[args.case](args)


if __name__ == "__main__":
    main()
