"""Every DOLFINx-version-specific call heartsim makes, in one place (written for DOLFINx 0.9).

When DOLFINx changes an API (0.8 -> 0.9 renamed ``FunctionSpace`` to ``functionspace`` and
``u.vector`` to ``u.x.petsc_vec``; 0.10 moves more), only this module changes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import dolfinx
import dolfinx.fem.petsc
import dolfinx.geometry
import dolfinx.io
import numpy as np
from mpi4py import MPI
from petsc4py import PETSc

SUPPORTED = "0.9."


def check_version() -> str:
    """The DOLFINx version; RuntimeError when it is not 0.9.x."""
    version = dolfinx.__version__
    if not version.startswith(SUPPORTED):
        raise RuntimeError(f"heartsim needs DOLFINx {SUPPORTED}x, found {version}")
    return version


def create_box(comm: MPI.Comm, lo: Sequence[float], hi: Sequence[float], cells: Sequence[int],
               cell_type: str = "tetrahedron") -> dolfinx.mesh.Mesh:
    """Box mesh of [lo, hi] with ``cells`` cells per direction, distributed over ``comm``."""
    kind = {"tetrahedron": dolfinx.mesh.CellType.tetrahedron,
            "hexahedron": dolfinx.mesh.CellType.hexahedron}[cell_type]
    return dolfinx.mesh.create_box(comm, [np.asarray(lo, float), np.asarray(hi, float)], list(cells), kind,
                                   ghost_mode=dolfinx.mesh.GhostMode.shared_facet)


def read_xdmf_mesh(comm: MPI.Comm, path: Path, name: str = "mesh"):
    """Mesh, cell tags and facet tags (None where absent) from a DOLFINx XDMF file, read in parallel."""
    with dolfinx.io.XDMFFile(comm, str(path), "r") as xdmf:
        mesh = xdmf.read_mesh(name=name)
        try:
            tags = xdmf.read_meshtags(mesh, name="cell_tags")
        except RuntimeError:
            tags = None
        mesh.topology.create_connectivity(mesh.topology.dim - 1, mesh.topology.dim)
        try:
            facet_tags = xdmf.read_meshtags(mesh, name="facet_tags")
        except RuntimeError:
            facet_tags = None
    return mesh, tags, facet_tags


def write_xdmf_mesh(comm: MPI.Comm, path: Path, mesh, cell_tags, facet_tags) -> None:
    """Write a mesh named "mesh" with MeshTags "cell_tags" and "facet_tags" (read back by read_xdmf_mesh)."""
    mesh.name = "mesh"
    with dolfinx.io.XDMFFile(comm, str(path), "w") as xdmf:
        xdmf.write_mesh(mesh)
        mesh.topology.create_connectivity(mesh.topology.dim - 1, mesh.topology.dim)
        for tags, name in ((cell_tags, "cell_tags"), (facet_tags, "facet_tags")):
            if tags is not None:
                tags.name = name
                xdmf.write_meshtags(tags, mesh.geometry)


def lagrange_space(mesh: dolfinx.mesh.Mesh, degree: int = 1, shape: tuple[int, ...] | None = None):
    """Continuous Lagrange space of ``degree`` (scalar, or vector/tensor of ``shape``)."""
    element = ("Lagrange", degree) if shape is None else ("Lagrange", degree, shape)
    return dolfinx.fem.functionspace(mesh, element)


def cell_tags(mesh: dolfinx.mesh.Mesh, cells: np.ndarray, values: np.ndarray):
    """MeshTags on cells (indices sorted as DOLFINx requires)."""
    order = np.argsort(cells)
    return dolfinx.mesh.meshtags(mesh, mesh.topology.dim, cells[order].astype(np.int32),
                                 values[order].astype(np.int32))


def local_cell_count(mesh: dolfinx.mesh.Mesh) -> int:
    """Cells owned by this rank."""
    return mesh.topology.index_map(mesh.topology.dim).size_local


def cell_midpoints(mesh: dolfinx.mesh.Mesh, cells: np.ndarray) -> np.ndarray:
    """Midpoints (n, 3) of local ``cells``."""
    return dolfinx.mesh.compute_midpoints(mesh, mesh.topology.dim, cells.astype(np.int32))


def dofs_of_cells(space, cells: np.ndarray) -> np.ndarray:
    """Local dofs (owned and ghost) of the given local cells."""
    return np.unique(space.dofmap.list[cells.astype(np.int32)].ravel())


def dof_input_indices(space) -> np.ndarray:
    """Rank-independent key of every local dof (owned and ghost) of a P1 space: the index of its
    node in the mesh input (generated or read), so that data can be matched across partitions."""
    geometry = space.mesh.geometry
    node_of_dof = np.empty(space.dofmap.index_map.size_local + space.dofmap.index_map.num_ghosts, dtype=np.int64)
    dofs = space.dofmap.list
    # P1 dofs sit at the vertices, the first nodes of each cell in the geometry dofmap (any degree)
    node_of_dof[dofs.ravel()] = geometry.dofmap[:, : dofs.shape[1]].ravel()
    return np.asarray(geometry.input_global_indices, dtype=np.int64)[node_of_dof]


def mesh_from_arrays(comm: MPI.Comm, points: np.ndarray, cells: np.ndarray, cell: str, degree: int):
    """Distributed mesh from arrays given on rank 0 (other ranks pass empty arrays), VTK node order.

    DOLFINx's graph partitioner distributes the cells; ``mesh.geometry.input_global_indices`` and
    ``mesh.topology.original_cell_index`` keep the input numbering.
    """
    import basix.ufl
    import ufl

    element = basix.ufl.element("Lagrange", cell, degree, shape=(3,))
    perm = dolfinx.cpp.io.perm_vtk(dolfinx.mesh.to_type(cell), cells.shape[1])
    return dolfinx.mesh.create_mesh(comm, np.ascontiguousarray(cells[:, perm]), points, ufl.Mesh(element))


def tags_from_input(mesh, dim: int, entities: np.ndarray, values: np.ndarray, vtk_type: str | None = None):
    """MeshTags of entities given by input node indices (VTK order, on any rank), owned where they live."""
    if vtk_type is not None and len(entities):
        perm = dolfinx.cpp.io.perm_vtk(dolfinx.mesh.to_type(vtk_type), entities.shape[1])
        entities = entities[:, perm]
    local, local_values = dolfinx.io.utils.distribute_entity_data(
        mesh, dim, np.ascontiguousarray(entities, dtype=np.int64), np.asarray(values, dtype=np.int32))
    mesh.topology.create_connectivity(dim, 0)
    if dim < mesh.topology.dim:
        mesh.topology.create_connectivity(dim, mesh.topology.dim)
    adjacency = dolfinx.cpp.graph.AdjacencyList_int32(local)
    return dolfinx.mesh.meshtags_from_entities(mesh, dim, adjacency, local_values.astype(np.int32))


def cells_in_vtk_order(mesh) -> tuple[np.ndarray, np.ndarray, str]:
    """Local geometry (points) and cells in VTK node order, with the VTK-style cell name (one rank)."""
    cell = mesh.topology.cell_name()
    dofmap = np.asarray(mesh.geometry.dofmap)
    perm = np.asarray(dolfinx.cpp.io.perm_vtk(dolfinx.mesh.to_type(cell), dofmap.shape[1]))
    names = {("tetrahedron", 4): "tetra", ("tetrahedron", 10): "tetra10", ("hexahedron", 8): "hexahedron",
             ("hexahedron", 27): "hexahedron27"}
    return np.asarray(mesh.geometry.x), dofmap[:, np.argsort(perm)], names[(cell, dofmap.shape[1])]


def original_cell_index(mesh) -> np.ndarray:
    """Input index of every local cell (owned first, then ghosts)."""
    return np.asarray(mesh.topology.original_cell_index, dtype=np.int64)


def measure_of_tags(mesh, tags, dim: int, comm: MPI.Comm) -> dict[int, float]:
    """Global volume (dim = tdim) or area (dim = tdim - 1) of every tag value."""
    import ufl

    values = sorted(set(comm.allreduce(set(np.unique(tags.values).tolist()), op=MPI.BOR))) if tags else []
    measure = ufl.Measure("dx" if dim == mesh.topology.dim else "ds", domain=mesh, subdomain_data=tags)
    one = dolfinx.fem.Constant(mesh, 1.0)
    return {int(v): assemble_scalar(one * measure(int(v)), comm) for v in values}


def total_volume(mesh, comm: MPI.Comm) -> float:
    import ufl

    return assemble_scalar(dolfinx.fem.Constant(mesh, 1.0) * ufl.dx(domain=mesh), comm)


def petsc_vec(function) -> PETSc.Vec:
    """The PETSc vector that shares memory with a Function's values."""
    return function.x.petsc_vec


