"""Niederer et al. 2011 benchmark at dx = 0.5 mm, dt = 0.05 ms: activation at P8 within a band.

Why this band. Niederer et al. 2011 (section 6) report that at their finest resolution (dx 0.1 mm,
dt 0.005 ms) the eleven codes' last activation, at P8, still spans 37.8-48.7 ms. At dx = 0.5 mm
linear elements conduct too slowly, so P8 activates later than that: fenicsx-beat lists
56.65 ms for this (dx, dt), ours is 54.25 ms, and our own refinement brings P8 down to 37.6 ms at
dx 0.1 mm, dt 0.01 ms (docs/ep.md). The band [51, 58] ms holds both coarse-mesh values with about 3 ms either
side, and its lower bound stays above the published converged spread, so a change that lost the
known coarse-mesh slowing would fail as well as one that slowed conduction further. See docs/ep.md
for the full table and scripts/niederer.py for the grid.
"""

import pytest
from mpi4py import MPI

from heartsim.kernels.ionic import MODELS

pytestmark = pytest.mark.skipif("tentusscher_panfilov_2006" not in MODELS,
                                reason="needs the ten Tusscher-Panfilov 2006 model")


def test_niederer_p8_band_at_half_millimetre():
    from heartsim.verification.niederer import FENICSX_BEAT, POINTS, run_niederer

    r = run_niederer(0.5, 0.05, MPI.COMM_SELF, end=70.0)
    t = r["times"]
    assert 51.0 <= t["P8"] <= 58.0, t
    assert t["P1"] < 2.0  # inside the stimulated cube
    # the wave reaches the points in the order of their distance along the fast (x) axis
    assert t["P1"] < t["P5"] < t["P9"] < t["P3"] < t["P4"] and t["P7"] < t["P8"]
    beat = dict(zip(POINTS, FENICSX_BEAT[(0.5, 0.05)]))
    for p in ("P3", "P4", "P8", "P9"):
        assert abs(t[p] - beat[p]) / beat[p] < 0.1, (p, t[p], beat[p])
