"""Flow-rate waveforms: periodicity, interpolation, Fourier round trips, the built-in aortic inflow."""

import numpy as np
import pytest

from heartsim.flow.waveforms import FourierWaveform, TableWaveform, physiological_aortic


def test_fourier_series_values_mean_and_integral():
    w = FourierWaveform(1000.0, 5.0, cos=[2.0, 0.5], sin=[1.0])
    t = np.array([0.0, 125.0, 400.0])
    om = 2 * np.pi / 1000.0
    exact = 5 + 2 * np.cos(om * t) + 0.5 * np.cos(2 * om * t) + np.sin(om * t)
    assert np.allclose(w(t), exact)
    assert w(1125.0) == pytest.approx(w(125.0))
    assert w(-875.0) == pytest.approx(w(125.0))
    assert w.mean() == 5.0
    assert w.integral(0, 1000) == pytest.approx(5000.0)
    # integral of sin over a quarter period: T / (2 pi)
    assert FourierWaveform(1000.0, 0, sin=[1.0]).integral(0, 250) == pytest.approx(1000 / (2 * np.pi))


def test_fourier_of_a_fourier_series_is_itself_and_shift_is_handled():
    w = FourierWaveform(800.0, 3.0, cos=[1.0, -0.2, 0.1], sin=[0.4, 0.3])
    # a table of its samples starting at a non-zero time: the FFT must undo the time shift
    t = 100.0 + np.linspace(0, 800, 257)
    table = TableWaveform(t, w(t), kind="cubic")
    f = table.fourier(3)
    assert f.mean() == pytest.approx(3.0, abs=1e-6)
    assert np.allclose(f.a, [1.0, -0.2, 0.1], atol=1e-5)
    assert np.allclose(f.b, [0.4, 0.3, 0.0], atol=1e-5)
    assert np.allclose(w.complex_coefficients(), [3.0, 1 - 0.4j, -0.2 - 0.3j, 0.1])


@pytest.mark.parametrize("kind", ["linear", "cubic"])
def test_table_passes_through_samples_and_is_periodic(kind):
    t = [0, 100, 250, 400, 800]
    q = [0.0, 300.0, 100.0, -10.0, 0.0]
    w = TableWaveform(t, q, kind=kind)
    assert w.period == 800
    assert np.allclose(w(t), q)
    assert np.allclose(w(np.array(t) + 1600), q)
    s = np.linspace(0, 800, 1001)
    assert np.allclose(w(s), w(s - 800))


def test_cubic_table_is_smooth_at_the_wrap():
    t = np.linspace(0, 1000, 21)
    w = TableWaveform(t, np.sin(2 * np.pi * t / 1000), kind="cubic")
    eps = 1e-3
    left = (w(1000 - eps) - w(1000 - 2 * eps)) / eps
    right = (w(1000 + 2 * eps) - w(1000 + eps)) / eps
    assert left == pytest.approx(right, rel=1e-3)
    assert left == pytest.approx(2 * np.pi / 1000, rel=1e-3)
    # interpolation error of a smooth periodic function is small (h^4)
    s = np.linspace(0, 1000, 777)
    assert np.max(np.abs(w(s) - np.sin(2 * np.pi * s / 1000))) < 1e-4


def test_table_with_explicit_period_and_open_end():
    w = TableWaveform([0, 300], [10.0, 20.0], period=600, kind="linear")
    assert w(450) == pytest.approx(15.0)  # from 20 at 300 back to 10 at 600
    assert w.mean() == pytest.approx(15.0, rel=1e-6)


@pytest.mark.parametrize("times, flows, period, kind, message", [
    ([0, 1, 1], [1, 2, 1], None, "cubic", "increase strictly"),
    ([0, 100, 200], [1, 2, 3], None, "cubic", "must equal the first"),
    ([0, 100], [1, 2, 1], None, "linear", "differ in length"),
    ([0, 100, 200], [1, 2, 1], 150, "linear", "shorter than the table"),
    ([0, 100, 200], [1, 2, 1], None, "spline", "linear or cubic"),
    ([0, 100], [1, 1], None, "cubic", "at least 3"),
])
def test_bad_tables_say_why(times, flows, period, kind, message):
    with pytest.raises(ValueError, match=message):
        TableWaveform(times, flows, period=period, kind=kind)


def test_physiological_aortic_volumes_and_peak():
    w = physiological_aortic()
    assert w.period == 800
    assert w.integral(0, 800) == pytest.approx(70_000, rel=1e-6)  # net stroke volume (mm^3)
    assert w.mean() * 60 * 1000 / 1e6 == pytest.approx(5.25, rel=1e-3)  # cardiac output, L/min
    t = np.linspace(0, 800, 8001)
    q = w(t)
    assert 400 < q.max() < 550  # mL/s
    assert t[np.argmax(q)] == pytest.approx(120, abs=1)  # 40 % of ejection
    assert q.min() < 0  # backflow at valve closure
    assert -q[q < 0].sum() * 0.1 == pytest.approx(1000, rel=1e-3)  # backflow volume (mm^3)
    assert np.all(q[t > 350] == 0)
    # 20 harmonics reproduce it to a few per cent of the peak
    f = w.fourier(20)
    assert np.max(np.abs(f(t) - q)) < 0.03 * q.max()
    assert f.mean() == pytest.approx(w.mean(), rel=1e-9)