def assemble_matrix(form) -> PETSc.Mat:
    """Assembled PETSc matrix of a bilinear UFL form (compiled here)."""
    matrix = dolfinx.fem.petsc.assemble_matrix(dolfinx.fem.form(form))
    matrix.assemble()
    return matrix


def assemble_scalar(form, comm: MPI.Comm) -> float:
    """Global value of a functional (summed over ranks)."""
    return comm.allreduce(dolfinx.fem.assemble_scalar(dolfinx.fem.form(form)), op=MPI.SUM)


class FunctionSeriesWriter:
    """Time series of Functions in VTX (.bp) and/or XDMF (.xdmf + .h5), both readable by ParaView."""

    def __init__(self, comm: MPI.Comm, folder: Path, stem: str, functions: list, formats: Sequence[str],
                 require_finite: bool = False):
        self._finite = require_finite  # state fields: NaN/inf stops the run (maps may hold NaN by design)
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
            from heartsim.runtime.failures import require_finite

            require_finite(self._functions[0].function_space.mesh.comm,
                           {f.name: f.x.array for f in self._functions}, f"at t = {t:.6g}")
        if self._vtx is not None:
            self._vtx.write(t)
        if self._xdmf is not None:
            with dolfinx.io.XDMFFile(self._xdmf[0], str(self._xdmf[1]), "a") as xdmf:
                for f in self._functions:
                    xdmf.write_function(f, t)

    def close(self) -> None:
        if self._vtx is not None:
            self._vtx.close()
        self._vtx = self._xdmf = None


