"""Config section: 0D circulation (Windkessel and closed-loop models), issue 6.

Quantities take clinical units as strings (``"0.8 mmHg*s/mL"``, ``"1.2 mL/mmHg"``,
``"5e-3 mmHg*s^2/mL"``, ``"2.75 mmHg/mL"``, ``"120 mL"``, ``"0.8 s"``) converted on load to
heartsim's units; a bare number is read in heartsim's units (kPa, mm^3, ms, mm^3/ms, and
R in kPa ms/mm^3, C in mm^3/kPa, L in kPa ms^2/mm^3, E in kPa/mm^3).

Defaults of the closed loop: the circulation parameters of Regazzoni et al. 2022 (J Comput Phys
457:111083) as set in public code of the authors' group, heart period 0.8 s (75 beats/min),
chamber timing there in fractions of the period (atria contract at 0.9 T_HB for 0.17 T_HB,
ventricles at 0.1 T_HB for 0.25 T_HB, relaxing over 0.17 / 0.4 T_HB). The paper's LV is a 3D model, so the 0D LV elastance is that of the authors'
public 0D code (E_act 2.75, E_pass 0.08 mmHg/mL, V0 5 mL) with the ventricular timing above; the
source and the check against normal haemodynamics are in docs/circulation.md. Sections of chambers,
compartments, valves and initial values are merged over these defaults, so that
``chambers: {LV: {E_act: "3 mmHg/mL"}}`` changes one value only.
"""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import Field, model_validator

from heartsim.units import COMPLIANCE, MMHG, RESISTANCE
from heartsim.config.base import SUBKEY, Section
from heartsim.config.quantities import Quantity

Resistance = Quantity("kPa*ms/mm^3", ge=0)
Compliance = Quantity("mm^3/kPa", gt=0)
Inertance = Quantity("kPa*ms^2/mm^3", gt=0)
Elastance = Quantity("kPa/mm^3", ge=0)
Volume = Quantity("mm^3")
Pressure = Quantity("kPa")
Flow = Quantity("mm^3/ms")


