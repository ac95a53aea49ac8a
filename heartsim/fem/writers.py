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
    """Time series of Functions in VTX (.bp) and/or XDMF (.xdmf + .h5), both readable by ParaView."""

    def __init__(self, comm: MPI.Comm, folder: Path, stem: str, functions: list, formats: Sequence[str]):
        self._vtx = None
        self._xdmf = None
        self._functions = functions
        self.paths: list[Path] = []
        if "vtx" in formats:
            path = folder / f"{stem}.bp"
            # the mesh is written once (reuse), not with every time step
            self._vtx = dolfinx.io.VTXWriter(comm, str(path), functions, engine="BP4",
                                             mesh_policy=dolfinx.io.VTXMeshPolicy.reuse)
            self.paths.append(path)
        if "xdmf" in formats:
            path = folder / f"{stem}.xdmf"
            self._xdmf = dolfinx.io.XDMFFile(comm, str(path), "w")
            self._xdmf.write_mesh(functions[0].function_space.mesh)
            self.paths.append(path)

    def write(self, t: float) -> None:
        if self._vtx is not None:
            self._vtx.write(t)
        if self._xdmf is not None:
            for f in self._functions:
                self._xdmf.write_function(f, t)

    def close(self) -> None:
        for writer in (self._vtx, self._xdmf):
            if writer is not None:
                writer.close()
        self._vtx = self._xdmf = None


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
