"""Config section ``physics.mechanics``: quasi-static finite-strain cardiac mechanics (issue 5).

Loads (endocardial pressure, active tension, cavity volume) follow a *load history* over a
pseudo-time t in [0, ``loading.end``] (ms): a constant value is ramped linearly from zero at t = 0
to its value at t = end; a ``curve`` (table of ``[t, value]`` pairs, linear in between) is used as
given. The solver reaches each of ``loading.outputs`` equally spaced reporting times with
adaptive load steps (shrunk on divergence, grown after easy steps).
"""

from __future__ import annotations

import math
from typing import Literal, Optional, Union

from pydantic import Field, model_validator

from heartsim.config.base import Direction, Section
from heartsim.config.quantities import Quantity

Pressure = Quantity("kPa")
TagRef = Union[int, str]


def _curve_ok(curve, where: str) -> None:
    times = [t for t, _ in curve]
    if len(times) < 2:
        raise ValueError(f"{where}: a curve needs at least two [t, value] points")
    if any(b <= a for a, b in zip(times, times[1:])):
        raise ValueError(f"{where}: curve times must increase strictly")


# --------------------------------------------------------------------------------------------
# materials


class Guccione(Section):
    """Guccione et al. 1991 (transversely isotropic): W = C/2 (exp(Q) - 1),
    Q = b_f E_ff² + b_t (E_ss² + E_nn² + 2 E_sn²) + 2 b_fs (E_fs² + E_fn²) (E: Green-Lagrange strain).
    Defaults: Land et al. 2015, problems 1 and 3."""

    C: Quantity("kPa", gt=0) = 2.0
    """Stiffness scale C (kPa)."""
    b_f: float = Field(8.0, gt=0)
    """Fiber exponent b_f (dimensionless)."""
    b_t: float = Field(2.0, gt=0)
    """Transverse exponent b_t (dimensionless)."""
    b_fs: float = Field(4.0, gt=0)
    """Fiber-sheet shear exponent b_fs (dimensionless)."""


class HolzapfelOgden(Section):
    """Holzapfel & Ogden 2009 (orthotropic): W = a/(2b)(exp(b(I1-3)) - 1)
    + sum_{i=f,s} a_i/(2b_i)(exp(b_i (I4i-1)_+²) - 1) + a_fs/(2b_fs)(exp(b_fs I8fs²) - 1).
    Fiber and sheet terms act in tension only. Defaults: Holzapfel & Ogden 2009, table 1."""

    a: Quantity("kPa", gt=0) = 0.059
    """Isotropic stiffness a (kPa)."""
    b: float = Field(8.023, gt=0)
    """Isotropic exponent b."""
    a_f: Quantity("kPa", ge=0) = 18.472
    """Fiber stiffness a_f (kPa)."""
    b_f: float = Field(16.026, gt=0)
    """Fiber exponent b_f."""
    a_s: Quantity("kPa", ge=0) = 2.481
    """Sheet stiffness a_s (kPa)."""
    b_s: float = Field(11.120, gt=0)
    """Sheet exponent b_s."""
    a_fs: Quantity("kPa", ge=0) = 0.216
    """Fiber-sheet coupling stiffness a_fs (kPa)."""
    b_fs: float = Field(11.436, gt=0)
    """Fiber-sheet coupling exponent b_fs."""


class NeoHookean(Section):
    """Neo-Hookean: W = mu/2 (I1 - 3)."""

    mu: Quantity("kPa", gt=0) = 10.0
    """Shear modulus mu (kPa)."""


class MaterialConfig(Section):
    """Passive material: ``model`` picks one of the parameter sections below."""

    model: Literal["guccione", "holzapfel_ogden", "neo_hookean"] = "guccione"
    """Constitutive law."""
    guccione: Guccione = Guccione()
    """Parameters of the Guccione law."""
    holzapfel_ogden: HolzapfelOgden = HolzapfelOgden()
    """Parameters of the Holzapfel-Ogden law."""
    neo_hookean: NeoHookean = NeoHookean()
    """Parameters of the neo-Hookean law."""

    def parameters(self) -> Section:
        """The parameter section of the chosen model."""
        return getattr(self, self.model)


class FormulationConfig(Section):
    """Incompressibility: ``incompressible`` is a mixed displacement-pressure formulation (Taylor-Hood
    P(k)-P(k-1)) with W(F) - p (J - 1); ``nearly_incompressible`` is displacement only with the
    isochoric energy W(J^(-1/3) F) + kappa/4 (J² - 1 - 2 ln J)."""

    kind: Literal["incompressible", "nearly_incompressible"] = "incompressible"
    """Formulation."""
    degree: int = Field(2, ge=1, le=3)
    """Displacement degree k (incompressible needs k >= 2; the pressure has degree k - 1)."""
    kappa: Quantity("kPa", gt=0) = 1000.0
    """Bulk modulus of the volumetric penalty (kPa; nearly_incompressible only)."""
    isochoric: bool = False
    """incompressible only: use the isochoric energy W(J^(-1/3) F) instead of W(F) (equal in the continuum,
    where J = 1; different discrete solutions. fenicsx-pulse 0.12 uses the isochoric form)."""
    quadrature_degree: int = Field(4, ge=1, le=8)
    """Quadrature degree of the volume and surface integrals (the energies are not polynomial)."""

    @model_validator(mode="after")
    def _degree(self) -> "FormulationConfig":
        if self.kind == "incompressible" and self.degree < 2:
            raise ValueError("degree: the incompressible (Taylor-Hood) formulation needs degree >= 2")
        return self


