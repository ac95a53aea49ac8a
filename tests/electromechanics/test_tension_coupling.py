"""Implicit Land 2017 - mechanics coupling on a cube under uniform activation (heartsim.verification.em_cube).

* 3D (P2-P1, tension at the quadrature points, zeta(lambda) inside Newton) = the 0D reduction of the
  same homogeneous problem, to solver tolerance;
* halving dt gives no oscillation (one minimum of the stretch, the dt and dt/2 twitches agree), while
  the staggered scheme oscillates at every dt (so the check can fail).
"""

import numpy as np

from heartsim.electromechanics.tension import land
from heartsim.verification.em_cube import cube_3d, explicit_0d, implicit_0d

MU = 20.0  # kPa: soft enough that dTa/dlambda (through zeta) exceeds the passive stiffness
TIGHT = {"snes_rtol": 1e-13, "snes_atol": 1e-13, "snes_linesearch_type": "basic"}


def params():
    return land.LandParameters.from_preset("land_2017", {})


def turns(lam: np.ndarray) -> int:
    d = np.diff(lam)
    d = d[np.abs(d) > 1e-12]
    return int(np.count_nonzero(np.diff(np.sign(d))))


def test_cube_equals_0d_reduction():
    lam0d, ta = implicit_0d(params(), MU, 1.0, 60)
    lo, hi, its = cube_3d(params(), MU, 1.0, 60, petsc=TIGHT)
    assert lam0d.min() < 0.97 and ta.max() > 2.0  # it does contract
    assert np.max(np.abs(lo - lam0d)) < 1e-10 and np.max(np.abs(hi - lam0d)) < 1e-10
    assert its.max() <= 6


def test_halving_dt_gives_no_oscillation():
    runs = {dt: implicit_0d(params(), MU, dt, int(round(300 / dt)))[0] for dt in (1.0, 0.5, 0.25)}
    for lam in runs.values():
        assert turns(lam) == 1  # shortening, then relengthening
    e1 = np.max(np.abs(runs[1.0] - runs[0.5][::2]))
    e2 = np.max(np.abs(runs[0.5] - runs[0.25][::2]))
    assert e2 < 0.7 * e1 < 0.01  # converging in dt
    lo1, _, _ = cube_3d(params(), MU, 1.0, 100)
    lo2, _, _ = cube_3d(params(), MU, 0.5, 200)
    assert turns(lo1[:101]) <= 1 and turns(lo2) <= 1
    assert np.max(np.abs(lo1 - lo2[::2])) < 2 * e1


def test_staggered_scheme_oscillates():
    for dt in (1.0, 0.5):
        lam = explicit_0d(params(), MU, dt, int(round(300 / dt)))
        assert np.isnan(lam).any() or turns(lam) > 10