# --------------------------------------------------------------------------------------------
# flow (Navier-Stokes): spaces, Dirichlet conditions, reusable assembly, facet geometry


def vector_lagrange_space(mesh: dolfinx.mesh.Mesh, degree: int):
    """Continuous vector Lagrange space of ``degree`` with as many components as the geometry has."""
    return dolfinx.fem.functionspace(mesh, ("Lagrange", degree, (mesh.geometry.dim,)))


def facets_of_tag(facet_tags, value: int) -> np.ndarray:
    """Local facets (owned and ghost) carrying ``value``."""
    return facet_tags.find(int(value)) if facet_tags is not None else np.zeros(0, dtype=np.int32)


def dofs_on_facets(space, facets: np.ndarray) -> np.ndarray:
    """Local (block) dofs of ``space`` on the closure of ``facets``."""
    mesh = space.mesh
    return dolfinx.fem.locate_dofs_topological(space, mesh.topology.dim - 1, facets.astype(np.int32))


def dirichlet(value, dofs: np.ndarray, space=None):
    """Dirichlet condition: a Function (its own space) or a Constant/array (``space`` given)."""
    if space is None:
        return dolfinx.fem.dirichletbc(value, dofs)
    return dolfinx.fem.dirichletbc(value, dofs, space)


def constant(mesh, value) -> dolfinx.fem.Constant:
    """A (scalar or array) Constant on ``mesh`` whose ``.value`` can be changed between solves."""
    return dolfinx.fem.Constant(mesh, PETSc.ScalarType(value) if np.ndim(value) == 0
                                else np.asarray(value, dtype=PETSc.ScalarType))


def compile_form(form):
    """Compiled form (JIT once; assemble many times)."""
    return dolfinx.fem.form(form)


def facet_measure(mesh, facet_tags):
    """The ``ds`` measure with the facet tags as subdomain data."""
    import ufl

    return ufl.Measure("ds", domain=mesh, subdomain_data=facet_tags)


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


