"""Verify heartsim's fibers: LDRB against fenicsx-ldrb 0.1.18 (same mesh, tags and angles), helix
angles against the configured values, the analytic Land rule, and ellipsoid cavity volumes.

    scripts/in-env python3 scripts/verify_fibers.py --sizes 2 1.5 1 [--biv] [--csv out.csv]

fenicsx-ldrb is imported with stub modules for ``adios2`` and ``adios4dolfinx`` put into
``sys.modules`` first (its io module imports them at the top; neither works here, and none of the
functions used below needs them). heartsim itself never imports ldrb.

Printed per mesh: fiber, sheet and normal angle differences (degrees, as lines: arccos |a . b|)
between heartsim and fenicsx-ldrb at the P1 nodes (median, 95th percentile, max), the mean helix
angle of both at endo/mid/epi in the frame of the ellipsoid's parametrisation, wall times, and
the cavity volume of the P1 and P2 meshes against the exact truncated-ellipsoid volume.
"""

from __future__ import annotations

import argparse
import sys
import time
import types

import numpy as np
from mpi4py import MPI

for _name in ("adios2", "adios4dolfinx"):
    sys.modules.setdefault(_name, types.ModuleType(_name))
import ldrb  # noqa: E402

from heartsim import fem  # noqa: E402
from heartsim.config.fibers import FibersConfig  # noqa: E402
from heartsim.fibers import compute_fibers  # noqa: E402
from heartsim.fibers.analytic import land_frames  # noqa: E402
from heartsim.fibers.report import helix_angles, layer_means  # noqa: E402
from heartsim.geometry.cardiac import ellipsoid_cavity_volume, tagged_mesh  # noqa: E402
from heartsim.geometry.cavity import cavity_volume  # noqa: E402

COMM = MPI.COMM_SELF
ANGLES = dict(helix_endo=60.0, helix_epi=-60.0, sheet_endo=0.0, sheet_epi=0.0)


def line_angle(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Angle (degrees) between the lines of unit vectors a and b."""
    return np.degrees(np.arccos(np.clip(np.abs(np.sum(a * b, axis=1)), 0, 1)))


def stats(values: np.ndarray) -> str:
    return f"{np.median(values):6.2f} {np.percentile(values, 95):6.2f} {values.max():6.2f}"


def compare(kind: str, size: float, rows: list) -> None:
    tagged = tagged_mesh(kind, COMM, size=size)
    names = tagged.facet_names
    start = time.perf_counter()
    ours = compute_fibers(tagged, FibersConfig(method="ldrb", space="P1", **ANGLES), COMM)
    t_ours = time.perf_counter() - start
    markers = {"lv": [names["endo" if "endo" in names else "lv_endo"]], "epi": [names["epi"]],
               "base": [names["base"]]}
    if "rv_endo" in names:
        markers["rv"] = [names["rv_endo"]]
    start = time.perf_counter()
    theirs = ldrb.dolfinx_ldrb(tagged.mesh, "P_1", ffun=tagged.facet_tags, markers=markers,
                               alpha_endo_lv=ANGLES["helix_endo"], alpha_epi_lv=ANGLES["helix_epi"],
                               beta_endo_lv=ANGLES["sheet_endo"], beta_epi_lv=ANGLES["sheet_epi"])
    t_theirs = time.perf_counter() - start
    f, s, n = ours.local_arrays()
    f2, s2, n2 = (g.x.array.reshape(-1, 3) for g in (theirs.f0, theirs.s0, theirs.n0))
    x = fem.dof_coordinates(ours.fiber.function_space)
    assert np.allclose(x, fem.dof_coordinates(theirs.f0.function_space))
    d_f, d_s, d_n = line_angle(f, f2), line_angle(s, s2), line_angle(n, n2)
    frames, t = land_frames(x, (7, 10), (17, 20), (0, 0), (0, 0))
    keep = np.ones(len(x), bool)
    if kind == "biv-ellipsoid":  # the Land frame is the LV's: measure on the LV free wall only
        keep = x[:, 0] < -3
    helix = {}
    for label, fib in (("heartsim", f), ("fenicsx-ldrb", f2)):
        a = helix_angles(fib[keep], frames[keep][:, :, 1], frames[keep][:, :, 2])
        helix[label] = {k: v[0] for k, v in layer_means(a, np.clip(t[keep], 0, 1), COMM).items()}
    dofs = len(x)
    print(f"{kind} size {size} mm: {dofs} nodes; time heartsim {t_ours:.2f} s, fenicsx-ldrb {t_theirs:.2f} s")
    print(f"  line-angle difference (deg) median/95%/max: fiber {stats(d_f)} | sheet {stats(d_s)} | "
          f"normal {stats(d_n)}")
    for label, h in helix.items():
        print(f"  helix (deg) {label:>12}: endo {h['endo']:+7.2f}  mid {h['mid']:+7.2f}  epi {h['epi']:+7.2f}")
    rows.append({"kind": kind, "size_mm": size, "nodes": dofs, "fiber_median_deg": np.median(d_f),
                 "fiber_p95_deg": np.percentile(d_f, 95), "fiber_max_deg": d_f.max(),
                 "sheet_median_deg": np.median(d_s), "normal_median_deg": np.median(d_n),
                 "helix_endo_heartsim": helix["heartsim"]["endo"], "helix_epi_heartsim": helix["heartsim"]["epi"],
                 "helix_endo_ldrb": helix["fenicsx-ldrb"]["endo"], "helix_epi_ldrb": helix["fenicsx-ldrb"]["epi"],
                 "time_heartsim_s": t_ours, "time_ldrb_s": t_theirs})


def volumes(size: float) -> None:
    exact = ellipsoid_cavity_volume(7, 17, 5)
    for order in (1, 2):
        tagged = tagged_mesh("land-ellipsoid", COMM, size=size, order=order)
        v = cavity_volume(tagged, "endo", (0, 0, 5), COMM)
        print(f"  cavity volume, order {order}: {v:.4f} mm^3 (exact {exact:.4f}, relative error {v / exact - 1:+.2e})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[2.0, 1.5, 1.0])
    parser.add_argument("--biv", action="store_true", help="also the biventricular ellipsoid")
    parser.add_argument("--csv", help="write the comparison table here")
    args = parser.parse_args()
    rows: list = []
    for size in args.sizes:
        compare("land-ellipsoid", size, rows)
        volumes(size)
        if args.biv:
            compare("biv-ellipsoid", size, rows)
    if args.csv:
        import csv

        with open(args.csv, "w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
