"""Config section: 3D incompressible Navier-Stokes blood flow (``physics.flow``), issue 6.

heartsim units: length mm, time ms, pressure kPa, density mg/mm^3 (1.06 mg/mm^3 = 1060 kg/m^3),
dynamic viscosity kPa ms (= Pa s), flow rate mm^3/ms (= mL/s), resistance kPa ms/mm^3
(1 mmHg s/mL = 0.1333 kPa ms/mm^3), compliance mm^3/kPa (1 mL/mmHg = 7501 mm^3/kPa).
Configs may give any of these with a unit string ("3.5 mPa*s", "1.06 g/cm^3", "5 L/min").
"""

from __future__ import annotations

from typing import Literal, Optional, Union

from pydantic import Field, model_validator

from heartsim.config.base import SUBKEY, Region, Section, _exactly_one
from heartsim.config.quantities import Quantity

FlowRate = Quantity("mm^3/ms")
Pressure = Quantity("kPa")
TagName = Union[int, str]


class CarreauYasuda(Section):
    """Shear-thinning viscosity mu = mu_inf + (mu_0 - mu_inf) (1 + (lambda g)^a)^((n - 1)/a), g the shear
    rate sqrt(2 D:D). Defaults: blood, Cho & Kensey 1991 (Biorheology 28:241) as tabulated by
    Boyd et al. 2007 (J. Biomech. 40:1503)."""

    zero_shear_viscosity: Quantity("kPa*ms", gt=0) = 0.056
    """mu_0 (kPa ms = Pa s)."""
    infinite_shear_viscosity: Quantity("kPa*ms", gt=0) = 0.00345
    """mu_inf (kPa ms = Pa s)."""
    relaxation_time: Quantity("ms", gt=0) = 3313.0
    """lambda (ms)."""
    a: float = Field(2.0, gt=0)
    """Yasuda exponent a (dimensionless)."""
    n: float = Field(0.3568, gt=0, le=1)
    """Power-law index n (dimensionless)."""


class FluidConfig(Section):
    """Blood: density and viscosity (Newtonian, or Carreau-Yasuda)."""

    density: Quantity("mg/mm^3", gt=0) = 1.06
    """Density rho (mg/mm^3; 1.06 = 1060 kg/m^3)."""
    viscosity: Quantity("kPa*ms", gt=0) = 0.0035
    """Dynamic viscosity mu of the Newtonian model (kPa ms = Pa s; 3.5 mPa s)."""
    model: Literal["newtonian", "carreau_yasuda"] = "newtonian"
    """Viscosity model."""
    carreau_yasuda: CarreauYasuda = CarreauYasuda()
    """Parameters of the Carreau-Yasuda model (used when ``model: carreau_yasuda``)."""


class FourierConfig(Section):
    """Q(t) = mean + sum_k [cos_k cos(2 pi k t / T) + sin_k sin(2 pi k t / T)]."""

    mean: FlowRate
    """Mean flow (mm^3/ms = mL/s)."""
    cos: tuple[FlowRate, ...] = ()
    """Cosine coefficients of harmonics 1, 2, ... (mm^3/ms)."""
    sin: tuple[FlowRate, ...] = ()
    """Sine coefficients of harmonics 1, 2, ... (mm^3/ms)."""


class AorticConfig(Section):
    """Synthetic resting adult ascending-aortic inflow (heartsim.flow.waveforms.physiological_aortic)."""

    stroke_volume: Quantity("mm^3", gt=0) = 70_000.0
    """Net volume per beat (mm^3; 70 mL)."""
    ejection: Quantity("ms", gt=0) = 300.0
    """Duration of systolic ejection (ms)."""
    backflow_volume: Quantity("mm^3", ge=0) = 1_000.0
    """Volume flowing back at valve closure (mm^3)."""
    backflow_time: Quantity("ms", gt=0) = 50.0
    """Duration of the backflow (ms)."""


