"""Flow metrics against exact values on refined tubes (the full-size version of tests/flow/test_metrics.py).

    scripts/in-env python3 scripts/verify_flow_metrics.py [--sizes 0.4 0.2 0.1] [--order 1|2] [--time] [--csv out.csv]
    scripts/in-env mpirun -n 2 python3 scripts/verify_flow_metrics.py      (same numbers on 2 ranks)

Tube R = 1 mm, L = 3 mm (heartsim.geometry.vessels.tube), Poiseuille velocity
u = U (1 - r^2/R^2) e_x (U = 0.5 mm/ms) interpolated into P2, mu = 0.0035 kPa ms, and the matching
pressure p = G (L - x), G = 4 mu U / R^2, in P1. Exact: inlet flow -Q = -pi R^2 U / 2,
WSS 2 mu U / R = 4 mu Q / (pi R^3) along +x, pressure drop G L, force on the whole wall
G pi R^2 L along +x (momentum balance); and, with p = P0 and u = 0, the force on the upper half
wall P0 2 R L along +y. Errors are relative; "WSS nodes" is the largest nodal error.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys

import numpy as np
from mpi4py import MPI

from heartsim import fem
from heartsim.config.base import Region
from heartsim.flow import metrics
from heartsim.geometry.vessels import generate

R, L, U, MU, P0 = 1.0, 3.0, 0.5, 0.0035, 2.0
Q, G = math.pi * R ** 2 * U / 2, 4 * MU * U / R ** 2
TAU = 2 * MU * U / R


def errors(size: float, comm, order: int = 1, timing: bool = False) -> dict[str, float]:
    tagged = generate("tube", comm, radius=R, length=L, size=size, order=order)
    mesh, ft, wall = tagged.mesh, tagged.facet_tags, tagged.facet_value("wall")
    u = fem.function(fem.vector_lagrange_space(mesh, 2))
    u.interpolate(lambda x: np.stack([U * (1 - (x[1] ** 2 + x[2] ** 2) / R ** 2), 0 * x[0], 0 * x[0]]))
    p = fem.function(fem.lagrange_space(mesh, 1))
    p.interpolate(lambda x: G * (L - x[0]))
    wss = metrics.WallShearStress(u, MU, ft, [wall])
    wss.update()
    nodal = np.abs(wss.values()[wss.on_wall][:, 0] - TAU).max(initial=0.0) / TAU
    everything = metrics.region_facets(tagged, Region(tag="wall"), [wall], "wall")
    force = metrics.DisplacementForce(u, p, MU, everything)()
    drop = metrics.pressure_drops(metrics.mean_pressure(p, ft, 1), {"o": metrics.mean_pressure(p, ft, 2)})["o"]
    out = {
        "size_mm": size,
        "cells": comm.allreduce(fem.local_cell_count(mesh), op=MPI.SUM),
        "flow": abs(-metrics.flow_rate(u, ft, 1)() - Q) / Q,
        "wss_mean": abs(wss.mean() - TAU) / TAU,
        "wss_nodes": comm.allreduce(nodal, op=MPI.MAX),
        "pressure_drop": abs(drop - G * L) / (G * L),
        "force_x": abs(force[0] - G * math.pi * R ** 2 * L) / (G * math.pi * R ** 2 * L),
    }
    u.x.array[:] = 0.0
    p.x.array[:] = P0
    upper = metrics.region_facets(tagged, Region.model_validate({"box": {"min": [-1, 0, -2], "max": [L + 1, 2, 2]}}),
                                  [wall], "upper")
    half = metrics.DisplacementForce(u, p, MU, upper)()
    out["half_wall_force_y"] = abs(half[1] - P0 * 2 * R * L) / (P0 * 2 * R * L)
    if timing:  # cost per call once compiled (what a time step pays), best of 5
        import time

        inlet = metrics.flow_rate(u, ft, 1)
        force = metrics.DisplacementForce(u, p, MU, everything)
        for name, call in (("wss_update_s", wss.update), ("flow_rate_s", inlet), ("force_s", force)):
            best = float("inf")
            for _ in range(5):
                comm.barrier()
                start = time.perf_counter()
                call()
                best = min(best, time.perf_counter() - start)
            out[name] = comm.allreduce(best, op=MPI.MAX)
        out["velocity_dofs"] = u.function_space.dofmap.index_map.size_global * 3
    wss.destroy()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=float, nargs="+", default=[0.4, 0.2, 0.1])
    ap.add_argument("--order", type=int, default=1, help="geometry order of the tube mesh (1 or 2)")
    ap.add_argument("--time", action="store_true", help="also time WSS update, flow rate and force per call")
    ap.add_argument("--csv")
    args = ap.parse_args()
    comm = MPI.COMM_WORLD
    rows = [errors(h, comm, args.order, args.time) for h in args.sizes]
    if comm.rank == 0:
        keys = list(rows[0])
        print(f"ranks: {comm.size}, geometry order {args.order}")
        print("| " + " | ".join(keys) + " |")
        print("|" + "---|" * len(keys))
        for row in rows:
            print("| " + " | ".join(f"{row[k]:.3e}" if isinstance(row[k], float) and k != "size_mm" else str(row[k])
                                    for k in keys) + " |")
        if args.csv:
            with open(args.csv, "w", newline="") as f:
                writer = csv.DictWriter(f, keys)
                writer.writeheader()
                writer.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
