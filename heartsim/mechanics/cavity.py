"""Cavity volume of a ventricle from its deformed endocardium, closed at the base plane.

With x0 a point on the (planar) base, the divergence theorem over the cavity gives
  V = 1/3 ∮ (x - x0)·n_c da = -1/3 ∫_endo (X + u - x0) · (J F^(-T) N) dA,
because (x - x0)·n_c = 0 on the base cap (it stays in the base plane under a fixed or sliding
base) and the cavity's outward normal is minus the wall's normal N on the endocardium
(Nanson: n da = J F^(-T) N dA). Exact for any closure lying in the plane through x0.
"""

from __future__ import annotations

from dataclasses import dataclass

import ufl

#: name of the cavity of the single volume constraint ``boundary.cavity``
CONSTRAINED = "cavity"


@dataclass
class Cavity:
    """A cavity of the problem: its facet tags, its pressure (a Constant acting on them, kPa) and the
    compiled form of its volume (mm³)."""

    name: str
    tags: tuple
    pressure: object
    volume_form: object


def cavity_volume_form(u, x0, ds_endo):
    """UFL functional of the cavity volume (mm³); ``x0``: a point on the base plane (3 floats or a Constant)."""
    mesh = ufl.domain.extract_unique_domain(u)
    X = ufl.SpatialCoordinate(mesh)
    F = ufl.Identity(3) + ufl.grad(u)
    N = ufl.FacetNormal(mesh)
    x = X + u - ufl.as_vector([float(c) for c in x0]) if not isinstance(x0, ufl.core.expr.Expr) else X + u - x0
    return -1.0 / 3.0 * ufl.inner(x, ufl.det(F) * ufl.inv(F).T * N) * ds_endo
