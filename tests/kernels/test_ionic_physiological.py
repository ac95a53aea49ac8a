"""ten Tusscher-Panfilov 2006 and O'Hara-Rudy 2011: action potentials, variants, drug block,
integrators, and the agreement of the three code paths rendered from one model file
(NumPy array code, host-compiled kernel, CUDA kernel where a GPU exists)."""

import numpy as np
import pytest

from heartsim.kernels.ionic import MODELS, PHYSIOLOGICAL, native
from heartsim.kernels.ionic.cell import ap_metrics, pace
from heartsim.kernels.ionic.parameters import NodeParameters, ParameterError, parameter_table, region_values

TT06, ORD = "tentusscher_panfilov_2006", "ohara_rudy_2011"
needs_cc = pytest.mark.skipif(not native.available(), reason="no C compiler for the native kernel")


def _metrics(name, variant=None, beats=4, dt=0.02, **kw):
    beat, _ = pace(MODELS[name], variant, 1000.0, beats, dt, kernel="native", record_every=1, **kw)
    return ap_metrics(beat)


@needs_cc
@pytest.mark.parametrize("name, variant, rest, peak, apd", [
    # bands around the published 1 Hz values (docs/ionic.md has the steady-state comparison)
    (TT06, "epi", (-87.0, -84.5), (30.0, 45.0), (280.0, 320.0)),
    (ORD, "endo", (-89.0, -86.5), (35.0, 50.0), (250.0, 290.0)),
])
def test_action_potential_shape(name, variant, rest, peak, apd):
    m = _metrics(name, variant)
    assert rest[0] < m["v_rest_mV"] < rest[1], m
    assert peak[0] < m["v_peak_mV"] < peak[1], m
    assert apd[0] < m["apd90_ms"] < apd[1], m
    assert m["dvdt_max_mV_per_ms"] > 150.0, m
    assert m["ca_peak_uM"] > 2 * m["ca_diastolic_uM"], m


@needs_cc
def test_variants_order_apd_as_published():
    """M cells have the longest APD in both models (TT06 2006 Fig. 2; ORd 2011 Fig. 8), ORd epi the shortest."""
    tt = {v: _metrics(TT06, v, beats=2)["apd90_ms"] for v in ("epi", "M")}
    od = {v: _metrics(ORD, v, beats=2)["apd90_ms"] for v in ("endo", "epi", "M")}
    assert tt["M"] > tt["epi"] + 50, tt
    assert od["M"] > od["endo"] > od["epi"], od


@needs_cc
def test_ikr_block_prolongs_the_action_potential():
    base = _metrics(TT06, "epi", beats=2)["apd90_ms"]
    blocked = _metrics(TT06, "epi", beats=2, scale={"g_Kr": 0.5})["apd90_ms"]
    assert blocked > base + 20, (base, blocked)


@needs_cc
@pytest.mark.parametrize("name", PHYSIOLOGICAL)
def test_numpy_and_native_kernels_agree(name):
    """The generated array code and the compiled kernel source compute the same numbers."""
    model = MODELS[name]
    p = region_values(model, model.default_variant)
    y0 = np.array(model.initial_state(p))[:, None].repeat(3, axis=1)
    y0[0] += [0.0, 30.0, 60.0]  # below threshold, upstroke, plateau
    # forward Euler needs dt below the fastest gate time constant (TT06 tau_m ~ 1e-3 ms at rest)
    for method, dt in (("rush_larsen", 0.01), ("generalised_rush_larsen", 0.01), ("forward_euler", 2e-4)):
        m = model.with_integrator(method)
        a, b = y0.copy(), y0.copy()
        table = parameter_table(m, [p])
        for _ in range(300):
            m.step(a, dt, p, np, 0.0)
            m.kernel("native").step(b, dt, table)
        assert np.isfinite(a).all(), method
        assert np.allclose(a, b, rtol=1e-9, atol=1e-12), method


