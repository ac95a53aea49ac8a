"""Orthonormal fiber frames, their rotation by helix and sheet angles, and their interpolation
(Bayer et al. 2012, Ann Biomed Eng 40:2243, "A novel rule-based algorithm for assigning myocardial
fiber orientation to computational heart models", functions axis, orient and bislerp).

Pure NumPy on arrays of N frames: a frame is a rotation matrix Q (N, 3, 3) whose columns are
(e0, e1, e2). Nothing here imports DOLFINx.

* :func:`frame` (Bayer's *axis*): e1 = grad_l / |grad_l| (apex -> base), e2 = the part of grad_t
  normal to e1, normalised (transmural), e0 = e1 x e2 (circumferential).
* :func:`orient`: Q R_z(alpha) R_x(beta): a rotation by the helix angle alpha about e2, then by the
  sheet angle beta about the new first axis. Column 0 is the fiber f = cos(alpha) e0 + sin(alpha) e1,
  column 1 the sheet s, column 2 the sheet normal n = f x s (transmural when beta = 0).
* :func:`bislerp`: the quaternion slerp between Qa and the one of {Qb, Qb R_x(pi), Qb R_y(pi),
  Qb R_z(pi)} closest to Qa (fiber lines have no sign, so these frames are equivalent).
"""

from __future__ import annotations

import numpy as np

_EPS = 1e-12
#: |quaternion dot| differences below this count as ties in bislerp
TIE = 1e-9


def normalize(v: np.ndarray) -> np.ndarray:
    """Rows of v (N, 3) scaled to unit length (zero rows stay zero)."""
    norm = np.linalg.norm(v, axis=-1, keepdims=True)
    return np.divide(v, norm, out=np.zeros_like(v), where=norm > _EPS)


def frame(grad_long: np.ndarray, grad_trans: np.ndarray) -> np.ndarray:
    """Right-handed frames (N, 3, 3), columns (circumferential, longitudinal, transmural)."""
    e1 = normalize(np.asarray(grad_long, float))
    t = np.asarray(grad_trans, float)
    e2 = normalize(t - np.sum(e1 * t, axis=1, keepdims=True) * e1)
    e0 = normalize(np.cross(e1, e2))
    return np.stack([e0, e1, e2], axis=2)


def _rz(alpha: np.ndarray) -> np.ndarray:
    c, s = np.cos(alpha), np.sin(alpha)
    r = np.zeros(alpha.shape + (3, 3))
    r[..., 0, 0], r[..., 0, 1], r[..., 1, 0], r[..., 1, 1], r[..., 2, 2] = c, -s, s, c, 1.0
    return r


def _rx(beta: np.ndarray) -> np.ndarray:
    c, s = np.cos(beta), np.sin(beta)
    r = np.zeros(beta.shape + (3, 3))
    r[..., 0, 0], r[..., 1, 1], r[..., 1, 2], r[..., 2, 1], r[..., 2, 2] = 1.0, c, s, -s, c
    return r


def orient(q: np.ndarray, alpha_deg, beta_deg) -> np.ndarray:
    """Q R_z(alpha) R_x(beta) for every frame (angles in degrees, scalars or (N,) arrays)."""
    n = q.shape[0]
    alpha = np.broadcast_to(np.radians(np.asarray(alpha_deg, float)), (n,))
    beta = np.broadcast_to(np.radians(np.asarray(beta_deg, float)), (n,))
    return q @ _rz(alpha) @ _rx(beta)


