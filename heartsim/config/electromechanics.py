"""Config section ``physics.electromechanics``: EP -> calcium -> Land 2017 tension -> mechanics <-> closed loop.

Needs ``physics.mechanics`` (the passive material, formulation and boundary conditions; its
``active`` section with ``source: field``) and ``physics.circulation`` (``model: closed_loop``, whose
``chamber`` is replaced by the 3D cavity), and ``physics.ep`` when ``calcium.source`` is ``ep``.
EP runs on ``time.dt`` (0.01-0.05 ms), the mechanics, tension and circulation on ``dt`` (~1 ms).
"""

from __future__ import annotations

from typing import Literal, Optional, Union

from pydantic import Field, field_validator, model_validator

from heartsim.config.base import SUBKEY, Section
from heartsim.config.mesh import MeshConfig
from heartsim.config.quantities import Quantity

TagRef = Union[int, str]
#: parameter names of the Land 2017 model (heartsim/kernels/tension/land2017.py; a test keeps them equal)
LAND_PARAMETERS = ("Tref", "ca50", "nTm", "ku", "TRPN50", "kTRPN", "nTRPN", "kuw", "kws", "rw", "rs", "gamma_s",
                   "gamma_w", "phi", "Aeff", "beta0", "beta1")


class TensionRegionConfig(Section):
    """Contractility of a part of the mesh (an entry of ``tension.regions``)."""

    cell_tags: tuple[TagRef, ...] = Field(min_length=1)
    """Cell tags (names or numbers) of the mechanics mesh whose cells take this Tref (e.g. ``[rv]`` of
    meshes/biv_ellipsoid_human.xdmf: lv, rv (RV free wall), septum)."""
    Tref: Quantity("kPa", gt=0)
    """Reference tension of these cells (kPa), in place of ``tension.parameters.Tref``: Ta scales with it."""


