"""The EP speed paths (issue 16) stay in use: vectorisable native build, SSOR/Eisenstat choice, cpu_kernel auto."""

import numpy as np
import pytest

from heartsim.ep.diffusion import eisenstat_on_one_rank
from heartsim.kernels.ionic import MODELS, GeneratedModel, native
from heartsim.kernels.ionic.generated_model import METHODS_WANT
from heartsim.kernels.ionic.setup import resolve_cpu_kernel

GENERATED = [m for m in MODELS.values() if isinstance(m, GeneratedModel)]


@pytest.mark.parametrize("model", GENERATED, ids=lambda m: m.name)
def test_every_generated_model_gets_the_vectorisable_host_loop(model):
    # None here means codegen.render changed the host function head and the fast build is silently lost
    for method in METHODS_WANT.values():
        source = native.simd_source(model.code.CUDA_SOURCE, model.name, method)
        assert source is not None and source.count('_Pragma("omp simd")') == 1
        assert f"method == {method}" in source and f"void {model.name}_step(" in source


@pytest.mark.skipif(not native.available(), reason="no C compiler for the native kernel")
def test_vectorised_build_matches_the_scalar_build(monkeypatch):
    model = MODELS["tentusscher_panfilov_2006"].with_integrator("rush_larsen", 1, "native")
    table = np.array([[model.parameters[name][0] for name in model.parameters]], dtype=np.float64)
    y0 = np.repeat(np.asarray(model.initial_state({}), dtype=np.float64)[:, None], 64, axis=1)
    y0[0] += np.linspace(0.0, 100.0, 64)  # rest to upstroke: both branches of every V < -40 test
    fast, plain = y0.copy(), y0.copy()
    model.kernel("native").step(fast, 0.05, table)
    monkeypatch.setenv("HEARTSIM_NATIVE_SIMD", "0")
    native._library.cache_clear()
    native.NativeKernel(model).step(plain, 0.05, table)
    native._library.cache_clear()
    assert np.allclose(fast, plain, rtol=1e-12, atol=0.0) and not np.array_equal(y0, fast)


def test_sor_runs_as_eisenstat_on_one_rank_only():
    base = {"ksp_type": "cg", "pc_type": "sor", "ksp_rtol": 1e-10}
    assert eisenstat_on_one_rank(base, 1)["pc_type"] == "eisenstat"
    assert eisenstat_on_one_rank(base, 2)["pc_type"] == "sor"
    assert eisenstat_on_one_rank({**base, "pc_sor_omega": 1.2}, 1)["pc_type"] == "sor"
    assert eisenstat_on_one_rank({**base, "pc_type": "hypre"}, 1)["pc_type"] == "hypre"


def test_cpu_kernel_auto_follows_the_compiler(monkeypatch):
    assert resolve_cpu_kernel("numpy") == "numpy" and resolve_cpu_kernel("native") == "native"
    monkeypatch.setattr(native, "compiler", lambda: None)
    assert resolve_cpu_kernel("auto") == "numpy"
    monkeypatch.setattr(native, "compiler", lambda: "/usr/bin/cc")
    assert resolve_cpu_kernel("auto") == "native"
