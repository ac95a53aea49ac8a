"""Label-map meshing of the shared CT data: every aorta lumen and left-ventricular blood pool.

    scripts/in-env python3 scripts/bench_labels.py [--size 2.0] [--data ../shared/data/ct-labels]
    scripts/in-env python3 scripts/bench_labels.py --vessel      # aortas with flat inlet/outlet caps
    scripts/in-env python3 scripts/bench_labels.py --lv-wall 8   # LV walls with endo/epi/base

For each label map: tetrahedra, minimum scaled Jacobian, mesh volume against label volume (voxel
count x voxel volume), mean distance from the mesh's surface nodes to the label's surface (the faces
between label and background voxels), in voxels (of the smallest spacing), and wall time.
The method is not tuned per image: the same parameters for all.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from heartsim.mesh.generate_from import from_labels
from heartsim.mesh.labels import largest_component, read_label_map
from heartsim.mesh.quality import quality


def label_surface_points(mask: np.ndarray, affine: np.ndarray) -> np.ndarray:
    """Centres of the faces between label and background voxels, in mm."""
    points = []
    for axis in range(3):
        moved = np.moveaxis(mask, axis, 0)
        idx = np.argwhere(moved[1:] != moved[:-1]).astype(float)
        idx[:, 0] += 0.5  # the face between voxels k and k + 1 along this axis
        order = [1, 2]
        order.insert(axis, 0)  # back to (i, j, k): this axis is column 0, the others keep their order
        points.append(idx[:, order])
    ijk = np.concatenate(points)
    return ijk @ affine[:3, :3].T + affine[:3, 3]


def _wall_mask(labels, thickness, outflow):
    """The voxel wall the LV mesh was made from and its voxel -> mm affine (same steps as
    heartsim.mesh.ventricle.lv_mesh, on the cavity's box padded by the wall)."""
    from scipy import ndimage

    from heartsim.mesh.ventricle import long_axis

    cav = largest_component(labels.mask(labels.labels()[0]))
    other = read_label_map(outflow)
    near = ndimage.distance_transform_edt(~cav, sampling=labels.spacing) < 20.0
    hint = labels.to_physical(np.argwhere((other.data > 0) & near)).mean(axis=0)
    pad = int(np.ceil(thickness / labels.spacing.min())) + 3
    index = np.argwhere(cav)
    lo, hi = index.min(axis=0), index.max(axis=0) + 1
    cav = np.pad(cav[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]], pad)
    affine = labels.affine.copy()
    affine[:3, 3] += affine[:3, :3] @ (lo - pad)
    centre, axis, s = long_axis(cav, affine, hint)
    s_base = float(s.max()) - (thickness + 0.1 * float(s.max() - s.min()))
    outside = ndimage.distance_transform_edt(~cav, sampling=labels.spacing)
    xyz = np.indices(cav.shape).reshape(3, -1).T @ affine[:3, :3].T + affine[:3, 3]
    wall = (outside > 0) & (outside <= thickness) & ((xyz - centre) @ axis <= s_base).reshape(cav.shape)
    return largest_component(wall), affine


def _mesh(args, path: Path):
    """The mesh and report of one label map, as the options ask."""
    if args.lv_wall:
        from heartsim.mesh.generate_from import lv_from_labels

        outflow = path.with_name(path.name.replace("lv_", "aorta_"))
        data, info = lv_from_labels(path, args.size, None, args.lv_wall, outflow, None)
        info["label_volume_mm3"] = info["wall_volume_mm3"]
    elif args.vessel:
        from heartsim.mesh.generate_from import vessel_from_labels

        data, info = vessel_from_labels(path, args.size, None, path.with_name(path.name.replace("aorta_", "lv_")), 2.0)
    else:
        data, info = from_labels(path, args.size, None)
    return data, info


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=float, default=2.0)
    ap.add_argument("--lv-wall", type=float, help="mesh LV walls of this thickness (lv_*.nii.gz, outflow from aorta_*)")
    ap.add_argument("--vessel", action="store_true",
                    help="aorta_*.nii.gz as vessels with flat caps (inlet: the end nearest lv_*.nii.gz)")
    ap.add_argument("--maps", nargs="*", help="only these label maps (file names without .nii.gz)")
    ap.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/ct-labels")
    args = ap.parse_args()
    from scipy.spatial import cKDTree

    what = f"LV walls of {args.lv_wall} mm" if args.lv_wall else "vessels with caps" if args.vessel else "label maps"
    print(f"# {what} -> tetrahedra, target edge {args.size} mm, {time.strftime('%Y-%m-%d')}")
    caps = " caps (area mm^2) |" if args.vessel else ""
    print(f"| label map | tetrahedra | min scaled Jacobian | mesh / label volume | mean surface distance (voxels) | wall time (s) |{caps}")
    print("|---|---|---|---|---|---|" + ("---|" if args.vessel else ""))
    pattern = "lv_*.nii.gz" if args.lv_wall else "aorta_*.nii.gz" if args.vessel else "*.nii.gz"
    from heartsim.config.errors import ConfigError

    for path in sorted(args.data.glob(pattern)):
        if args.maps and path.name.replace(".nii.gz", "") not in args.maps:
            continue
        start = time.perf_counter()
        try:
            data, info = _mesh(args, path)
        except ConfigError as exc:  # a map that does not mesh is a result, not the end of the benchmark
            print(f"| {path.name} | failed: {exc.lines[0][:300]} | | | | {time.perf_counter() - start:.1f} |"
                  + (" |" if args.vessel else ""), flush=True)
            continue
        seconds = time.perf_counter() - start
        outflow = path.with_name(path.name.replace("lv_", "aorta_"))
        q = quality(data)
        labels = read_label_map(path)
        mask, affine = largest_component(labels.mask(labels.labels()[0])), labels.affine
        if args.lv_wall:  # compare with the wall mask's surface (rebuilt as in heartsim.mesh.ventricle)
            mask, affine = _wall_mask(labels, args.lv_wall, outflow)
        tree = cKDTree(label_surface_points(mask, affine))
        # the label's own surface (for a vessel: its wall; caps are cut planes, not label surface)
        surface_nodes = np.unique(data.facets[data.facet_values == 1] if args.vessel else data.facets)
        dist, _ = tree.query(data.points[surface_nodes])
        voxel = float(labels.spacing.min())
        print(f"| {path.name} | {len(data.cells)} | {q.min_scaled_jacobian:.3f} | "
              f"{q.volume / info['label_volume_mm3']:.4f} | {dist.mean() / voxel:.3f} | {seconds:.1f} |"
              + (" " + ", ".join(f"{c['name']} {c['area_mm2']:.0f}" for c in info["caps"]) + f" ({info['cap_method']}; {len(info.get('attempts', [1]))} attempt(s)) |"
                 if args.vessel else ""),
              flush=True)


if __name__ == "__main__":
    main()