def _merge_defaults(defaults: dict[str, dict[str, Any]]):
    """A before-validator merging a user's per-name sections over ``defaults``."""

    def merge(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        merged = dict(data)
        for name, values in defaults.items():
            given = data.get(name, {})
            merged[name] = {**values, **given} if isinstance(given, dict) else given
        return merged

    return model_validator(mode="before")(classmethod(merge))


# --------------------------------------------------------------------------------------------
# Windkessel


class WindkesselConfig(Section):
    """A Windkessel with 2 (R_d, C), 3 (R_p, C, R_d) or 4 elements (R_p parallel to L, then C, R_d).

    2: C dP/dt = Q - (P - P_v)/R_d;  3: P = R_p Q + P_c, C dP_c/dt = Q - (P_c - P_v)/R_d;
    4 (Stergiopulos et al. 1999): P = P_c + R_p (Q - Q_L), L dQ_L/dt = R_p (Q - Q_L), and P_c as in 3.
    Defaults: a human systemic arterial tree (total resistance 1.05 mmHg s/mL, 1.5 mL/mmHg).
    """

    elements: Literal[2, 3, 4] = 3
    """Number of elements."""
    R_p: Resistance = 0.05 * RESISTANCE
    """Proximal (characteristic) resistance (kPa ms/mm^3; default 0.05 mmHg s/mL); not with 2 elements."""
    C: Compliance = 1.5 * COMPLIANCE
    """Compliance (mm^3/kPa; default 1.5 mL/mmHg)."""
    R_d: Quantity("kPa*ms/mm^3", gt=0) = 1.0 * RESISTANCE
    """Distal (peripheral) resistance (kPa ms/mm^3; default 1 mmHg s/mL); with 2 elements the only one."""
    L: Optional[Inertance] = None
    """Inertance parallel to R_p (kPa ms^2/mm^3), 4 elements only (typical 0.005 mmHg s^2/mL)."""
    P_v: Pressure = 0.0
    """Distal (venous) pressure (kPa)."""
    P_0: Optional[Pressure] = None
    """Initial compliance pressure (kPa); none: the steady pressure under the mean inflow."""

    @model_validator(mode="after")
    def _elements(self) -> "WindkesselConfig":
        given = self.model_fields_set
        if self.elements == 4 and self.L is None:
            raise ValueError(f"{SUBKEY}L: a 4-element Windkessel needs the inertance L")
        if self.elements != 4 and "L" in given and self.L is not None:
            raise ValueError(f"{SUBKEY}L: only a 4-element Windkessel has an inertance (elements: {self.elements})")
        if self.elements == 2 and "R_p" in given:
            raise ValueError(f"{SUBKEY}R_p: a 2-element Windkessel has only R_d and C")
        return self


class InflowConfig(Section):
    """Prescribed inflow of a standalone Windkessel (mm^3/ms = mL/s).

    ``sine``: Q = mean + amplitude sin(2 pi t / period);
    ``half_sine``: Q = amplitude sin(pi tau / ejection_time) for tau = t mod period < ejection_time, else 0.
    """

    shape: Literal["sine", "half_sine"] = "sine"
    """Waveform."""
    mean: Flow = 80.0
    """Mean flow of ``sine`` (mm^3/ms = mL/s)."""
    amplitude: Flow = 80.0
    """Amplitude of ``sine``, peak of ``half_sine`` (mm^3/ms = mL/s)."""
    period: Quantity("ms", gt=0) = 1000.0
    """Period (ms)."""
    ejection_time: Optional[Quantity("ms", gt=0)] = None
    """Duration of ejection of ``half_sine`` (ms)."""

    @model_validator(mode="after")
    def _shape(self) -> "InflowConfig":
        if self.shape == "half_sine":
            if self.ejection_time is None:
                raise ValueError(f"{SUBKEY}ejection_time: half_sine needs the ejection time")
            if self.ejection_time > self.period:
                raise ValueError(f"{SUBKEY}ejection_time: must not exceed the period")
            if "mean" in self.model_fields_set:
                raise ValueError(f"{SUBKEY}mean: applies to shape sine only")
        elif self.ejection_time is not None:
            raise ValueError(f"{SUBKEY}ejection_time: applies to shape half_sine only")
        return self


# --------------------------------------------------------------------------------------------
# closed loop (Regazzoni et al. 2022)


class ChamberConfig(Section):
    """A chamber as time-varying elastance: p = (E_pass + E_act e(t)) (V - V0), e(t) a cosine
    activation starting at t_contract, contracting for T_contract and relaxing for T_relax."""

    E_act: Elastance
    """Active elastance amplitude (kPa/mm^3; give e.g. ``"2.75 mmHg/mL"``)."""
    E_pass: Elastance
    """Passive elastance (kPa/mm^3)."""
    V0: Volume
    """Unstressed volume (mm^3; give e.g. ``"5 mL"``)."""
    t_contract: Quantity("ms", ge=0)
    """Onset of contraction within the heart period (ms)."""
    T_contract: Quantity("ms", gt=0)
    """Duration of contraction (ms)."""
    T_relax: Quantity("ms", gt=0)
    """Duration of relaxation (ms)."""


_CHAMBERS = {
    "LA": {"E_act": "0.07 mmHg/mL", "E_pass": "0.18 mmHg/mL", "V0": "4 mL", "t_contract": "0.72 s",
           "T_contract": "0.136 s", "T_relax": "0.136 s"},
    "LV": {"E_act": "2.75 mmHg/mL", "E_pass": "0.08 mmHg/mL", "V0": "5 mL", "t_contract": "0.08 s",
           "T_contract": "0.2 s", "T_relax": "0.32 s"},
    "RA": {"E_act": "0.06 mmHg/mL", "E_pass": "0.07 mmHg/mL", "V0": "4 mL", "t_contract": "0.72 s",
           "T_contract": "0.136 s", "T_relax": "0.136 s"},
    "RV": {"E_act": "0.55 mmHg/mL", "E_pass": "0.05 mmHg/mL", "V0": "16 mL", "t_contract": "0.08 s",
           "T_contract": "0.2 s", "T_relax": "0.32 s"},
}


class ChambersConfig(Section):
    """The four chambers (defaults: Regazzoni et al. 2022)."""

    fill_defaults = _merge_defaults(_CHAMBERS)
    LA: ChamberConfig = ChamberConfig(**_CHAMBERS["LA"])
    """Left atrium (default E_act 0.07, E_pass 0.18 mmHg/mL, V0 4 mL, contraction at 0.72 s for 0.136 s, relaxation 0.136 s)."""
    LV: ChamberConfig = ChamberConfig(**_CHAMBERS["LV"])
    """Left ventricle (default E_act 2.75, E_pass 0.08 mmHg/mL, V0 5 mL, contraction at 0.08 s for 0.2 s, relaxation 0.32 s)."""
    RA: ChamberConfig = ChamberConfig(**_CHAMBERS["RA"])
    """Right atrium (default E_act 0.06, E_pass 0.07 mmHg/mL, V0 4 mL, contraction at 0.72 s for 0.136 s, relaxation 0.136 s)."""
    RV: ChamberConfig = ChamberConfig(**_CHAMBERS["RV"])
    """Right ventricle (default E_act 0.55, E_pass 0.05 mmHg/mL, V0 16 mL, contraction at 0.08 s for 0.2 s, relaxation 0.32 s)."""


class CompartmentConfig(Section):
    """An arterial or venous compartment: R, C and L in series (C dp/dt = Q_in - Q, L dQ/dt = p - p_down - R Q)."""

    R: Quantity("kPa*ms/mm^3", gt=0)
    """Resistance (kPa ms/mm^3; give e.g. ``"0.8 mmHg*s/mL"``)."""
    C: Compliance
    """Compliance (mm^3/kPa; give e.g. ``"1.2 mL/mmHg"``)."""
    L: Inertance
    """Inertance (kPa ms^2/mm^3; give e.g. ``"5e-3 mmHg*s^2/mL"``)."""


_COMPARTMENTS = {
    "AR_SYS": {"R": "0.64 mmHg*s/mL", "C": "1.2 mL/mmHg", "L": "5e-3 mmHg*s^2/mL"},
    "VEN_SYS": {"R": "0.32 mmHg*s/mL", "C": "60 mL/mmHg", "L": "5e-4 mmHg*s^2/mL"},
    "AR_PUL": {"R": "0.032116 mmHg*s/mL", "C": "10 mL/mmHg", "L": "5e-4 mmHg*s^2/mL"},
    "VEN_PUL": {"R": "0.035684 mmHg*s/mL", "C": "16 mL/mmHg", "L": "5e-4 mmHg*s^2/mL"},
}


class CompartmentsConfig(Section):
    """Systemic and pulmonary, arterial and venous compartments (defaults: Regazzoni et al. 2022)."""

    fill_defaults = _merge_defaults(_COMPARTMENTS)
    AR_SYS: CompartmentConfig = CompartmentConfig(**_COMPARTMENTS["AR_SYS"])
    """Systemic arteries (default R 0.64 mmHg s/mL, C 1.2 mL/mmHg, L 5e-3 mmHg s^2/mL)."""
    VEN_SYS: CompartmentConfig = CompartmentConfig(**_COMPARTMENTS["VEN_SYS"])
    """Systemic veins (default R 0.32 mmHg s/mL, C 60 mL/mmHg, L 5e-4 mmHg s^2/mL)."""
    AR_PUL: CompartmentConfig = CompartmentConfig(**_COMPARTMENTS["AR_PUL"])
    """Pulmonary arteries (default R 0.032116 mmHg s/mL, C 10 mL/mmHg, L 5e-4 mmHg s^2/mL)."""
    VEN_PUL: CompartmentConfig = CompartmentConfig(**_COMPARTMENTS["VEN_PUL"])
    """Pulmonary veins (default R 0.035684 mmHg s/mL, C 16 mL/mmHg, L 5e-4 mmHg s^2/mL)."""


class ValveConfig(Section):
    """A valve: resistance R_min when open (p_in > p_out), R_max when closed."""

    R_min: Quantity("kPa*ms/mm^3", gt=0) = 0.0075 * RESISTANCE
    """Resistance when open (kPa ms/mm^3; default 0.0075 mmHg s/mL)."""
    R_max: Quantity("kPa*ms/mm^3", gt=0) = 75006.2 * RESISTANCE
    """Resistance when closed (kPa ms/mm^3; default 75006.2 mmHg s/mL)."""

    @model_validator(mode="after")
    def _order(self) -> "ValveConfig":
        if self.R_max <= self.R_min:
            raise ValueError(f"{SUBKEY}R_max: must exceed R_min")
        return self


class ValvesConfig(Section):
    """Mitral (LA -> LV), aortic (LV -> AR_SYS), tricuspid (RA -> RV) and pulmonary (RV -> AR_PUL) valves."""

    MV: ValveConfig = ValveConfig()
    """Mitral valve."""
    AV: ValveConfig = ValveConfig()
    """Aortic valve."""
    TV: ValveConfig = ValveConfig()
    """Tricuspid valve."""
    PV: ValveConfig = ValveConfig()
    """Pulmonary valve."""


class InitialConfig(Section):
    """Initial state of the closed loop (defaults: Regazzoni et al. 2022; 3.0 L of stressed volume)."""

    V_LA: Volume = 65_000.0
    """Left atrial volume (mm^3; 65 mL)."""
    V_LV: Volume = 120_000.0
    """Left ventricular volume (mm^3; 120 mL)."""
    V_RA: Volume = 65_000.0
    """Right atrial volume (mm^3; 65 mL)."""
    V_RV: Volume = 145_000.0
    """Right ventricular volume (mm^3; 145 mL)."""
    p_AR_SYS: Pressure = 80 * MMHG
    """Systemic arterial pressure (kPa; 80 mmHg)."""
    p_VEN_SYS: Pressure = 30 * MMHG
    """Systemic venous pressure (kPa; 30 mmHg)."""
    p_AR_PUL: Pressure = 35 * MMHG
    """Pulmonary arterial pressure (kPa; 35 mmHg)."""
    p_VEN_PUL: Pressure = 24 * MMHG
    """Pulmonary venous pressure (kPa; 24 mmHg)."""
    Q_AR_SYS: Flow = 0.0
    """Systemic arterial flow (mm^3/ms = mL/s)."""
    Q_VEN_SYS: Flow = 0.0
    """Systemic venous flow (mm^3/ms)."""
    Q_AR_PUL: Flow = 0.0
    """Pulmonary arterial flow (mm^3/ms)."""
    Q_VEN_PUL: Flow = 0.0
    """Pulmonary venous flow (mm^3/ms)."""


class ClosedLoopConfig(Section):
    """Closed-loop circulation of Regazzoni et al. 2022: four elastance chambers, four valves,
    systemic and pulmonary arterial and venous RLC compartments."""

    period: Quantity("ms", gt=0) = 800.0
    """Heart period T_HB (ms; default 0.8 s = 75 beats/min)."""
    chambers: ChambersConfig = ChambersConfig()
    """Chamber elastances and activation timing."""
    compartments: CompartmentsConfig = CompartmentsConfig()
    """Arterial and venous compartments."""
    valves: ValvesConfig = ValvesConfig()
    """Valve resistances."""
    initial: InitialConfig = InitialConfig()
    """Initial state."""

    @model_validator(mode="after")
    def _timing(self) -> "ClosedLoopConfig":
        for name in ("LA", "LV", "RA", "RV"):
            ch = getattr(self.chambers, name)
            if ch.T_contract + ch.T_relax > self.period:
                raise ValueError(f"{SUBKEY}chambers.{name}: T_contract + T_relax exceeds the heart period "
                                 f"({self.period:g} ms)")
            if ch.t_contract >= self.period:
                raise ValueError(f"{SUBKEY}chambers.{name}.t_contract: {ch.t_contract:g} ms is not within the "
                                 f"heart period ({self.period:g} ms; the default timings are for 800 ms: "
                                 "give every chamber's timing with another period)")
        return self


# --------------------------------------------------------------------------------------------
# numerics


class IntegratorConfig(Section):
    """Implicit time integration of the 0D model (fixed step ``time.dt``)."""

    method: Literal["bdf2", "backward_euler"] = "bdf2"
    """BDF2 (order 2, L-stable) or backward Euler (order 1, L-stable)."""
    newton_rtol: float = Field(1e-9, gt=0, lt=1e-2)
    """Relative Newton tolerance on each unknown's update."""


class PeriodicConfig(Section):
    """Detection of a periodic steady state: the state at the start of a cycle changes by less
    than ``tolerance`` (per unknown, relative to its largest magnitude over the cycle) from the
    start of the previous cycle."""

    tolerance: float = Field(1e-3, gt=0)
    """Largest relative cycle-to-cycle change of a periodic steady state."""
    stop: bool = True
    """End the run at the first periodic cycle (else run to time.end)."""
    min_cycles: int = Field(2, ge=1)
    """Cycles run before the check starts."""


class CirculationConfig(Section):
    """0D circulation: a Windkessel driven by a prescribed inflow, or a closed loop (Regazzoni et al.
    2022), run alone (``heartsim circulation``). The outlets of the 3D flow are set in physics.flow
    (they use the Windkessel outlets of heartsim.circulation.outlet)."""

    model: Literal["closed_loop", "windkessel"] = "closed_loop"
    """Which 0D model the standalone run integrates."""
    windkessel: WindkesselConfig = WindkesselConfig()
    """The Windkessel (model: windkessel)."""
    inflow: InflowConfig = InflowConfig()
    """Inflow into the Windkessel (model: windkessel)."""
    closed_loop: ClosedLoopConfig = ClosedLoopConfig()
    """The closed loop (model: closed_loop)."""
    integrator: IntegratorConfig = IntegratorConfig()
    """Time integration."""
    periodic: PeriodicConfig = PeriodicConfig()
    """Periodic steady state."""

    @model_validator(mode="after")
    def _one_model(self) -> "CirculationConfig":
        other = ("closed_loop",) if self.model == "windkessel" else ("windkessel", "inflow")
        for name in other:
            if name in self.model_fields_set:
                raise ValueError(f"{SUBKEY}{name}: does not apply to model {self.model}")
        return self

    def cycle_period(self) -> float:
        """Period of the forcing (ms): the heart period or the inflow period."""
        return self.closed_loop.period if self.model == "closed_loop" else self.inflow.period
