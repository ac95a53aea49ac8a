"""Planar-wave conduction velocity: convergence under refinement and the anisotropy ratio.

In the continuum CV scales with sqrt(sigma), so CV_l / CV_t = sqrt(sigma_l / sigma_t).
"""

import math

from heartsim.verification.ep_cv import conduction_velocity

SIGMA_L, SIGMA_T = 0.1334, 0.0176


def test_cv_converges_and_ratio_matches_sqrt_sigma():
    hs = [0.2, 0.1, 0.05]
    cv_l = [conduction_velocity(h, fiber=(1, 0, 0), sigma_l=SIGMA_L, sigma_t=SIGMA_T) for h in hs]
    cv_t = [conduction_velocity(h, fiber=(0, 1, 0), sigma_l=SIGMA_L, sigma_t=SIGMA_T) for h in hs]
    for cv in (cv_l, cv_t):
        # successive changes shrink: the speed converges under refinement
        assert abs(cv[2] - cv[1]) < abs(cv[1] - cv[0]), cv
    ratio = cv_l[-1] / cv_t[-1]
    expected = math.sqrt(SIGMA_L / SIGMA_T)
    assert abs(ratio / expected - 1) < 0.05, (cv_l, cv_t, ratio, expected)