class TensionConfig(Section):
    """Active tension model at the mechanics quadrature points (Land et al. 2017, J Mol Cell Cardiol
    104:83); the zeta (velocity) states and h(lambda) are solved inside the mechanics Newton iteration."""

    model: Literal["land_2017"] = "land_2017"
    """Tension model."""
    preset: Literal["land_2017", "tor_ord_land"] = "land_2017"
    """Named parameter set of the tension model: land_2017 (human whole-organ values) or tor_ord_land (ku 0.04, nTm 2.4)."""
    parameters: dict[str, float] = {}
    """Overrides of the tension model's parameters by name, in its units (e.g. ``{Tref: 100}``, kPa: contractility)."""

    @field_validator("parameters")
    @classmethod
    def _known_parameters(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = [name for name in value if name not in LAND_PARAMETERS]
        if unknown:
            raise ValueError(f"{SUBKEY}{unknown[0]}: not a Land 2017 parameter (known: {', '.join(LAND_PARAMETERS)})")
        return value
    substep: Quantity("ms", gt=0) = 0.1
    """Largest sub-step of the pointwise update of CaTRPN, B, S, W within a mechanics step (ms)."""
    regions: tuple[TensionRegionConfig, ...] = ()
    """Contractility by region, e.g. ``[{cell_tags: [rv], Tref: 150}]``: the cells with these tags take their
    region's Tref (kPa); cells in no region keep ``parameters.Tref`` (or the preset's)."""

    @field_validator("regions")
    @classmethod
    def _one_region_per_tag(cls, value: tuple) -> tuple:
        tags = [str(t) for r in value for t in r.cell_tags]
        twice = sorted({t for t in tags if tags.count(t) > 1})
        if twice:
            raise ValueError(f"cell tag {', '.join(twice)} given to more than one region")
        return value


class CalciumConfig(Section):
    """Where the tension model's calcium comes from."""

    source: Literal["ep", "transient"] = "ep"
    """``ep``: the cell model's calcium (physics.ep), interpolated to the mechanics quadrature points each
    mechanics step; ``transient``: the same prescribed transient everywhere (tests, Ta-curve comparisons)."""
    rest: Quantity("uM", gt=0) = 0.1
    """transient: diastolic calcium (µM)."""
    peak: Quantity("uM", gt=0) = 1.0
    """transient: peak calcium (µM)."""
    time_to_peak: Quantity("ms", gt=0) = 30.0
    """transient: cai = rest + (peak - rest) (tau/t_p) exp(1 - tau/t_p), tau = time since the beat's start."""


class ChamberCavityConfig(Section):
    """One chamber of the closed loop replaced by a 3D cavity (an entry of ``coupling.chambers``)."""

    chamber: Literal["LV", "RV"]
    """Chamber of the closed loop replaced by this 3D cavity."""
    cavity_tags: tuple[TagRef, ...] = Field(min_length=1)
    """Endocardial facet tags of the cavity (closed at the base plane)."""
    preload_pressure: Optional[Quantity("kPa", ge=0)] = None
    """End-diastolic pressure of this cavity reached by the preload (kPa); default preload.pressure."""


class CouplingConfig(Section):
    """The 3D cavity (or cavities) in the closed loop."""

    chamber: Literal["LV", "RV"] = "LV"
    """Chamber of the closed loop replaced by the 3D cavity (one chamber; see chambers for several)."""
    cavity_tags: tuple[TagRef, ...] = Field(("endo",), min_length=1)
    """Endocardial facet tags of the cavity (closed at the base plane)."""
    chambers: Optional[tuple[ChamberCavityConfig, ...]] = Field(None, min_length=1)
    """Several chambers coupled at once, e.g. [{chamber: LV, cavity_tags: [lv_endo]}, {chamber: RV, cavity_tags: [rv_endo]}] (a biventricular mesh); replaces chamber and cavity_tags."""
    volume_tolerance: Quantity("mm^3", gt=0) = 1.0
    """Convergence of the coupled step: |V_3D - V_0D| (mm³), for every chamber."""
    max_iterations: int = Field(20, ge=1)
    """Pressure iterations (3D solves) allowed per coupled step."""
    method: Literal["pressure_iteration", "monolithic"] = "pressure_iteration"
    """How the coupled step is solved: ``pressure_iteration`` (quasi-Newton on the cavity pressures, each iterate a converged mechanics Newton solve) or ``monolithic`` (one bordered Newton on displacement and pressures, the Jacobian and its LU factors kept across iterations and steps while it converges fast; falls back to the pressure iteration for a step it cannot converge)."""

    @model_validator(mode="after")
    def _one_form(self) -> "CouplingConfig":
        if self.chambers is None:
            return self
        both = sorted({"chamber", "cavity_tags"} & self.model_fields_set)
        if both:
            raise ValueError(f"{SUBKEY}chambers: give either chambers or {' and '.join(both)}, not both")
        names = [c.chamber for c in self.chambers]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"{SUBKEY}chambers: chamber {', '.join(twice)} named twice")
        tags = [t for c in self.chambers for t in c.cavity_tags]
        shared = sorted({str(t) for t in tags if tags.count(t) > 1})
        if shared:
            raise ValueError(f"{SUBKEY}chambers: cavity tag {', '.join(shared)} given to more than one chamber")
        return self

    def cavities(self) -> dict[str, tuple]:
        """Chamber name -> cavity tags, in the configured order (the single form: one entry)."""
        if self.chambers is None:
            return {self.chamber: tuple(self.cavity_tags)}
        return {c.chamber: tuple(c.cavity_tags) for c in self.chambers}

    def tags_key(self, chamber: str) -> str:
        """The config key (below the coupling section) of ``chamber``'s cavity tags."""
        if self.chambers is None:
            return "cavity_tags"
        return f"chambers[{[c.chamber for c in self.chambers].index(chamber)}].cavity_tags"

    def preload_pressures(self, default: float) -> dict[str, float]:
        """Chamber name -> preload pressure (kPa): its own, else ``default`` (preload.pressure)."""
        if self.chambers is None:
            return {self.chamber: default}
        return {c.chamber: default if c.preload_pressure is None else c.preload_pressure for c in self.chambers}


