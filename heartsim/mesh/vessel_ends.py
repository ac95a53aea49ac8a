"""Vessel ends of a binary mask, from the geodesic distance inside it and its persistent maxima.

1. **Graph.** The mask's voxels are the nodes of a graph, each joined to its 26 neighbours by an edge
   as long as the distance between their centres (mm); shortest paths give the geodesic distance g.
2. **First end.** The voxel farthest (in g) from the deepest voxel is one end; g is then the distance
   from it.
3. **Other ends.** Every other end is a local maximum of g. A maximum's *persistence* p is how far g
   must fall from it before its superlevel region {g >= level} joins the region of a higher maximum
   (0-dimensional persistence of the superlevel sets of g on the voxel graph; the highest maximum
   has p = its g): for a branch, p is the length of the branch beyond the point where it leaves
   the rest of the vessel (where its voxels stop touching its parent's), however sharp the angle
   and however close its tip lies to another vessel in space. A maximum is an end when
   p >= max(``min_length``, ``aspect`` r), r being the largest depth (distance to the background)
   in the upper half of its region (g >= g_max - p / 2): a protrusion is an end when it is a tube
   at least ``aspect`` of its radii long. Wall bulges, blunt ends and voxel noise are shorter than
   that; a ball (p about 2 r) has one end only. The radius reported for an end is the largest
   depth within min(``near``, p / 2) of it.
4. **Field-of-view ends.** Every place where the image border cuts the vessel (``border_cuts``) is an
   end (however close to another); a maximum on such a cut is that end.

All of it is on the voxels: the ends do not depend on the mesh size. Persistence is computed on bands
of g of width ``band`` mm (the levels are exact to a band).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


class VoxelGraph:
    """The 26-neighbour graph of a mask's voxels, edges weighted by their length (mm)."""

    def __init__(self, mask: np.ndarray, spacing: np.ndarray):
        from scipy.sparse import coo_matrix

        self.shape = mask.shape
        self.voxels = np.argwhere(mask)
        self.index = -np.ones(mask.shape, dtype=np.int64)
        self.index[tuple(self.voxels.T)] = np.arange(len(self.voxels))
        rows, cols, weights = [], [], []
        for d in np.array([(a, b, c) for a in (0, 1) for b in (-1, 0, 1) for c in (-1, 0, 1)
                           if (a, b, c) > (0, 0, 0)]):
            shifted = self.voxels + d
            ok = np.all((shifted >= 0) & (shifted < mask.shape), axis=1)
            src, dst = np.flatnonzero(ok), self.index[tuple(shifted[ok].T)]
            keep = dst >= 0
            rows.append(src[keep])
            cols.append(dst[keep])
            weights.append(np.full(keep.sum(), float(np.linalg.norm(d * spacing))))
        self.rows, self.cols = np.concatenate(rows), np.concatenate(cols)
        n = len(self.voxels)
        self.matrix = coo_matrix((np.concatenate(weights), (self.rows, self.cols)), shape=(n, n)).tocsr()

    def distance(self, seed) -> np.ndarray:
        """Shortest-path distance (mm) from the voxel ``seed``, on the image grid (-1 outside the mask)."""
        from scipy.sparse.csgraph import dijkstra

        dist = dijkstra(self.matrix, directed=False, indices=int(self.index[tuple(seed)]))
        out = np.full(self.shape, -1.0)
        out[tuple(self.voxels.T)] = np.where(np.isfinite(dist), dist, -1.0)
        return out


@dataclass
class Maximum:
    """A local maximum of g: its voxel (on the image grid), g there, its persistence (mm) and the level
    at which its region joins a higher maximum's."""

    voxel: np.ndarray
    value: float
    persistence: float


