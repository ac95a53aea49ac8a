"""Raise the minimum scaled Jacobian by moving boundary nodes *within* the boundary surface.

Tetrahedra that stay flat after interior node moves (heartsim.mesh.untangle) have most or all of
their nodes on the boundary: where a flat cap meets the vessel wall (the rim), or on a tightly curved
wall. Such a node may move only where the surface stays the surface:

* a node whose boundary facets all carry one tag and whose facet normals lie within
  ``max_angle`` of their mean (a smooth patch of wall, or a flat cap) moves on its *original*
  facet fan: every candidate position is replaced by its closest point on those triangles (their
  positions before any move). On a cap (a planar fan) the node stays exactly in the cap's plane;
  on the wall it stays on the piecewise-linear surface, whose new triangles are chords of the old;
* a node on a curve between two tags (a cap's rim: facets of the cap and of the wall) moves along
  its original rim polyline: candidates are projected on the two rim edges through the node, which
  lie in the cap's plane, so the cap stays flat;
* every other boundary node (corners, sharp creases) stays.

Candidates, as in the interior pass: the centroid of the node's neighbours on its surface (or its
two rim neighbours), the apex of the regular tetrahedron on each opposite face of its star, and
points 1/4, 1/2, 3/4 of the way to each, all projected as above. A move is kept only when the
smallest scaled Jacobian of the node's star rises, so the mesh minimum never falls and nothing inverts.
"""

from __future__ import annotations

import numpy as np

from heartsim.mesh.quality import scaled_jacobian
from heartsim.mesh.untangle import best_move

def closest_on_triangles(p: np.ndarray, tris: np.ndarray) -> np.ndarray:
    """The point of the triangles ``tris`` (k, 3, 3) closest to ``p`` (3,), or to each row of ``p``
    (n, 3) (Ericson's region tests, vectorised over points and triangles; the nearest of the k answers)."""
    q = np.atleast_2d(p)
    n, k = len(q), len(tris)
    pts = np.repeat(q, k, axis=0)
    a, b, c = (np.tile(tris[:, i], (n, 1)) for i in range(3))
    ab, ac, ap = b - a, c - a, pts - a
    d1, d2 = np.einsum("ij,ij->i", ab, ap), np.einsum("ij,ij->i", ac, ap)
    bp, cp = pts - b, pts - c
    d3, d4 = np.einsum("ij,ij->i", ab, bp), np.einsum("ij,ij->i", ac, bp)
    d5, d6 = np.einsum("ij,ij->i", ab, cp), np.einsum("ij,ij->i", ac, cp)
    va = d3 * d6 - d5 * d4
    vb = d5 * d2 - d1 * d6
    vc = d1 * d4 - d3 * d2
    out = np.empty_like(a)
    done = np.zeros(len(a), bool)

    def put(sel, value):
        sel = sel & ~done
        out[sel] = value[sel]
        done[:] |= sel

    tiny = 1e-300
    put((d1 <= 0) & (d2 <= 0), a)
    put((d3 >= 0) & (d4 <= d3), b)
    put((vc <= 0) & (d1 >= 0) & (d3 <= 0), a + (d1 / np.where(d1 - d3 == 0, tiny, d1 - d3))[:, None] * ab)
    put((d6 >= 0) & (d5 <= d6), c)
    put((vb <= 0) & (d2 >= 0) & (d6 <= 0), a + (d2 / np.where(d2 - d6 == 0, tiny, d2 - d6))[:, None] * ac)
    w = (d4 - d3) / np.where((d4 - d3) + (d5 - d6) == 0, tiny, (d4 - d3) + (d5 - d6))
    put((va <= 0) & ((d4 - d3) >= 0) & ((d5 - d6) >= 0), b + w[:, None] * (c - b))
    denom = va + vb + vc
    denom = np.where(denom == 0, tiny, denom)
    v, w2 = vb / denom, vc / denom
    put(np.ones(len(a), bool), a + v[:, None] * ab + w2[:, None] * ac)
    return _nearest(q, out, p.ndim)


def closest_on_segments(p: np.ndarray, segs: np.ndarray) -> np.ndarray:
    """The point of the segments ``segs`` (k, 2, 3) closest to ``p`` (3,), or to each row of ``p`` (n, 3)."""
    q = np.atleast_2d(p)
    pts = np.repeat(q, len(segs), axis=0)
    a = np.tile(segs[:, 0], (len(q), 1))
    d = np.tile(segs[:, 1] - segs[:, 0], (len(q), 1))
    t = np.clip(np.einsum("ij,ij->i", pts - a, d) / np.maximum(np.einsum("ij,ij->i", d, d), 1e-300), 0.0, 1.0)
    return _nearest(q, a + t[:, None] * d, p.ndim)


