"""Field writers: time series of Functions in VTX (.bp, ADIOS2) and XDMF (.xdmf + .h5), and one-shot XDMF.

Both formats open in ParaView. Physics never writes files; runners own the writers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import dolfinx
import dolfinx.fem
import dolfinx.io
from mpi4py import MPI

from heartsim.fem.spaces import is_cellwise


class FunctionSeriesWriter:
    """Time series of Functions in VTX (.bp), XDMF (.xdmf + .h5) and/or VTK XML (.pvd index of one .vtu
    per time, .pvtu pieces), all readable by ParaView."""

    def __init__(self, comm: MPI.Comm, folder: Path, stem: str, functions: list, formats: Sequence[str],
                 require_finite: bool = False):
        self._finite = require_finite  # state fields: NaN/inf stops the run (maps may hold NaN by design)
        self._vtx = None
        self._xdmf = None
        self._vtk = None
        self._functions = functions
        self.paths: list[Path] = []
        if "vtu" in formats:
            path = folder / f"{stem}.pvd"
            self._vtk = dolfinx.io.VTKFile(comm, str(path), "w")
            self.paths.append(path)
        if "vtx" in formats:
            path = folder / f"{stem}.bp"
            # the mesh is written once (reuse), not with every time step
            self._vtx = dolfinx.io.VTXWriter(comm, str(path), functions, engine="BP4",
                                             mesh_policy=dolfinx.io.VTXMeshPolicy.reuse)
            self.paths.append(path)
        if "xdmf" in formats:
            path = folder / f"{stem}.xdmf"
            # closed after every write: HDF5 keeps its metadata in memory until the file is closed, so
            # a run killed (kill -9) while the file is open leaves an unreadable .h5
            with dolfinx.io.XDMFFile(comm, str(path), "w") as xdmf:
                xdmf.write_mesh(functions[0].function_space.mesh)
            self._xdmf = (comm, path)
            self.paths.append(path)

    def write(self, t: float) -> None:
        """Write every Function at time ``t``; with ``require_finite``, SolverFailure (collective) first
        when one holds NaN or inf."""
        if self._finite:
            from heartsim.failures import require_finite

            require_finite(self._functions[0].function_space.mesh.comm,
                           {f.name: f.x.array for f in self._functions}, f"at t = {t:.6g}")
        if self._vtx is not None:
            self._vtx.write(t)
        if self._xdmf is not None:
            with dolfinx.io.XDMFFile(self._xdmf[0], str(self._xdmf[1]), "a") as xdmf:
                for f in self._functions:
                    xdmf.write_function(f, t)
        if self._vtk is not None:
            self._vtk.write_function(self._functions, t)

    def close(self) -> None:
        for writer in (self._vtx, self._vtk):
            if writer is not None:
                writer.close()
        self._vtx = self._xdmf = self._vtk = None


def write_functions_xdmf(comm: MPI.Comm, path: Path, functions: Sequence) -> None:
    """Write Functions of one mesh to XDMF (+ .h5) at t = 0: cell-wise ones as cell data, the others
    as point data (a Lagrange field of another degree than the mesh geometry is interpolated to it)."""
    import basix.ufl

    mesh = functions[0].function_space.mesh
    degree = mesh.geometry.cmap.degree
    with dolfinx.io.XDMFFile(comm, str(path), "w") as xdmf:
        xdmf.write_mesh(mesh)
        for f in functions:
            element = f.function_space.ufl_element()
            if not is_cellwise(f.function_space) and element.embedded_superdegree != degree:
                shape = f.ufl_shape or None
                target = dolfinx.fem.functionspace(mesh, basix.ufl.element(
                    "Lagrange", mesh.basix_cell(), degree, shape=shape))
                g = dolfinx.fem.Function(target, name=f.name)
                g.interpolate(f)
                f = g
            xdmf.write_function(f, 0.0)