# --------------------------------------------------------------------------------------------
# loads


class PressureLoad(Section):
    """Follower pressure p on surfaces (acts along the deformed normal, into the wall)."""

    tags: tuple[TagRef, ...] = Field(("endo",), min_length=1)
    """Facet tags (names or numbers) the pressure acts on."""
    value: Pressure = 0.0
    """Pressure at the end of the load history (kPa), ramped linearly from zero, unless ``curve`` is given."""
    curve: Optional[tuple[tuple[Quantity("ms", ge=0), Pressure], ...]] = None
    """Pressure history as ``[t (ms), p (kPa)]`` pairs, linear in between (overrides ``value``)."""
    cavity: bool = True
    """These surfaces bound a cavity (closed at the base plane): report its volume per load step."""

    @model_validator(mode="after")
    def _curve(self) -> "PressureLoad":
        if self.curve is not None:
            _curve_ok(self.curve, "curve")
        return self


class ActiveStress(Section):
    """Active stress along the fiber: second Piola-Kirchhoff stress S_a = Ta (f0⊗f0 + eta (s0⊗s0 + n0⊗n0))
    (f0, s0, n0: reference fiber, sheet, sheet-normal), i.e. the energy Ta/2 (I4f - 1) of Land et al. 2015."""

    source: Literal["constant", "curve", "field"] = "constant"
    """``constant``: ``value`` ramped over the load history; ``curve``: the ``curve`` table;
    ``field``: supplied by a coupled model at run time (zero when run alone)."""
    value: Pressure = 0.0
    """Active tension Ta at the end of the load history (kPa)."""
    curve: Optional[tuple[tuple[Quantity("ms", ge=0), Pressure], ...]] = None
    """Active tension history as ``[t (ms), Ta (kPa)]`` pairs, linear in between."""
    cross_fiber_fraction: float = Field(0.0, ge=0, le=1)
    """Fraction eta of the active stress acting across the fiber."""
    along: Literal["reference_fibre", "deformed_fibre"] = "reference_fibre"
    """``reference_fibre``: S_a = Ta f0⊗f0 (second Piola-Kirchhoff; Land et al. 2015); ``deformed_fibre``:
    Cauchy stress Ta f⊗f along the deformed unit fibre f = F f0/|F f0| (the electromechanics form)."""

    @model_validator(mode="after")
    def _source(self) -> "ActiveStress":
        if self.source == "curve":
            if self.curve is None:
                raise ValueError("source: curve needs a curve")
            _curve_ok(self.curve, "curve")
        elif self.curve is not None:
            raise ValueError("curve: only used with source: curve")
        return self


class RobinSpring(Section):
    """Linear spring traction t = -k u on surfaces (pericardium)."""

    tags: tuple[TagRef, ...] = Field(("epi",), min_length=1)
    """Facet tags of the spring."""
    stiffness: Quantity("kPa/mm", gt=0) = 1.0
    """Spring stiffness k (kPa/mm)."""
    direction: Literal["all", "normal"] = "all"
    """``all`` components, or only the reference-normal component (k (u·N) N)."""


class CavityVolume(Section):
    """Cavity-volume constraint: the cavity enclosed by ``tags`` (closed at the base plane) has the
    prescribed volume; its pressure (the Lagrange multiplier) is computed and acts on ``tags``."""

    tags: tuple[TagRef, ...] = Field(("endo",), min_length=1)
    """Endocardial facet tags that, with the base plane, enclose the cavity."""
    volume: Optional[Quantity("mm^3", gt=0)] = None
    """Target volume at the end of the load history (mm³), approached linearly from the reference volume."""
    curve: Optional[tuple[tuple[Quantity("ms", ge=0), Quantity("mm^3", gt=0)], ...]] = None
    """Target volume history as ``[t (ms), V (mm³)]`` pairs (overrides ``volume``)."""
    tolerance: Quantity("mm^3", gt=0) = 1e-3
    """Accepted |V - V_target| (mm³)."""

    @model_validator(mode="after")
    def _given(self) -> "CavityVolume":
        if (self.volume is None) == (self.curve is None):
            raise ValueError("give exactly one of volume, curve")
        if self.curve is not None:
            _curve_ok(self.curve, "curve")
        return self