def assemble_compiled_scalar(compiled, comm: MPI.Comm) -> float:
    """Global value of a compiled functional."""
    return comm.allreduce(dolfinx.fem.assemble_scalar(compiled), op=MPI.SUM)


def facet_triangles(mesh, facets: np.ndarray) -> np.ndarray:
    """Vertex coordinates (n, 3, 3) of the local owned ``facets`` (triangles) of a tetrahedral mesh."""
    fdim = mesh.topology.dim - 1
    owned = facets[facets < mesh.topology.index_map(fdim).size_local]
    if owned.size == 0:
        return np.zeros((0, 3, 3))
    nodes = dolfinx.mesh.entities_to_geometry(mesh, fdim, owned.astype(np.int32), False)
    return np.asarray(mesh.geometry.x)[nodes[:, :3]]


def boundary_facet_midpoints(mesh, facets: np.ndarray) -> np.ndarray:
    """Midpoints (n, 3) of local ``facets``."""
    return dolfinx.mesh.compute_midpoints(mesh, mesh.topology.dim - 1, facets.astype(np.int32))


def facet_tags_from(mesh, facets: np.ndarray, values: np.ndarray):
    """MeshTags on facets (sorted, unique)."""
    facets, index = np.unique(facets.astype(np.int32), return_index=True)
    return dolfinx.mesh.meshtags(mesh, mesh.topology.dim - 1, facets, np.asarray(values, np.int32)[index])


def interpolate_into(target, source) -> None:
    """target := interpolant of ``source`` (a Function on another space of the same mesh)."""
    target.interpolate(source)
    target.x.scatter_forward()


def function(space, name: str | None = None):
    """A zero Function on ``space``."""
    f = dolfinx.fem.Function(space)
    if name:
        f.name = name
    return f


def evaluate_at(function, points: np.ndarray, comm: MPI.Comm) -> np.ndarray:
    """Values (n, value size) of ``function`` at ``points`` (n, 3) given on every rank (NaN outside
    the mesh); each point is evaluated on the rank owning a cell that contains it."""
    import dolfinx.geometry

    mesh = function.function_space.mesh
    points = np.ascontiguousarray(points, dtype=np.float64)
    tree = dolfinx.geometry.bb_tree(mesh, mesh.topology.dim)
    candidates = dolfinx.geometry.compute_collisions_points(tree, points)
    colliding = dolfinx.geometry.compute_colliding_cells(mesh, candidates, points)
    owned = mesh.topology.index_map(mesh.topology.dim).size_local
    size = int(np.prod(function.ufl_shape)) if function.ufl_shape else 1
    values = np.zeros((len(points), size))
    found = np.zeros(len(points))
    for i in range(len(points)):
        cells = [c for c in colliding.links(i) if c < owned]
        if cells:
            values[i] = function.eval(points[i], np.array([cells[0]], dtype=np.int32))
            found[i] = 1.0
    values = comm.allreduce(values, op=MPI.SUM)
    found = comm.allreduce(found, op=MPI.SUM)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(found[:, None] > 0, values / np.maximum(found, 1)[:, None], np.nan)


def geometry_degree(mesh) -> int:
    """Degree of the mesh's coordinate element (1: straight-sided, 2: 10-node tetrahedra)."""
    return int(mesh.geometry.cmap.degree)


# --------------------------------------------------------------------------------------------
# EP tissue: leads, pseudo-ECG, operator export


def points_in_mesh(mesh, points: np.ndarray) -> np.ndarray:
    """For each point (n, 3), the local cell holding it on this rank, or -1 (collision on this rank only)."""
    import dolfinx.geometry

    pts = np.ascontiguousarray(np.asarray(points, dtype=np.float64).reshape(-1, 3))
    tdim = mesh.topology.dim
    tree = dolfinx.geometry.bb_tree(mesh, tdim)
    candidates = dolfinx.geometry.compute_collisions_points(tree, pts)
    colliding = dolfinx.geometry.compute_colliding_cells(mesh, candidates, pts)
    out = np.full(len(pts), -1, dtype=np.int32)
    for i in range(len(pts)):
        cells = colliding.links(i)
        if len(cells):
            out[i] = cells[0]
    return out


