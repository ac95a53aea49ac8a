"""Device sites on the CT LV of configs/lv-inflation.yaml, derived from its mesh (docs/devices.md):

- ``annulus``: the endocardial rim of the base (nodes shared by the endo and base facet tags), ordered by
  angle around its centroid in its best-fit plane, 24 points;
- ``ring_10mm``: the endocardium 10 mm below the base plane, 24 points (moves even with a fixed base);
- ``lead``: a mid-wall polyline on the free wall from 8 mm below the base to 10 mm above the apex, along
  the direction ``--direction`` (perpendicular to the long axis), 9 points.

    scripts/in-env python3 scripts/devices_lv_sites.py meshes/lv_0001_wall.xdmf > results/lv-sites.yaml
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import yaml

from heartsim.devices.fields import facet_tags
from heartsim.devices.ring import fit_plane


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("mesh", type=Path)
    ap.add_argument("--direction", type=float, nargs=3, default=[1.0, 0.0, 0.0])
    ap.add_argument("--radius", type=float, default=0.9, help="lead radius (mm)")
    args = ap.parse_args()
    pts, tris, names, vals = facet_tags(args.mesh)
    endo = np.unique(tris[vals == names["endo"]])
    base = np.unique(tris[vals == names["base"]])
    epi = np.unique(tris[vals == names["epi"]])
    rim = np.intersect1d(endo, base)
    c, n, axes = fit_plane(pts[rim])
    wall = np.unique(np.concatenate([endo, epi]))
    if np.mean((pts[wall] - c) @ n) < 0:
        n = -n  # the normal points from the base towards the apex
    uv = (pts[rim] - c) @ axes.T
    order = np.argsort(np.arctan2(uv[:, 1], uv[:, 0]))
    ring = pts[rim][order][np.linspace(0, len(rim), 24, endpoint=False).astype(int)]
    depth = (pts[wall] - c) @ n
    apex = depth.max()
    d = np.asarray(args.direction, float)
    d -= (d @ n) * n
    d /= np.linalg.norm(d)
    lead = []
    for z in np.linspace(8.0, apex - 10.0, 9):
        out = []
        for ids in (endo, epi):
            rel = pts[ids] - c
            ax = rel @ n
            radial = rel - np.outer(ax, n)
            r = np.linalg.norm(radial, axis=1)
            cosang = (radial @ d) / np.maximum(r, 1e-9)
            sel = (np.abs(ax - z) < 3.0) & (cosang > np.cos(np.radians(20)))
            out.append(np.median(r[sel]))
        lead.append(c + z * n + 0.5 * (out[0] + out[1]) * d)
    rel = pts[endo] - c
    band = endo[np.abs(rel @ n - 10.0) < 1.5]  # the endocardium 10 mm below the base plane
    uvb = (pts[band] - c) @ axes.T
    ob = np.argsort(np.arctan2(uvb[:, 1], uvb[:, 0]))
    ring10 = pts[band][ob][np.linspace(0, len(band), 24, endpoint=False).astype(int)]
    sites = {"devices": {"sites": [
        {"type": "lead", "name": "lead", "radius": f"{args.radius} mm", "fatigue_strain_limit": 0.004,
         "points": [[round(float(x), 4) for x in p] for p in lead]},
        {"type": "annulus", "name": "annulus", "points": [[round(float(x), 4) for x in p] for p in ring]},
        {"type": "annulus", "name": "ring_10mm", "points": [[round(float(x), 4) for x in p] for p in ring10]}]}}
    print(yaml.safe_dump(sites, sort_keys=False, default_flow_style=None))


if __name__ == "__main__":
    main()
