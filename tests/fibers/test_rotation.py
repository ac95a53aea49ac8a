"""Frames, quaternions and Bayer's bislerp (pure NumPy)."""

import numpy as np

from heartsim.fibers import rotation


def _random_frames(n, seed=0):
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.normal(size=(n, 3, 3)))
    q[np.linalg.det(q) < 0, :, 0] *= -1
    return q


def test_quaternion_round_trip_covers_every_branch():
    frames = _random_frames(200)
    # rotations by pi about each axis exercise the x, y and z branches of Shepperd's method
    frames[:3] = [np.diag([1.0, -1.0, -1.0]), np.diag([-1.0, 1.0, -1.0]), np.diag([-1.0, -1.0, 1.0])]
    back = rotation.from_quaternion(rotation.to_quaternion(frames))
    assert np.abs(back - frames).max() < 1e-12


def test_frame_is_right_handed_and_follows_the_gradients():
    q = rotation.frame(np.array([[0.0, 0, 2]]), np.array([[3.0, 0, 1]]))
    assert np.allclose(q[0], [[0, 0, 1], [1, 0, 0], [0, 1, 0]])  # e0 = e1 x e2 = z x x = y
    assert np.isclose(np.linalg.det(q[0]), 1.0)


def test_orient_rotates_fiber_by_helix_and_sheet_about_fiber():
    q = np.eye(3)[None].repeat(2, axis=0)
    out = rotation.orient(q, [30.0, -45.0], [0.0, 20.0])
    a = np.radians(30)
    assert np.allclose(out[0, :, 0], [np.cos(a), np.sin(a), 0])
    assert np.allclose(out[0, :, 2], [0, 0, 1])  # beta = 0: n stays transmural
    b = np.radians(20)
    assert np.isclose(out[1, :, 0] @ [0, 0, 1], 0)  # the fiber stays in the tangent plane
    assert np.isclose(out[1, :, 2] @ [0, 0, 1], np.cos(b))


def _same_lines(a, b):
    """Frames equal up to the signs of their columns."""
    return np.allclose(np.abs(np.einsum("nij,nij->nj", a, b)), 1.0)


def test_bislerp_end_points_and_midpoint():
    qa = rotation.orient(np.eye(3)[None], 30.0, 0.0)
    qb = rotation.orient(np.eye(3)[None], -30.0, 0.0)
    assert np.allclose(rotation.bislerp(qa, qb, 0.0), qa)
    assert np.allclose(rotation.bislerp(qa, qb, 1.0), qb)
    assert np.allclose(rotation.bislerp(qa, qb, 0.5)[0], np.eye(3))


def test_bislerp_takes_the_shorter_way_between_fiber_lines():
    # lines at +60 and -60 degrees are 60 degrees apart through 90 (120 through 0)
    qa = rotation.orient(np.eye(3)[None], 60.0, 0.0)
    qb = rotation.orient(np.eye(3)[None], -60.0, 0.0)
    assert _same_lines(rotation.bislerp(qa, qb, 0.0), qa)
    assert np.allclose(np.abs(rotation.bislerp(qa, qb, 0.5)[0, :, 0]), [0, 1, 0])


def test_bislerp_ignores_the_sign_of_two_axes():
    qa = _random_frames(50, 1)
    qb = _random_frames(50, 2)
    flipped = qb * np.array([1.0, -1.0, -1.0])  # Qb R_x(pi): same fiber line, s and n reversed
    t = np.linspace(0, 1, 50)
    a = rotation.bislerp(qa, qb, t)
    b = rotation.bislerp(qa, flipped, t)
    assert _same_lines(a, b)
