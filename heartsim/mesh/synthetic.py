"""Synthetic vessel label maps of known geometry, with the features that break meshing pipelines.

A vessel tree is a union of straight circular cylinders (segment from ``a`` to ``b``, radius ``r``,
flat ends); a voxel is inside when its centre is. Segments may run past the image: the field of view
then cuts that end (obliquely when the segment is not perpendicular to the border). Each open end of
the tree is an :class:`End` with the radius of its cylinder, so a cap perpendicular to the axis there
has the exact area pi r^2.

:func:`family_member` draws one tree from a seed: a main vessel crossing the image at an oblique angle
(both ends cut by the field of view), a branch leaving close to one end, a thin branch leaving at a
sharp angle, voxel noise (boundary voxels flipped) and anisotropic voxels. The thin branch is redrawn
while it would come within 1 mm of the other branch, so that every member is a tree (no loop).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Segment:
    a: np.ndarray
    b: np.ndarray
    radius: float


@dataclass
class End:
    """An open end: the axis point where the cylinder leaves (mm), its outward direction, its radius."""

    point: np.ndarray
    direction: np.ndarray
    radius: float

    @property
    def area(self) -> float:
        return float(np.pi * self.radius ** 2)


@dataclass
class Tree:
    segments: list[Segment]
    ends: list[End]
    spacing: np.ndarray
    shape: tuple[int, int, int]
    origin: np.ndarray = field(default_factory=lambda: np.zeros(3))
    noise: float = 0.0  # probability that a voxel next to the boundary is flipped
    seed: int = 0

    @property
    def affine(self) -> np.ndarray:
        affine = np.diag([*self.spacing, 1.0])
        affine[:3, 3] = self.origin
        return affine

    def voxels(self) -> np.ndarray:
        """The label map (uint8, 1 inside)."""
        from scipy import ndimage

        xyz = np.indices(self.shape).reshape(3, -1).T * self.spacing + self.origin
        inside = np.zeros(len(xyz), bool)
        for seg in self.segments:
            axis = seg.b - seg.a
            length = float(np.linalg.norm(axis))
            axis = axis / length
            t = (xyz - seg.a) @ axis
            radial = np.linalg.norm(xyz - seg.a - np.outer(t, axis), axis=1)
            inside |= (t >= 0) & (t <= length) & (radial <= seg.radius)
        mask = inside.reshape(self.shape)
        if self.noise > 0:
            rng = np.random.default_rng(self.seed)
            edge = mask ^ ndimage.binary_erosion(mask, border_value=1) | (ndimage.binary_dilation(mask) & ~mask)
            flip = edge & (rng.random(self.shape) < self.noise)
            mask = mask ^ flip
        return mask.astype(np.uint8)

    def save(self, path) -> None:
        import nibabel

        nibabel.save(nibabel.Nifti1Image(self.voxels(), self.affine), str(path))


def _unit(v) -> np.ndarray:
    v = np.asarray(v, float)
    return v / np.linalg.norm(v)


def _rotate(v: np.ndarray, axis: np.ndarray, degrees: float) -> np.ndarray:
    """Rodrigues' rotation of ``v`` about the unit ``axis``."""
    t = np.radians(degrees)
    return v * np.cos(t) + np.cross(axis, v) * np.sin(t) + axis * (axis @ v) * (1 - np.cos(t))


def _gap(p: Segment, q: Segment) -> float:
    """Smallest distance between the surfaces of two cylinders (mm; negative: they overlap), from
    their axes sampled every 1/200 of ``p``."""
    d = q.b - q.a
    x = p.a + np.linspace(0.0, 1.0, 201)[:, None] * (p.b - p.a)
    t = np.clip((x - q.a) @ d / (d @ d), 0.0, 1.0)
    return float(np.linalg.norm(x - q.a - t[:, None] * d, axis=1).min()) - p.radius - q.radius


