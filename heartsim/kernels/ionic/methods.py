"""The ODE integrators of the ionic models and their codes in the generated kernels (NumPy, C, CUDA).

Its own module so that the kernel classes (``native.py``, ``cuda.py``) and the model wrapper
(``generated_model.py``) share the table without importing each other.
"""

METHODS = ("rush_larsen", "generalised_rush_larsen", "forward_euler")
"""Integrators: Rush-Larsen for gates and forward Euler for the rest, GRL1 for all, forward Euler for all."""

METHODS_WANT = {"forward_euler": 0, "rush_larsen": 1, "generalised_rush_larsen": 2}
"""Per method, what ``evaluate`` must return besides the rates (the integer each kernel takes):
0 nothing, 1 the Jacobian diagonal of the gates, 2 of all states."""


def kernel_defines(single: bool, method: str | None = None, substeps: int | None = None) -> tuple[str, ...]:
    """Preprocessor flags of a fused kernel build (see the head of ``CUDA_SOURCE``): the precision,
    and optionally the integrator and the sub-step count fixed at compile time (the GPU build fixes
    both, so the compiler drops the other integrators and unrolls the sub-step loop; the host build
    keeps them as run-time arguments, one library for every integrator)."""
    flags = ("-DHEARTSIM_FP32",) if single else ()
    if method is not None:
        flags += (f"-DMETHOD={METHODS_WANT[method]}",)
    if substeps is not None:
        flags += (f"-DSUBSTEPS={int(substeps)}",)
    return flags
