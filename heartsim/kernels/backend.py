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


def local_rank_source(comm=None) -> tuple[int, str]:
    """(this process's rank among the ranks of its node, where that came from).

    From the launcher's environment (Slurm, Open MPI, MPICH/Intel MPI, PMI) when set; otherwise,
    given an mpi4py communicator of more than one rank, from MPI itself: the rank in
    ``comm.Split_type(COMM_TYPE_SHARED)`` (the ranks sharing this node's memory); that split is
    collective, so every rank of ``comm`` must call this together. Alone: 0.
    """
    import os

    for var in LOCAL_RANK_VARIABLES:
        if os.environ.get(var, "").isdigit():
            return int(os.environ[var]), var
    if comm is not None and comm.Get_size() > 1:
        from mpi4py import MPI

        shared = comm.Split_type(MPI.COMM_TYPE_SHARED)
        try:
            return shared.Get_rank(), "MPI shared-memory communicator"
        finally:
            shared.Free()
    return 0, "single process"


def local_rank(comm=None) -> int:
    """This process's rank among the ranks of its node (see :func:`local_rank_source`)."""
    return local_rank_source(comm)[0]


def probe_gpu(comm=None) -> tuple[ModuleType | None, str]:
    """Return (cupy module, description) when CuPy finds a device, else (None, why not).

    With several devices, this rank takes device (local rank mod device count) and makes it current;
    the local rank comes from the launcher or, with ``comm`` given, from MPI (collective then: every
    rank of ``comm`` calls this together). The description names the device and the local rank's source.
    """
    local, source = local_rank_source(comm)  # first: collective over comm whatever CuPy finds
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
    device = local % count
    cupy.cuda.Device(device).use()
    props = cupy.cuda.runtime.getDeviceProperties(device)
    name = props["name"].decode() if isinstance(props["name"], bytes) else props["name"]
    return cupy, f"CuPy {cupy.__version__} on GPU {device} of {count} ({name}), local rank {local} ({source})"


def select_backend(kind: str = "auto", comm=None) -> Backend:
    """Pick the backend for ``kind`` in {"auto", "numpy", "gpu"}.

    ``gpu`` without a device raises RuntimeError naming the reason; ``auto`` falls back to NumPy.
    ``comm``: the run's mpi4py communicator, for the device choice without launcher variables
    (collective, see :func:`probe_gpu`).
    """
    if kind == "numpy":
        return Backend("numpy", np, "NumPy backend requested")
    cupy, why = probe_gpu(comm)
    if cupy is not None:
        return Backend("cupy", cupy, why)
    if kind == "gpu":
        raise RuntimeError(f"backend.kind: gpu requested but {why}")
    return Backend("numpy", np, f"no GPU: NumPy backend ({why})")