def family_member(seed: int) -> Tree:
    """One synthetic tree (module docstring); every parameter drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    spacing = np.array([rng.uniform(0.6, 0.9), rng.uniform(0.6, 0.9), rng.uniform(0.6, 1.6)])
    extent = np.array([70.0, 60.0, 70.0])  # mm
    shape = tuple(int(v) for v in np.ceil(extent / spacing))
    size = np.array(shape) * spacing
    centre = size / 2
    # main vessel: mostly along z, tilted so that both image borders cut it obliquely
    tilt = rng.uniform(10.0, 35.0)
    main_dir = _rotate(np.array([0.0, 0.0, 1.0]), _unit([np.cos(rng.uniform(0, np.pi)), np.sin(rng.uniform(0, np.pi)), 0.0]), tilt)
    r_main = rng.uniform(4.5, 7.0)
    a, b = centre - 60.0 * main_dir, centre + 60.0 * main_dir  # beyond the image at both ends
    segments = [Segment(a, b, r_main)]
    ends = []
    for sign in (-1.0, 1.0):  # where the main axis leaves the image box
        d = sign * main_dir
        t = min(((size[i] if d[i] > 0 else 0.0) - centre[i]) / d[i] for i in range(3) if abs(d[i]) > 1e-9)
        ends.append(End(centre + t * d, d, r_main))
    # a branch leaving close to the upper end (10-16 mm before the main vessel leaves the image)
    top = ends[1]
    side = _unit(np.cross(main_dir, [1.0, 0.0, 0.0]) if abs(main_dir[0]) < 0.9 else np.cross(main_dir, [0.0, 1.0, 0.0]))
    near_start = top.point - main_dir * rng.uniform(14.0, 20.0)
    near_dir = _unit(_rotate(side, main_dir, rng.uniform(0, 360)) * 1.0 + main_dir * rng.uniform(0.3, 1.0))
    r_near = rng.uniform(2.5, 3.5)
    near_len = rng.uniform(24.0, 30.0)
    segments.append(Segment(near_start, near_start + near_len * near_dir, r_near))
    ends.append(End(near_start + near_len * near_dir, near_dir, r_near))
    # a thin branch leaving at a sharp angle (20-35 deg from the main axis) lower down, redrawn while
    # it would come within 1 mm of the near branch (they would touch: a loop, not a tree)
    while True:
        thin_start = centre - main_dir * rng.uniform(8.0, 16.0)
        thin_dir = _unit(_rotate(main_dir, _rotate(side, main_dir, rng.uniform(0, 360)), rng.uniform(20.0, 35.0)))
        r_thin = rng.uniform(1.6, 2.2)
        thin_len = rng.uniform(34.0, 40.0)
        if _gap(segments[1], Segment(thin_start, thin_start + thin_len * thin_dir, r_thin)) >= 1.0:
            break
    segments.append(Segment(thin_start, thin_start + thin_len * thin_dir, r_thin))
    ends.append(End(thin_start + thin_len * thin_dir, thin_dir, r_thin))
    return Tree(segments, ends, spacing, shape, np.zeros(3), noise=rng.uniform(0.0, 0.15), seed=seed)


def border_plane_section(tree: Tree, centre: np.ndarray, normal: np.ndarray, seeds: np.ndarray,
                         step: float = 0.05) -> tuple[float, list[int]]:
    """The exact section of the tree (its cylinders, within the image's voxels' outer faces) by the
    plane (``centre``, unit ``normal``): the area (mm^2) of the connected parts of the section that hold
    one of ``seeds`` (points on the plane, e.g. a cap's facet centroids), sampled every ``step`` mm,
    and the indices of the tree's ends whose own cylinder's axis (its direction outward, within 78 deg
    of ``normal``, pointing out of the vessel) crosses the plane in those parts: the ends a cap there closes."""
    from scipy import ndimage

    e1 = np.cross(normal, [1.0, 0.0, 0.0] if abs(normal[0]) < 0.8 else [0.0, 1.0, 0.0])
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(normal, e1)
    reach = float(np.linalg.norm(seeds - centre, axis=1).max()) + 2.0
    u = np.arange(-reach, reach + step / 2, step)
    a, b = np.meshgrid(u, u, indexing="ij")
    p = centre + a.reshape(-1, 1) * e1 + b.reshape(-1, 1) * e2
    inside = np.zeros(len(p), bool)
    for seg in tree.segments:
        axis = seg.b - seg.a
        length = float(np.linalg.norm(axis))
        t = (p - seg.a) @ axis / length
        radial = np.linalg.norm(p - seg.a - np.outer(t, axis / length), axis=1)
        inside |= (t >= 0) & (t <= length) & (radial <= seg.radius)
    lo, hi = tree.origin - 0.5 * tree.spacing, tree.origin + (np.array(tree.shape) - 0.5) * tree.spacing
    inside &= np.all((p >= lo) & (p <= hi), axis=1)
    labelled, _ = ndimage.label(inside.reshape(a.shape))

    def label_at(q):
        i, j = np.rint(((q - centre) @ np.column_stack([e1, e2]) + reach) / step).astype(int)
        return labelled[i, j] if 0 <= i < len(u) and 0 <= j < len(u) else 0

    kept = {label_at(q) for q in seeds} - {0}
    closed = []
    for k, end in enumerate(tree.ends):
        facing = float(end.direction @ normal)
        if facing > 0.2:  # the end's own cylinder (its axis along the end's direction) crosses the plane there
            q = end.point + ((centre - end.point) @ normal / facing) * end.direction
            own = [seg for seg in tree.segments
                   if abs((seg.b - seg.a) @ end.direction) > 0.999 * np.linalg.norm(seg.b - seg.a)
                   and 0.0 <= (q - seg.a) @ (seg.b - seg.a) <= (seg.b - seg.a) @ (seg.b - seg.a)]
            if own and label_at(q) in kept:
                closed.append(k)
    return float(np.isin(labelled, list(kept)).sum()) * step * step, closed


def cap_problems(data, tree: Tree, tolerance: float = 0.10, border_caps=(), border_tolerance: float = 0.10) -> list[str]:
    """Problems with the caps of a vessel mesh (``MeshData`` with inlet/outlet_k/wall facet tags) against
    the tree's exact ends (empty: all good): one cap per end, each flat to 1e-6 mm, the cap areas
    (sorted) within ``tolerance`` of the ends' pi r^2 (sorted). ``border_caps``: the names of caps on
    an image border plane (``vessel``'s fallback, ``border_plane_caps``): such a cap closes as many
    ends as its name counts (``outlet_3+4``: two), exactly the ends whose axes cross it
    (``border_plane_section``), and its area is checked against the tree's exact section by its plane
    (within ``border_tolerance``); the other caps as above, against the other ends."""
    from heartsim.mesh.quality import facet_areas

    problems = []
    names = {v: k for k, v in data.facet_names.items()}
    caps = [v for v in np.unique(data.facet_values) if names[int(v)] != "wall"]
    closes = {v: len(names[int(v)].split("+")) for v in caps}
    if sum(closes.values()) != len(tree.ends):
        counted = "" if sum(closes.values()) == len(caps) else f" ({sum(closes.values())} ends by their names)"
        return [f"{len(caps)} caps{counted} for {len(tree.ends)} ends"]
    areas = facet_areas(data.points, data.facets)
    remaining = set(range(len(tree.ends)))
    found = []
    for value in caps:
        name = names[int(value)]
        sel = data.facet_values == value
        pts = data.points[data.facets[sel].ravel()]
        centre = pts.mean(axis=0)
        normal = np.linalg.svd(pts - centre)[2][2]
        if np.abs((pts - centre) @ normal).max() > 1e-6:
            problems.append(f"{name} not flat")
        area = float(areas[sel].sum())
        if name not in border_caps:
            found.append(area)
            continue
        normal = normal if (centre - data.points.mean(axis=0)) @ normal > 0 else -normal  # out of the vessel
        exact, closed = border_plane_section(tree, centre, normal, data.points[data.facets[sel]].mean(axis=1))
        if sorted(closed) != sorted(set(closed) & remaining) or len(closed) != closes[value]:
            problems.append(f"{name} closes ends {[k + 1 for k in closed]} of the tree")
        remaining -= set(closed)
        if abs(area / exact - 1) > border_tolerance:
            problems.append(f"{name}: area {area:.1f} mm^2 for an exact border section of {exact:.1f} mm^2")
    exact = sorted(tree.ends[k].area for k in remaining)
    for want, got in zip(exact, sorted(found)):
        if abs(got / want - 1) > tolerance:
            problems.append(f"cap area {got:.1f} mm^2 for an end of {want:.1f} mm^2")
    return problems
