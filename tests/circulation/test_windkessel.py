"""Windkessel models: analytic periodic solutions (RCR, 2 and 4 elements), closed-form impedances,
time-step convergence order of BDF1/BDF2, and the outlet interface a 3D model uses."""

import math

import numpy as np
import pytest

from heartsim.circulation.outlet import RCROutlet, ResistanceOutlet, Windkessel2Outlet, Windkessel4Outlet
from heartsim.circulation.units import COMPLIANCE, INERTANCE, MMHG, RESISTANCE
from heartsim.circulation.windkessel import fit_sinusoid, sine_response, windkessel2, windkessel3, windkessel4

R_P, C, R_D, L, P_V = 0.05 * RESISTANCE, 1.5 * COMPLIANCE, 1.0 * RESISTANCE, 0.005 * INERTANCE, 5 * MMHG
PERIOD, MEAN, AMP = 1000.0, 80.0, 80.0  # ms, mL/s, mL/s
OMEGA = 2 * math.pi / PERIOD


def _outlet(elements, scheme):
    if elements == 2:
        return Windkessel2Outlet(R_D, C, P_V, scheme=scheme)
    if elements == 3:
        return RCROutlet(R_P, C, R_D, P_V, scheme=scheme)
    return Windkessel4Outlet(R_P, C, R_D, L, P_V, scheme=scheme)


def _max_error(elements, scheme, dt, cycles=1):
    """Max error over ``cycles`` periods against the analytic periodic solution, started on it."""
    outlet = _outlet(elements, scheme)
    wk = outlet.model
    # start exactly on the periodic solution: x(0) = Re/Im parts of the phasor of the states
    n = wk.A.shape[0]
    phasor = np.linalg.solve(1j * OMEGA * np.eye(n) - wk.A, wk.B) * AMP  # states for Q = AMP e^{i w t}
    x0 = wk.steady_state(MEAN) + np.imag(phasor)  # Q = MEAN + AMP sin(w t) = Im(AMP e^{i w t})
    outlet.history = [x0]
    steps = round(cycles * PERIOD / dt)
    t = np.arange(1, steps + 1) * dt
    p = np.array([outlet.advance(MEAN + AMP * math.sin(OMEGA * tk), dt) for tk in t])
    return np.max(np.abs(p - sine_response(wk, MEAN, AMP, OMEGA, t)))


@pytest.mark.parametrize("elements", [2, 3, 4])
def test_periodic_response_matches_analytic_amplitude_and_phase(elements):
    """Run from rest-like start to periodicity; amplitude and phase of the last cycle vs |Z|, arg Z."""
    outlet = _outlet(elements, "bdf2")
    dt = 1.0
    t = np.arange(1, round(8 * PERIOD / dt) + 1) * dt  # 8 periods: RC = 1.5 s, so e^{-8/1.5} ~ 5e-3 left
    outlet.history = [outlet.model.steady_state(MEAN)]
    p = np.array([outlet.advance(MEAN + AMP * math.sin(OMEGA * tk), dt) for tk in t])
    last = t > t[-1] - PERIOD
    mean, amp, phase = fit_sinusoid(t[last], p[last], OMEGA)
    z = outlet.model.impedance(OMEGA)[0]
    assert amp == pytest.approx(abs(z) * AMP, rel=2e-3)
    assert phase == pytest.approx(np.angle(z), abs=2e-3)
    # the mean sees the DC resistance: R_d (+ R_p for RCR; the inductor short-circuits R_p in the 4-element one)
    assert mean == pytest.approx(P_V + (R_D + (R_P if elements == 3 else 0)) * MEAN, rel=5e-3)


def test_state_space_impedance_equals_closed_forms():
    w = np.array([0.1, 1.0, 10.0]) * OMEGA
    z2 = R_D / (1 + 1j * w * R_D * C)
    z3 = R_P + R_D / (1 + 1j * w * R_D * C)
    z4 = 1j * w * L * R_P / (R_P + 1j * w * L) + R_D / (1 + 1j * w * R_D * C)
    np.testing.assert_allclose(windkessel2(R_D, C).impedance(w), z2, rtol=1e-12)
    np.testing.assert_allclose(windkessel3(R_P, C, R_D).impedance(w), z3, rtol=1e-12)
    np.testing.assert_allclose(windkessel4(R_P, C, R_D, L).impedance(w), z4, rtol=1e-12)


@pytest.mark.parametrize("scheme,order", [("backward_euler", 1), ("bdf2", 2)])
@pytest.mark.parametrize("elements", [3, 4])
def test_time_step_convergence_order(scheme, order, elements):
    errors = [_max_error(elements, scheme, dt) for dt in (10.0, 5.0, 2.5)]
    rates = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert np.all(np.abs(rates - order) < 0.15), (errors, rates)


def test_rcr_backward_euler_is_the_documented_formula():
    out = RCROutlet(R_p=R_P, C=C, R_d=R_D, P_v=P_V, P_c=10.0)
    dt, q = 2.0, 75.0
    expected_pc = (10.0 + dt / C * (q + P_V / R_D)) / (1 + dt / (R_D * C))
    assert out.pressure(q, dt) == pytest.approx(R_P * q + expected_pc, rel=1e-14)
    assert out.P_c == 10.0  # pressure() does not change the state
    assert out.advance(q, dt) == pytest.approx(R_P * q + expected_pc, rel=1e-14)
    assert out.P_c == pytest.approx(expected_pc, rel=1e-14)


@pytest.mark.parametrize("outlet", [RCROutlet(R_P, C, R_D, P_V, P_c=12.0),
                                    Windkessel2Outlet(R_D, C, P_V, P=12.0),
                                    Windkessel4Outlet(R_P, C, R_D, L, P_V, P_c=12.0, Q_L=30.0, scheme="bdf2"),
                                    ResistanceOutlet(R_D, P_V)])
def test_pressure_and_flow_directions_agree(outlet):
    """Imposing the pressure that a flow gives yields that flow back (the reverse coupling)."""
    dt = 1.0
    for q in (50.0, -20.0, 120.0):
        p = outlet.pressure(q, dt)
        assert outlet.flow(p, dt) == pytest.approx(q, rel=1e-10)
        assert outlet.resistance(dt) == pytest.approx((outlet.pressure(q + 1.0, dt) - p), rel=1e-8)
        assert outlet.advance_pressure(p, dt) == pytest.approx(q, rel=1e-10)
