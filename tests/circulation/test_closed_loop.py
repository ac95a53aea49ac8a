"""Closed loop (Regazzoni et al. 2022): Jacobian, volume conservation, physiological periodic state,
the 3D coupling modes (pressure from another model, imposed volume), integrator order."""

import numpy as np
import pytest

from heartsim.circulation.build import closed_loop_from_config
from heartsim.circulation.closed_loop import STATES, ImposedVolume, PressureOfVolume
from heartsim.circulation.integrator import BDFStepper, Trajectory
from heartsim.circulation.periodic import CycleMonitor, cycle_metrics
from heartsim.circulation.units import COMPLIANCE, ELASTANCE, INERTANCE, ML, MMHG, RESISTANCE
from heartsim.config.circulation import CirculationConfig

CFG = CirculationConfig()  # the published defaults
PERIOD = CFG.closed_loop.period


def _run(model, dt, t_end, method="bdf2", y0=None, t0=0.0):
    y0 = model.initial_state(CFG.closed_loop.initial.model_dump()) if y0 is None else y0
    tr = Trajectory(BDFStepper(model, method), y0, t0)
    rows = [model.outputs(t0, y0)]
    for _ in range(round((t_end - t0) / dt)):
        tr.advance(dt)
        rows.append(model.outputs(tr.t, tr.y))
    return tr, {k: np.array([r[k] for r in rows]) for k in rows[0]}


def test_analytic_jacobian_matches_finite_differences():
    for chambers in (None, {"LV": ImposedVolume(lambda t: 120e3 + 10.0 * t)}):
        model = closed_loop_from_config(CFG.closed_loop, chambers)
        y = model.initial_state(CFG.closed_loop.initial.model_dump())
        y[8:12] = [60.0, 70.0, 50.0, 40.0]
        ydot = np.linspace(-1, 1, len(y))
        for t in (50.0, 300.0, 900.0):
            exact = model.jacobian(t, y, ydot, 0.5)
            approx = model.jacobian_fd(t, y, ydot, 0.5)
            assert np.max(np.abs(exact - approx)) <= 1e-5 * np.max(np.abs(exact)), t


def test_total_volume_is_conserved():
    model = closed_loop_from_config(CFG.closed_loop)
    _, col = _run(model, 2.0, PERIOD)
    assert np.max(np.abs(col["V_total"] - col["V_total"][0])) < 1e-8 * col["V_total"][0]


# Circulation parameters of Regazzoni et al. 2022 (docs/circulation.md), clinical units; times as
# fractions of the 0.8 s heart period. The LV elastance is the authors' 0D code's (their LV is 3D).
PUBLISHED_CHAMBERS = {  # E_act, E_pass (mmHg/mL), V0 (mL), t_C, T_C, T_R (fractions of T_HB)
    "LA": (0.07, 0.18, 4.0, 0.9, 0.17, 0.17), "RA": (0.06, 0.07, 4.0, 0.9, 0.17, 0.17),
    "LV": (2.75, 0.08, 5.0, 0.1, 0.25, 0.4), "RV": (0.55, 0.05, 16.0, 0.1, 0.25, 0.4)}
PUBLISHED_COMPARTMENTS = {  # R (mmHg s/mL), C (mL/mmHg), L (mmHg s^2/mL)
    "AR_SYS": (0.64, 1.2, 5e-3), "VEN_SYS": (0.32, 60.0, 5e-4),
    "AR_PUL": (0.032116, 10.0, 5e-4), "VEN_PUL": (0.035684, 16.0, 5e-4)}

# Periodic state of the defaults (scripts/verify_circulation.py, BDF2, dt = 2 ms, change < 1e-4).
DOCUMENTED_VOLUMES_ML = {"LV_EDV": 127.38, "LV_ESV": 49.10, "RV_EDV": 128.32, "RV_ESV": 50.10}
DOCUMENTED_PRESSURES_MMHG = {"p_AR_SYS_max": 126.58, "p_AR_SYS_min": 74.39, "p_AR_PUL_max": 20.76,
                             "p_AR_PUL_min": 15.02, "p_AR_PUL_mean": 17.43, "p_LA_mean": 10.80}


def test_defaults_are_the_published_parameters():
    cl = CFG.closed_loop
    T = cl.period
    assert T == pytest.approx(800.0)
    for name, (e_act, e_pass, v0, t_c, T_c, T_r) in PUBLISHED_CHAMBERS.items():
        ch = getattr(cl.chambers, name)
        assert (ch.E_act, ch.E_pass, ch.V0) == pytest.approx((e_act * ELASTANCE, e_pass * ELASTANCE, v0 * ML)), name
        assert (ch.t_contract, ch.T_contract, ch.T_relax) == pytest.approx((t_c * T, T_c * T, T_r * T)), name
    for name, (R, C, L) in PUBLISHED_COMPARTMENTS.items():
        comp = getattr(cl.compartments, name)
        assert (comp.R, comp.C, comp.L) == pytest.approx((R * RESISTANCE, C * COMPLIANCE, L * INERTANCE)), name
    for valve in ("MV", "AV", "TV", "PV"):
        v = getattr(cl.valves, valve)
        assert (v.R_min, v.R_max) == pytest.approx((0.0075 * RESISTANCE, 75006.2 * RESISTANCE))


