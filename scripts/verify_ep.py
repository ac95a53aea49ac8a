"""Full-size verification of the monodomain solver; prints the tables recorded in docs/verification.md.

    scripts/in-env python3 scripts/verify_ep.py            # everything (a few minutes on 2 cores)
    scripts/in-env python3 scripts/verify_ep.py --quick    # the sizes the test suite uses

1. Diffusion part against a manufactured solution (heartsim.verification.ep_mms): L2 error and
   observed order in h (P1: 2) and in dt (theta = 1 Godunov: 1; theta = 1/2 Strang: 2).
2. Planar-wave conduction velocity along and across the fiber (heartsim.verification.ep_cv):
   convergence under refinement and CV_l / CV_t against sqrt(sigma_l / sigma_t).
"""

from __future__ import annotations

import argparse
import math
import time

from mpi4py import MPI

from heartsim.verification.ep_cv import conduction_velocity
from heartsim.verification.ep_mms import mms_error, rates


def table(title, head, rows):
    print(f"\n{title}\n")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for row in rows:
        print("| " + " | ".join(row) + " |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="the test-suite sizes only")
    args = ap.parse_args()
    comm = MPI.COMM_SELF
    t0 = time.perf_counter()

    ns = [4, 8, 16] if args.quick else [4, 8, 16, 32]
    for lumped in (False, True):
        errs = [mms_error(n, dt=0.0025, end=0.05, theta=0.5, splitting="strang", lumped=lumped, comm=comm) for n in ns]
        rs = rates([1 / n for n in ns], errs)
        table(f"MMS, space (3D, theta = 1/2, Strang, dt = 0.0025, lumped mass: {lumped})",
              ["cells per edge", "L2 error", "order"],
              [[str(n), f"{e:.3e}", "" if i == 0 else f"{rs[i - 1]:.3f}"] for i, (n, e) in enumerate(zip(ns, errs))])

    for theta, split, dts in ((1.0, "godunov", [0.1, 0.05, 0.025, 0.0125]), (0.5, "strang", [0.2, 0.1, 0.05, 0.025])):
        if args.quick:
            dts = dts[:3]
        errs = [mms_error(1000, dt=dt, end=1.0, theta=theta, splitting=split, mode="1d", comm=comm) for dt in dts]
        rs = rates(dts, errs)
        table(f"MMS, time (bar of 1000 cells, theta = {theta}, {split})", ["dt", "L2 error", "order"],
              [[f"{dt:g}", f"{e:.3e}", "" if i == 0 else f"{rs[i - 1]:.3f}"] for i, (dt, e) in enumerate(zip(dts, errs))])

    hs = [0.2, 0.1, 0.05] if args.quick else [0.2, 0.1, 0.05, 0.025]
    sl, st = 0.1334, 0.0176
    rows = []
    for h in hs:
        cl = conduction_velocity(h, fiber=(1, 0, 0), sigma_l=sl, sigma_t=st, comm=comm)
        ct = conduction_velocity(h, fiber=(0, 1, 0), sigma_l=sl, sigma_t=st, comm=comm)
        rows.append([f"{h:g}", f"{cl:.4f}", f"{ct:.4f}", f"{cl / ct:.4f}", f"{(cl / ct) / math.sqrt(sl / st) - 1:+.2%}"])
    table(f"Conduction velocity (Mitchell-Schaeffer, dt = 0.01 ms, sqrt(sigma_l/sigma_t) = {math.sqrt(sl / st):.4f})",
          ["h (mm)", "CV_l (mm/ms)", "CV_t (mm/ms)", "ratio", "ratio error"], rows)
    print(f"\ntotal time {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
