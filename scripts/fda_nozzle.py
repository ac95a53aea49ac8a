"""FDA benchmark nozzle at throat Reynolds number 500: run it, then write the centreline axial
velocity and pressure as CSV and a PNG plot, and compare with the benchmark's measurements when
their files are given.

    scripts/in-env python3 scripts/fda_nozzle.py [--out results/fda-nozzle] [--end 400] [--dt 2]
        [--size 3 --fine-size 1.0 --order 1] [--ranks 2] [--set KEY=VALUE ...] [--reference PIV_file.txt ...]
        [--sample-only]

Runs ``configs/fda-nozzle.yaml`` through ``heartsim run`` (on ``--ranks`` MPI ranks), with the
committed coarse mesh or, given ``--size``, a new one from ``heartsim.geometry.vessels.fda_nozzle``.
Then samples the last written velocity (P1) and pressure along the axis (x = benchmark z, mm,
sudden expansion at 0) by exact P1 interpolation, and writes into ``--out``:

- ``centreline.csv``: x (mm), z (m), u_x (m/s = mm/ms), u_x / U_throat, p (kPa), p - p(z = 0) (Pa);
- ``centreline.png``: both profiles (and the measurements when given);
- ``fda_summary.json``: checks against exact statements (mass balance; the parabolic inflow's
  centreline speed 2 Q / (pi R^2) upstream of the cone; centreline speed in the throat against the
  mean throat speed; at low Re the Poiseuille pressure gradient 8 mu Q / (pi r^4) in the throat;
  the throat's cell Reynolds number) and, with ``--reference``, the error at every measured station.

Reference data: the FDA round-robin measurements (Hariharan et al., J Biomech Eng 133 (2011)
041002, public domain, doi:10.17917/C78G69) come as text files with blocks
``plot-z-distribution-axial-velocity`` / ``plot-z-distribution-pressure`` (a line with the block
name, a line with the number of rows, then rows "z (m)  value (SI)"); pass any number of them with
``--reference``. They are not shipped here: they are the text files in ``Nozzle/Data/SE_exp_0500.zip``
of github.com/OSEL-DAM/CFD-and-Blood-Damage-Benchmarks (unzip, then pass them). No published
numbers of the Re 500 centreline profiles outside those archives were found to ship as a small
table (searched 2026-11-21: the stored public code, issue and web-page indexes for the FDA nozzle,
Hariharan 2011, Stewart 2012, "sudden expansion Re 500" and the data files' block names).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "configs" / "fda-nozzle.yaml"
R_IN, R_THROAT = 6.0, 2.0                    # mm


def _last(group):
    return group[sorted(group.keys(), key=lambda k: float(k.replace("_", ".")))[-1]][:]


def read_p1(folder: Path):
    """Points, tetrahedra, last velocity (n, 3) and pressure (n,) of a flow run's XDMF outputs."""
    import h5py

    with h5py.File(folder / "velocity.h5", "r") as f:
        points = f["Mesh/mesh/geometry"][:]
        cells = f["Mesh/mesh/topology"][:]
        velocity = _last(f["Function/velocity"]).reshape(len(points), -1)
    with h5py.File(folder / "pressure.h5", "r") as f:
        if not np.allclose(f["Mesh/mesh/geometry"][:], points):
            raise SystemExit("velocity and pressure outputs are on different node orders")
        pressure = _last(f["Function/pressure"]).ravel()
    return points, cells, velocity, pressure


def p1_sampler(points: np.ndarray, cells: np.ndarray, samples: np.ndarray):
    """(cell, barycentric weights) of every sample point (cell -1 where outside the mesh)."""
    corners = points[cells]                                   # (m, 4, 3)
    t = np.transpose(corners[:, 1:] - corners[:, :1], (0, 2, 1))  # (m, 3, 3): columns edge vectors
    inverse = np.linalg.inv(t)
    lo, hi = corners.min(axis=1) - 1e-9, corners.max(axis=1) + 1e-9
    owner = np.full(len(samples), -1)
    weights = np.zeros((len(samples), 4))
    for i, x in enumerate(samples):
        near = np.nonzero(np.all((x >= lo) & (x <= hi), axis=1))[0]
        if not len(near):
            continue
        lam = np.einsum("kij,kj->ki", inverse[near], x - corners[near, 0])
        bary = np.concatenate([1 - lam.sum(axis=1, keepdims=True), lam], axis=1)
        best = np.argmax(bary.min(axis=1))
        if bary[best].min() >= -1e-8:
            owner[i], weights[i] = near[best], bary[best]
    return owner, weights


