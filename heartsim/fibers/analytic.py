"""The analytic fiber rule of the Land et al. 2015 ellipsoid (Proc R Soc A 471:20150641, problem 3).

The wall is the family of truncated ellipsoids, t in [0, 1] (0 endocardium, 1 epicardium),

    x(t, u, v) = (r_s(t) sin u cos v, r_s(t) sin u sin v, r_l(t) cos u),   u in [-pi, u_base],
    r_s(t) = r_s,endo + t (r_s,epi - r_s,endo),   r_l(t) = r_l,endo + t (r_l,epi - r_l,endo)

(Land: r_s = 7 + 3t, r_l = 17 + 3t mm). The fiber is

    f = sin(alpha) dx/du / |dx/du| + cos(alpha) dx/dv / |dx/dv|,   alpha(t) = alpha_endo + t (alpha_epi - alpha_endo)

(Land problem 3: alpha from +90 deg at the endocardium to -90 deg at the epicardium). dx/dv is
circumferential, dx/du points from apex to base, and e_t = (dx/dv x dx/du) normalised is the outward
normal of the surface t = const, so the frame (dx/dv, dx/du, e_t) is the LDRB frame of
:mod:`heartsim.fibers.rotation` and the sheet angle beta(t), linear likewise, rotates (s, n) about f.
At a point, t solves (x^2 + y^2) / r_s(t)^2 + z^2 / r_l(t)^2 = 1 (bisection; the left side decreases
with t), then cos u = z / r_l(t) with u <= 0 and v = atan2(-y, -x) (0 on the axis). Points just outside [0, 1]
(curved facets) use the t found, with alpha evaluated at t clipped to [0, 1].
"""

from __future__ import annotations

import numpy as np
from mpi4py import MPI

from heartsim import fem
from heartsim.fibers import rotation
from heartsim.fibers.field import FiberField, make_field, vector_space


def wall_coordinates(points: np.ndarray, short_radii, long_radii) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(t, u, v) of points (N, 3) in the ellipsoid family (pure NumPy)."""
    p = np.asarray(points, float)
    rho2 = p[:, 0] ** 2 + p[:, 1] ** 2
    z2 = p[:, 2] ** 2
    (s0, s1), (l0, l1) = short_radii, long_radii

    def excess(t):
        return rho2 / (s0 + t * (s1 - s0)) ** 2 + z2 / (l0 + t * (l1 - l0)) ** 2 - 1.0

    lo = np.full(len(p), -0.5)
    hi = np.full(len(p), 1.5)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        outside = excess(mid) > 0
        lo = np.where(outside, mid, lo)
        hi = np.where(outside, hi, mid)
    t = 0.5 * (lo + hi)
    u = -np.arccos(np.clip(p[:, 2] / (l0 + t * (l1 - l0)), -1.0, 1.0))
    # on the axis (the apex) v is arbitrary: take 0 there, whatever the signs of zero coordinates
    on_axis = np.sqrt(rho2) <= 1e-9 * (l0 + t * (l1 - l0))
    v = np.where(on_axis, 0.0, np.arctan2(-p[:, 1], -p[:, 0]))
    return t, u, v


def land_frames(points: np.ndarray, short_radii, long_radii, helix, sheet) -> tuple[np.ndarray, np.ndarray]:
    """Frames (N, 3, 3) with columns (f, s, n) of the Land rule at points, and the wall coordinate t."""
    t, u, v = wall_coordinates(points, short_radii, long_radii)
    (s0, s1), (l0, l1) = short_radii, long_radii
    rs, rl = s0 + t * (s1 - s0), l0 + t * (l1 - l0)
    # dx/du (apex -> base) and the direction of dx/dv (sin u <= 0 turns it into (sin v, -cos v, 0))
    d_u = np.stack([rs * np.cos(u) * np.cos(v), rs * np.cos(u) * np.sin(v), -rl * np.sin(u)], axis=1)
    d_v = np.stack([np.sin(v), -np.cos(v), np.zeros_like(v)], axis=1)
    e0, e1 = rotation.normalize(d_v), rotation.normalize(d_u)
    base = np.stack([e0, e1, np.cross(e0, e1)], axis=2)
    tc = np.clip(t, 0.0, 1.0)
    alpha = helix[0] + tc * (helix[1] - helix[0])
    beta = sheet[0] + tc * (sheet[1] - sheet[0])
    return rotation.orient(base, alpha, beta), t


def analytic_fibers(tagged, cfg, comm: MPI.Comm) -> FiberField:
    """The Land 2015 ellipsoid rule at the dofs of the fiber space (``cfg``: a FibersConfig; radii
    ``cfg.short_radii``, ``cfg.long_radii``, angles ``cfg.helix()``, ``cfg.sheet()``).

    ``coordinates["transmural"]`` holds t on the same (scalar) nodes or cells.
    """
    kind = cfg.resolved_space()
    space = vector_space(tagged.mesh, kind)
    points = fem.dof_coordinates(space)
    frames, t = land_frames(points, cfg.short_radii, cfg.long_radii, cfg.helix(), cfg.sheet())
    scalar = fem.lagrange_space(tagged.mesh, 1) if kind == "P1" else fem.cellwise_space(tagged.mesh)
    wall = fem.function(scalar, name="transmural")
    wall.x.array[:] = t
    return make_field(space, frames, kind, "analytic", {"transmural": wall})


def rule_functions(space, points: np.ndarray, short_radii, long_radii, helix, sheet) -> list:
    """The rule's (f, s, n) as three vector Functions of ``space``, given the physical ``points``
    (n, 3) of its dofs in dof order (nodes, cell midpoints or quadrature points)."""
    frames, _ = land_frames(points, short_radii, long_radii, helix, sheet)
    out = []
    for column in range(3):
        g = fem.function(space)
        g.x.array[:] = frames[:, :, column].ravel()
        out.append(g)
    return out


def rule_at_quadrature_points(mesh, cfg, degree: int) -> list:
    """(f, s, n) of the rule at the quadrature points of ``degree`` (``cfg``: a FibersConfig), for forms
    integrated with that quadrature degree: the rule exactly where the forms use it. Interpolating it
    instead (P1) is poor when the helix turns far through a wall only a cell or two thick: with the
    Land +90/-90 degrees the endo and epi vectors are opposite and their P1 interpolant loses the
    circumferential mid-wall fibers (docs/mechanics.md)."""
    space = fem.quadrature_space(mesh, degree, (3,))
    points = fem.quadrature_point_coordinates(mesh, degree)
    return rule_functions(space, points, cfg.short_radii, cfg.long_radii, cfg.helix(), cfg.sheet())


def rule_at_cell_midpoints(mesh, cfg) -> list:
    """(f, s, n) of the rule at the cell midpoints (DG0 vectors), where cell-wise outputs are evaluated."""
    space = fem.cellwise_space(mesh, (3,))
    return rule_functions(space, fem.dof_coordinates(space), cfg.short_radii, cfg.long_radii, cfg.helix(), cfg.sheet())
