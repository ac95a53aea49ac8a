"""Mesh a family of synthetic vessel label maps (heartsim.mesh.synthetic) and report the share that meshes.

    scripts/in-env python3 scripts/mesh_family.py [--count 20] [--size 2.0] [--first-seed 0] [--seeds 3 7 ...]

Each member (a main vessel cut obliquely by the field of view at both ends, a branch close to one
end, a thin branch at a sharp angle, voxel noise, anisotropic voxels) is meshed with
``heartsim mesh from-labels --vessel``; a member counts as meshed when every end has exactly one cap,
each flat (to 1e-6 mm) with its area within 10% of pi r^2 of its cylinder, and the minimum scaled
Jacobian is at least 0.15. A member whose field-of-view end(s) got a cap on the image border plane
(the fallback of ``heartsim.mesh.border_plane_caps``) is counted apart: such a cap closes the ends its
name counts (``outlet_3+4``) and its area is checked against the tree's exact section by its plane.
Prints one Markdown row per member (the fallback's warnings as HTML comments), the share that meshed,
the members meshed by the fallback and the members that mesh at all.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from heartsim.config.errors import ConfigError
from heartsim.mesh.synthetic import cap_problems, family_member


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=20)
    ap.add_argument("--size", type=float, default=2.0)
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--seeds", type=int, nargs="+", help="these members instead of --first-seed/--count")
    args = ap.parse_args()
    from heartsim.mesh.generate_from import vessel_from_labels
    from heartsim.mesh.quality import quality

    print(f"# synthetic vessel family, target edge {args.size} mm, {time.strftime('%Y-%m-%d')}")
    print("| seed | voxel (mm) | noise | radii (mm) | tetrahedra | min scaled Jacobian | caps | wall time (s) | result |")
    print("|---|---|---|---|---|---|---|---|---|")
    ok = any_mesh = fallback = 0
    seeds = args.seeds or list(range(args.first_seed, args.first_seed + args.count))
    with tempfile.TemporaryDirectory() as tmp:
        for seed in seeds:
            tree = family_member(seed)
            path = Path(tmp) / f"member_{seed}.nii.gz"
            tree.save(path)
            start = time.perf_counter()
            row = (f"| {seed} | {'x'.join(f'{s:.2f}' for s in tree.spacing)} | {tree.noise:.2f} | "
                   f"{', '.join(f'{e.radius:.1f}' for e in tree.ends)} |")
            try:
                data, info = vessel_from_labels(path, args.size, None, None, 2.0)
            except ConfigError as exc:
                print(f"{row} - | - | - | {time.perf_counter() - start:.1f} | failed: {exc.lines[0][:160]} |", flush=True)
                continue
            seconds = time.perf_counter() - start
            q = quality(data)
            border = {c['name'] for c in info['caps'] if c.get('border_plane')}
            problems = cap_problems(data, tree, border_caps=border)
            for line in info.get('warnings', []):
                print(f"<!-- warning: {line} -->", flush=True)
            if q.min_scaled_jacobian < 0.15:
                problems.append(f"min scaled Jacobian {q.min_scaled_jacobian:.3f} < 0.15")
            ok += not problems and not border
            fallback += bool(border) and not problems
            any_mesh += 1
            if border and not problems:
                problems = [f"meshed, border-plane cap(s) {', '.join(sorted(border))} within 10 % of the exact section"]
            print(f"{row} {len(data.cells)} | {q.min_scaled_jacobian:.3f} | "
                  f"{', '.join(f'{c['area_mm2']:.0f}' for c in info['caps'])} | {seconds:.1f} | "
                  f"{'; '.join(problems) or 'meshed'} |", flush=True)
    print(f"\nmeshed (caps exact, quality >= 0.15): {ok} of {len(seeds)} ({100.0 * ok / len(seeds):.0f}%)")
    print(f"with border-plane caps (the fallback), every cap flat and within 10 % of the exact section "
          f"(a border cap: of the tree's section by its plane), quality >= 0.15: {fallback}")
    print(f"meshes at all: {any_mesh} of {len(seeds)}")


if __name__ == "__main__":
    main()
