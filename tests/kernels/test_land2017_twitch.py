"""Land 2017 against an independent SciPy integration of the published equations
(heartsim.verification.land2017_reference): isometric twitches at lambda = 1.0 and 1.1, a quick
release; and the generated NumPy code against the host-compiled kernel."""

import numpy as np
import pytest

from heartsim.kernels.ionic import native
from heartsim.kernels.tension import land2017 as L
from heartsim.verification import land2017_reference as R

needs_cc = pytest.mark.skipif(not native.available(), reason="no C compiler")


def _twitch(p, lams, dt, t_end, kernel="numpy"):
    """Ta (steps + 1, len(lams)) of isometric twitches under the Rice transient (calcium at mid-step)."""
    y = L.rest_state(p, len(lams), lmbda=lams, cai_uM=R.rice_transient(0.0))
    n = int(round(t_end / dt))
    ta = np.empty((n + 1, len(lams)))
    ta[0] = L.active_tension(p, y, lams)
    for k in range(n):
        L.step(p, y, dt, R.rice_transient((k + 0.5) * dt), lams, 0.0, kernel=kernel)
        ta[k + 1] = L.active_tension(p, y, lams)
    return np.arange(n + 1) * dt, ta


def test_published_values_are_the_preset():
    assert L.LandParameters.from_preset("land_2017").as_dict() == R.PUBLISHED


@pytest.mark.parametrize("preset", ["land_2017", "tor_ord_land"])
def test_isometric_twitch_matches_the_reference(preset):
    """Peak Ta within 1 % and time to peak within 1 ms of solve_ivp (Radau, rtol 1e-10) at
    lambda = 1.0 and 1.1 (measured: 0.01 % and 0.15 ms at dt = 0.1 ms); stretch raises the peak."""
    p = L.LandParameters.from_preset(preset)
    lams = np.array([1.0, 1.1])
    t, ta = _twitch(p, lams, 0.1, 300.0)
    t_ref = np.arange(0.0, 300.0 + 1e-9, 0.05)
    for j, lam in enumerate(lams):
        ref, _ = R.isometric_twitch(p.as_dict(), lam, t_ref, R.rice_transient)
        assert ta[:, j].max() == pytest.approx(ref.max(), rel=0.01)
        assert abs(t[ta[:, j].argmax()] - t_ref[ref.argmax()]) < 1.0
        # the whole curve, not only its peak: within 0.5 % of the peak everywhere
        assert np.abs(np.interp(t_ref, t, ta[:, j]) - ref).max() < 0.005 * ref.max()
    assert ta[:, 1].max() > 1.15 * ta[:, 0].max()  # length dependence (beta0, beta1)


def test_quick_release_drops_tension_at_once():
    """A -2 % length step within 0.1 ms at t = 100 ms (rising twitch, lambda 1.0 -> 0.98): Ta falls
    at once through zeta_s, zeta_w (by A dlambda = -0.2 each), then recovers as they decay; the
    same numbers as the reference integration of the same protocol."""
    p = L.LandParameters.from_preset("land_2017")
    dt, t_r, ramp = 0.1, 100.0, 0.1
    lam_of = lambda t: 1.0 if t <= t_r else (0.98 if t >= t_r + ramp else 1.0 - 0.02 * (t - t_r) / ramp)  # noqa: E731
    y = L.rest_state(p, 1, cai_uM=R.rice_transient(0.0))
    ta = []
    for k in range(int(round(160.0 / dt))):
        t = (k + 0.5) * dt
        if t_r < t < t_r + ramp:  # the release step in 10 sub-steps (operator splitting error 0.6 % -> 0.06 %)
            for j in range(10):
                s = k * dt + (j + 0.5) * dt / 10
                L.step(p, y, dt / 10, R.rice_transient(s), lam_of(s), -0.02 / ramp)
        else:
            L.step(p, y, dt, R.rice_transient(t), lam_of(t), 0.0)
        ta.append(float(L.active_tension(p, y, lam_of((k + 1) * dt))[0]))
    ta = np.array(ta)
    k_r = int(round(t_r / dt)) - 1  # Ta at t_r; ta[k_r + 1] is just after the release
    before, after = ta[k_r], ta[k_r + 1]
    assert after < 0.6 * before  # an instantaneous drop of more than 40 %
    assert ta[k_r + 1 + int(20 / dt)] > after * 1.2  # recovery as the distortion decays

    # reference: three segments (before, during and after the 0.1 ms ramp)
    pd = p.as_dict()
    y0 = R.diastolic_state(pd, R.rice_transient(0.0), 1.0)
    y1 = R.integrate(pd, y0, np.array([0.0, t_r]), R.rice_transient)[:, -1]
    y2 = R.integrate(pd, y1, np.array([t_r, t_r + ramp]), R.rice_transient, lam_of, lambda t: -0.02 / ramp,
                     max_step=0.01)[:, -1]
    assert before == pytest.approx(R.tension(pd, y1, 1.0), rel=2e-3)
    assert after == pytest.approx(R.tension(pd, y2, 0.98), rel=2e-3)
    assert y2[4] - y1[4] == pytest.approx(-0.2, rel=0.02)  # zeta_s jumps by A dlambda


