"""Compile a kernel source as CuPy's ``RawKernel`` would on a GPU, without a GPU, and read its
register and spill report.

``RawKernel(code, name, options)`` compiles on first launch through
``cupy._core.core.compile_with_cache(code, options, prepend_cupy_headers=False)``, which adds CuPy's
own options (C++ standard, CCCL and CUDA header paths), then ``-ftz=true``, ``-arch=sm_XX`` for the
device's compute capability and ``--device-as-default-execution-space``, compiles with NVRTC to a
cubin and loads it into the current context. :func:`compile_like_cupy` runs that same call with
only the two device-bound steps replaced: the architecture is given instead of queried from the
current device (CuPy's own per-device choice of ``-arch`` is called unmemoised), and the cubin is
kept instead of loaded into a CUDA context (which needs a driver). The in-memory cache is forced so
that every call really compiles. Needs CuPy, libnvrtc and the CUDA runtime headers (the PyPI wheels
of env/requirements.txt); no driver, no device.

``-Xptxas -v`` (NVRTC: ``--ptxas-options=-v``) makes NVRTC's built-in ptxas print, per kernel,
the registers per thread, the stack frame and the spill stores/loads (bytes per thread) into the
program log; :func:`parse_ptxas` reads them. It changes no code generation.
"""

from __future__ import annotations

import io
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass

#: compute capabilities checked: sm_90 (H100/H200) and sm_80 (A100)
ARCHS = ("90", "80")
VERBOSE = "--ptxas-options=-v"


@dataclass(frozen=True)
class KernelReport:
    """What ptxas reports for one kernel: registers per thread, bytes per thread of stack frame,
    spill stores and spill loads, bytes of constant bank 0 (kernel arguments)."""

    arch: str
    registers: int
    stack_bytes: int
    spill_stores: int
    spill_loads: int

    @property
    def spills(self) -> bool:
        return self.spill_stores > 0 or self.spill_loads > 0


_RE_FUNC = re.compile(r"Compiling entry function '([^']+)' for '(sm_\d+)'")
_RE_FRAME = re.compile(r"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads")
_RE_REGS = re.compile(r"Used (\d+) registers")


def parse_ptxas(log: str, kernel: str) -> KernelReport:
    """Register and spill figures of ``kernel`` in a ptxas -v log (ValueError if absent)."""
    lines = log.splitlines()
    for k, line in enumerate(lines):
        head = _RE_FUNC.search(line)
        if not head or head.group(1) != kernel:
            continue
        frame = regs = None
        for follow in lines[k + 1:k + 6]:
            if _RE_FUNC.search(follow):
                break
            frame = frame or _RE_FRAME.search(follow)
            regs = regs or _RE_REGS.search(follow)
        if frame and regs:
            return KernelReport(head.group(2)[3:], int(regs.group(1)), int(frame.group(1)),
                                int(frame.group(2)), int(frame.group(3)))
    raise ValueError(f"no ptxas report for kernel {kernel!r} in the compiler log:\n{log[:2000]}")


def _kept_module_class():
    """A ``cupy.cuda.function.Module`` that keeps the cubin instead of loading it into a context
    (CuPy's compile function must return a Module; loading one needs a driver)."""
    from cupy.cuda import function

    class KeptModule(function.Module):
        cubin = None

        def load(self, cubin: bytes) -> None:
            type(self).cubin = cubin

        def _set_mapping(self, mapping) -> None:
            pass

    return KeptModule


@contextmanager
def _without_device():
    from cupy.cuda import compiler

    saved = compiler._get_arch_for_options_for_nvrtc, compiler.function, os.environ.get("CUPY_CACHE_IN_MEMORY")
    compiler._get_arch_for_options_for_nvrtc = saved[0].__wrapped__  # CuPy's choice, not memoised per device
    compiler.function = type("function", (), {"Module": _kept_module_class()})
    os.environ["CUPY_CACHE_IN_MEMORY"] = "1"
    try:
        yield
    finally:
        compiler._get_arch_for_options_for_nvrtc, compiler.function = saved[:2]
        if saved[2] is None:
            os.environ.pop("CUPY_CACHE_IN_MEMORY", None)
        else:
            os.environ["CUPY_CACHE_IN_MEMORY"] = saved[2]


def compile_like_cupy(source: str, options: tuple[str, ...], arch: str) -> tuple[bytes, str]:
    """(cubin, NVRTC log) of ``source`` built as ``RawKernel(source, name, options)`` would be on a
    device of compute capability ``arch`` (e.g. "90"), plus ptxas -v. Raises
    ``cupy.cuda.compiler.CompileException`` (with NVRTC's log) on a compile error."""
    from cupy._core import core

    log = io.StringIO()
    with _without_device():
        module = core.compile_with_cache(source, tuple(options) + (VERBOSE,), arch=arch,
                                         prepend_cupy_headers=False, backend="nvrtc", log_stream=log)
    return module.cubin, log.getvalue()


def report(source: str, kernel: str, options: tuple[str, ...], arch: str) -> KernelReport:
    """Compile as CuPy does and return ptxas's figures for ``kernel``."""
    _, log = compile_like_cupy(source, options, arch)
    return parse_ptxas(log, kernel)
