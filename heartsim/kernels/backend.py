"""Choice of array backend for pure-array kernels: NumPy (CPU) or CuPy (CUDA GPU).

``auto`` takes CuPy when it imports *and* finds a CUDA device, otherwise NumPy; the reason for the
choice is kept so that the log, ``heartsim info`` and ``summary.json`` can say it.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

import numpy as np


@dataclass(frozen=True)
class Backend:
    """An array namespace and why it was chosen."""

    name: str  # "numpy" or "cupy"
    xp: ModuleType
    reason: str

    def to_host(self, array) -> np.ndarray:
        """Copy an array of this backend to a NumPy array (no copy for NumPy)."""
        return array.get() if self.name == "cupy" else array

    def from_host(self, array: np.ndarray):
        """Copy a NumPy array onto this backend (no copy for NumPy)."""
        return self.xp.asarray(array) if self.name == "cupy" else array


LOCAL_RANK_VARIABLES = ("SLURM_LOCALID", "OMPI_COMM_WORLD_LOCAL_RANK", "MPI_LOCALRANKID", "PMI_LOCAL_RANK")


def local_rank() -> int:
    """This process's rank among the ranks of its node (from the launcher's environment; 0 alone)."""
    import os

    for var in LOCAL_RANK_VARIABLES:
        if os.environ.get(var, "").isdigit():
            return int(os.environ[var])
    return 0


def probe_gpu() -> tuple[ModuleType | None, str]:
    """Return (cupy module, description) when CuPy finds a device, else (None, why not).

    With several devices, this rank takes device (local rank mod device count) and makes it current.
    """
    try:
        import cupy
    except Exception as exc:  # ImportError, or a broken CUDA install raising at import
        return None, f"CuPy not importable ({type(exc).__name__}: {exc})"
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:  # CUDARuntimeError without a driver or device
        return None, f"CuPy {cupy.__version__} found no CUDA device ({exc})"
    if count < 1:
        return None, f"CuPy {cupy.__version__} found no CUDA device"
    device = local_rank() % count
    cupy.cuda.Device(device).use()
    props = cupy.cuda.runtime.getDeviceProperties(device)
    name = props["name"].decode() if isinstance(props["name"], bytes) else props["name"]
    return cupy, f"CuPy {cupy.__version__} on GPU {device} of {count} ({name}), local rank {local_rank()}"


def select_backend(kind: str = "auto") -> Backend:
    """Pick the backend for ``kind`` in {"auto", "numpy", "gpu"}.

    ``gpu`` without a device raises RuntimeError naming the reason; ``auto`` falls back to NumPy.
    """
    if kind == "numpy":
        return Backend("numpy", np, "NumPy backend requested")
    cupy, why = probe_gpu()
    if cupy is not None:
        return Backend("cupy", cupy, why)
    if kind == "gpu":
        raise RuntimeError(f"backend.kind: gpu requested but {why}")
    return Backend("numpy", np, f"no GPU: NumPy backend ({why})")