@needs_cc
@pytest.mark.parametrize("method", ["rush_larsen", "generalised_rush_larsen", "forward_euler"])
def test_numpy_and_native_kernels_agree(method):
    """Generated array code and the compiled kernel source: same numbers (1e-9 relative) through
    a twitch with a stretch ramp, per-node inputs and both presets' parameters."""
    for preset in ("land_2017", "tor_ord_land"):
        p = L.LandParameters.from_preset(preset, {"Tref": 100.0})
        lams = np.array([0.9, 1.0, 1.1, 1.25])
        a = L.rest_state(p, 4, lmbda=lams, cai_uM=0.1)
        b = a.copy()
        for k in range(300):
            cai = np.array([0.1, 0.5, 1.0, 2.0]) * (1 + np.sin(k / 50.0))
            rate = 1e-3 * np.cos(k / 30.0) * np.array([1.0, -1.0, 2.0, 0.5])
            dt = 0.05 if method == "forward_euler" else 1.0  # forward Euler: dt below 1 / ku
            L.step(p, a, dt, cai, lams, rate, method=method)
            L.step(p, b, dt, cai, lams, rate, method=method, kernel="native")
        assert np.isfinite(a).all() and np.abs(a[4:]).max() > 1e-3
        assert np.allclose(a, b, rtol=1e-9, atol=1e-13), (preset, method)


def test_rush_larsen_converges_to_forward_euler_limit():
    """Forward Euler and Rush-Larsen twitches approach each other as dt falls (first order)."""
    p = L.LandParameters.from_preset("land_2017")
    lams = np.array([1.0])
    peaks = {}
    for method in ("rush_larsen", "forward_euler"):
        for dt in (0.4, 0.2):
            y = L.rest_state(p, 1, cai_uM=0.09)
            best = 0.0
            for k in range(int(round(200 / dt))):
                L.step(p, y, dt, R.rice_transient((k + 0.5) * dt), lams, 0.0, method=method)
                best = max(best, float(L.active_tension(p, y, lams)[0]))
            peaks[method, dt] = best
    d1 = abs(peaks["rush_larsen", 0.4] - peaks["forward_euler", 0.4])
    d2 = abs(peaks["rush_larsen", 0.2] - peaks["forward_euler", 0.2])
    assert 0 < d2 < 0.7 * d1


@needs_cc
def test_single_precision_kernel_twitch():
    """The same kernel source built with -DHEARTSIM_FP32 (what the FP32 GPU path runs) on float32
    states: the twitch within 0.1 % of the FP64 one."""
    p = L.LandParameters.from_preset("land_2017")
    lams = np.array([1.0, 1.1])
    runs = []
    for dtype in (np.float64, np.float32):
        y = L.rest_state(p, 2, lmbda=lams, cai_uM=R.rice_transient(0.0)).astype(dtype)
        peak = np.zeros(2)
        for k in range(2500):
            L.step(p, y, 0.1, R.rice_transient((k + 0.5) * 0.1), lams, 0.0, kernel="native")
            peak = np.maximum(peak, L.active_tension(p, y.astype(np.float64), lams))
        assert y.dtype == dtype
        runs.append(peak)
    assert np.allclose(runs[1], runs[0], rtol=1e-3)