def persistent_maxima(graph: VoxelGraph, g: np.ndarray, band: float = 0.5) -> list[Maximum]:
    """Every local maximum of ``g`` (on the image grid, -1 outside) over ``graph`` with its persistence
    (module docstring, step 3), highest first. Voxels are grouped into the connected parts of bands
    of g ``band`` mm wide; the parts are added from the highest band down, joining the regions they
    touch; when two regions join, the one with the lower maximum ends (its persistence: its maximum
    minus the band's lower level)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    values = g[tuple(graph.voxels.T)]
    level = np.floor(np.maximum(values, 0.0) / band).astype(np.int64)
    same = level[graph.rows] == level[graph.cols]
    n = len(values)
    _, part = connected_components(coo_matrix((np.ones(same.sum()), (graph.rows[same], graph.cols[same])),
                                              shape=(n, n)), directed=False)
    m = int(part.max()) + 1
    part_level = np.zeros(m, np.int64)
    part_level[part] = level
    order = np.lexsort((-values, part))  # by part, highest value first
    first = np.ones(n, bool)
    first[1:] = part[order][1:] != part[order][:-1]
    peak_voxel = np.empty(m, np.int64)
    peak_voxel[part[order][first]] = order[first]
    peak = values[peak_voxel]
    a, b = part[graph.rows[~same]], part[graph.cols[~same]]
    lo = np.where(part_level[a] < part_level[b], a, b)  # each edge joins a lower part to a higher one
    hi = np.where(part_level[a] < part_level[b], b, a)
    pairs = np.unique(np.column_stack([lo, hi]), axis=0)
    starts = np.searchsorted(pairs[:, 0], np.arange(m + 1))
    parent = np.arange(m)
    best = np.arange(m)  # per region root: the part holding its maximum

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    out = []
    for x in np.argsort(-part_level, kind="stable"):
        roots = {find(int(y)) for y in pairs[starts[x]:starts[x + 1], 1]}
        if not roots:
            continue  # a maximum of its own: a region starts here
        ranked = sorted(roots, key=lambda r: -peak[best[r]])
        for r in ranked[1:]:
            top = best[r]
            out.append(Maximum(graph.voxels[peak_voxel[top]], float(peak[top]),
                               float(peak[top] - part_level[x] * band)))
            parent[r] = ranked[0]
        parent[x] = ranked[0]
    survivors = {find(x) for x in range(m)}
    for r in survivors:
        top = best[r]
        out.append(Maximum(graph.voxels[peak_voxel[top]], float(peak[top]), float(peak[top])))
    out.sort(key=lambda mx: -mx.value)
    return out


def border_cuts(mask: np.ndarray, spacing: np.ndarray, faces: list[tuple[int, int]]
                ) -> list[tuple[np.ndarray, float]]:
    """Voxel sets where the image's field of view cuts the vessel: on each border face of the image
    (``faces``: (axis, index) on the grid of ``mask``), the connected patches of the mask that are
    cross-sections, not grazes: the patch's deepest point (2D distance to the patch's edge, in the
    face, holes filled) lies at least half its equivalent radius sqrt(A / pi) deep, and at least 1 mm.
    Patches on two faces that touch along the image's edge are one cut (a vessel leaving through an
    edge or a corner of the image); on one face, separate patches are separate cuts (two vessels
    leaving side by side). Returns each cut's voxels and its inscribed radius (mm: the deepest point's
    depth; the minor semi-axis of an oblique section of a cylinder, i.e. its radius)."""
    from scipy import ndimage

    patches, face_of, inscribed = [], [], []
    for f, (axis, index) in enumerate(faces):
        plane = ndimage.binary_fill_holes(np.take(mask, index, axis=axis))
        in_plane = np.delete(np.asarray(spacing, float), axis)
        depth = ndimage.distance_transform_edt(np.pad(plane, 1), sampling=in_plane)[1:-1, 1:-1]
        labelled, count = ndimage.label(plane, structure=np.ones((3, 3)))
        for k in range(1, count + 1):
            where = labelled == k
            area = float(where.sum()) * float(np.prod(in_plane))
            if depth[where].max() >= max(1.0, 0.5 * np.sqrt(area / np.pi)):
                ij = np.argwhere(where)
                patches.append(np.insert(ij, axis, index, axis=1))
                face_of.append(f)
                inscribed.append(float(depth[where].max()))
    group = list(range(len(patches)))  # union of patches on different faces within a voxel

    def root(i: int) -> int:
        while group[i] != i:
            i = group[i]
        return i

    for i in range(len(patches)):
        for j in range(i):
            if face_of[i] != face_of[j] and _touch(patches[i], patches[j]):
                group[root(i)] = root(j)
    roots = [root(i) for i in range(len(patches))]
    return [(np.vstack([p for p, r in zip(patches, roots) if r == g]),
             max(d for d, r in zip(inscribed, roots) if r == g)) for g in dict.fromkeys(roots)]


def _touch(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two voxel sets have voxels within one voxel (26-neighbours) of each other."""
    from scipy.spatial import cKDTree

    return bool(np.isfinite(cKDTree(a).query(b, k=1, distance_upper_bound=1.8)[0]).any())


