"""Edge removal: re-triangulate the tetrahedra around an edge of a flat tetrahedron (no node moves).

The tetrahedra sharing an edge a-b (its *shell*) touch a ring of nodes r_0 ... r_{m-1} around it.
Removing the edge replaces the m tetrahedra by 2 (n - 2) new ones, (a, T) and (b, T) for every
triangle T of a triangulation of the ring polygon (n = m nodes for an interior edge, the classic
3-2, 4-4, 5-6 flips; for a *boundary* edge, whose shell is open, the ring runs from r_0 to r_m, the
third nodes of its two boundary triangles a b r_0 and a b r_m, n = m + 1, and the boundary pair
becomes a r_0 r_m, b r_0 r_m: a swap of the surface diagonal). Every triangulation of the ring (at
most 42, n <= 7) is tried and the one with the largest smallest scaled Jacobian is kept when it is
larger than the shell's. A change is valid when every new tetrahedron is positively oriented and
the volume is conserved (interior edge), or changes by exactly the volume of the tetrahedron
a b r_0 r_m (boundary edge).

A boundary swap moves the surface: by the distance between the old and the new diagonal (segments
a-b and r_0-r_m), which must not exceed ``max_shift`` (mm); both boundary triangles must carry the
same tag (a cap's rim is never swapped), so a swap on a flat cap keeps the cap flat and its area
exact (its two triangles are coplanar: shift 0), and a swap on the wall moves it by at most
``max_shift``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from heartsim.mesh.quality import scaled_jacobian

_FACES = ((1, 2, 3), (0, 3, 2), (0, 1, 3), (0, 2, 1))  # face opposite corner i, outward for a positive tet
_EDGES = ((0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3))
MAX_RING = 7


@lru_cache(maxsize=None)
def polygon_triangulations(n: int) -> tuple[tuple[tuple[int, int, int], ...], ...]:
    """Every triangulation of a polygon with vertices 0 ... n-1, triangles as increasing triples."""
    def tri(lo: int, hi: int) -> list[list[tuple[int, int, int]]]:
        if hi - lo < 2:
            return [[]]
        return [[(lo, k, hi)] + left + right for k in range(lo + 1, hi)
                for left in tri(lo, k) for right in tri(k, hi)]
    return tuple(tuple(t) for t in tri(0, n - 1))


def _volumes(points: np.ndarray, tets: np.ndarray) -> np.ndarray:
    p = points[tets]
    return np.einsum("ij,ij->i", p[:, 1] - p[:, 0], np.cross(p[:, 2] - p[:, 0], p[:, 3] - p[:, 0])) / 6.0


def _segment_distance(p0, p1, q0, q1) -> float:
    """Distance between the segments p0-p1 and q0-q1, from 33 points on each (an upper bound, close to it)."""
    s = np.linspace(0.0, 1.0, 33)
    a = p0 + s[:, None] * (p1 - p0)
    b = q0 + s[:, None] * (q1 - q0)
    return float(np.linalg.norm(a[:, None] - b[None], axis=2).min())


class EdgeRemover:
    """Mutable tetrahedral mesh (cells as tuples) with node -> cell incidence and boundary facets."""

    def __init__(self, points, cells, facets, facet_values):
        self.points = points
        self.cells: list[tuple | None] = [tuple(int(v) for v in c) for c in cells]
        self.incident: dict[int, set[int]] = {}
        order = np.argsort(np.asarray(cells).ravel(), kind="stable")
        self._order, self._flat = order, np.asarray(cells).ravel()[order]
        self.facet: dict[tuple, tuple[tuple, int]] = {
            tuple(sorted(int(v) for v in f)): (tuple(int(v) for v in f), int(t)) for f, t in zip(facets, facet_values)}
        self.max_shift_seen = 0.0

    def star(self, node: int) -> set[int]:
        if node not in self.incident:
            lo, hi = np.searchsorted(self._flat, [node, node + 1])
            self.incident[node] = set((self._order[lo:hi] // 4).tolist())
        return self.incident[node]

    def _ring(self, a: int, b: int, shell: list[int]) -> tuple[list[int], bool] | None:
        """The ring nodes around a-b in the order of positive tetrahedra (a, b, r_i, r_i+1), and
        whether it is closed; None when the shell is not a simple chain."""
        step = {}
        for t in shell:
            c = self.cells[t]
            x, y = [v for v in c if v not in (a, b)]
            if _volumes(self.points, np.array([[a, b, x, y]]))[0] < 0:
                x, y = y, x
            if x in step:
                return None
            step[x] = y
        targets = set(step.values())
        starts = [x for x in step if x not in targets]
        if len(starts) > 1:
            return None
        start = starts[0] if starts else next(iter(step))
        ring = [start]
        while ring[-1] in step and len(ring) <= len(step):
            nxt = step[ring[-1]]
            if nxt == start:
                break
            ring.append(nxt)
        closed = not starts
        if len(ring) != len(step) + (0 if closed else 1):
            return None
        return ring, closed

    def plan(self, a: int, b: int, max_shift: float) -> tuple | None:
        """The best removal of edge a-b, (new minimum, change) when it raises its shell's smallest
        scaled Jacobian, else None; ``apply(change)`` makes it."""
        shell = sorted(self.star(a) & self.star(b))
        if len(shell) < 2:
            return None
        found = self._ring(a, b, shell)
        if found is None:
            return None
        ring, closed = found
        n = len(ring)
        if n < 3 or n > MAX_RING:
            return None
        old = np.array([self.cells[t] for t in shell])
        old_min = float(scaled_jacobian(self.points, old, "tetra").min())
        old_volume = float(_volumes(self.points, old).sum())
        shift = 0.0
        if not closed:
            f0, f1 = tuple(sorted((a, b, ring[0]))), tuple(sorted((a, b, ring[-1])))
            if f0 not in self.facet or f1 not in self.facet or self.facet[f0][1] != self.facet[f1][1]:
                return None
            if tuple(sorted((ring[0], ring[-1]))) in self._edges_of(ring[0]):
                return None
            p = self.points
            shift = _segment_distance(p[a], p[b], p[ring[0]], p[ring[-1]])
            if shift > max_shift:
                return None
            cap_volume = abs(float(_volumes(p, np.array([[a, b, ring[0], ring[-1]]]))[0]))
        best, best_tets = old_min + 1e-6, None
        for triangulation in polygon_triangulations(n):
            tris = np.array([[ring[i], ring[j], ring[k]] for i, j, k in triangulation])
            # (a, b, r_i, r_j) positive means r_i -> r_j turns positively about a -> b: so (r_i, r_j, r_k, b)
            # and (r_k, r_j, r_i, a) are the positive orientations of the new tetrahedra
            new = np.vstack([np.column_stack([tris, np.full(len(tris), b)]),
                             np.column_stack([tris[:, ::-1], np.full(len(tris), a)])])
            vol = _volumes(self.points, new)
            if vol.min() <= 0:
                continue
            total = float(vol.sum())
            if closed and abs(total - old_volume) > 1e-9 * abs(old_volume):
                continue
            if not closed and min(abs(total - old_volume - cap_volume), abs(total - old_volume + cap_volume)) > \
                    1e-9 * abs(old_volume):
                continue
            value = float(scaled_jacobian(self.points, new, "tetra").min())
            if value > best:
                best, best_tets = value, new
        if best_tets is None:
            return None
        return best, (a, b, ring, closed, shell, best_tets, shift)

    def _edges_of(self, node: int) -> set[tuple]:
        out = set()
        for t in self.star(node):
            for v in self.cells[t]:
                if v != node:
                    out.add(tuple(sorted((node, v))))
        return out

    def apply(self, change) -> None:
        a, b, ring, closed, shell, new_tets, shift = change
        self.max_shift_seen = max(self.max_shift_seen, shift)
        for node in {a, b, *ring}:
            self.star(node)  # incidence computed before any change
        for t in shell:
            for v in self.cells[t]:
                self.incident[v].discard(t)
            self.cells[t] = None
        for tet in new_tets:
            idx = len(self.cells)
            self.cells.append(tuple(int(v) for v in tet))
            for v in tet:
                self.incident[int(v)].add(idx)
        if not closed:
            tag = self.facet.pop(tuple(sorted((a, b, ring[0]))))[1]
            self.facet.pop(tuple(sorted((a, b, ring[-1]))))
            for tet in new_tets:  # the new boundary triangles: the faces of new tetrahedra holding r_0, r_m
                c = tuple(int(v) for v in tet)
                for corner, face in enumerate(_FACES):
                    nodes = tuple(c[i] for i in face)
                    if ring[0] in nodes and ring[-1] in nodes and (a in nodes or b in nodes):
                        self.facet[tuple(sorted(nodes))] = (nodes, tag)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        cells = np.array([c for c in self.cells if c is not None], np.int64)
        facets = np.array([f for f, _ in self.facet.values()], np.int64).reshape(-1, 3)
        values = np.array([t for _, t in self.facet.values()], np.int32)
        return cells, facets, values


def remove_edges(points: np.ndarray, cells: np.ndarray, facets: np.ndarray, facet_values: np.ndarray,
                 floor: float, max_shift: float, rounds: int = 3):
    """Edge removal (module docstring) on the edges of the tetrahedra below ``floor``, worst first,
    up to ``rounds`` sweeps. Returns cells, facets, facet values, the number of edges removed and the
    largest surface shift (mm)."""
    count, shift = 0, 0.0
    for _ in range(rounds):
        sj = scaled_jacobian(points, cells, "tetra")
        bad = np.flatnonzero(sj < floor)
        if len(bad) == 0:
            break
        mesh = EdgeRemover(points, cells, facets, facet_values)
        done = 0
        for t in bad[np.argsort(sj[bad], kind="stable")]:
            if mesh.cells[t] is None:
                continue
            c = mesh.cells[t]
            plans = [mesh.plan(a, b, max_shift) for a, b in sorted({tuple(sorted((c[i], c[j]))) for i, j in _EDGES})]
            plans = [p for p in plans if p is not None]
            if plans:
                mesh.apply(max(plans, key=lambda p: p[0])[1])
                done += 1
        if not done:
            break
        cells, facets, facet_values = mesh.arrays()
        count += done
        shift = max(shift, mesh.max_shift_seen)
    return cells, facets, facet_values, count, shift
