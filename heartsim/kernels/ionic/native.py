"""The generated C source of a physiological model compiled for the host CPU (optional, fast).

The same text that NVRTC compiles for the GPU (``CUDA_SOURCE`` of the generated module) compiles
with a C compiler into a loop over the nodes (see ``codegen.render``). It is built on first use
with ``cc -O3 -fno-math-errno`` (IEEE semantics kept: no -ffast-math, no FP contraction in ISO C)
into ``$XDG_CACHE_HOME/heartsim/ionic/`` (keyed by the source's hash) and called through ctypes.

Vectorised build (tried first, :func:`simd_source`): the node loop is marked ``omp simd``, exp,
expm1, log and pow are declared with SIMD variants (glibc's libmvec, accurate to 4 ulp) and the
common call (one sub-step, no per-node stimulus mask, the model's own integrator) is a copy of the
loop with those arguments constant, so that the compiler can vectorise it for the host CPU
(``-march=native``; the cache key then includes the CPU's model and flags). TT06 on an AVX-512
x86 core: 3-4x fewer ns per node-step, states equal to the scalar build to ~1e-15 relative.
Where that build fails (no libmvec, another compiler or architecture) the scalar one is used.
Used by single-cell runs, benchmarks and ``ionic.cpu_kernel: native``; the NumPy step remains the
reference and needs no compiler. ``available()`` says whether a compiler exists.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from heartsim.kernels.ionic.methods import METHODS_WANT, kernel_defines

if TYPE_CHECKING:  # the model wrapper imports this module, not the other way round
    from heartsim.kernels.ionic.generated_model import GeneratedModel

CFLAGS = ("-O3", "-fno-math-errno", "-shared", "-fPIC", "-std=c99", "-x", "c")  # ISO C: no FP contraction
SIMD_FLAGS = ("-march=native", "-mprefer-vector-width=512", "-fopenmp-simd")
SIMD_LIBS = ("-lmvec",)
#: functions given SIMD variants in the vectorised build (all in glibc's libmvec)
SIMD_FUNCTIONS = ("exp", "expm1", "log", "pow")
_HOST_LOOP = "  for (long long i_ = 0; i_ < n_; ++i_) {"


def compiler() -> str | None:
    """Path of the C compiler (``$CC``, cc or gcc), or None."""
    for name in (os.environ.get("CC"), "cc", "gcc"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def available() -> bool:
    return compiler() is not None


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "heartsim" / "ionic"


def simd_source(source: str, name: str, method: int) -> str | None:
    """``source`` with its host loop vectorisable (see the module docstring), or None when the
    host function head is not the one ``codegen.render`` writes."""
    head = f"#define KERNEL_BEGIN void {name}_step("
    if source.count(head) != 1 or source.count(_HOST_LOOP) != 1:
        return None
    body = source.replace(head, "#define KERNEL_BEGIN static inline __attribute__((always_inline)) void "
                                f"{name}_body_(")
    body = body.replace(_HOST_LOOP, '  _Pragma("omp simd") for (long long i_ = 0; i_ < n_; ++i_) {')
    declare = "".join(f"#pragma omp declare simd notinbranch\nextern double {f}(double{', double' if f == 'pow' else ''});\n"
                      for f in SIMD_FUNCTIONS)
    start = source.index(head) + len(head)
    args = source[start: source.index(")", start)]  # the host function's parameter list, as rendered
    if [a.split()[-1] for a in args.split(",")] != ["y", "ptab", "region", "dt", "stim_rate", "stim_mask",
                                                    "method", "substeps", "n_"]:
        return None
    call = f"{name}_body_(y, ptab, {{region}}, dt, stim_rate, {{mask}}, {{method}}, {{substeps}}, n_);"
    fast = lambda region: call.format(region=region, mask="0", method=method, substeps=1)  # noqa: E731
    wrapper = (f"\nvoid {name}_step({args}) {{\n"
               f"  if (substeps == 1 && stim_mask == 0 && method == {method}) {{\n"
               f"    if (region) {fast('region')} else {fast('0')}\n"
               f"  }} else {call.format(region='region', mask='stim_mask', method='method', substeps='substeps')}\n}}\n")
    return "#include <math.h>\n" + declare + body + wrapper


def _host_id() -> str:
    """The CPU's model name and feature flags (part of the cache key of ``-march=native`` builds)."""
    import platform

    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        keep = [line for line in lines if line.startswith(("model name", "flags"))][:2]
    except OSError:
        keep = []
    return platform.machine() + "\n".join(keep)