def _component_of(region: np.ndarray, voxel) -> np.ndarray:
    from scipy import ndimage

    labelled, _ = ndimage.label(region, structure=np.ones((3, 3, 3)))
    return labelled == labelled[tuple(voxel)]


def _end_radius(depth: np.ndarray, from_end: np.ndarray, within: float) -> float:
    """The vessel's radius near an end: the largest depth within ``within`` mm of it."""
    near = (from_end >= 0) & (from_end <= within)
    return float(depth[near].max()) if near.any() else 0.0


def find_ends(mask: np.ndarray, spacing: np.ndarray, near: float = 10.0, min_length: float = 4.0,
              aspect: float = 3.0, faces: list[tuple[int, int]] | None = None
              ) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray, np.ndarray]:
    """Vessel ends (module docstring): [(voxel, distance from that end over the mask (mm, -1
    outside))], the vessel's radius at each end (mm) and the length of each end's own branch (its
    persistence, mm: beyond it the branch touches the rest of the vessel; infinite for the first end
    and the field-of-view cuts)."""
    from scipy import ndimage

    spacing = np.asarray(spacing, float)
    depth = ndimage.distance_transform_edt(mask, sampling=spacing)
    graph = VoxelGraph(mask, spacing)
    first = graph.distance(np.unravel_index(np.argmax(depth), mask.shape))
    start = np.unravel_index(np.argmax(first), mask.shape)
    geo = graph.distance(start)
    ends = [(np.asarray(start), geo)]
    radii = [_end_radius(depth, geo, near)]
    own = [np.inf]
    cut_voxels = np.zeros(mask.shape, bool)  # the field-of-view cuts taken as ends
    for patch, inscribed in border_cuts(mask, spacing, faces or []):
        if np.min(np.linalg.norm((patch - start) * spacing, axis=1)) <= near:
            continue  # the first end's own cut
        vox = patch[np.argmax(geo[tuple(patch.T)])]
        ends.append((vox, np.where(mask, float(geo[tuple(vox)]) - geo, -1.0)))
        radii.append(inscribed)  # the vessel's own radius (a sibling within ``near`` does not count)
        own.append(np.inf)
        cut_voxels[tuple(patch.T)] = True
    for mx in persistent_maxima(graph, geo):
        if mx.persistence < min_length:
            continue  # voxel noise, small bulges
        from_end = np.where(mask, mx.value - geo, -1.0)
        reach = min(near, mx.persistence / 2.0)
        tip = _component_of(geo >= max(mx.value - reach, 0.0), mx.voxel)
        if (tip & cut_voxels).any():
            continue  # the tip of a vessel that a field-of-view cut already ends
        half = _component_of(geo >= max(mx.value - mx.persistence / 2.0, 0.0), mx.voxel)  # its upper half
        if mx.persistence < aspect * _end_radius(depth, np.where(half, from_end, -1.0), mx.persistence / 2.0):
            continue  # a bulge, a blunt end: shorter than a tube aspect radii long
        radius = _end_radius(depth, np.where(tip, from_end, -1.0), reach)
        ends.append((mx.voxel, from_end))
        radii.append(radius)
        own.append(mx.persistence)
    if len(ends) > 1:  # the first end seen from the farthest other end: near-planar fronts, not spheres
        far = max(range(1, len(ends)), key=lambda i: geo[tuple(ends[i][0])])
        back = graph.distance(tuple(ends[far][0]))
        ends[0] = (ends[0][0], np.where(mask, back[tuple(ends[0][0])] - back, -1.0))
    return ends, np.asarray(radii), np.asarray(own)