def read_reference(paths: list[Path]) -> dict[str, list[tuple[float, float]]]:
    """Rows (z m, value SI) of the centreline blocks of FDA benchmark data files, pooled over files."""
    out: dict[str, list[tuple[float, float]]] = {"plot-z-distribution-axial-velocity": [],
                                                 "plot-z-distribution-pressure": []}
    for path in paths:
        lines = [line.strip() for line in path.read_text().splitlines()]
        i = 0
        while i < len(lines):
            key = lines[i].split()[0] if lines[i] else ""
            if key in out and i + 1 < len(lines):
                count = int(float(lines[i + 1]))
                for row in lines[i + 2:i + 2 + count]:
                    z, value = map(float, row.split()[:2])
                    out[key].append((z, value))
                i += 2 + count
            else:
                i += 1
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=REPO / "results" / "fda-nozzle")
    ap.add_argument("--end", type=float, default=400.0, help="simulated time (ms)")
    ap.add_argument("--dt", type=float, default=2.0, help="time step (ms)")
    ap.add_argument("--size", type=float, help="mesh a new nozzle with this coarse edge length (mm)")
    ap.add_argument("--fine-size", type=float, default=1.0, help="with --size: edge length in the cone, throat, jet")
    ap.add_argument("--order", type=int, default=1, help="with --size: geometry order (1 or 2)")
    ap.add_argument("--ranks", type=int, default=1)
    ap.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                    help="passed to heartsim run (e.g. physics.flow.fluid.viscosity=35mPa*s)")
    ap.add_argument("--reference", type=Path, nargs="*", default=[], help="FDA benchmark data files")
    ap.add_argument("--sample-only", action="store_true", help="only sample an existing run in OUT/run")
    args = ap.parse_args()
    out = args.out.resolve()
    run = out / "run"
    out.mkdir(parents=True, exist_ok=True)
    if not args.sample_only:
        overrides = [f"time.end={args.end}", f"time.dt={args.dt}"] + args.overrides
        if args.size:
            from mpi4py import MPI  # noqa: F401  (the mesh writer distributes on COMM_WORLD)

            from heartsim.geometry.vessels import fda_nozzle
            from heartsim.mesh.generate_from import write_mesh

            mesh = out / "fda-nozzle.xdmf"
            write_mesh(fda_nozzle(inlet_length=30, outlet_length=100, size=args.size, fine_size=args.fine_size,
                                  jet_length=30, order=args.order), mesh)
            overrides.append(f"mesh.file={mesh}")
        command = [sys.executable, "-m", "heartsim", "run", str(CONFIG), "--out", str(run), "--force"]
        command += [a for o in overrides for a in ("--set", o)]
        if args.ranks > 1:
            command = ["mpirun", "-n", str(args.ranks)] + command
        print(" ".join(command), flush=True)
        subprocess.run(command, check=True)

    resolved = json.loads((run / "config.resolved.json").read_text())["physics"]["flow"]
    rho, mu, flow = resolved["fluid"]["density"], resolved["fluid"]["viscosity"], resolved["inlet"]["waveform"]["constant"]
    u_throat = flow / (math.pi * R_THROAT ** 2)  # mean throat speed (mm/ms = m/s)
    points, cells, velocity, pressure = read_p1(run)
    x0, x1 = points[:, 0].min(), points[:, 0].max()
    xs = np.linspace(x0, x1, int(round((x1 - x0) / 0.25)) + 1)
    samples = np.stack([xs, np.zeros_like(xs), np.zeros_like(xs)], axis=1)
    owner, w = p1_sampler(points, cells, samples)
    found = owner >= 0
    u = np.full(len(xs), np.nan)
    p = np.full(len(xs), np.nan)
    u[found] = np.einsum("ij,ij->i", w[found], velocity[cells[owner[found]], 0])
    p[found] = np.einsum("ij,ij->i", w[found], pressure[cells[owner[found]]])
    p0 = float(np.interp(0.0, xs[found], p[found]))
    with (out / "centreline.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["x_mm", "z_m", "u_x_m_s", "u_x_over_U_throat", "p_kPa", "p_minus_p_expansion_Pa"])
        for row in zip(xs, xs / 1000, u, u / u_throat, p, (p - p0) * 1000):
            writer.writerow([f"{v:.6g}" for v in row])

    summary = json.loads((run / "summary.json").read_text())
    with (run / "boundaries.csv").open() as f:
        rows = list(csv.DictReader(f))
    imbalance = [abs(float(r["mass_imbalance"])) for r in rows if r["mass_imbalance"] not in ("", "nan")]
    upstream = float(np.interp(-80.0, xs, u))
    corners = points[cells[:, :4]]
    in_throat = (corners[:, :, 0].mean(axis=1) > -40) & (corners[:, :, 0].mean(axis=1) < 0)
    pairs = corners[in_throat][:, [0, 0, 0, 1, 1, 2]] - corners[in_throat][:, [1, 2, 3, 2, 3, 3]]
    h_throat = float(np.linalg.norm(pairs, axis=2).mean())
    throat = u[(xs > -30) & (xs < -2)]
    mid = (xs > -25) & (xs < -10)
    checks = {
        "time_ms": summary["end_time_ms"], "steps": summary["steps"], "dofs": summary["dofs"],
        "wall_time_s": summary["wall_time_s"], "time_per_step_s": summary["time_per_step_s"],
        "throat_reynolds": rho * u_throat * 2 * R_THROAT / mu,
        "mass_imbalance_last": imbalance[-1] if imbalance else None,
        "mass_imbalance_max_after_ramp": max((abs(float(r["mass_imbalance"])) for r in rows
                                              if float(r["time_ms"]) > 100), default=None),
        "u_centreline_at_z=-80mm_over_poiseuille": upstream / (2 * flow / (math.pi * R_IN ** 2)),
        "u_centreline_throat_max_over_U_throat": float(np.nanmax(throat) / u_throat),
        "u_centreline_throat_min_over_U_throat": float(np.nanmin(throat) / u_throat),
        "throat_mean_edge_mm": h_throat,
        "throat_cell_reynolds": rho * u_throat * h_throat / mu,
        "u_centreline_max_m_s": float(np.nanmax(u)),
        "pressure_drop_inlet_to_expansion_Pa": float((p[found][0] - p0) * 1000),
        # developed laminar throat flow (entrance length ~0.06 Re d: only at low Re) has the Poiseuille gradient
        "throat_pressure_gradient_over_poiseuille": float(-np.polyfit(xs[mid], p[mid], 1)[0]
                                                          / (8 * mu * flow / (math.pi * R_THROAT ** 4))),
    }
    reference = read_reference(args.reference)
    stations = []
    for key, field, scale in (("plot-z-distribution-axial-velocity", u, 1.0),
                              ("plot-z-distribution-pressure", (p - p0) * 1000, 1.0)):
        for z, value in reference[key]:
            sim = float(np.interp(z * 1000, xs, field)) * scale
            stations.append({"quantity": key.split("-")[-1], "z_m": z, "measured": value, "heartsim": sim})
    checks["reference_stations"] = stations
    (out / "fda_summary.json").write_text(json.dumps(checks, indent=2))

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(2, 1, figsize=(8, 7), sharex=True)
    a.plot(xs / 1000, u, label=f"heartsim, t = {summary['end_time_ms']:.0f} ms")
    b.plot(xs / 1000, (p - p0) * 1000, label="heartsim")
    for key, ax in (("plot-z-distribution-axial-velocity", a), ("plot-z-distribution-pressure", b)):
        if reference[key]:
            z, value = np.array(reference[key]).T
            ax.plot(z, value, "ko", ms=3, label="FDA measurements")
    for ax in (a, b):
        ax.axvspan(-0.04, 0.0, color="0.9")
        ax.axvspan(-0.062685, -0.04, color="0.95")
        ax.legend()
        ax.grid(alpha=0.3)
    a.set_ylabel("centreline axial velocity (m/s)")
    b.set_ylabel("centreline p - p(z = 0) (Pa)")
    b.set_xlabel("z (m); sudden expansion at 0, throat shaded")
    a.set_title(f"FDA nozzle, sudden expansion, Re_throat = {checks['throat_reynolds']:.0f}")
    fig.tight_layout()
    fig.savefig(out / "centreline.png", dpi=120)
    for key, value in checks.items():
        if key != "reference_stations":
            print(f"{key}: {value}")
    print(f"wrote {out / 'centreline.csv'}, {out / 'centreline.png'}, {out / 'fda_summary.json'}"
          + ("" if stations else " (no --reference data given: no comparison with measurements)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
