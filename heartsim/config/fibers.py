"""Config section ``fibers:``: the fiber architecture of a run (issue 5).

Three methods give the local orthonormal basis (fiber f, sheet s, sheet-normal n):

* ``ldrb``: the rule-based method of Bayer et al. 2012 (Ann Biomed Eng 40:2243) on a mesh whose facets
  are tagged endo/epi/base (LV) or lv_endo/rv_endo/epi/base (biventricular);
* ``analytic``: the rule of the Land et al. 2015 ellipsoid (Proc R Soc A 471:20150641, problem 3): the
  helix angle varies linearly with the wall coordinate t of the family of ellipsoids
  ``r_s(t) = r_s,endo + t (r_s,epi - r_s,endo)``, ``r_l(t)`` likewise;
* ``file``: vectors stored in the mesh file (point or cell data), normalised.

Angles follow Bayer et al.: the helix angle alpha is measured in the wall's tangent plane from the
circumferential direction ``e_c = e_l x e_t`` (e_l apex -> base, e_t endo -> epi) towards e_l; the sheet
angle beta rotates (s, n) about f. At beta = 0 the sheet s lies in the tangent plane and n is transmural
(the convention of fenicsx-ldrb).
"""

from __future__ import annotations

from typing import Literal, Optional, Union

from pydantic import model_validator

from heartsim.config.base import Section
from heartsim.config.quantities import Quantity

Angle = Quantity("degree", ge=-90, le=90)
Radius = Quantity("mm", gt=0)
TagName = Union[int, str]

#: defaults of the helix angles (degrees) by method when the config leaves them out
DEFAULT_HELIX = {"ldrb": (60.0, -60.0), "analytic": (90.0, -90.0)}


class FibersConfig(Section):
    """Fiber architecture (rule-based LDRB, the Land 2015 ellipsoid rule, or vectors of the mesh file)."""

    method: Literal["ldrb", "analytic", "file"] = "ldrb"
    """``ldrb`` (Bayer 2012, needs endo/epi/base facet tags), ``analytic`` (Land 2015 ellipsoid rule) or ``file`` (arrays of the mesh file)."""
    helix_endo: Optional[Angle] = None
    """Helix angle at the endocardium (degrees); default +60 (ldrb), +90 (analytic, Land 2015 problem 3)."""
    helix_epi: Optional[Angle] = None
    """Helix angle at the epicardium (degrees); default -60 (ldrb), -90 (analytic, Land 2015 problem 3)."""
    sheet_endo: Angle = 0.0
    """Sheet angle at the endocardium (degrees; Bayer 2012 used -65)."""
    sheet_epi: Angle = 0.0
    """Sheet angle at the epicardium (degrees; Bayer 2012 used 25)."""
    space: Optional[Literal["P1", "DG0"]] = None
    """Where the vectors live: ``P1`` (nodes) or ``DG0`` (one per cell); default P1, for ``file`` the file's kind. Mechanics runs evaluate the ``analytic`` rule at the quadrature points instead."""
    endo: TagName = "endo"
    """Facet tag (name or number) of the endocardium of an LV mesh."""
    epi: TagName = "epi"
    """Facet tag (name or number) of the epicardium."""
    base: TagName = "base"
    """Facet tag (name or number) of the base."""
    lv_endo: TagName = "lv_endo"
    """Facet tag of the LV endocardium of a biventricular mesh (used when the mesh has ``rv_endo``)."""
    rv_endo: TagName = "rv_endo"
    """Facet tag of the RV endocardium; a mesh carrying it is treated as biventricular."""
    short_radii: tuple[Radius, Radius] = (7.0, 10.0)
    """analytic: short (equatorial) radii of the endo and epi ellipsoids (mm; Land 2015: 7, 10)."""
    long_radii: tuple[Radius, Radius] = (17.0, 20.0)
    """analytic: long radii (along z, apex at negative z) of the endo and epi ellipsoids (mm; Land 2015: 17, 20)."""
    fiber_array: str = "fiber"
    """file: name of the point- or cell-data vector array holding the fiber direction."""
    sheet_array: Optional[str] = None
    """file: name of the sheet array (orthogonalised against f); none: a unit vector normal to f is chosen."""

    @model_validator(mode="after")
    def _radii(self) -> "FibersConfig":
        if self.short_radii[1] <= self.short_radii[0] or self.long_radii[1] <= self.long_radii[0]:
            raise ValueError("short_radii and long_radii: the epi radius must exceed the endo radius")
        return self

    def helix(self) -> tuple[float, float]:
        """(endo, epi) helix angles in degrees, method defaults filled in."""
        endo, epi = DEFAULT_HELIX.get(self.method, (60.0, -60.0))
        return (endo if self.helix_endo is None else self.helix_endo,
                epi if self.helix_epi is None else self.helix_epi)

    def sheet(self) -> tuple[float, float]:
        """(endo, epi) sheet angles in degrees."""
        return self.sheet_endo, self.sheet_epi

    def resolved_space(self, file_kind: str | None = None) -> str:
        """``P1`` or ``DG0``: the configured space, else the file's kind (file method), else P1."""
        if self.space is not None:
            return self.space
        return file_kind or "P1"
