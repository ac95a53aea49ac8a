"""Troponin feedback (J_TRPN) from Land 2017 to ORd: calcium conservation of the exchange and a
coupled beat."""

import numpy as np
import pytest

from heartsim.kernels.ionic import MODELS, native
from heartsim.kernels.ionic.cell import pace
from heartsim.kernels.tension import land2017 as L
from heartsim.kernels.tension.feedback import TRPNMAX_MM, apply_feedback, troponin_feedback
from heartsim.kernels.tension.twitch import paced_with_feedback


def test_troponin_exchange_conserves_calcium():
    """Calcium alone with calmodulin (rapid buffer) and Land's troponin (kinetic): free + calmodulin-
    bound + trpnmax CaTRPN stays constant (to rounding) while calcium binds to troponin, and
    CaTRPN ends at its equilibrium with the final free calcium."""
    p = L.LandParameters.from_preset("land_2017")
    cmdnmax, kmcmdn = 0.05, 0.00238
    cai = np.array([2e-3, 1e-3])  # mM
    y = L.rest_state(p, 2, cai_uM=0.0)

    def total(c, y):
        return c + cmdnmax * c / (kmcmdn + c) + TRPNMAX_MM * y[0]

    start = total(cai, y)
    for _ in range(3000):  # 300 ms in steps of 0.1 ms
        before = y[0].copy()
        L.step(p, y, 0.1, 1e3 * cai, 1.0, 0.0)
        cai = troponin_feedback(cai, y[0] - before, cmdnmax, kmcmdn)
    assert (cai < np.array([2e-3, 1e-3])).all() and (y[0] > 0.1).all()
    assert np.abs(total(cai, y) / start - 1).max() < 1e-12
    x = (1e3 * cai / p.ca50) ** p.nTRPN
    assert np.allclose(y[0], x / (1 + x), rtol=1e-3)
    # one large step: still conserving, and the small-step limit is the linearised Bcai form
    c0, d = np.array([1e-3]), np.array([0.2])
    assert total(troponin_feedback(c0, d, cmdnmax, kmcmdn), np.array([d])) == pytest.approx(total(c0, np.zeros(1)), rel=1e-12)
    bcai = 1 / (1 + cmdnmax * kmcmdn / (kmcmdn + c0) ** 2)
    small = troponin_feedback(c0, 1e-6, cmdnmax, kmcmdn)
    assert (c0 - small) == pytest.approx(bcai * TRPNMAX_MM * 1e-6, rel=1e-5)


def test_feedback_only_for_ord():
    m = MODELS["tentusscher_panfilov_2006"]
    with pytest.raises(ValueError, match="ohara_rudy_2011 only"):
        apply_feedback(m, np.zeros((19, 1)), {}, np.zeros(1))


@pytest.mark.skipif(not native.available(), reason="no C compiler for the native kernel")
def test_coupled_ord_beat_buffers_calcium_through_troponin():
    """One ORd beat with troponin owned by the tension model: its buffering lowers the calcium peak
    against the same cell without any troponin (trpnmax = 0, no feedback); calcium returns to
    diastole and the cell contracts."""
    m = MODELS["ohara_rudy_2011"]
    p = L.LandParameters.from_preset("tor_ord_land")
    beat, (t, ta), _, _ = paced_with_feedback(m, "endo", p, 800.0, 1, 0.02, tension_every=5)
    bare, _ = pace(m, "endo", 800.0, 1, 0.02, overrides={"trpnmax": 0.0})
    assert beat.ca.max() < 0.9 * bare.ca.max()
    assert beat.ca[-1] < 1.2 * beat.ca[0]
    assert ta.max() > 10 * ta[0] and t[-1] == pytest.approx(800.0)