def to_quaternion(q: np.ndarray) -> np.ndarray:
    """Unit quaternions (N, 4) = (w, x, y, z) of rotation matrices (N, 3, 3) (Shepperd's method)."""
    m = np.asarray(q, float)
    diag = np.stack([m[:, 0, 0] + m[:, 1, 1] + m[:, 2, 2], m[:, 0, 0], m[:, 1, 1], m[:, 2, 2]], axis=1)
    case = np.argmax(diag, axis=1)
    out = np.zeros((m.shape[0], 4))
    w_x = m[:, 2, 1] - m[:, 1, 2]
    w_y = m[:, 0, 2] - m[:, 2, 0]
    w_z = m[:, 1, 0] - m[:, 0, 1]
    xy = m[:, 0, 1] + m[:, 1, 0]
    xz = m[:, 0, 2] + m[:, 2, 0]
    yz = m[:, 1, 2] + m[:, 2, 1]
    # the largest of 4w^2 = 1 + tr, 4x^2 = 1 + 2 m_00 - tr, ... gives a well-conditioned square root
    big = np.sqrt(np.maximum(1.0 + 2 * diag[np.arange(len(case)), case] - diag[:, 0], _EPS))
    half = 0.5 * big
    inv = 0.5 / big
    rows = {
        0: (half, w_x * inv, w_y * inv, w_z * inv),
        1: (w_x * inv, half, xy * inv, xz * inv),
        2: (w_y * inv, xy * inv, half, yz * inv),
        3: (w_z * inv, xz * inv, yz * inv, half),
    }
    for k, parts in rows.items():
        sel = case == k
        out[sel] = np.stack([p[sel] for p in parts], axis=1)
    return normalize(out)


def from_quaternion(quat: np.ndarray) -> np.ndarray:
    """Rotation matrices (N, 3, 3) of unit quaternions (N, 4) = (w, x, y, z)."""
    w, x, y, z = np.asarray(quat, float).T
    r = np.empty((len(w), 3, 3))
    r[:, 0, 0] = 1 - 2 * (y * y + z * z)
    r[:, 0, 1] = 2 * (x * y - w * z)
    r[:, 0, 2] = 2 * (x * z + w * y)
    r[:, 1, 0] = 2 * (x * y + w * z)
    r[:, 1, 1] = 1 - 2 * (x * x + z * z)
    r[:, 1, 2] = 2 * (y * z - w * x)
    r[:, 2, 0] = 2 * (x * z - w * y)
    r[:, 2, 1] = 2 * (y * z + w * x)
    r[:, 2, 2] = 1 - 2 * (x * x + y * y)
    return r


def slerp(qa: np.ndarray, qb: np.ndarray, t) -> np.ndarray:
    """Spherical linear interpolation of unit quaternions (N, 4) at t in [0, 1] (the shorter arc)."""
    t = np.broadcast_to(np.asarray(t, float), (qa.shape[0],))[:, None]
    dot = np.sum(qa * qb, axis=1, keepdims=True)
    qb = np.where(dot < 0, -qb, qb)
    dot = np.abs(dot)
    angle = np.arccos(np.clip(dot, -1.0, 1.0))
    sin = np.sin(angle)
    close = dot > 1 - 1e-9
    safe = np.where(close, 1.0, sin)
    a = np.where(close, 1 - t, np.sin((1 - t) * angle) / safe)
    b = np.where(close, t, np.sin(t * angle) / safe)
    return normalize(a * qa + b * qb)


def _times_unit(q: np.ndarray) -> list[np.ndarray]:
    """q, q i, q j, q k (right products: the frame turned by pi about its own axes)."""
    w, x, y, z = q.T
    return [q, np.stack([-x, w, z, -y], axis=1), np.stack([-y, -z, w, x], axis=1),
            np.stack([-z, y, -x, w], axis=1)]


def bislerp(qa_frames: np.ndarray, qb_frames: np.ndarray, t) -> np.ndarray:
    """Bayer's bidirectional slerp of frames (N, 3, 3) from Qa (t = 0) to Qb (t = 1).

    Of the frames equivalent to Qa under sign flips of two axes, the one nearest Qb (largest
    |quaternion dot product|; the first of Qa, Qa i, Qa j, Qa k within ``TIE`` of the largest) is
    interpolated towards Qb.
    """
    qa = to_quaternion(qa_frames)
    qb = to_quaternion(qb_frames)
    candidates = _times_unit(qa)
    dots = np.stack([np.abs(np.sum(c * qb, axis=1)) for c in candidates], axis=1)
    # exact ties (e.g. Qa and Qb 90 degrees apart about their transmural axis) are broken towards
    # the first candidate, not by round-off, so that the answer does not depend on the partition
    best = np.argmax(dots >= dots.max(axis=1, keepdims=True) - TIE, axis=1)
    start = np.choose(best[:, None], candidates)
    return from_quaternion(slerp(start, qb, t))
