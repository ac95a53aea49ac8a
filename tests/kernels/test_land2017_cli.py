"""``heartsim cell MODEL --tension land_2017 --stretch 1.1`` and the twitch of a recorded calcium trace."""

import json

import numpy as np
import pytest

from heartsim.kernels.ionic import native
from heartsim.kernels.tension import land2017 as L
from heartsim.kernels.tension.twitch import isometric_twitch, tension_metrics
from heartsim.verification import land2017_reference as R


def _cell(capsys, *args):
    """Exit status and stderr of ``heartsim cell ARGS`` run in this process."""
    from heartsim.cli.main import main

    capsys.readouterr()
    code = main(["cell", *args])
    return code, capsys.readouterr().err


def test_twitch_of_a_sampled_trace_matches_the_reference():
    """A calcium trace sampled every 0.01 ms, tension stepped every 10 samples at the mid-step
    calcium: peak and time to peak as the SciPy reference (0.5 %, 0.5 ms); metrics by hand."""
    p = L.LandParameters.from_preset("tor_ord_land")
    t = np.arange(0.0, 400.0 + 1e-9, 0.01)
    ca = np.array([R.rice_transient(s) for s in t])
    tt, ta = isometric_twitch(p, t, ca, 1.05, stride=10, passes=1)
    assert tt[1] == pytest.approx(0.1) and tt[-1] == pytest.approx(400.0)
    ref, _ = R.isometric_twitch(p.as_dict(), 1.05, tt, R.rice_transient)
    m, m_ref = tension_metrics(tt, ta), tension_metrics(tt, ref)
    assert m["ta_peak_kPa"] == pytest.approx(m_ref["ta_peak_kPa"], rel=5e-3)
    assert abs(m["ta_time_to_peak_ms"] - m_ref["ta_time_to_peak_ms"]) <= 0.5
    assert m["ta_rt50_ms"] == pytest.approx(m_ref["ta_rt50_ms"], abs=0.5)
    tri = tension_metrics(np.arange(5.0), np.array([1.0, 3.0, 5.0, 3.0, 1.0]))
    assert (tri["ta_peak_kPa"], tri["ta_time_to_peak_ms"], tri["ta_rt50_ms"]) == (5.0, 2.0, 1.0)


@pytest.mark.parametrize("args, message", [
    (["ap", "--tension", "land_2017"], "--tension land_2017: ionic model aliev_panfilov has no calcium state"),
    (["tt06", "--tension", "land_2018"], "--tension land_2018: unknown tension model"),
    (["tt06", "--tension", "land_2017", "--tension-set", "Tre=1"], "--tension-set Tre: not a Land 2017 parameter"),
    (["tt06", "--tension", "land_2017", "--tension-set", "rs=2"], "--tension-set rs: must lie in (0, 1)"),
    (["tt06", "--tension", "land_2017", "--stretch", "3"], "--stretch 3.0: must lie in [0.5, 1.5]"),
    (["tt06", "--stretch", "1.1"], "--stretch/--tension-set/--troponin-feedback: need --tension"),
    (["tt06", "--tension", "land_2017", "--troponin-feedback"],
     "--troponin-feedback: troponin feedback is available for ohara_rudy_2011 only"),
])
def test_cell_tension_bad_input_is_one_line_exit_2(tmp_path, capsys, args, message):
    out = tmp_path / "out"
    code, err = _cell(capsys, *args, "--out", str(out))
    assert code == 2, err
    assert message in err and len(err.strip().splitlines()) == 1, err
    assert not out.exists()


@pytest.mark.skipif(not native.available(), reason="no C compiler for the native kernel")
def test_cell_with_tension_writes_ta(tmp_path, capsys):
    out = tmp_path / "tt06"
    code, err = _cell(capsys, "tt06", "--beats", "1", "--dt", "0.02ms", "--tension", "tor_ord_land", "--stretch",
                      "1.1", "--tension-set", "Tref=60", "--out", str(out))
    assert code == 0, err
    m = json.loads((out / "metrics.json").read_text())
    assert m["tension"] == "tor_ord_land" and m["stretch"] == 1.1
    assert 5.0 < m["ta_peak_kPa"] < 60.0 and 50.0 < m["ta_time_to_peak_ms"] < 400.0
    assert m["ta_diastolic_kPa"] < 0.1 * m["ta_peak_kPa"]
    trace = np.loadtxt(out / "trace.csv", delimiter=",", skiprows=1)
    assert trace.shape[1] == 4 and trace[:, 3].max() == pytest.approx(m["ta_peak_kPa"], rel=0.01)
    assert "peak Ta" in err