class WaveformConfig(Section):
    """Inflow rate Q(t), periodic with ``period``: exactly one of ``constant``, ``table``, ``fourier``, ``aortic``."""

    constant: Optional[FlowRate] = None
    """Steady flow (mm^3/ms = mL/s)."""
    table: Optional[tuple[tuple[Quantity("ms"), FlowRate], ...]] = None
    """Rows [time (ms), flow (mm^3/ms)], interpolated periodically; the last row may close the cycle."""
    interpolation: Literal["linear", "cubic"] = "cubic"
    """Interpolation of ``table`` (cubic: periodic spline)."""
    fourier: Optional[FourierConfig] = None
    """Fourier series."""
    aortic: Optional[AorticConfig] = None
    """Built-in physiological aortic waveform."""
    period: Optional[Quantity("ms", gt=0)] = None
    """Period (ms): needed by ``fourier`` and ``aortic``; for ``table`` defaults to its time span."""
    scale: float = 1.0
    """Factor on every flow value (e.g. -1 to reverse)."""

    @model_validator(mode="after")
    def _one(self) -> "WaveformConfig":
        _exactly_one(self, ("constant", "table", "fourier", "aortic"))
        if (self.fourier is not None or self.aortic is not None) and self.period is None:
            raise ValueError(f"{SUBKEY}period: needed by a fourier or aortic waveform")
        if self.table is not None and len(self.table) < 2:
            raise ValueError(f"{SUBKEY}table: needs at least 2 rows")
        return self


class InletConfig(Section):
    """The inlet cap: a prescribed flow rate with a velocity profile, or a prescribed pressure."""

    tag: TagName = "inlet"
    """Facet tag of the (planar) inlet cap: its number or name."""
    waveform: Optional[WaveformConfig] = None
    """Flow rate into the domain over time."""
    pressure: Optional[Pressure] = None
    """Instead of a flow: a constant pressure (kPa) on the cap (zero tangential velocity is not imposed)."""
    profile: Literal["parabolic", "womersley", "plug"] = "parabolic"
    """Velocity profile of a flow inlet: ``parabolic`` (d (2 d_max - d), d the distance to the cap's rim:
    exactly Poiseuille on a circle, any planar cap works), ``womersley`` (analytic, for circular caps),
    ``plug`` (uniform)."""
    harmonics: int = Field(20, ge=1, le=200)
    """Fourier harmonics of the waveform used by the Womersley profile."""
    ramp: Quantity("ms", ge=0) = 0.0
    """Smooth start: the inflow is multiplied by (1 - cos(pi t / ramp)) / 2 for t < ramp (ms)."""

    @model_validator(mode="after")
    def _one(self) -> "InletConfig":
        _exactly_one(self, ("waveform", "pressure"))
        return self


class OutletConfig(Section):
    """An outlet: zero traction, a resistance, or a three-element (RCR) Windkessel, coupled through
    the outlet's flow rate (explicitly: the pressure of step n+1 uses the flow of step n)."""

    type: Literal["zero_traction", "resistance", "rcr"] = "zero_traction"
    """Boundary model."""
    resistance: Optional[Quantity("kPa*ms/mm^3", gt=0)] = None
    """R of ``resistance`` (kPa ms/mm^3; "1 mmHg*s/mL" = 0.1333)."""
    proximal_resistance: Optional[Quantity("kPa*ms/mm^3", ge=0)] = None
    """R_p of ``rcr`` (kPa ms/mm^3)."""
    compliance: Optional[Quantity("mm^3/kPa", gt=0)] = None
    """C of ``rcr`` (mm^3/kPa; "1 mL/mmHg" = 7501)."""
    distal_resistance: Optional[Quantity("kPa*ms/mm^3", gt=0)] = None
    """R_d of ``rcr`` (kPa ms/mm^3)."""
    distal_pressure: Pressure = 0.0
    """Distal (venous) pressure (kPa)."""
    initial_pressure: Optional[Pressure] = None
    """Initial pressure on the compliance of ``rcr`` (kPa; default the distal pressure)."""

    @model_validator(mode="after")
    def _params(self) -> "OutletConfig":
        need = {"zero_traction": (), "resistance": ("resistance",),
                "rcr": ("proximal_resistance", "compliance", "distal_resistance")}[self.type]
        for name in need:
            if getattr(self, name) is None:
                raise ValueError(f"{SUBKEY}{name}: needed by an outlet of type {self.type}")
        for name in ("resistance", "proximal_resistance", "compliance", "distal_resistance", "initial_pressure"):
            if name not in need and getattr(self, name) is not None and not (name == "initial_pressure"
                                                                              and self.type == "rcr"):
                raise ValueError(f"{SUBKEY}{name}: not used by an outlet of type {self.type}")
        return self