class PreloadConfig(Section):
    """Passive inflation of the cavity before the first beat."""

    pressure: Quantity("kPa", ge=0) = 1.0
    """End-diastolic cavity pressure reached before the first beat (kPa; 1 kPa = 7.5 mmHg)."""
    steps: int = Field(4, ge=1)
    """Equal load steps of the preload."""
    unload: bool = False
    """Take the mesh as loaded at ``pressure`` (an image of the end-diastolic heart) and find its unloaded
    (stress-free) reference first, by the backward-displacement fixed point (Bols et al. 2013): the preload
    then inflates the reference back onto the mesh's geometry. Off: the mesh is the unloaded reference."""
    unload_tolerance: Quantity("mm", gt=0) = 0.05
    """unload: largest nodal distance (mm) between the inflated reference and the mesh's geometry."""
    unload_iterations: int = Field(20, ge=1)
    """unload: most fixed-point iterations (each a passive inflation) before the run stops with an error."""


class MechanicsMeshConfig(MeshConfig):
    """A mesh of the same anatomy for the mechanics and the tension model, other than EP's (``mesh:`` is then
    the EP mesh), usually coarser: e.g. ``heartsim mesh from-labels`` of one label map at two sizes. The same
    keys and tag conventions as ``mesh:``; it carries the mechanics' facet tags (base, cavity, Robin), and
    ``fibers:`` is computed on each mesh. Calcium goes from the EP mesh's P1 nodes to this mesh's quadrature
    points by interpolation (the P1 interpolant evaluated at each point; not conservative)."""

    tolerance: Quantity("mm", ge=0) = 3.0
    """Largest distance of a mechanics quadrature point outside the EP mesh (its calcium is then extrapolated
    from the nearest EP cell, clipped at 0) and of an EP node outside this mesh; beyond it the run stops with
    an error (mm). A coarse mesh cuts the corners of a fine one: two from-labels meshes of one LV at 3 and 6 mm
    differ by up to 2.4 mm (EP nodes outside) and 0.5 mm (mechanics quadrature points outside)."""


class AdaptiveStepConfig(Section):
    """Adaptive mechanics time step (heartsim/electromechanics/stepping.py): whole multiples k of ``dt``,
    k from a predictor-corrector estimate of the local error of the cavity volumes and pressures."""

    enabled: bool = False
    """Adapt the mechanics step (off: every step is ``dt``)."""
    dt_max: Quantity("ms", gt=0) = 10.0
    """Largest mechanics step (ms); a multiple of ``dt``."""
    volume_tolerance: Quantity("mm^3", gt=0) = 50.0
    """Tolerance of the estimated local error of a step's cavity volume (mm³; 1 mL = 1000 mm³): the difference
    between the converged volume and its linear extrapolation from the last two steps. With 0.01 kPa below:
    the CT beat within 0.08 mL / 0.06 mmHg of the fixed 2 ms step in 35 % fewer steps (docs/electromechanics.md)."""
    pressure_tolerance: Quantity("kPa", gt=0) = 0.01
    """Tolerance of the estimated local error of a step's cavity pressure (kPa; 0.01 kPa = 0.075 mmHg), as
    ``volume_tolerance``."""
    hold: Quantity("ms", ge=0) = 100.0
    """The base step ``dt`` from each beat start for this long (ms): activation, isovolumic contraction and the
    start of ejection."""
    newton_limit: int = Field(20, ge=1)
    """A step that took more Newton iterations than this makes the next step ``dt`` again."""


class ElectromechanicsConfig(Section):
    """Coupled electromechanics with a closed-loop circulation (docs/electromechanics.md)."""

    dt: Quantity("ms", gt=0) = 1.0
    """Time step of mechanics, tension and circulation (ms); a multiple of time.dt (the EP step)."""
    tension: TensionConfig = TensionConfig()
    """Active tension model."""
    calcium: CalciumConfig = CalciumConfig()
    """Calcium source."""
    coupling: CouplingConfig = CouplingConfig()
    """3D-0D coupling."""
    preload: PreloadConfig = PreloadConfig()
    """Inflation before the first beat."""
    mechanics_mesh: Optional[MechanicsMeshConfig] = None
    """A separate (usually coarser) mesh for mechanics and tension; none: EP and mechanics share ``mesh:``."""
    output_interval: Quantity("ms", gt=0) = 10.0
    """Interval between field outputs (ms); pv.csv gets every step."""
    adaptive: AdaptiveStepConfig = AdaptiveStepConfig()
    """Adaptive mechanics time step (off by default)."""
