"""Config of device sites (``devices:``) and of the credibility record (``credibility:``, ``verification:``).

Sites are analysed by ``heartsim devices report RUN_FOLDER`` (and at the end of a cohort case): their
points are tracked with the tissue motion the run wrote, and each site writes ``devices/<name>.csv``,
``.png``, ``.vtu`` and its entry of ``devices/summary.json`` (see docs/devices.md).
"""

from __future__ import annotations

from typing import Annotated, Literal, Optional, Union

from pydantic import Field, model_validator

from heartsim.config.base import SUBKEY, Direction, Region, Section, Vec3
from heartsim.config.quantities import Quantity


class _Site(Section):
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    """Name of the site (file names devices/<name>.*; letters, digits, _ . -)."""


class LeadSite(_Site):
    """A pacing/CRT lead or a coronary artery: a polyline embedded in the tissue, tracked with its motion."""

    type: Literal["lead"]
    """Site kind."""
    points: tuple[Vec3, ...]
    """Points along the lead, in order from the proximal end to the tip (mm, reference configuration)."""
    radius: Quantity("mm", gt=0)
    """Lead (or vessel) radius r; bending strain = curvature * r (mm)."""
    fatigue_strain_limit: Optional[float] = Field(None, gt=0)
    """Bending-strain fatigue limit (dimensionless); gives the safety factor = limit / max bending strain."""


class AnnulusSite(_Site):
    """A valve annulus: a closed ring of points in order around it."""

    type: Literal["annulus"]
    """Site kind."""
    points: tuple[Vec3, ...] = ()
    """Ring points in order around the ring (mm, reference configuration; at least 3, not collinear)."""
    between: Optional[tuple[str, str]] = None
    """Instead of points: the mesh nodes shared by two facet tags (e.g. [endo, base]: the endocardial rim of the
    base), ordered by angle in their best-fit plane; fits every anatomy of a cohort."""

    @model_validator(mode="after")
    def _source(self) -> "AnnulusSite":
        if bool(self.points) == (self.between is not None):
            raise ValueError("give exactly one of points, between")
        return self


class VesselSegmentSite(_Site):
    """A stent or stent-graft site: a centreline range on a vessel mesh, stations of wall rings along it."""

    type: Literal["vessel_segment"]
    """Site kind."""
    centreline: tuple[Vec3, ...]
    """Centreline points (stations) from the proximal to the distal end of the segment (mm)."""
    wall: Optional[str] = None
    """Facet tag (name) of the vessel wall in the run's mesh file; none: every boundary facet."""
    slab: Optional[Quantity("mm", gt=0)] = None
    """Thickness of the slab around each station whose wall nodes make its ring (mm; default: station spacing)."""
    max_radius: Optional[Quantity("mm", gt=0)] = None
    """Largest distance of a ring node from the station (mm; default: twice the median in the slab)."""


class NearTag(Section):
    """Wall facets at a distance from the centre of a facet tag (e.g. a landing zone a given length above an
    outlet cap), so one site fits every anatomy of a cohort."""

    tag: str
    """Facet tag (name) whose centre is the reference (e.g. outlet_1, the descending aorta's end)."""
    min_distance: Quantity("mm", ge=0) = 0.0
    """Nearest wall distance from the tag's centre (mm)."""
    max_distance: Quantity("mm", gt=0)
    """Farthest wall distance from the tag's centre (mm)."""


class LandingZoneSite(_Site):
    """A stent-graft landing zone: the displacement force on a wall region (flow runs)."""

    type: Literal["landing_zone"]
    """Site kind."""
    force_region: Optional[str] = None
    """Name of a ``physics.flow.force_regions`` entry whose force the run wrote (forces.csv: pressure + shear)."""
    region: Optional[Region] = None
    """A wall region (box, sphere or facet tag) added after the run: the pressure part from the pressure field."""
    near: Optional[NearTag] = None
    """The wall between two distances from a facet tag's centre (added after the run: pressure part)."""
    pull_out_force: Optional[Quantity("mN", gt=0)] = None
    """Measured pull-out (fixation) force of the graft (mN; e.g. "5 N"); gives the fixation margin."""
    axis: Optional[Direction] = None
    """Local centreline direction; none: from the wall normals of the region."""

    @model_validator(mode="after")
    def _one(self) -> "LandingZoneSite":
        given = [k for k in ("force_region", "region", "near") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of force_region, region, near")
        return self


Site = Annotated[Union[LeadSite, AnnulusSite, VesselSegmentSite, LandingZoneSite], Field(discriminator="type")]


class DevicesConfig(Section):
    """Device sites analysed on the run's fields (``heartsim devices report``)."""

    sites: tuple[Site, ...] = ()
    """Sites: each ``{type: lead | annulus | vessel_segment | landing_zone, name: ..., ...}``."""

    @model_validator(mode="after")
    def _unique(self) -> "DevicesConfig":
        names = [s.name for s in self.sites]
        if len(set(names)) != len(names):
            raise ValueError(f"{SUBKEY}sites: names must be unique")
        for site in self.sites:
            least = {"lead": 3, "annulus": 3 if getattr(site, "between", None) is None else 0,
                     "vessel_segment": 2}.get(site.type, 0)
            pts = site.centreline if site.type == "vessel_segment" else getattr(site, "points", ())
            import math

            if not all(math.isfinite(x) for p in pts for x in p):
                raise ValueError(f"{SUBKEY}sites.{site.name}: every point needs finite coordinates")
            if len(pts) < least:
                what = {"lead": "a lead", "annulus": "a ring", "vessel_segment": "a centreline"}[site.type]
                raise ValueError(f"{SUBKEY}sites.{site.name}: {what} needs at least {least} points (got {len(pts)})")
            if site.type == "annulus" and site.points:
                import numpy as np

                sv = np.linalg.svd(np.array(pts) - np.mean(pts, axis=0), compute_uv=False)
                if not sv[1] > 1e-9 * sv[0]:
                    raise ValueError(f"{SUBKEY}sites.{site.name}: the ring's points are collinear (no plane)")
        return self


class CredibilityConfig(Section):
    """What the run is for, written into credibility.json (FDA 2023 CM&S guidance, ASME V&V40 terms)."""

    context_of_use: str = ""
    """Context of use: what the model predicts, for which decision, with what other evidence."""
    question_of_interest: str = ""
    """The question the decision answers."""
    quantities_of_interest: tuple[str, ...] = ()
    """Quantities of interest: ``site.metric`` names of devices/summary.json (e.g. landing.peak_force_mN)."""
    model_risk: Optional[Literal["low", "medium", "high"]] = None
    """Model risk (model influence x decision consequence), as judged by the user."""


class VerificationConfig(Section):
    """Solution verification: a mesh-refinement series of the same case."""

    refine: tuple[Quantity("mm", gt=0), ...] = ()
    """Mesh sizes h1 < h2 < h3 (mm; mesh.resolution of a generated mesh): the case is rerun at each, the observed
    order and the grid convergence index of every quantity of interest go into credibility.json."""

    @model_validator(mode="after")
    def _three(self) -> "VerificationConfig":
        if self.refine and (len(self.refine) != 3 or not (self.refine[0] < self.refine[1] < self.refine[2])):
            raise ValueError(f"{SUBKEY}refine: give three mesh sizes, finest first (h1 < h2 < h3)")
        return self
