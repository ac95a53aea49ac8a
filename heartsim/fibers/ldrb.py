"""Rule-based fibers (LDRB) of Bayer et al. 2012 (Ann Biomed Eng 40:2243), Algorithm 1.

With the wall coordinates of :mod:`heartsim.fibers.wall` (phi_epi = e, phi_lv, phi_rv, psi) and their
gradients at every dof of the fiber space, and the configured angles (degrees):

    d        = phi_rv / (phi_lv + phi_rv)                  (0 for an LV; 1/2 where both vanish)
    alpha_s  = alpha_endo (1 - d) - alpha_endo d,          beta_s = beta_endo (1 - d) - beta_endo d
    alpha_w  = alpha_endo (1 - e) + alpha_epi e,           beta_w = beta_endo (1 - e) + beta_epi e
    Q_lv     = orient(axis(grad psi, -grad phi_lv), alpha_s, beta_s)
    Q_rv     = orient(axis(grad psi, +grad phi_rv), alpha_s, beta_s)
    Q_epi    = orient(axis(grad psi, grad phi_epi), alpha_w, beta_w)
    Q_endo   = bislerp(Q_lv, Q_rv, d)
    Q        = bislerp(Q_endo, Q_epi, e),       (f, s, n) = columns of Q.

For an LV, Q_lv uses axis(grad psi, grad phi_epi) (phi_lv = 1 - phi_epi). At the endocardium the
helix angle is alpha_endo and at the epicardium alpha_epi; in between the slerp makes it vary
non-linearly through the wall (as in the paper and in fenicsx-ldrb).
"""

from __future__ import annotations

import numpy as np
from mpi4py import MPI

from heartsim.fibers import rotation
from heartsim.fibers.field import FiberField, make_field, vector_space
from heartsim.fibers.wall import laplace_coordinates, on_space, wall_tags


def ldrb_frames(values: dict, gradients: dict, helix: tuple[float, float], sheet: tuple[float, float],
                biventricular: bool) -> np.ndarray:
    """Frames (N, 3, 3), columns (f, s, n), from wall coordinates and their gradients (pure NumPy).

    ``values``/``gradients``: ``transmural``, ``apicobasal`` (+ ``lv``, ``rv`` when biventricular).
    """
    a_endo, a_epi = helix
    b_endo, b_epi = sheet
    e = np.clip(values["transmural"], 0.0, 1.0)
    g_ab, g_epi = gradients["apicobasal"], gradients["transmural"]
    a_w = a_endo * (1 - e) + a_epi * e
    b_w = b_endo * (1 - e) + b_epi * e
    q_epi = rotation.orient(rotation.frame(g_ab, g_epi), a_w, b_w)
    if not biventricular:
        q_endo = rotation.orient(rotation.frame(g_ab, g_epi), a_endo, b_endo)
        return rotation.bislerp(q_endo, q_epi, e)
    lv, rv = np.clip(values["lv"], 0.0, 1.0), np.clip(values["rv"], 0.0, 1.0)
    total = lv + rv
    d = np.where(total > 1e-12, rv / np.where(total > 1e-12, total, 1.0), 0.5)
    a_s = a_endo * (1 - d) - a_endo * d
    b_s = b_endo * (1 - d) - b_endo * d
    q_lv = rotation.orient(rotation.frame(g_ab, -gradients["lv"]), a_s, b_s)
    q_rv = rotation.orient(rotation.frame(g_ab, gradients["rv"]), a_s, b_s)
    q_endo = rotation.bislerp(q_lv, q_rv, d)
    return rotation.bislerp(q_endo, q_epi, e)


def ldrb_fibers(tagged, cfg, comm: MPI.Comm) -> FiberField:
    """LDRB fibers on ``tagged`` (a TaggedMesh with endo/epi/base or lv_endo/rv_endo/epi/base facet
    tags named as in ``cfg``, a FibersConfig), in the space ``cfg.resolved_space()``.

    The field's ``coordinates`` hold the P1 Laplace solutions ``transmural`` and ``apicobasal``.
    """
    tags = wall_tags(tagged, cfg, comm)
    kind = cfg.resolved_space()
    scalars = laplace_coordinates(tagged, tags, comm)
    space = vector_space(tagged.mesh, kind)
    values, gradients = on_space(scalars, space, kind)
    frames = ldrb_frames(values, gradients, cfg.helix(), cfg.sheet(), tags.biventricular)
    coordinates = {k: scalars[k] for k in ("transmural", "apicobasal")}
    return make_field(space, frames, kind, "ldrb", coordinates)
