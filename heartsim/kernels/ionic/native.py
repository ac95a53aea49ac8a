"""The generated C source of a physiological model compiled for the host CPU (optional, fast).

The same text that NVRTC compiles for the GPU (``CUDA_SOURCE`` of the generated module) compiles
with a C compiler into a loop over the nodes (see ``codegen.render``). It is built on first use
with ``cc -O3 -fno-math-errno`` (IEEE semantics kept: no -ffast-math, no FP contraction in ISO C)
into ``$XDG_CACHE_HOME/heartsim/ionic/`` (keyed by the source's hash) and called through ctypes.
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


@lru_cache(maxsize=None)
def _library(source: str, single: bool) -> ctypes.CDLL:
    cc = compiler()
    if cc is None:
        raise RuntimeError("no C compiler (cc, gcc or $CC) for the native ionic kernels")
    flags = CFLAGS + kernel_defines(single)
    key = hashlib.sha256((source + " ".join(flags) + cc).encode()).hexdigest()[:24]
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
                    subprocess.run([cc, *flags, "-o", str(built), str(src), "-lm"], check=True,
                                   capture_output=True, text=True)
                    os.replace(built, target)  # atomic: a reader never sees a partial file
    return ctypes.CDLL(str(target))


class NativeKernel:
    """Host-compiled fused step of a generated model (same arguments as the CUDA kernel)."""

    def __init__(self, model: GeneratedModel, single: bool = False):
        self.model = model
        self.dtype = np.float32 if single else np.float64
        lib = _library(model.code.CUDA_SOURCE, single)
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
