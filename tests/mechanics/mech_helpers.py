"""Small meshes and problem set-up shared by the mechanics tests."""

from __future__ import annotations

import numpy as np
import ufl

from heartsim import fem
from heartsim.config.mechanics import DEFAULT_MECHANICS_PETSC, MechanicsConfig
from heartsim.mechanics.boundary import tag_box_faces
from heartsim.mechanics.problem import Loads, MechanicsProblem, Prescribed
from heartsim.mesh.build import TaggedMesh

AXES = (ufl.as_vector([1.0, 0.0, 0.0]), ufl.as_vector([0.0, 1.0, 0.0]), ufl.as_vector([0.0, 0.0, 1.0]))


def unit_cube(comm, n: int = 1) -> TaggedMesh:
    """[0, 1]^3 in n^3 x 6 tetrahedra with facet tags x0 ... z1."""
    tagged = TaggedMesh(fem.create_box(comm, [0, 0, 0], [1, 1, 1], [n, n, n]), None)
    tag_box_faces(tagged)
    return tagged


def zero(x):
    return np.zeros((1, x.shape[1]))


def uniaxial(stretch: float):
    """Symmetry planes x0, y0, z0 and u_x = stretch - 1 on x1."""
    return (Prescribed(("x0",), zero, 0), Prescribed(("y0",), zero, 1), Prescribed(("z0",), zero, 2),
            Prescribed(("x1",), lambda x: np.full((1, x.shape[1]), stretch - 1.0), 0))


def solve(tagged, mech: dict, prescribed, steps: int = 1):
    """Build and solve a problem (base free) in ``steps`` equal steps of the prescribed displacement."""
    cfg = MechanicsConfig.model_validate({**mech, "boundary": {"base_condition": "free"}})
    problem = MechanicsProblem(tagged, cfg, AXES, DEFAULT_MECHANICS_PETSC, prescribed)
    for k in range(1, steps + 1):
        problem.set_loads(Loads(fraction=k / steps))
        result = problem.solve()
        assert result.converged, result.detail
    return problem


def cell_values(problem, expr, shape=None) -> np.ndarray:
    """Cell-wise (DG0) values of a UFL expression, (cells, *shape)."""
    f = fem.function(fem.dg_space(problem.mesh, 0, shape))
    fem.interpolate_expression(f, expr)
    return f.x.array.reshape((-1,) + (shape or ()))
