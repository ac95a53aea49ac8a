"""The fused CUDA kernel of a physiological model through CuPy (one thread per node, all states
in one pass, FP64 or FP32).

The kernel source is ``CUDA_SOURCE`` of the generated module: the same expression list as the
NumPy step (see ``codegen``). States live in one (n_states, n) array on the device (structure of
arrays: coalesced loads); parameters in a (n_regions, n_params) float64 table with an optional
int32 region index per node, so endo/M/epi layers run in the same launch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from heartsim.kernels.ionic.methods import METHODS_WANT, kernel_defines

if TYPE_CHECKING:  # the model wrapper imports this module, not the other way round
    from heartsim.kernels.ionic.generated_model import GeneratedModel

BLOCK = 128


def compile_options(model: GeneratedModel, single: bool) -> tuple[str, ...]:
    """The options this module gives CuPy's RawKernel for ``model`` (precision, integrator and
    sub-step count fixed at compile time); CuPy adds its own (see :mod:`cuda_compile`)."""
    return kernel_defines(single, model.method, model.substeps)


class CudaKernel:
    """CuPy RawKernel of a generated model; ``step`` takes the same arguments as NativeKernel."""

    def __init__(self, model: GeneratedModel, cupy, single: bool = False):
        self.model = model
        self.cupy = cupy
        self.dtype = cupy.float32 if single else cupy.float64
        self._kernel = cupy.RawKernel(model.code.CUDA_SOURCE, f"{model.name}_step",
                                      options=compile_options(model, single))

    def _table(self, ptab):
        """The parameter table on the device in the kernel's precision (converted once per table)."""
        if ptab.dtype == self.dtype and ptab.flags.c_contiguous and isinstance(ptab, self.cupy.ndarray):
            return ptab
        if getattr(self, "_converted", (None,))[0] is not ptab:
            self._converted = (ptab, self.cupy.ascontiguousarray(self.cupy.asarray(ptab, dtype=self.dtype)))
        return self._converted[1]

    def step(self, y, dt: float, ptab, region=None, stim: float = 0.0, stim_mask=None) -> None:
        """Advance the device array y (n_states, n) in place by dt (ms) with the model's integrator
        and sub-steps (compiled in); ``ptab`` is the (regions, parameters) table, any float dtype."""
        cp = self.cupy
        n = int(y.shape[1])
        assert y.dtype == self.dtype and y.flags.c_contiguous
        ptab = self._table(ptab)
        grid = ((n + BLOCK - 1) // BLOCK,)
        self._kernel(grid, (BLOCK,), (y, ptab, region if region is not None else cp.uint64(0),
                                      cp.float64(dt), cp.float64(stim),
                                      stim_mask if stim_mask is not None else cp.uint64(0),
                                      cp.int32(METHODS_WANT[self.model.method]),
                                      cp.int32(self.model.substeps), cp.int64(n)))