@needs_cc
@pytest.mark.parametrize("method", ["rush_larsen", "generalised_rush_larsen"])
def test_integrators_converge_at_first_order(method):
    """First 400 ms of an ORd beat sampled every 0.08 ms: the max error of v against dt = 0.0025 ms
    roughly halves when dt does (first-order splitting of gates and the rest)."""
    model = MODELS[ORD].with_integrator(method)

    def trace(dt):
        beat, _ = pace(model, "endo", 400.0, 1, dt, kernel="native", record_every=int(round(0.08 / dt)))
        return beat.v

    ref = trace(0.0025)
    e1, e2 = (np.abs(trace(dt) - ref).max() for dt in (0.04, 0.02))
    assert e2 < 0.7 * e1, (e1, e2)


@pytest.mark.parametrize("name", PHYSIOLOGICAL)
def test_substeps_equal_smaller_steps(name):
    model = MODELS[name]
    p = region_values(model, model.default_variant)
    y0 = np.array(model.initial_state(p))[:, None].repeat(2, axis=1)
    y0[0, 1] += 40.0
    a, b = y0.copy(), y0.copy()
    sub = model.with_integrator("rush_larsen", substeps=4)
    for _ in range(10):
        sub.step(a, 0.04, p, np)
    for _ in range(40):
        model.step(b, 0.01, p, np)
    assert np.allclose(a, b, rtol=1e-12, atol=1e-14)


def test_region_parameters_per_node():
    model = MODELS[TT06]
    rows = [region_values(model, "epi"), region_values(model, "endo"), region_values(model, "M", scale={"g_Kr": 0.5})]
    region = np.array([0, 1, 2, 1], dtype=np.int32)
    p = NodeParameters(model, parameter_table(model, rows), region)
    assert p["g_Na"] == 14.838  # uniform: a scalar
    assert list(p["g_to"]) == [0.294, 0.073, 0.294, 0.073]
    assert list(p["g_Kr"]) == [0.153, 0.153, 0.0765, 0.153]
    # one step with per-node parameters equals the nodes stepped one by one with their own
    y = np.array(model.initial_state(p))[:, None].repeat(4, axis=1)
    y[0] += 50.0
    single = [y[:, [k]].copy() for k in range(4)]
    for _ in range(200):
        model.step(y, 0.02, p, np)
        for k in range(4):
            model.step(single[k], 0.02, rows[region[k]], np)
    assert np.allclose(y, np.hstack(single), rtol=1e-12)


def test_parameter_errors_name_the_key():
    with pytest.raises(ParameterError, match="scale.R: not a scalable"):
        region_values(MODELS[ORD], scale={"R": 0.5})
    with pytest.raises(ParameterError, match="variant 'mid'"):
        region_values(MODELS[TT06], "mid")
    with pytest.raises(ParameterError, match="parameters.gkr"):
        region_values(MODELS[TT06], overrides={"gkr": 1.0})


@pytest.mark.gpu
@pytest.mark.parametrize("name", PHYSIOLOGICAL)
@pytest.mark.parametrize("single", [False, True])
def test_cuda_kernel_matches_numpy(name, single):
    """Fused CUDA kernel against the NumPy array code after 1000 steps of 0.01 ms (FP64: 1e-8
    relative; FP32: 1 mV on v and 1% elsewhere)."""
    from heartsim.kernels.backend import probe_gpu

    cupy, why = probe_gpu()
    if cupy is None:
        pytest.skip(why)
    model = MODELS[name]
    p = region_values(model, model.default_variant)
    rng = np.random.default_rng(0)
    y = np.array(model.initial_state(p))[:, None].repeat(1000, axis=1)
    y[0] += rng.uniform(0, 100, 1000)
    dtype = np.float32 if single else np.float64
    y_gpu = cupy.asarray(y.astype(dtype))
    table = cupy.asarray(parameter_table(model, [p]))
    kernel = model.kernel("cuda", single, cupy)
    for _ in range(1000):
        model.step(y, 0.01, p, np)
        kernel.step(y_gpu, 0.01, table)
    got = y_gpu.get().astype(np.float64)
    if single:
        assert np.abs(got[0] - y[0]).max() < 1.0
        assert np.allclose(got[1:], y[1:], rtol=1e-2, atol=1e-6)
    else:
        assert np.allclose(got, y, rtol=1e-8, atol=1e-11)


# Compilation of the CUDA kernels by NVRTC as CuPy does it: tests/kernels/test_cuda_compile.py