def _nearest(q: np.ndarray, candidates: np.ndarray, ndim: int) -> np.ndarray:
    """For each row of ``q`` (n, 3), the nearest of its k rows of ``candidates`` (n k, 3)."""
    cand = candidates.reshape(len(q), -1, 3)
    pick = np.argmin(np.linalg.norm(cand - q[:, None], axis=2), axis=1)
    out = cand[np.arange(len(q)), pick]
    return out[0] if ndim == 1 else out


def _bounded(project, home: np.ndarray, here: np.ndarray, max_move: float):
    """``project`` with every result farther than ``max_move`` from ``home`` replaced by ``here``."""
    def bounded(q: np.ndarray) -> np.ndarray:
        out = project(q)
        out[np.linalg.norm(out - home, axis=1) > max_move] = here
        return out
    return bounded


def _smooth(tri: np.ndarray, max_angle: float) -> bool:
    """Whether the triangles' normals (orientation ignored) lie within ``max_angle`` of their mean."""
    n = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-300)
    n *= np.where(n @ n[0] < 0, -1.0, 1.0)[:, None]  # facets need not be oriented alike
    mean = n.sum(axis=0)
    if np.linalg.norm(mean) < 1e-12:
        return False
    return bool((n @ (mean / np.linalg.norm(mean))).min() >= np.cos(np.radians(max_angle)))


def _classify(points, facets, values, fan, node, max_angle):
    """('surface', triangles, neighbours) | ('curve', segments, neighbours) | None for a boundary node
    (module docstring); ``fan``: the indices of its facets. A curve node needs each side's facets
    smooth and its rim to turn by less than ``max_angle``."""
    tags = np.unique(values[fan])
    tri = points[facets[fan]]
    if len(tags) == 1:
        return ("surface", tri, np.unique(facets[fan])) if _smooth(tri, max_angle) else None
    if len(tags) != 2 or not all(_smooth(tri[values[fan] == v], max_angle) for v in tags):
        return None
    count: dict[tuple[int, int], set] = {}
    for f, v in zip(facets[fan], values[fan]):
        for a, b in ((f[0], f[1]), (f[1], f[2]), (f[2], f[0])):
            if node in (a, b):
                count.setdefault(tuple(sorted((int(a), int(b)))), set()).add(int(v))
    rim = [e for e, vs in count.items() if len(vs) == 2]
    if len(rim) != 2:
        return None
    others = np.array([e[0] if e[1] == node else e[1] for e in rim])
    d = points[others] - points[node]
    d /= np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-300)
    if -d[0] @ d[1] < np.cos(np.radians(max_angle)):  # the rim turns too sharply here: a corner
        return None
    return "curve", points[np.array(rim)], others


def surface_moves(points: np.ndarray, cells: np.ndarray, facets: np.ndarray, facet_values: np.ndarray,
                  floor: float, rounds: int = 6, max_angle: float = 35.0, max_move: float | None = None,
                  anchor: np.ndarray | None = None) -> tuple[np.ndarray, int]:
    """New node coordinates and the number of boundary nodes moved (module docstring); cells
    positively oriented, ``facets`` the boundary triangles with their tags ``facet_values``.
    ``max_move`` (mm): no node ends farther than that from its position in ``anchor`` (default: the
    given points); a triangle of the new surface then lies within ``max_move`` of the old one (each
    of its points within that of the point with the same barycentric coordinates on the old)."""
    original = np.array(points, float)
    points = original.copy()
    sj = scaled_jacobian(points, cells, "tetra")
    order = np.argsort(cells.ravel(), kind="stable")
    starts = np.searchsorted(cells.ravel()[order], np.arange(len(points) + 1))
    forder = np.argsort(facets.ravel(), kind="stable")
    fstarts = np.searchsorted(facets.ravel()[forder], np.arange(len(points) + 1))
    on_boundary = fstarts[1:] > fstarts[:-1]
    kinds: dict[int, tuple | None] = {}
    moved = set()
    for _ in range(rounds):
        nodes = np.unique(cells[sj < floor])
        nodes = nodes[on_boundary[nodes]]
        changed = False
        for node in nodes:
            node = int(node)
            if node not in kinds:
                kinds[node] = _classify(original, facets, facet_values, forder[fstarts[node]:fstarts[node + 1]] // 3,
                                        node, max_angle)
            kind = kinds[node]
            if kind is None:
                continue
            what, geometry, neighbours = kind
            project = (lambda q: closest_on_triangles(q, geometry)) if what == "surface" else \
                (lambda q: closest_on_segments(q, geometry))
            if max_move is not None:
                project = _bounded(project, (original if anchor is None else anchor)[node], points[node], max_move)
            star = order[starts[node]:starts[node + 1]] // 4
            ring = neighbours[neighbours != node]
            choice, best_sj = best_move(points, cells, star, node, [points[ring].mean(axis=0)], project)
            if choice is None:
                continue
            points[node] = choice
            sj[star] = best_sj
            moved.add(node)
            changed = True
        if not changed:
            break
    return points, len(moved)