class BackflowConfig(Section):
    """Backflow stabilisation at outlets (Esmaily Moghadam et al. 2011, Comput. Mech. 48:277): the
    traction term beta rho |min(u.n, 0)| u is added on every outlet, damping the kinetic energy that
    flows in where u.n < 0."""

    beta: float = Field(0.5, ge=0)
    """beta (dimensionless): 0 switches it off; 0.5 cancels the inflowing kinetic energy flux."""


class FlowNumerics(Section):
    """Time discretisation: incremental pressure correction (Taylor-Hood P2-P1), BDF2 with a linearly
    extrapolated, semi-implicit convection (first step BDF1); see docs/decisions/004-flow-scheme.md."""

    time_scheme: Literal["bdf2", "bdf1"] = "bdf2"
    """BDF2 (second order) or backward Euler."""
    projection: Literal["discrete", "poisson"] = "discrete"
    """How the tentative velocity is made divergence-free. ``discrete``: u = ũ + D^-1 B^T phi with
    B u = 0 against every P1 function (lumped velocity mass D, outlet pressures as natural data), so
    inflow equals the sum of outflows to solver tolerance (heartsim/flow/projection.py). ``poisson``:
    the classic pressure-Poisson step with p = P_b on outlet nodes and a consistent-mass velocity
    correction (mass is conserved only up to the divergence of the cell layer at each outlet)."""
    stabilisation: Literal["none", "supg"] = "none"
    """``supg``: residual-based streamline-upwind stabilisation of the momentum step
    (heartsim/flow/stabilisation.py), for meshes whose cell Reynolds number rho |u| h / mu is well
    above ~10 (jets, stenoses, coarse CT vessels); consistent, so resolved flows barely change."""
    steady_tolerance: Optional[float] = Field(None, gt=0)
    """Stop early when max |u^{n+1} - u^n| / max |u^{n+1}| falls below this (steady problems)."""


class FlowOutput(Section):
    """What the flow run writes and how often."""

    field_interval: Optional[Quantity("ms", gt=0)] = None
    """Interval between writes of velocity, pressure and WSS fields (ms; default ``output.interval``)."""
    series_interval: Optional[Quantity("ms", gt=0)] = None
    """Interval between rows of the CSV time series (ms; default every step)."""
    average_from: Optional[Quantity("ms", ge=0)] = None
    """Start of the window over which TAWSS and OSI are averaged (ms; default the last inlet period
    before the end, or the whole run)."""


class FlowConfig(Section):
    """3D incompressible Navier-Stokes blood flow in a rigid vessel:

    rho (du/dt + u.grad u) - div(mu (grad u)) + grad p = 0,  div u = 0,
    with a flow (or pressure) inlet, zero-traction / resistance / RCR outlets and no-slip walls.
    """

    fluid: FluidConfig = FluidConfig()
    """Density and viscosity."""
    inlet: InletConfig
    """Inlet cap and its flow rate or pressure."""
    outlets: dict[str, OutletConfig] = Field(min_length=1)
    """Outlets by facet tag (name or number) -> boundary model."""
    walls: tuple[TagName, ...] = ("wall",)
    """Facet tags of the rigid no-slip walls."""
    backflow: BackflowConfig = BackflowConfig()
    """Outlet backflow stabilisation."""
    force_regions: dict[str, Region] = {}
    """Wall regions on which the displacement force (pressure plus shear, integrated) is reported:
    name -> box, sphere (wall facets whose midpoint is inside) or tag (a facet tag)."""
    numerics: FlowNumerics = FlowNumerics()
    """Time discretisation."""
    output: FlowOutput = FlowOutput()
    """Fields, time series and averaging window."""

    @model_validator(mode="after")
    def _distinct(self) -> "FlowConfig":
        names = [str(self.inlet.tag), *self.outlets, *(str(w) for w in self.walls)]
        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise ValueError(f"facet tag {name!r} is used twice (inlet, outlets and walls must differ)")
            seen.add(name)
        return self
