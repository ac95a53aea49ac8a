"""Ionic models as single cells (pure NumPy; no DOLFINx imported here)."""

import math

import numpy as np
import pytest

from heartsim.kernels.ionic import MODELS, PHYSIOLOGICAL, resolve_parameters

#: hand-written two-variable models (V_rest / V_amp parametrisation)
PHENOMENOLOGICAL = [name for name in MODELS if name not in PHYSIOLOGICAL]


def _single_cell(name, stim_rate, dt=0.01, end=500.0, stim_duration=2.0, overrides=None):
    model = MODELS[name]
    p = resolve_parameters(model, overrides or {})
    y = np.array(model.initial_state(p), dtype=float)[:, None].repeat(1, axis=1)
    t, trace = 0.0, []
    for k in range(int(round(end / dt))):
        model.step(y, dt, p, np)
        if t < stim_duration:
            y[0] += dt * stim_rate
        t = (k + 1) * dt
        trace.append(y[0, 0])
    return np.arange(1, len(trace) + 1) * dt, np.array(trace), p


def test_kernels_do_not_import_dolfinx():
    import heartsim.kernels as kernels
    from pathlib import Path

    for path in Path(kernels.__file__).parent.rglob("*.py"):
        assert "dolfinx" not in path.read_text(), path


@pytest.mark.parametrize("name", PHENOMENOLOGICAL)
def test_rest_is_stable(name):
    t, v, p = _single_cell(name, stim_rate=0.0, end=200.0)
    assert np.allclose(v, p["V_rest"], atol=1e-9)


@pytest.mark.parametrize("name", PHENOMENOLOGICAL)
def test_suprathreshold_stimulus_fires_subthreshold_does_not(name):
    _, v, p = _single_cell(name, stim_rate=40.0)  # 80 mV in 2 ms
    assert v.max() > p["V_rest"] + 0.9 * p["V_amp"]
    assert abs(v[-1] - p["V_rest"]) < 2.0  # repolarised by 500 ms
    _, v_sub, _ = _single_cell(name, stim_rate=2.0)  # 4 mV: below threshold
    assert v_sub.max() < p["V_rest"] + 0.1 * p["V_amp"]


def _ms_apd_error(tau_in, dt):
    """Relative difference of the simulated APD (u above 0.5) from the asymptotic estimate."""
    t, v, p = _single_cell("mitchell_schaeffer", stim_rate=40.0, dt=dt, overrides={"tau_in": tau_in},
                           end=1.2 * 150.0 * math.log(6.0 / (4 * tau_in)))
    u = (v - p["V_rest"]) / p["V_amp"]
    up = t[np.argmax(u > 0.5)]
    down = t[len(u) - np.argmax(u[::-1] > 0.5)]
    expected = p["tau_close"] * math.log(p["tau_out"] / (4 * p["tau_in"]))
    return abs((down - up) - expected) / expected


def test_mitchell_schaeffer_apd_approaches_analytic_estimate():
    """Mitchell & Schaeffer 2003: APD ~ tau_close ln(tau_out / (4 tau_in)) to leading order in
    tau_in / tau_out (the plateau ends when h has closed from 1 to h_min = 4 tau_in / tau_out).
    The simulated APD is within 8% at the default parameters (241 ms estimated), and the relative
    difference shrinks as tau_in / tau_out does, as an asymptotic estimate must.
    """
    default = _ms_apd_error(0.3, 0.01)
    smaller = _ms_apd_error(0.075, 0.005)
    assert default < 0.08, default
    assert smaller < 0.7 * default, (default, smaller)


def test_parameter_overrides_and_unknown_names():
    p = resolve_parameters(MODELS["aliev_panfilov"], {"k": 9.0})
    assert p["k"] == 9.0 and p["a"] == 0.15
    with pytest.raises(KeyError):
        resolve_parameters(MODELS["aliev_panfilov"], {"kk": 1.0})


@pytest.mark.gpu
@pytest.mark.parametrize("name", PHENOMENOLOGICAL)  # physiological: test_ionic_physiological.py
def test_cupy_matches_numpy(name):
    from heartsim.kernels.backend import probe_gpu

    cupy, why = probe_gpu()
    if cupy is None:
        pytest.skip(why)
    model = MODELS[name]
    p = resolve_parameters(model, {})
    rng = np.random.default_rng(0)
    y = np.array(model.initial_state(p))[:, None].repeat(1000, axis=1)
    y[0] += rng.uniform(0, 100, 1000)
    y_gpu = cupy.asarray(y)
    for _ in range(1000):
        model.step(y, 0.01, p, np)
        model.step(y_gpu, 0.01, p, cupy)
    assert np.allclose(y, y_gpu.get(), rtol=1e-10, atol=1e-10)


def test_backend_auto_falls_back_to_numpy_and_says_why():
    from heartsim.kernels.backend import probe_gpu, select_backend

    cupy, why = probe_gpu()
    backend = select_backend("auto")
    if cupy is None:
        assert backend.name == "numpy"
        assert backend.reason.startswith("no GPU: NumPy backend")
        with pytest.raises(RuntimeError, match="backend.kind: gpu requested"):
            select_backend("gpu")
    else:
        assert backend.name == "cupy"
