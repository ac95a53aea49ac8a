"""Versions of heartsim and the stack it runs on (for `heartsim info` and summary.json)."""

from __future__ import annotations

import platform

import heartsim


def stack_versions(with_fem: bool = True) -> dict[str, str]:
    """Versions of heartsim, Python, NumPy, CuPy and (with_fem) DOLFINx, PETSc and MPI."""
    import numpy

    out = {"heartsim": heartsim.__version__, "python": platform.python_version(), "numpy": numpy.__version__}
    try:
        import cupy

        out["cupy"] = cupy.__version__
    except Exception:
        out["cupy"] = "not installed"
    if with_fem:
        import dolfinx
        from mpi4py import MPI
        from petsc4py import PETSc

        out["dolfinx"] = dolfinx.__version__
        out["petsc"] = ".".join(str(x) for x in PETSc.Sys.getVersion())
        out["mpi"] = MPI.Get_library_version().splitlines()[0].strip()
        out["mpi4py"] = __import__("mpi4py").__version__
    return out