def assemble_owned_vector(form) -> np.ndarray:
    """Assembled linear form (UFL or compiled) on the local dofs: owners hold the full sums, ghosts are zero."""
    import dolfinx.la

    compiled = form if isinstance(form, dolfinx.fem.Form) else dolfinx.fem.form(form)
    vec = dolfinx.fem.assemble_vector(compiled)
    vec.scatter_reverse(dolfinx.la.InsertMode.add)
    values = vec.array.copy()
    values[vec.index_map.size_local * vec.block_size:] = 0.0
    return values


def owned_rows_csr(matrix: PETSc.Mat) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[int, int]]:
    """(indptr, global column indices, values, (first, last) owned row range) of a PETSc AIJ matrix."""
    indptr, indices, values = matrix.getValuesCSR()
    return (np.asarray(indptr, dtype=np.int64), np.asarray(indices, dtype=np.int64), np.array(values),
            matrix.getOwnershipRange())


def evaluate_at_points(function, points: np.ndarray) -> np.ndarray:
    """Values of a scalar Function at global points (n, 3), on every rank (NaN outside the mesh). Collective."""
    mesh = function.function_space.mesh
    pts = np.ascontiguousarray(np.asarray(points, dtype=np.float64).reshape(-1, 3))
    cells = points_in_mesh(mesh, pts)
    owned = cells >= 0
    cells_owned = cells < local_cell_count(mesh)
    mine = owned & cells_owned
    local = np.full(len(pts), np.nan)
    if mine.any():
        local[mine] = function.eval(pts[mine], cells[mine]).ravel()
    gathered = mesh.comm.allgather(local)
    out = np.full(len(pts), np.nan)
    for values in gathered:
        out = np.where(np.isnan(out), values, out)
    return out


# --------------------------------------------------------------------------------------------
# ionic models: nodes of cell-type regions


def dofs_touching_tag(space, cell_tags, value: int) -> np.ndarray:
    """Boolean mask over the local dofs (owned and ghost) of a P1 space: True where the dof is a
    vertex of a cell tagged ``value`` on any rank (summed to the owner, then sent to the ghosts, so
    that every rank agrees)."""
    f = dolfinx.fem.Function(space)
    f.x.array[:] = 0.0
    cells = cell_tags.find(int(value))
    if len(cells):
        f.x.array[dofs_of_cells(space, cells)] = 1.0
    f.x.scatter_reverse(dolfinx.la.InsertMode.add)
    f.x.scatter_forward()
    return f.x.array > 0.5


# --------------------------------------------------------------------------------------------
# mechanics (issue 5): mixed spaces, Dirichlet conditions on sub-spaces, SNES, point evaluation


def mechanics_space(mesh, degree: int, mixed: bool):
    """Vector Lagrange space of ``degree``, or the Taylor-Hood space P(degree)^3 x P(degree - 1)."""
    import basix.ufl

    cell = mesh.basix_cell()
    vec = basix.ufl.element("Lagrange", cell, degree, shape=(mesh.geometry.dim,))
    if not mixed:
        return dolfinx.fem.functionspace(mesh, vec)
    return dolfinx.fem.functionspace(mesh, basix.ufl.mixed_element([vec, basix.ufl.element("Lagrange", cell, degree - 1)]))


def facets_with_tags(mesh, facet_tags, values) -> np.ndarray:
    """Local facets carrying any of ``values``."""
    if facet_tags is None:
        return np.zeros(0, dtype=np.int32)
    return np.sort(facet_tags.find(values[0]) if len(values) == 1 else
                   np.unique(np.concatenate([facet_tags.find(v) for v in values]))).astype(np.int32)


def boundary_facet_tags(mesh, markers: list[tuple[int, object]]):
    """MeshTags of exterior facets: value v where ``marker(x)`` is true at all facet vertices."""
    fdim = mesh.topology.dim - 1
    mesh.topology.create_connectivity(fdim, mesh.topology.dim)
    facets, values = [], []
    for value, marker in markers:
        found = dolfinx.mesh.locate_entities_boundary(mesh, fdim, marker)
        facets.append(found)
        values.append(np.full(found.size, value, dtype=np.int32))
    facets, values = np.concatenate(facets), np.concatenate(values)
    facets, first = np.unique(facets, return_index=True)
    return dolfinx.mesh.meshtags(mesh, fdim, facets.astype(np.int32), values[first])