def _build(source: str, flags: tuple[str, ...], libs: tuple[str, ...], key_extra: str = "") -> ctypes.CDLL:
    cc = compiler()
    if cc is None:
        raise RuntimeError("no C compiler (cc, gcc or $CC) for the native ionic kernels")
    key = hashlib.sha256((source + " ".join(flags + libs) + cc + key_extra).encode()).hexdigest()[:24]
    target = cache_dir() / f"{key}.so"
    if not target.is_file():
        import fcntl

        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one builder at a time (MPI ranks, parallel tests)
            if not target.is_file():
                with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
                    src = Path(tmp) / "kernel.c"
                    src.write_text(source)
                    built = Path(tmp) / "kernel.so"
                    subprocess.run([cc, *flags, "-o", str(built), str(src), *libs, "-lm"], check=True,
                                   capture_output=True, text=True)
                    os.replace(built, target)  # atomic: a reader never sees a partial file
    return ctypes.CDLL(str(target))


@lru_cache(maxsize=None)
def _library(source: str, single: bool, name: str = "", method: int = -1) -> ctypes.CDLL:
    """The compiled kernel: the vectorised build when it compiles and loads, else the scalar one."""
    real = kernel_defines(single)
    fast = simd_source(source, name, method) if name and method >= 0 else None
    if fast is not None and os.environ.get("HEARTSIM_NATIVE_SIMD", "1") != "0":
        try:
            return _build(fast, CFLAGS[:2] + SIMD_FLAGS + CFLAGS[2:] + real, SIMD_LIBS, _host_id())
        except (subprocess.CalledProcessError, OSError):
            pass  # no libmvec / -march=native here: the scalar build below
    return _build(source, CFLAGS + real, ())


class NativeKernel:
    """Host-compiled fused step of a generated model (same arguments as the CUDA kernel)."""

    def __init__(self, model: GeneratedModel, single: bool = False):
        self.model = model
        self.dtype = np.float32 if single else np.float64
        lib = _library(model.code.CUDA_SOURCE, single, model.name, METHODS_WANT[model.method])
        self._fn = getattr(lib, f"{model.name}_step")
        self._fn.restype = None
        self._fn.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_double,
                             ctypes.c_double, ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_longlong]

    def _table(self, ptab: np.ndarray) -> np.ndarray:
        """The parameter table in the kernel's precision (converted once per table object)."""
        if ptab.dtype == self.dtype and ptab.flags.c_contiguous:
            return ptab
        if getattr(self, "_converted", (None,))[0] is not ptab:
            self._converted = (ptab, np.ascontiguousarray(ptab, dtype=self.dtype))
        return self._converted[1]

    def step(self, y: np.ndarray, dt: float, ptab: np.ndarray, region: np.ndarray | None = None,
             stim: float = 0.0, stim_mask: np.ndarray | None = None, substeps: int | None = None) -> None:
        """Advance y (n_states, n), C-contiguous of this kernel's dtype, in place by dt (ms) in
        ``substeps`` equal steps (default: the model's); ``ptab`` is the (regions, parameters) table
        (any float dtype: used in the kernel's precision)."""
        assert y.dtype == self.dtype and y.flags.c_contiguous and y.shape[0] == len(self.model.state_names)
        ptab = self._table(ptab)
        assert region is None or (region.dtype == np.int32 and region.size == y.shape[1])
        assert stim_mask is None or (stim_mask.dtype == self.dtype and stim_mask.size == y.shape[1])
        self._fn(y.ctypes.data, ptab.ctypes.data, None if region is None else region.ctypes.data,
                 float(dt), float(stim), None if stim_mask is None else stim_mask.ctypes.data,
                 METHODS_WANT[self.model.method], int(substeps or self.model.substeps), int(y.shape[1]))
