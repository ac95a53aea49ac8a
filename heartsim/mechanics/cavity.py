"""Cavity volume of a ventricle from its deformed endocardium, closed at the base plane.

With x0 a point on the (planar) base, the divergence theorem over the cavity gives
  V = 1/3 ∮ (x - x0)·n_c da = -1/3 ∫_endo (X + u - x0) · (J F^(-T) N) dA,
because (x - x0)·n_c = 0 on the base cap (it stays in the base plane under a fixed or sliding
base) and the cavity's outward normal is minus the wall's normal N on the endocardium
(Nanson: n da = J F^(-T) N dA). Exact for any closure lying in the plane through x0.

The point x0: for a fixed or sliding base, the centroid of the base facets in the reference
configuration (the base stays in its plane). For a free base the base moves with the wall, so x0
follows it: the centroid of the deformed base facets, x0(u) = ∫_base (X + u) dA / ∫_base dA
(reference area weights), re-evaluated before each volume (:func:`base_centroid_forms`); a rigid
motion of the whole ventricle then leaves V unchanged, and V is exact while the deformed base ring
stays planar (otherwise the cap through x0 is one closure among several, as for any open surface).
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


def base_centroid_forms(u, ds_base) -> list:
    """UFL functionals [∫ x_i dA for i = 0, 1, 2] + [∫ dA] of the deformed base x = X + u (reference area)."""
    mesh = ufl.domain.extract_unique_domain(u)
    x = ufl.SpatialCoordinate(mesh) + u
    return [x[i] * ds_base for i in range(3)] + [ufl.as_ufl(1.0) * ds_base]