def dirichlet_on_facets(space, facets: np.ndarray, value=None, component: int | None = None, sub: int | None = None):
    """Dirichlet condition on ``facets`` for the displacement (sub-space ``sub`` of a mixed space, or
    the whole space), optionally one ``component``; ``value``: a callable x -> (3, n) array (or None: zero).

    Returns (bc, function holding the values) so that the values can be rescaled during load stepping.
    """
    fdim = space.mesh.topology.dim - 1
    target = space.sub(sub) if sub is not None else space
    if component is not None:
        target = target.sub(component)
    whole = sub is None and component is None
    collapsed = space if whole else target.collapse()[0]
    g = dolfinx.fem.Function(collapsed)
    if value is not None:
        g.interpolate(value)
    if whole:
        return dolfinx.fem.dirichletbc(g, dolfinx.fem.locate_dofs_topological(space, fdim, facets)), g
    dofs = dolfinx.fem.locate_dofs_topological((target, collapsed), fdim, facets)
    return dolfinx.fem.dirichletbc(g, dofs, target), g


def sub_function(function, i: int):
    """Collapsed copy of sub-function ``i`` of a mixed Function."""
    return function.sub(i).collapse()


class SNESSolver:
    """Newton for F(w) = 0 with PETSc SNES; ``options`` (without prefix) go to SNES, KSP and PC."""

    def __init__(self, residual, jacobian, w, bcs, options: dict, prefix: str = "heartsim_mech_"):
        import dolfinx.fem.petsc as fp

        self.L = dolfinx.fem.form(residual)
        self.a = dolfinx.fem.form(jacobian)
        self.w, self.bcs = w, bcs
        self.b = fp.create_vector(self.L)
        self.A = fp.create_matrix(self.a)
        self.x = w.x.petsc_vec.copy()
        self.assemble_time = 0.0
        comm = w.function_space.mesh.comm
        self.snes = PETSc.SNES().create(comm)
        self.snes.setFunction(self._F, self.b)
        self.snes.setJacobian(self._J, self.A)
        self.snes.setOptionsPrefix(prefix)
        opts = PETSc.Options()
        for key, value in options.items():
            if value is None:
                opts[prefix + key] = None
            elif isinstance(value, bool):
                opts[prefix + key] = "true" if value else "false"
            else:
                opts[prefix + key] = value
        self.snes.setFromOptions()
        for key in options:
            del opts[prefix + key]

    def _F(self, snes, x, b):
        import time

        import dolfinx.fem.petsc as fp

        start = time.perf_counter()
        x.ghostUpdate(addv=PETSc.InsertMode.INSERT, mode=PETSc.ScatterMode.FORWARD)
        x.copy(self.w.x.petsc_vec)
        self.w.x.scatter_forward()
        with b.localForm() as local:
            local.set(0.0)
        fp.assemble_vector(b, self.L)
        fp.apply_lifting(b, [self.a], bcs=[self.bcs], x0=[x], alpha=-1.0)
        b.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
        fp.set_bc(b, self.bcs, x, -1.0)
        self.assemble_time += time.perf_counter() - start

    def _J(self, snes, x, A, P):
        import time

        import dolfinx.fem.petsc as fp

        start = time.perf_counter()
        A.zeroEntries()
        fp.assemble_matrix(A, self.a, bcs=self.bcs)
        A.assemble()
        self.assemble_time += time.perf_counter() - start

    def solve(self) -> tuple[bool, int, float, str]:
        """Solve from the current ``w``; returns (converged, iterations, residual norm, reason)."""
        self.w.x.petsc_vec.copy(self.x)
        self.snes.solve(None, self.x)
        reason = self.snes.getConvergedReason()
        self.x.copy(self.w.x.petsc_vec)
        self.w.x.scatter_forward()
        names = {v: k for k, v in vars(PETSc.SNES.ConvergedReason).items() if isinstance(v, int)}
        return reason > 0, self.snes.getIterationNumber(), float(self.snes.getFunctionNorm()), names.get(reason, str(reason))

    def destroy(self) -> None:
        for obj in (self.snes, self.A, self.b, self.x):
            obj.destroy()


