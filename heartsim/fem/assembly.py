"""Compiling and assembling forms into PETSc matrices and vectors, and global functionals.

Bilinear forms a(u, v), linear forms L(v) and functionals J (UFL) are compiled once (JIT) and
assembled many times; Dirichlet rows get diagonal 1 and right-hand sides are lifted,
b <- b - A g, so that the condition u = g holds exactly.
"""

from __future__ import annotations

import dolfinx
import dolfinx.fem
import dolfinx.fem.petsc
import dolfinx.la
import numpy as np
from mpi4py import MPI
from petsc4py import PETSc


def compile_form(form):
    """Compiled form (JIT once; assemble many times)."""
    return dolfinx.fem.form(form)


def _compiled(form):
    return form if isinstance(form, dolfinx.fem.Form) else dolfinx.fem.form(form)


def petsc_vec(function) -> PETSc.Vec:
    """The PETSc vector that shares memory with a Function's values."""
    return function.x.petsc_vec


def assemble_matrix(form) -> PETSc.Mat:
    """Assembled PETSc matrix of a bilinear form (UFL, compiled here, or compiled)."""
    matrix = dolfinx.fem.petsc.assemble_matrix(_compiled(form))
    matrix.assemble()
    return matrix


def create_matrix(compiled) -> PETSc.Mat:
    """An empty PETSc matrix with the sparsity of a compiled bilinear form."""
    return dolfinx.fem.petsc.create_matrix(compiled)


def create_vector(compiled) -> PETSc.Vec:
    """An empty PETSc vector of the test space of a compiled linear form."""
    return dolfinx.fem.petsc.create_vector(compiled)


def assemble_matrix_into(matrix: PETSc.Mat, compiled, bcs) -> None:
    """Reassemble ``matrix`` from a compiled bilinear form with Dirichlet rows (diagonal 1)."""
    matrix.zeroEntries()
    dolfinx.fem.petsc.assemble_matrix(matrix, compiled, bcs=bcs)
    matrix.assemble()


def assemble_rhs_into(vector: PETSc.Vec, linear, bilinear, bcs) -> None:
    """Reassemble ``vector`` from a compiled linear form, lifted for the Dirichlet conditions of the
    compiled bilinear form (None: no lifting), with the Dirichlet values set; owned entries summed."""
    with vector.localForm() as local:
        local.set(0.0)
    dolfinx.fem.petsc.assemble_vector(vector, linear)
    if bilinear is not None:
        dolfinx.fem.petsc.apply_lifting(vector, [bilinear], [bcs])
    vector.ghostUpdate(addv=PETSc.InsertMode.ADD_VALUES, mode=PETSc.ScatterMode.REVERSE)
    if bcs:
        dolfinx.fem.petsc.set_bc(vector, bcs)


def assemble_vector_into(vector: PETSc.Vec, linear, bcs) -> None:
    """Reassemble ``vector`` from a compiled linear form with its Dirichlet rows zero (a derivative of a
    residual or functional in the directions the conditions leave free); owned entries summed."""
    with vector.localForm() as local:
        local.set(0.0)
    dolfinx.fem.petsc.assemble_vector(vector, linear)
    vector.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
    if bcs:
        dolfinx.fem.petsc.set_bc(vector, bcs, alpha=0.0)


def assemble_residual_into(vector: PETSc.Vec, residual, jacobian, bcs, x: PETSc.Vec) -> None:
    """Newton residual F(x) of a compiled linear form into ``vector``, lifted for the Dirichlet
    conditions of the compiled ``jacobian`` about the iterate ``x`` so that the Dirichlet rows read
    x - g (the Newton update then meets u = g)."""
    with vector.localForm() as local:
        local.set(0.0)
    dolfinx.fem.petsc.assemble_vector(vector, residual)
    dolfinx.fem.petsc.apply_lifting(vector, [jacobian], bcs=[bcs], x0=[x], alpha=-1.0)
    vector.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
    set_dirichlet_rows(vector, bcs, x)


def set_dirichlet_rows(vector: PETSc.Vec, bcs, x: PETSc.Vec, scale: float = -1.0) -> None:
    """Set the rows of the constrained dofs of ``vector`` to scale (g - x) (g the Dirichlet values), the rest
    unchanged: with scale -1 the Dirichlet rows x - g of a Newton residual at the iterate ``x``."""
    dolfinx.fem.petsc.set_bc(vector, bcs, x, scale)


def assemble_scalar(form, comm: MPI.Comm) -> float:
    """Global value of a functional (UFL or compiled), summed over ranks."""
    return comm.allreduce(dolfinx.fem.assemble_scalar(_compiled(form)), op=MPI.SUM)


def assemble_owned_vector(form) -> np.ndarray:
    """Assembled linear form (UFL or compiled) on the local dofs: owners hold the full sums, ghosts are zero."""
    vec = dolfinx.fem.assemble_vector(_compiled(form))
    vec.scatter_reverse(dolfinx.la.InsertMode.add)
    values = vec.array.copy()
    values[vec.index_map.size_local * vec.block_size:] = 0.0
    return values


def owned_rows_csr(matrix: PETSc.Mat) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[int, int]]:
    """(indptr, global column indices, values, (first, last) owned row range) of a PETSc AIJ matrix."""
    indptr, indices, values = matrix.getValuesCSR()
    return (np.asarray(indptr, dtype=np.int64), np.asarray(indices, dtype=np.int64), np.array(values),
            matrix.getOwnershipRange())


def facet_measure(mesh, facet_tags, metadata: dict | None = None):
    """The ``ds`` measure with the facet tags as subdomain data."""
    import ufl

    return ufl.Measure("ds", domain=mesh, subdomain_data=facet_tags, metadata=metadata)


def measure_of_tags(mesh, tags, dim: int, comm: MPI.Comm) -> dict[int, float]:
    """Global volume (dim = tdim) or area (dim = tdim - 1) of every tag value."""
    import ufl

    values = sorted(set(comm.allreduce(set(np.unique(tags.values).tolist()), op=MPI.BOR))) if tags else []
    measure = ufl.Measure("dx" if dim == mesh.topology.dim else "ds", domain=mesh, subdomain_data=tags)
    one = dolfinx.fem.Constant(mesh, 1.0)
    return {int(v): assemble_scalar(one * measure(int(v)), comm) for v in values}


def total_volume(mesh, comm: MPI.Comm) -> float:
    """Global volume (area in 2D) of the mesh."""
    import ufl

    return assemble_scalar(dolfinx.fem.Constant(mesh, 1.0) * ufl.dx(domain=mesh), comm)


def linear_solve(a, L, bcs, options: dict):
    """The Function u with a(u, v) = L(v) for all v, u = g on the Dirichlet conditions ``bcs``,
    solved by a PETSc KSP configured from ``options`` (UFL forms, compiled here)."""
    from dolfinx.fem.petsc import LinearProblem

    problem = LinearProblem(a, L, bcs=bcs, petsc_options=options)
    u = problem.solve()
    u.x.scatter_forward()
    return u