def test_periodic_state_is_physiological():
    """The defaults reach a periodic state (change < 1e-3) within 26 beats; it is the documented one
    (coarse tolerances: fails if a default drifts) and a healthy adult's at rest."""
    model = closed_loop_from_config(CFG.closed_loop)
    dt = 2.0
    y0 = model.initial_state(CFG.closed_loop.initial.model_dump())
    tr = Trajectory(BDFStepper(model, "bdf2"), y0)
    monitor = CycleMonitor(round(PERIOD / dt), y0)
    changes, rows = [], []
    while len(changes) < 30 and (not changes or changes[-1] >= 1e-3):
        tr.advance(dt)
        rows.append(model.outputs(tr.t, tr.y))
        change = monitor.update(tr.y)
        if change is not None:
            changes.append(change)
            last, rows = rows, []
    assert changes[-1] < 1e-3 and len(changes) <= 26, changes
    m = cycle_metrics({k: np.array([r[k] for r in last]) for k in last[0]}, PERIOD)
    for key, value in DOCUMENTED_VOLUMES_ML.items():
        assert m[key] / ML == pytest.approx(value, rel=0.02), key
    for key, value in DOCUMENTED_PRESSURES_MMHG.items():
        assert m[key] / MMHG == pytest.approx(value, abs=1.0), key
    assert 0.55 < m["LV_EF"] < 0.72 and m["RV_EF"] > 0.45  # Lang et al. 2015: LVEF 52-74 %, RVEF >= 45 %
    assert m["p_AR_SYS_min"] / MMHG < 80 and 4.0 < m["cardiac_output"] * 60 / 1000 < 8.0
    mpap, mla = m["p_AR_PUL_mean"] / MMHG, m["p_LA_mean"] / MMHG
    assert mpap < 20.6  # Kovacs et al. 2009: upper limit of normal resting mean PAP
    assert (mpap - mla) / (m["cardiac_output"] * 60 / 1000) <= 2.0  # PVR (Wood units), ESC/ERS 2022
    assert m["LV_SV"] == pytest.approx(m["RV_SV"], rel=2e-2)  # both ventricles eject the same volume


def test_pressure_of_volume_from_another_model_reproduces_the_elastance():
    """A 3D model returning the same p(V, t) as the elastance gives the same trajectory (with and without dp/dV)."""
    ref = closed_loop_from_config(CFG.closed_loop)
    lv = ref.chambers["LV"]
    _, col_ref = _run(ref, 2.0, 400.0)
    for fn in (lambda V, t: lv.pressure(V, t), lambda V, t: lv.pressure(V, t)[0]):
        model = closed_loop_from_config(CFG.closed_loop, {"LV": PressureOfVolume(fn)})
        _, col = _run(model, 2.0, 400.0)
        np.testing.assert_allclose(col["p_LV"], col_ref["p_LV"], rtol=1e-6, atol=1e-6)


def test_imposed_volume_returns_the_pressure():
    """Imposing the LV volume of an elastance run gives back its LV pressure (volume in, pressure out)."""
    dt = 2.0
    ref = closed_loop_from_config(CFG.closed_loop)
    tr_ref, col_ref = _run(ref, dt, 600.0)
    times = np.arange(len(col_ref["V_LV"])) * dt
    model = closed_loop_from_config(CFG.closed_loop, {"LV": ImposedVolume(
        lambda t: float(np.interp(t, times, col_ref["V_LV"])))})
    y0 = model.initial_state({**CFG.closed_loop.initial.model_dump(), "p_LV": col_ref["p_LV"][0]})
    _, col = _run(model, dt, 600.0, y0=y0)
    assert len(model.names) == len(STATES) + 1
    np.testing.assert_allclose(col["p_LV"][1:], col_ref["p_LV"][1:], atol=1e-4 * np.max(col_ref["p_LV"]))
    np.testing.assert_allclose(col["p_AR_SYS"], col_ref["p_AR_SYS"], rtol=1e-6)


@pytest.fixture(scope="module")
def ejecting_state():
    """The state at t = 960 ms (second beat: aortic valve open 923-1104 ms, pulmonary valve 952-1108 ms)."""
    model = closed_loop_from_config(CFG.closed_loop)
    tr, _ = _run(model, 0.5, 960.0)
    return tr.y


@pytest.mark.parametrize("method,order", [("backward_euler", 1), ("bdf2", 2)])
def test_integrator_order_on_the_closed_loop(method, order, ejecting_state):
    """Error at t = 1090 ms against a fine BDF2 reference (dt = 1/32 ms) falls as dt^order.

    Over 960-1090 ms the aortic and pulmonary valves stay open and the elastances vary smoothly (no valve
    switch); dt = 1 ms and below resolve the fastest mode there (LV through the open valve, R_min / E_LV ~ 3 ms)."""
    model = closed_loop_from_config(CFG.closed_loop)
    t0, t_end = 960.0, 1090.0
    ref, _ = _run(model, 1 / 32, t_end, "bdf2", ejecting_state, t0)
    errors = []
    for dt in (1.0, 0.5, 0.25):
        tr, _ = _run(model, dt, t_end, method, ejecting_state, t0)
        errors.append(np.max(np.abs(tr.y - ref.y) / np.maximum(np.abs(ref.y), 1.0)))
    rates = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert np.all(np.abs(rates - order) < 0.25), (errors, rates)


def test_trial_step_does_not_commit():
    """A 3D model iterating on a step sees the same result as the committed step, and no state change."""
    from heartsim.circulation.standalone import ClosedLoopRun

    run = ClosedLoopRun(CFG)
    for _ in range(3):
        run.step(2.0)
    y, t = run.y.copy(), run.t
    trial = run.trial(2.0)
    assert run.t == t and np.array_equal(run.y, y)
    run.step(2.0)
    assert trial == run.outputs()
