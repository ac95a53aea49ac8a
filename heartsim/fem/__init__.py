"""The FEM adapter: every DOLFINx call heartsim makes goes through this package (written for DOLFINx 0.9).

Modules, one concept each:

| module | holds |
| --- | --- |
| ``version`` | the supported DOLFINx version and its check |
| ``meshes`` | create/read/write meshes and tags, entity queries (midpoints, facets of tags, VTK order) |
| ``spaces`` | Lagrange, DG, quadrature and Taylor-Hood spaces; Functions and Constants |
| ``geometry`` | node positions of a mesh: read, move, a vector P1 Function at the nodes |
| ``dofs`` | dof coordinates, dofs of cells/facets/tags/points, rank-independent dof keys |
| ``assembly`` | compile and assemble forms into PETSc objects, functionals, linear solves |
| ``bcs`` | Dirichlet conditions |
| ``points`` | point evaluation (the one evaluator) and the cells holding points |
| ``transfer`` | interpolation between spaces and meshes, P1 -> quadrature points, L2 projection |
| ``petsc_options`` | ``petsc_options`` dicts passed through to a KSP/SNES (the one helper) |
| ``writers`` | VTX/XDMF field writers |

The names below are re-exported so that callers write ``from heartsim import fem`` and
``fem.lagrange_space(mesh, 1)``. Solvers belong to the physics that own them (``ep.diffusion``,
``flow.ns``, ``mechanics.solver``, ``fibers.laplace``); they use PETSc (petsc4py) directly.
When DOLFINx changes an API, only this package changes.
"""

from heartsim.fem.assembly import (assemble_matrix, assemble_matrix_into, assemble_owned_vector,
                                   assemble_residual_into, assemble_rhs_into, assemble_vector_into, assemble_scalar, compile_form,
                                   create_matrix, create_vector, facet_measure, linear_solve, measure_of_tags,
                                   owned_rows_csr, petsc_vec, set_dirichlet_rows, total_volume)
from heartsim.fem.bcs import dirichlet, dirichlet_on_facets
from heartsim.fem.dofs import (dof_coordinates, dof_input_indices, dofs_near, dofs_of_cells, dofs_on_facets,
                               dofs_touching_tag, p2_dof_keys, scalar_dof_keys, vertex_dof_pairs)
from heartsim.fem.geometry import node_positions, node_values, set_node_positions
from heartsim.fem.meshes import (boundary_facet_midpoints, boundary_facet_tags, cell_midpoints, cell_tags,
                                 cells_in_vtk_order, create_box, facet_corner_nodes, facet_tags_from,
                                 facet_triangles, facets_of_tag, facets_with_tags, geometry_degree,
                                 local_cell_count, mesh_from_arrays, original_cell_index, owned_node_coordinates, read_xdmf_mesh,
                                 tags_from_input, write_xdmf_mesh)
from heartsim.fem.petsc_options import apply_options, clear_options, destroy_solver, ksp
from heartsim.fem.points import cells_containing, evaluate
from heartsim.fem.spaces import (Constant, Function, cellwise_space, constant, dg_space, function, global_size, is_cellwise,
                                 lagrange_space, owned_size, quadrature_space, sub_function, taylor_hood_space,
                                 vector_lagrange_space)
from heartsim.fem.transfer import (NonmatchingInterpolation, between_meshes, distance_outside, interpolate_expression,
                                   interpolate_into, l2_project, quadrature_point_coordinates, to_quadrature)
from heartsim.fem.version import SUPPORTED, check_version
from heartsim.fem.writers import FunctionSeriesWriter, write_functions_xdmf

__all__ = [name for name in dir() if not name.startswith("_") and name not in {"annotations"}]
