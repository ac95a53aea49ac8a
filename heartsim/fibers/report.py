"""Helix angles of a fiber field, for reports and verification.

The helix angle of f in a wall frame (e_l apex -> base, e_t endo -> epi, e_c = e_l x e_t) is
alpha = atan2(f . e_l, f . e_c), wrapped into [-90, 90) degrees (a fiber line has no sign). Means
over a layer of the wall are axial (circular means of 2 alpha, halved), so +89 and -89 average to 90.
"""

from __future__ import annotations

import numpy as np
from mpi4py import MPI

from heartsim.fibers import rotation

#: wall layers by transmural coordinate (0 endocardium, 1 epicardium)
LAYERS = {"endo": (0.0, 0.1), "mid": (0.45, 0.55), "epi": (0.9, 1.0)}


def helix_angles(fiber: np.ndarray, grad_long: np.ndarray, grad_trans: np.ndarray) -> np.ndarray:
    """Helix angles (degrees, [-90, 90)) of fibers (N, 3) in the frames of the two gradients."""
    q = rotation.frame(grad_long, grad_trans)
    f = rotation.normalize(fiber)
    alpha = np.degrees(np.arctan2(np.sum(f * q[:, :, 1], axis=1), np.sum(f * q[:, :, 0], axis=1)))
    return (alpha + 90.0) % 180.0 - 90.0


def axial_mean(angles_deg: np.ndarray, comm: MPI.Comm) -> tuple[float, int]:
    """(Axial mean in degrees, count) of angles over all ranks (NaN for none)."""
    a = np.radians(2 * np.asarray(angles_deg, float))
    sums = comm.allreduce(np.array([np.sin(a).sum(), np.cos(a).sum(), float(a.size)]), op=MPI.SUM)
    if sums[2] == 0:
        return float("nan"), 0
    mean = 0.5 * np.degrees(np.arctan2(sums[0], sums[1]))
    return float((mean + 90.0) % 180.0 - 90.0), int(sums[2])


def layer_means(angles: np.ndarray, transmural: np.ndarray, comm: MPI.Comm) -> dict[str, tuple[float, int]]:
    """Axial mean helix angle and dof count in each layer of :data:`LAYERS` (owned dofs given)."""
    return {name: axial_mean(angles[(transmural >= lo) & (transmural <= hi)], comm)
            for name, (lo, hi) in LAYERS.items()}