def interpolate_expression(function, expr) -> None:
    """function <- interpolation of the UFL expression ``expr`` at the function space's points."""
    space = function.function_space
    function.interpolate(dolfinx.fem.Expression(expr, space.element.interpolation_points()))


def dg_space(mesh, degree: int = 0, shape: tuple[int, ...] | None = None):
    """Discontinuous Lagrange space (degree 0: cell-wise constant), scalar or of ``shape``."""
    return dolfinx.fem.functionspace(mesh, ("DG", degree) if shape is None else ("DG", degree, shape))


def quadrature_space(mesh, degree: int, shape: tuple[int, ...] | None = None):
    """Space of values at the quadrature points of ``degree`` (basix default scheme), scalar or of
    ``shape``; usable in forms whose ``quadrature_degree`` is the same ``degree``."""
    import basix.ufl

    element = basix.ufl.quadrature_element(mesh.basix_cell(), value_shape=shape or (), degree=degree)
    return dolfinx.fem.functionspace(mesh, element)


def quadrature_point_coordinates(mesh, degree: int) -> np.ndarray:
    """Physical coordinates (n, 3) of the local points of ``quadrature_space(mesh, degree)``, in its
    dof order (curved cells included: the geometry map is evaluated)."""
    import ufl

    coords = dolfinx.fem.Function(quadrature_space(mesh, degree, (mesh.geometry.dim,)))
    interpolate_expression(coords, ufl.SpatialCoordinate(mesh))
    return coords.x.array.reshape(-1, mesh.geometry.dim)


def evaluate_vector_at_points(function, points: np.ndarray, comm: MPI.Comm) -> np.ndarray:
    """Values (n, value_size) of ``function`` at global ``points`` (n, 3), gathered on every rank
    (NaN where no rank holds the point)."""
    mesh = function.function_space.mesh
    points = np.asarray(points, dtype=np.float64).reshape(-1, 3)
    tree = dolfinx.geometry.bb_tree(mesh, mesh.topology.dim)
    candidates = dolfinx.geometry.compute_collisions_points(tree, points)
    colliding = dolfinx.geometry.compute_colliding_cells(mesh, candidates, points)
    size = int(np.prod(function.ufl_shape)) if function.ufl_shape else 1
    local = np.full((len(points), size), np.nan)
    n_owned = mesh.topology.index_map(mesh.topology.dim).size_local
    for i in range(len(points)):
        cells = colliding.links(i)
        cells = cells[cells < n_owned]
        if len(cells):
            local[i] = function.eval(points[i], cells[:1])
    found = np.where(np.isnan(local), -np.inf, local)
    best = np.empty_like(found)
    comm.Allreduce(found, best, op=MPI.MAX)
    best[np.isinf(best)] = np.nan
    return best


# --------------------------------------------------------------------------------------------
# fibers (issue 5): Laplace solves with Dirichlet data on facets, L2 projection, dof coordinates, XDMF


def cellwise_space(mesh, shape: tuple[int, ...] | None = None):
    """Cell-wise constant (DG0) space, scalar or of ``shape``."""
    return dolfinx.fem.functionspace(mesh, ("DG", 0) if shape is None else ("DG", 0, shape))


def is_cellwise(space) -> bool:
    """Whether a space is discontinuous of degree 0 (one value per cell)."""
    element = space.ufl_element()
    return element.embedded_superdegree == 0


def dof_coordinates(space) -> np.ndarray:
    """Coordinates (n, 3) of the local (owned and ghost) dofs (nodes) of a Lagrange or DG space."""
    return space.tabulate_dof_coordinates()


def facet_dofs(space, facets: np.ndarray) -> np.ndarray:
    """Local dofs of a scalar space on the given local facets."""
    mesh = space.mesh
    mesh.topology.create_connectivity(mesh.topology.dim - 1, mesh.topology.dim)
    return dolfinx.fem.locate_dofs_topological(space, mesh.topology.dim - 1, np.asarray(facets, np.int32))


