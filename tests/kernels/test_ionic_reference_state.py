"""TT06 epi: the authors' listed 1 Hz state is a periodic orbit of our equations (one beat returns to it).

The state (heartsim.verification.ionic_reference) comes from ten Tusscher's TT06 code, independent
of the CellML encoding our model file was checked against. A wrong conductance, rate or buffering
constant moves the end-of-beat state away from it by far more than the tolerances below (measured
2026-11-21 at dt = 0.01 ms: V changes by -0.0003 mV over the beat, every gate by less than 1e-5,
Ca_i by 0.1 %, Ca_SR by -0.0009 mM, Na_i by -0.0020 mM and K_i by +0.0020 mM: only the slow
concentrations still move, as they do over thousands of beats).
"""

import numpy as np
import pytest

from heartsim.kernels.ionic import MODELS, native
from heartsim.kernels.ionic.cell import ap_metrics, pace
from heartsim.verification.ionic_reference import TT06_EPI_1HZ

TT06 = "tentusscher_panfilov_2006"


@pytest.mark.skipif(TT06 not in MODELS, reason="needs the ten Tusscher-Panfilov 2006 model")
@pytest.mark.skipif(not native.available(), reason="no C compiler for the native kernel")
def test_tt06_authors_1hz_state_returns_after_one_beat():
    model = MODELS[TT06]
    y0 = np.array([TT06_EPI_1HZ[name] for name in model.state_names])
    beat, y1 = pace(model, "epi", 1000.0, 1, 0.01, kernel="native", initial=y0)
    end = dict(zip(model.state_names, y1))
    assert end["V"] == pytest.approx(TT06_EPI_1HZ["V"], abs=0.005)
    assert end["Ca_i"] == pytest.approx(TT06_EPI_1HZ["Ca_i"], rel=0.01)
    assert end["Ca_SR"] == pytest.approx(TT06_EPI_1HZ["Ca_SR"], abs=0.003)
    assert end["Ca_ss"] == pytest.approx(TT06_EPI_1HZ["Ca_ss"], rel=0.01)
    assert end["Na_i"] == pytest.approx(TT06_EPI_1HZ["Na_i"], abs=0.005)
    assert end["K_i"] == pytest.approx(TT06_EPI_1HZ["K_i"], abs=0.005)
    gates = [n for n in model.state_names if n not in ("V", "Ca_i", "Ca_SR", "Ca_ss", "Na_i", "K_i")]
    for gate in gates:
        assert end[gate] == pytest.approx(TT06_EPI_1HZ[gate], abs=1e-4), gate
    m = ap_metrics(beat)
    assert 290.0 < m["apd90_ms"] < 305.0, m
