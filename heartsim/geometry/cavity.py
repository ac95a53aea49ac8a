"""Cavity volume enclosed by an endocardial surface closed by the base plane (reference or deformed).

For a cavity bounded by the endocardium Gamma_endo and a flat lid in the base plane through x0,
the divergence theorem with div(x - x0) = 3 gives (the lid adds nothing, (x - x0) . n = 0 there)

    V = -1/3 int_{Gamma_endo} (x - x0) . n ds                      (reference configuration)
    V = -1/3 int_{Gamma_endo} (X + u - x0) . (J F^{-T} N) dS        (deformed, F = I + grad u)

with n (N) the outward normal of the wall, which points into the cavity on the endocardium. In the
deformed case the base must stay in a plane through x0 normal to the same direction (a fixed or
sliding base).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import ufl
from mpi4py import MPI

from heartsim import fem


def cavity_volume_form(mesh, ds_endo, x0: Sequence[float], u=None):
    """UFL form of the cavity volume (mm^3): ``ds_endo`` a facet measure restricted to the endocardium
    (e.g. ``ufl.Measure("ds", mesh, subdomain_data=facet_tags)(endo)``), ``x0`` a point of the base
    plane, ``u`` an optional displacement (Function or UFL expression) for the deformed volume."""
    x = ufl.SpatialCoordinate(mesh)
    n = ufl.FacetNormal(mesh)
    origin = ufl.as_vector([float(c) for c in x0])
    if u is None:
        return -ufl.inner(x - origin, n) / 3 * ds_endo
    F = ufl.Identity(len(x0)) + ufl.grad(u)
    return -ufl.inner(x + u - origin, ufl.det(F) * ufl.inv(F).T * n) / 3 * ds_endo


def cavity_volume(tagged, endo: int | str, x0: Sequence[float], comm: MPI.Comm, u=None) -> float:
    """Cavity volume (mm^3) of the endocardial facet tag ``endo`` (value or name) of a TaggedMesh."""
    value = tagged.facet_value(endo)
    ds = ufl.Measure("ds", domain=tagged.mesh, subdomain_data=tagged.facet_tags)
    return float(fem.assemble_scalar(cavity_volume_form(tagged.mesh, ds(int(value)), np.asarray(x0, float), u),
                                    comm))