def dofs_near(space, point: Sequence[float], tol: float) -> np.ndarray:
    """Local dofs of a scalar Lagrange space within ``tol`` of ``point``."""
    p = np.asarray(point, float).reshape(3, 1)
    return dolfinx.fem.locate_dofs_geometrical(space, lambda x: np.linalg.norm(x - p, axis=0) <= tol)


def solve_laplace(space, dirichlet: Sequence[tuple[np.ndarray, float]], options: dict):
    """phi in ``space`` with -div grad phi = 0, phi = value on each (dofs, value), zero flux elsewhere.

    ``options``: PETSc KSP/PC options of the linear solve.
    """
    import ufl
    from dolfinx.fem.petsc import LinearProblem

    u, v = ufl.TrialFunction(space), ufl.TestFunction(space)
    zero = dolfinx.fem.Constant(space.mesh, 0.0)
    bcs = [dolfinx.fem.dirichletbc(dolfinx.fem.Constant(space.mesh, float(value)), np.asarray(dofs, np.int32), space)
           for dofs, value in dirichlet]
    problem = LinearProblem(ufl.inner(ufl.grad(u), ufl.grad(v)) * ufl.dx, zero * v * ufl.dx, bcs=bcs,
                            petsc_options=options)
    phi = problem.solve()
    phi.x.scatter_forward()
    return phi


def l2_project(expr, space, options: dict):
    """The L2 projection of a UFL expression onto ``space`` (mass-matrix solve with PETSc ``options``)."""
    import ufl
    from dolfinx.fem.petsc import LinearProblem

    u, v = ufl.TrialFunction(space), ufl.TestFunction(space)
    problem = LinearProblem(ufl.inner(u, v) * ufl.dx, ufl.inner(expr, v) * ufl.dx, bcs=[], petsc_options=options)
    result = problem.solve()
    result.x.scatter_forward()
    return result


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


# --------------------------------------------------------------------------------------------
# flow checkpoints: rank-independent keys of P2 dofs, P1 values carried on the P2 vertex dofs


def p2_dof_keys(space) -> np.ndarray:
    """Rank-independent key (int64) of every local dof (owned and ghost) of a P2 Lagrange space on a
    simplex mesh of any geometry degree, from the mesh-input indices of the dof's vertices: a dof at
    vertex a has key a N + a, a dof on the edge (a, b), a < b, has key a N + b, with N the number
    of input nodes (largest input index + 1). Keys of different dofs differ (a N + b determines a, b)."""
    import basix

    mesh = space.mesh
    topology = basix.topology(mesh.basix_cell())
    n_vertices, edges = len(topology[0]), np.asarray(topology[1], dtype=np.int64)
    dofs = space.dofmap.list
    if dofs.shape[1] != n_vertices + len(edges):
        raise ValueError("p2_dof_keys: the space is not P2 Lagrange on a simplex mesh")
    inputs = np.asarray(mesh.geometry.input_global_indices, dtype=np.int64)
    n = np.int64(mesh.comm.allreduce(int(inputs.max(initial=-1)) + 1, op=MPI.MAX))
    # the first nodes of each cell in the geometry dofmap are its vertices (any geometry degree)
    vertex = inputs[mesh.geometry.dofmap[:, :n_vertices]]
    keys = np.empty(space.dofmap.index_map.size_local + space.dofmap.index_map.num_ghosts, dtype=np.int64)
    keys[dofs[:, :n_vertices].ravel()] = (vertex * n + vertex).ravel()
    a, b = vertex[:, edges[:, 0]], vertex[:, edges[:, 1]]
    keys[dofs[:, n_vertices:].ravel()] = (np.minimum(a, b) * n + np.maximum(a, b)).ravel()
    return keys


def vertex_dof_pairs(p2_space, p1_space) -> tuple[np.ndarray, np.ndarray]:
    """(P2 dofs, P1 dofs): local dof (block) numbers of two Lagrange spaces on one mesh that sit at
    the same cell vertex, over all local cells (pairs repeat; every local P1 dof appears)."""
    p1 = p1_space.dofmap.list
    return p2_space.dofmap.list[:, : p1.shape[1]].ravel(), p1.ravel()
