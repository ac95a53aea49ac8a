"""Dirichlet conditions u = g on dofs or facets, whole spaces, sub-spaces of mixed spaces or components."""

from __future__ import annotations

import dolfinx
import dolfinx.fem
import numpy as np


def dirichlet(value, dofs: np.ndarray, space=None):
    """Dirichlet condition: a Function (its own space) or a Constant/array (``space`` given)."""
    if space is None:
        return dolfinx.fem.dirichletbc(value, dofs)
    return dolfinx.fem.dirichletbc(value, np.asarray(dofs, np.int32), space)


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
