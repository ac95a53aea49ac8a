"""The Land 2015 ellipsoid rule against its formula, and on the mesh."""

import numpy as np
from mpi4py import MPI

from heartsim import fem
from heartsim.config.fibers import FibersConfig
from heartsim.fibers import compute_fibers
from heartsim.fibers.analytic import land_frames, wall_coordinates

COMM = MPI.COMM_SELF


def _land_fiber(t, u, v):
    """Land et al. 2015 problem 3, written out: r_s = 7 + 3t, r_l = 17 + 3t, alpha = 90 - 180 t (deg)."""
    rs, rl = 7 + 3 * t, 17 + 3 * t
    dxdu = np.stack([rs * np.cos(u) * np.cos(v), rs * np.cos(u) * np.sin(v), -rl * np.sin(u)], axis=1)
    dxdv = np.stack([-rs * np.sin(u) * np.sin(v), rs * np.sin(u) * np.cos(v), 0 * u], axis=1)
    alpha = np.radians(90 - 180 * t)[:, None]
    return (np.sin(alpha) * dxdu / np.linalg.norm(dxdu, axis=1, keepdims=True)
            + np.cos(alpha) * dxdv / np.linalg.norm(dxdv, axis=1, keepdims=True))


def _samples(n=500, seed=3):
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, 1, n)
    u = rng.uniform(-np.pi + 0.05, -np.arccos(5 / 17), n)
    v = rng.uniform(-np.pi, np.pi, n)
    rs, rl = 7 + 3 * t, 17 + 3 * t
    points = np.stack([rs * np.sin(u) * np.cos(v), rs * np.sin(u) * np.sin(v), rl * np.cos(u)], axis=1)
    return points, t, u, v


def test_wall_coordinates_invert_the_parametrisation():
    points, t, u, v = _samples()
    t2, u2, v2 = wall_coordinates(points, (7, 10), (17, 20))
    assert np.abs(t2 - t).max() < 1e-12 and np.abs(u2 - u).max() < 1e-12
    assert np.abs(np.angle(np.exp(1j * (v2 - v)))).max() < 1e-12


def test_rule_equals_land_formula():
    points, t, u, v = _samples()
    frames, _ = land_frames(points, (7, 10), (17, 20), (90, -90), (0, 0))
    expected = _land_fiber(t, u, v)
    assert np.abs(frames[:, :, 0] - expected).max() < 1e-12
    # s and n complete a right-handed orthonormal frame with n the outward normal of the surface t = const
    n = frames[:, :, 2]
    rs, rl = 7 + 3 * t, 17 + 3 * t
    normal = np.stack([points[:, 0] / rs ** 2, points[:, 1] / rs ** 2, points[:, 2] / rl ** 2], axis=1)
    normal /= np.linalg.norm(normal, axis=1, keepdims=True)
    assert np.abs(n - normal).max() < 1e-12


def test_analytic_fibers_on_the_mesh(land_lv):
    for space in ("P1", "DG0"):
        fib = compute_fibers(land_lv, FibersConfig(method="analytic", space=space), COMM)
        points = fem.dof_coordinates(fib.fiber.function_space)
        t, u, v = wall_coordinates(points, (7, 10), (17, 20))
        inside = (t >= 0) & (t <= 1) & (u > -np.pi + 1e-3)
        f = fib.local_arrays()[0]
        assert np.abs(f[inside] - _land_fiber(t[inside], u[inside], v[inside])).max() < 1e-10
        assert np.abs(np.linalg.norm(f, axis=1) - 1).max() < 1e-12
        assert np.allclose(fib.coordinates["transmural"].x.array, t)