class BoundaryConfig(Section):
    """Boundary conditions on tagged facets (names from the mesh, or numbers). A generated box has
    the facet tags x0, x1, y0, y1, z0, z1 (its faces at min/max x, y, z)."""

    base: tuple[TagRef, ...] = ("base",)
    """Facet tags of the base."""
    base_condition: Literal["fixed", "sliding", "free"] = "fixed"
    """``fixed``: u = 0; ``sliding``: the component of u normal to the (planar) base is zero."""
    pressure: tuple[PressureLoad, ...] = ()
    """Follower pressures (e.g. the endocardial cavity pressure)."""
    robin: tuple[RobinSpring, ...] = ()
    """Springs (e.g. the pericardium on the epicardium)."""
    cavity: Optional[CavityVolume] = None
    """Cavity-volume constraint (returns the cavity pressure)."""
    cavities: dict[str, tuple[TagRef, ...]] = {}
    """Named cavities, name -> endocardial facet tags (closed at the base plane), whose pressures a coupled
    model sets or whose volumes it imposes (electromechanics: e.g. ``{LV: [endo]}``)."""


class LoadStepping(Section):
    """Adaptive load stepping over the load history [0, end]; steps are fractions of ``end``."""

    end: Quantity("ms", gt=0) = 1.0
    """End of the load history (ms of pseudo-time)."""
    outputs: int = Field(10, ge=1)
    """Equally spaced reporting times (states written, CSV rows)."""
    initial_step: float = Field(0.1, gt=0, le=1)
    """First step, as a fraction of ``end``."""
    min_step: float = Field(1e-4, gt=0, le=1)
    """Smallest step (fraction of ``end``); below it the run fails."""
    max_step: float = Field(1.0, gt=0, le=1)
    """Largest step (fraction of ``end``)."""
    growth: float = Field(1.5, ge=1)
    """Factor a step grows by after an easy step."""
    shrink: float = Field(0.5, gt=0, lt=1)
    """Factor a step shrinks by after a divergence."""
    easy_iterations: int = Field(5, ge=1)
    """A step that converges in at most this many Newton iterations is easy."""

    @model_validator(mode="after")
    def _order(self) -> "LoadStepping":
        if not self.min_step <= self.initial_step <= self.max_step:
            raise ValueError("need min_step <= initial_step <= max_step")
        return self


class MechanicsConfig(Section):
    """Quasi-static finite-strain cardiac mechanics: Div P(F) = 0 with P = dW/dF - p J F^(-T) + P_active,
    follower pressures, springs, a fixed or sliding base and an optional cavity-volume constraint,
    solved by Newton (PETSc SNES, line search) with adaptive load stepping."""

    material: MaterialConfig = MaterialConfig()
    """Passive material."""
    formulation: FormulationConfig = FormulationConfig()
    """Incompressible (mixed) or nearly incompressible (penalty)."""
    active: Optional[ActiveStress] = None
    """Active stress along the fiber; none: passive."""
    boundary: BoundaryConfig = BoundaryConfig()
    """Boundary conditions."""
    loading: LoadStepping = LoadStepping()
    """Load history and adaptive stepping."""
    fiber: Direction = (1.0, 0.0, 0.0)
    """Constant fiber direction, used without ``fibers:`` and without fiber fields in the mesh file."""
    sheet: Direction = (0.0, 1.0, 0.0)
    """Constant sheet direction (made orthogonal to the fiber)."""
    fiber_fields: Optional[tuple[str, str]] = None
    """Names of the mesh file's fiber and sheet vector fields (point or cell data), normalised on load."""
    probes: dict[str, tuple[Quantity("mm"), Quantity("mm"), Quantity("mm")]] = {}
    """Reference points whose deformed position x + u(x) is reported per load step (name -> point, mm)."""

    @model_validator(mode="after")
    def _directions(self) -> "MechanicsConfig":
        f = _unit(self.fiber, "fiber")
        s = tuple(a - sum(x * y for x, y in zip(self.sheet, f)) * b for a, b in zip(self.sheet, f))
        s = _unit(s, "sheet (after removing its fiber component)")
        object.__setattr__(self, "fiber", f)
        object.__setattr__(self, "sheet", s)
        return self


#: PETSc options of the mechanics Newton solve; ``solver.mechanics`` is merged over them. The linear
#: solver (``ksp_type``, ``pc_type``, ...) defaults by problem size (MUMPS LU or GMRES + GAMG, see
#: :func:`heartsim.mechanics.solver.linear_defaults`) unless ``solver.mechanics`` names one
DEFAULT_MECHANICS_PETSC = {
    "snes_type": "newtonls",
    "snes_linesearch_type": "cp",
    "snes_rtol": 1e-9,
    "snes_atol": 1e-10,
    "snes_stol": 0.0,
    "snes_max_it": 25,
}


def _unit(v, name: str):
    norm = math.sqrt(sum(c * c for c in v))
    if not norm > 1e-12:
        raise ValueError(f"{name} must be a non-zero vector")
    return tuple(c / norm for c in v)
