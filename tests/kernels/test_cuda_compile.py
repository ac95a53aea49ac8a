"""Every generated CUDA kernel compiles as CuPy's RawKernel compiles it on an H100/H200 (sm_90) and
an A100 (sm_80), without a GPU: NVRTC from the PyPI wheel, CuPy's own options and compile function
(heartsim.kernels.ionic.cuda_compile). Registers and spills from ptxas -v are checked against the
budget of docs/ionic.md and recorded (``record_property``: JUnit XML). Not skipped on a CPU machine:
env/requirements.txt installs NVRTC and the CUDA headers.

Parametrised over every model file in heartsim/kernels/ionic/models/, so a new model is compiled
as soon as its generated module exists. sm_90 gets every precision x integrator; sm_80 the default
integrator (the register counts differ by at most a few between the two, docs/ionic.md).
"""

import importlib

import pytest

from heartsim.kernels.ionic.codegen import MODELS_DIR
from heartsim.kernels.ionic.cuda_compile import compile_like_cupy, parse_ptxas
from heartsim.kernels.ionic.generated_model import METHODS, kernel_defines

MODEL_NAMES = sorted(path.stem for path in MODELS_DIR.glob("*.model"))
#: kernels allowed to spill (bytes of spill stores per thread, at most): measured 2026-12-06 with
#: NVRTC 12.9; every other kernel must compile without spills
SPILL_BUDGET = {
    ("ohara_rudy_2011", "fp64", "forward_euler"): 400,
    ("ohara_rudy_2011", "fp64", "generalised_rush_larsen"): 1800,
    ("ohara_rudy_2011", "fp32", "generalised_rush_larsen"): 100,
}
CASES = [(name, precision, method, "90") for name in MODEL_NAMES for precision in ("fp64", "fp32")
         for method in METHODS]
CASES += [(name, precision, "rush_larsen", "80") for name in MODEL_NAMES for precision in ("fp64", "fp32")]


def _module(name):
    return importlib.import_module(f"heartsim.kernels.ionic.generated.{name}")


def test_every_model_file_has_a_generated_kernel():
    assert {"tentusscher_panfilov_2006", "ohara_rudy_2011"} <= set(MODEL_NAMES)
    for name in MODEL_NAMES:
        assert f"{_module(name).NAME}_step(" in _module(name).CUDA_SOURCE


@pytest.mark.parametrize("name, precision, method, arch", CASES)
def test_kernel_compiles_like_cupy_within_register_budget(name, precision, method, arch, record_property):
    code = _module(name)
    options = kernel_defines(precision == "fp32", method, 1)
    cubin, log = compile_like_cupy(code.CUDA_SOURCE, options, arch)
    assert cubin[:4] == b"\x7fELF"  # a cubin for sm_XX, as CuPy loads it
    report = parse_ptxas(log, f"{code.NAME}_step")
    assert report.arch == arch
    for key in ("registers", "stack_bytes", "spill_stores", "spill_loads"):
        record_property(key, getattr(report, key))
    assert report.registers <= 255
    budget = SPILL_BUDGET.get((name, precision, method), 0)
    assert report.spill_stores <= budget, report


def test_compile_errors_fail_with_nvrtc_log():
    """A kernel NVRTC rejects raises CuPy's CompileException with the log (here the ambiguous
    pow(float, double) the ORd FP32 kernel had before literals were typed by precision)."""
    from cupy.cuda.compiler import CompileException

    source = 'extern "C" __global__ void k(float* y) { y[0] = pow(y[0], 8.0); }'
    with pytest.raises(CompileException, match="more than one instance of overloaded function"):
        compile_like_cupy(source, (), "90")
    _, log = compile_like_cupy(source.replace("8.0", "8.0f"), (), "90")
    assert parse_ptxas(log, "k").spills is False


def test_fp32_kernel_computes_in_float():
    """The FP32 build of the TT06 kernel has no double-precision arithmetic left: its PTX holds no
    f64 instruction besides the conversions of dt and the parameter table (which stay double)."""
    import re

    from cupy_backends.cuda.libs import nvrtc

    code = _module("tentusscher_panfilov_2006")
    prog = nvrtc.createProgram(code.CUDA_SOURCE, "k.cu", [], [])
    try:
        nvrtc.compileProgram(prog, ["-arch=compute_90", *kernel_defines(True, "rush_larsen", 1)])
        text = nvrtc.getPTX(prog).decode()
    finally:
        nvrtc.destroyProgram(prog)
    instructions = [line.strip() for line in text.splitlines() if line.startswith("\t") and not line.startswith("\t.")]
    f64 = [i for i in instructions if re.search(r"\.f64\b", i) and not i.startswith(("cvt", "ld.global", "ld.param"))]
    f32 = [i for i in instructions if re.search(r"\.f32\b", i)]
    assert len(f32) > 500 and f64 == [], f64[:10]
