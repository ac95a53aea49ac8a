"""The one typed model of every heartsim option.

Every option exists here exactly once, with its unit, default and description; the JSON Schema
(``heartsim schema``) and ``docs/config.md`` are generated from it. Unknown keys are errors.
Quantities accept a number in the documented unit or a string with a unit (see ``quantities``).
Relative paths are resolved against the folder of the config file (validation context
``base_dir``).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from heartsim.config.quantities import Quantity
from heartsim.config.ionic_catalog import IONIC_MODELS

from heartsim.config.base import (  # noqa: F401  (re-exported: the names users of model know)
    SCHEMA_VERSION,
    SUBKEY,
    BoxRegion,
    ConfigPath,
    Direction,
    ExistingFile,
    Length,
    Region,
    Section,
    SphereRegion,
    Time,
    Vec3,
    _exactly_one,
)
from heartsim.config.circulation import CirculationConfig
from heartsim.config.mesh import CellTag, MeshConfig  # noqa: F401  (re-exported)
from heartsim.config.electromechanics import ElectromechanicsConfig
from heartsim.config.devices import CredibilityConfig, DevicesConfig, VerificationConfig
from heartsim.config.fibers import FibersConfig
from heartsim.config.flow import FlowConfig
from heartsim.config.mechanics import MechanicsConfig
from heartsim.config.leads import ECGConfig, EPOutputs, Stimulus, resolve_timing  # noqa: F401


# --------------------------------------------------------------------------------------------
# electrophysiology


class IonicConfig(Section):
    """Ionic model at every node: parameters, variant per region, drug block, integrator.

    A parameter's value in a region is the model default, then the region's variant (``variant``,
    or ``regions`` by cell tag), then ``parameters``, then multiplied by ``scale``.
    """

    model: Literal[tuple(IONIC_MODELS)] = "aliev_panfilov"  # type: ignore[valid-type]
    """Name of the ionic model."""
    parameters: dict[str, float] = {}
    """Overrides of the model's parameters, by name, in the model's own units (see docs)."""
    scale: dict[str, float] = {}
    """Factors on conductances (drug block, e.g. ``{g_Kr: 0.5}``); names from the model's scalable list."""
    variant: Optional[str] = None
    """Cell type everywhere outside ``regions``: endo, epi or M (physiological models; default: the model's own, TT06 epi, ORd endo)."""
    regions: dict[str, str] = {}
    """Cell type per cell tag: tag name (or number) -> endo, epi or M; a node takes the last listed region it touches."""
    method: Literal["rush_larsen", "generalised_rush_larsen", "forward_euler"] = "rush_larsen"
    """ODE integrator: Rush-Larsen for gates and forward Euler for the rest, generalised Rush-Larsen (GRL1) for all, or forward Euler for all."""
    substeps: int = Field(1, ge=1, le=1000)
    """ODE sub-steps per reaction step (each advances the ionic model by step / substeps)."""
    cpu_kernel: Literal["auto", "numpy", "native"] = "auto"
    """CPU code of physiological models: the generated NumPy code, or the same kernel source compiled with the host C compiler (faster, vectorised; needs cc); ``auto``: native when a C compiler is found, else numpy."""

    @model_validator(mode="after")
    def _known(self) -> "IonicConfig":
        from heartsim.config.errors import suggest

        model = IONIC_MODELS[self.model]
        known = model["parameters"]
        for name in self.parameters:
            if name not in known:
                raise ValueError(f"{SUBKEY}parameters.{name}: unknown parameter of {self.model}"
                                 f"{suggest(name, known)}")
        scalable = model["scalable"]
        for name, factor in self.scale.items():
            if name not in scalable:
                raise ValueError(f"{SUBKEY}scale.{name}: not a scalable conductance of {self.model}"
                                 f"{suggest(name, scalable)}")
            if not (factor >= 0 and math.isfinite(factor)):
                raise ValueError(f"{SUBKEY}scale.{name}: factor must be a finite number >= 0")
        variants = model["variants"]
        chosen = ([("variant", self.variant)] if self.variant is not None else []) + \
            [(f"regions.{tag}", v) for tag, v in self.regions.items()]
        for key, variant in chosen:
            if variant not in variants:
                listed = ", ".join(variants) if variants else f"none: {self.model} has no cell-type variants"
                raise ValueError(f"{SUBKEY}{key}: unknown variant {variant!r} (known: {listed})")
        return self


class Conductivity(Section):
    """Monodomain conductivity sigma = sigma_l f⊗f + sigma_t (I - f⊗f).

    Defaults: harmonic means of the intra- and extracellular values of Niederer et al. 2011
    (sigma_i = 0.17/0.019, sigma_e = 0.62/0.24 S/m; 1 S/m = 1 mS/mm).
    """

    longitudinal: Quantity("mS/mm", gt=0) = 0.1334
    """Conductivity along the fiber (mS/mm)."""
    transverse: Quantity("mS/mm", gt=0) = 0.0176
    """Conductivity across the fiber (mS/mm)."""


class EPNumerics(Section):
    """Time discretisation of the monodomain problem."""

    splitting: Literal["godunov", "strang"] = "strang"
    """Operator splitting: Godunov (ODE dt, PDE dt; first order) or Strang (ODE dt/2, PDE dt, ODE dt/2)."""
    theta: float = Field(0.5, ge=0.5, le=1.0)
    """theta of the PDE step: 1 = backward Euler, 0.5 = Crank-Nicolson."""
    lumped_mass: bool = False
    """Lump the mass matrix (vertex quadrature) in the PDE step."""


class EPConfig(Section):
    """Monodomain electrophysiology:

    chi (C_m dv/dt + I_ion(v, s)) = div(sigma grad v) + I_stim,  ds/dt = f(v, s),
    with zero-flux boundaries, P1 elements and operator splitting.
    """

    model: Literal["monodomain"] = "monodomain"
    """Tissue model."""
    ionic: IonicConfig = IonicConfig()
    """Ionic model."""
    surface_to_volume: Quantity("1/mm", gt=0) = 140.0
    """Membrane surface-to-volume ratio chi (1/mm; Niederer 2011: 1400 /cm)."""
    capacitance: Quantity("uF/mm^2", gt=0) = 0.01
    """Membrane capacitance C_m (µF/mm²; 1 µF/cm²)."""
    conductivity: Conductivity = Conductivity()
    """Conductivity tensor (mS/mm)."""
    fiber: Direction = (1.0, 0.0, 0.0)
    """Constant fiber direction (normalised on load); not used when the run has a ``fibers:`` section,
    whose fiber field then sets the conductivity's direction node by node."""
    stimuli: tuple[Stimulus, ...] = Field(min_length=1)
    """Stimuli (at least one)."""
    activation_threshold: Quantity("mV") = 0.0
    """Potential whose first upward crossing defines the activation time (mV)."""
    numerics: EPNumerics = EPNumerics()
    """Splitting, theta and mass lumping."""
    outputs: EPOutputs = EPOutputs()
    """Derived outputs: repolarisation and APD maps, pseudo-ECG."""

    @model_validator(mode="after")
    def _leads(self) -> "EPConfig":
        names = [s.name for s in self.stimuli if s.name]
        if len(set(names)) != len(names):
            raise ValueError("stimuli: lead names must be unique")
        try:
            resolve_timing(self.stimuli)
        except ValueError as exc:
            raise ValueError(f"{SUBKEY}{exc}") from None
        return self

    @model_validator(mode="after")
    def _fiber(self) -> "EPConfig":
        norm = math.sqrt(sum(c * c for c in self.fiber))
        if not norm > 1e-12:
            raise ValueError("fiber direction must be a non-zero vector")
        object.__setattr__(self, "fiber", tuple(c / norm for c in self.fiber))
        return self


class PhysicsConfig(Section):
    """Which physics run, each with its own section (mechanics and flow slot in here)."""

    ep: Optional[EPConfig] = None
    """Cardiac electrophysiology."""
    mechanics: Optional[MechanicsConfig] = None
    """Quasi-static cardiac mechanics."""
    flow: Optional[FlowConfig] = None
    """3D blood flow (incompressible Navier-Stokes)."""
    circulation: Optional[CirculationConfig] = None
    """0D circulation (alone, or as boundary model of flow/mechanics)."""
    electromechanics: Optional[ElectromechanicsConfig] = None
    """Coupled EP -> tension -> mechanics <-> closed loop (with physics.mechanics, physics.circulation, physics.ep)."""

    @model_validator(mode="after")
    def _some(self) -> "PhysicsConfig":
        if all(getattr(self, name) is None for name in PHYSICS):
            raise ValueError(f"no physics configured: add one of {', '.join('physics.' + n for n in PHYSICS)}")
        return self

    def active(self) -> tuple[str, ...]:
        """Names of the configured physics, in ``PHYSICS`` order."""
        return tuple(name for name in PHYSICS if getattr(self, name) is not None)


#: every physics section, in the order runs are dispatched (see heartsim.simulation)
PHYSICS = ("ep", "mechanics", "flow", "circulation", "electromechanics")


# --------------------------------------------------------------------------------------------
# time, output, solver, backend


class TimeConfig(Section):
    """Time stepping."""

    dt: Quantity("ms", gt=0) = 0.05
    """Time step (ms)."""
    end: Quantity("ms", gt=0) = 100.0
    """End time (ms); the run covers [0, end]."""

    @model_validator(mode="after")
    def _order(self) -> "TimeConfig":
        if self.dt > self.end:
            raise ValueError("dt must not exceed end")
        return self

    def steps(self) -> int:
        """Number of steps to reach ``end`` (the last one ends at or just past it)."""
        return max(1, math.ceil(self.end / self.dt - 1e-9))


class OutputConfig(Section):
    """What is written, where and how often."""

    folder: Optional[ConfigPath] = None
    """Output folder (relative to the config's folder); ``run --out`` overrides it."""
    formats: tuple[Literal["vtx", "xdmf", "vtu"], ...] = Field(("xdmf",), min_length=1)
    """Field formats: ``vtx`` (ADIOS2 .bp folders), ``xdmf`` (.xdmf + .h5) and/or ``vtu`` (plain VTK XML, a .vtu per
    output time and a .pvd index: any VTK tool reads it without ADIOS2 or HDF5); all open in ParaView."""
    interval: Quantity("ms", gt=0) = 1.0
    """Interval between writes of the transmembrane potential (ms)."""


class CheckpointConfig(Section):
    """Periodic checkpoints of the complete run state, for restart (``run --restart DIR``).

    A checkpoint is also written when the run receives SIGTERM or SIGUSR1 (Slurm's warning before
    the time limit); the run then exits with status 75 so that a job script can requeue it.
    """

    interval: Optional[Quantity("ms", gt=0)] = None
    """Simulated time between checkpoints (ms); none: only on a signal. Mechanics runs, whose load
    steps are adaptive, checkpoint after every accepted load step when it is set."""
    keep: int = Field(2, ge=1)
    """How many of the newest checkpoints are kept."""


PetscValue = Union[str, int, float, bool, None]

#: c M + theta dt K is strongly diagonally dominant at EP time steps (c = chi C_m = 1.4 µF/mm³ against
#: theta dt sigma / h² ~ 0.08 at dt 0.05 ms, h 0.2 mm), so CG with (local) symmetric SOR needs 4-6
#: iterations at rtol 1e-10 and is cheaper per step than a BoomerAMG V-cycle or Jacobi (docs/ep.md,
#: "EP step speed"); on one rank heartsim.ep.diffusion applies it with Eisenstat's trick
DEFAULT_EP_PETSC = {
    "ksp_type": "cg",
    "pc_type": "sor",
    "ksp_rtol": 1e-10,
}


class SolverConfig(Section):
    """PETSc options, passed straight through (per physics), merged over heartsim's defaults."""

    ep: dict[str, PetscValue] = {}
    """PETSc options of the monodomain linear solve (defaults: CG + symmetric SOR, rtol 1e-10; e.g. ``pc_type: hypre`` for BoomerAMG)."""

    mechanics: dict[str, PetscValue] = {}
    """PETSc options of the mechanics Newton solve (SNES, KSP, PC), merged over its defaults. Without ``ksp_type``/``pc_type`` the linear solver is MUMPS LU below 150,000 dofs (and for Taylor-Hood), GMRES + GAMG with the rigid-body near-nullspace above (``pc_type: gamg`` for it at any size); heartsim's own ``reuse_preconditioner: true`` keeps the LU factors across Newton iterations and the pressure iterates of a coupled step (GMRES on the current Jacobian; restarts then equal to round-off, not bit for bit)."""
    flow: dict[str, PetscValue] = {}
    """PETSc options of the flow solves, merged over its defaults."""

    def ep_options(self) -> dict[str, PetscValue]:
        """Defaults updated by the user's options."""
        return {**DEFAULT_EP_PETSC, **self.ep}


class BackendConfig(Section):
    """Where pure-array kernels (ionic models) run."""

    kind: Literal["auto", "numpy", "gpu"] = "auto"
    """``auto``: the GPU when CuPy finds one, else NumPy; ``numpy``; ``gpu`` (error without one)."""


class Config(Section):
    """A heartsim run."""

    version: Literal[1] = SCHEMA_VERSION
    """Config format version."""
    name: str = "heartsim-run"
    """Name of the case (in logs and summary.json)."""
    mesh: Optional[MeshConfig] = None
    """The mesh (required by every physics but a 0D ``physics.circulation`` run alone)."""
    physics: PhysicsConfig
    """The physics."""
    time: TimeConfig = TimeConfig()
    """Time stepping."""
    output: OutputConfig = OutputConfig()
    """Outputs."""
    solver: SolverConfig = SolverConfig()
    """PETSc options."""
    backend: BackendConfig = BackendConfig()
    """Array backend."""
    checkpoint: CheckpointConfig = CheckpointConfig()
    """Checkpoints and restart."""
    fibers: Optional[FibersConfig] = None
    """Fiber architecture (used by EP conductivity and mechanics); none: the EP ``fiber`` direction."""
    devices: DevicesConfig = DevicesConfig()
    """Device sites analysed on the run's fields (``heartsim devices report``)."""
    credibility: CredibilityConfig = CredibilityConfig()
    """Context of use, question and quantities of interest (credibility.json)."""
    verification: VerificationConfig = VerificationConfig()
    """Solution verification: mesh-refinement series."""

    @model_validator(mode="after")
    def _mesh_needed(self) -> "Config":
        """Only a 0D circulation run alone needs no mesh."""
        if self.mesh is None:
            needs = [name for name in self.physics.active() if name != "circulation"]
            if needs:
                raise ValueError(f"{SUBKEY}mesh: required key is missing (physics.{needs[0]} needs a mesh; "
                                 "only physics.circulation runs without one)")
            if self.fibers is not None:
                raise ValueError(f"{SUBKEY}fibers: needs a mesh (no mesh: given)")
        return self

    @model_validator(mode="after")
    def _checkpoint_after_steps(self) -> "Config":
        """A checkpoint interval shorter than one step would round to none at all."""
        interval = self.checkpoint.interval
        if interval is not None and interval < self.time.dt:
            raise ValueError(f"{SUBKEY}checkpoint.interval: {interval:g} ms is shorter than time.dt "
                             f"({self.time.dt:g} ms)")
        return self

    @model_validator(mode="after")
    def _electromechanics(self) -> "Config":
        """The coupled run's companions and its two time steps."""
        em = self.physics.electromechanics
        if em is None:
            return self
        where = f"{SUBKEY}physics.electromechanics"
        if self.physics.mechanics is None:
            raise ValueError(f"{SUBKEY}physics.mechanics: required by physics.electromechanics (material, boundary)")
        circ = self.physics.circulation
        if circ is None or circ.model != "closed_loop":
            chambers = list(em.coupling.cavities())
            which = f"{chambers[0]} is the 3D cavity" if len(chambers) == 1 else f"{' and '.join(chambers)} are 3D cavities"
            raise ValueError(f"{SUBKEY}physics.circulation: physics.electromechanics needs the closed_loop model, whose "
                             f"{which} ({'none given' if circ is None else 'model: ' + circ.model})")
        if em.calcium.source == "ep" and self.physics.ep is None:
            raise ValueError(f"{SUBKEY}physics.ep: required by physics.electromechanics.calcium.source: ep")
        if self.physics.ep is not None and em.calcium.source != "ep":
            raise ValueError(f"{where}.calcium.source: physics.ep is given but calcium comes from {em.calcium.source}")
        if em.dt < self.time.dt - 1e-12:
            raise ValueError(f"{where}.dt: the mechanics step ({em.dt:g} ms) is smaller than the EP step time.dt "
                             f"({self.time.dt:g} ms)")
        ratio = em.dt / self.time.dt
        if abs(ratio - round(ratio)) > 1e-6:
            raise ValueError(f"{where}.dt: {em.dt:g} ms is not a multiple of the EP step time.dt ({self.time.dt:g} ms)")
        if em.adaptive.enabled:
            ratio = em.adaptive.dt_max / em.dt
            if ratio < 1 - 1e-9 or abs(ratio - round(ratio)) > 1e-6:
                raise ValueError(f"{where}.adaptive.dt_max: {em.adaptive.dt_max:g} ms is not a multiple of the mechanics "
                                 f"step {where[len(SUBKEY):]}.dt ({em.dt:g} ms)")
        return self

    @model_validator(mode="after")
    def _circulation_cycles(self) -> "Config":
        """A 0D circulation run alone needs at least one whole cycle (the general time defaults do not)."""
        if self.physics.active() == ("circulation",):
            period = self.physics.circulation.cycle_period()
            if self.time.end < period:
                raise ValueError(f"{SUBKEY}time.end: {self.time.end:g} ms is shorter than one heart period "
                                 f"({period:g} ms); a circulation run needs whole cycles "
                                 "(e.g. time: {dt: 1 ms, end: 60 s})")
        return self

    @model_validator(mode="after")
    def _regions_inside_mesh(self) -> "Config":
        """Stimulus regions must meet a generated box and tags must exist (files: checked at setup)."""
        if self.physics.ep is None or self.mesh is None:
            return self
        tags = {t.name for t in self.mesh.cell_tags} | {t.id for t in self.mesh.cell_tags}
        for i, stim in enumerate(self.physics.ep.stimuli):
            where = f"physics.ep.stimuli[{i}]"
            if stim.point is not None and self.mesh.generate is not None:
                lo, hi = self.mesh.box_bounds()
                if any(p < m_lo - 1e-9 or p > m_hi + 1e-9 for p, m_lo, m_hi in zip(stim.point, lo, hi)):
                    raise ValueError(f"{where}.point: lead {stim.label(i)!r} lies outside the tissue "
                                     f"(mesh spans {lo} to {hi} mm)")
            if stim.region is None:
                continue
            where += ".region"
            if stim.region.tag is not None and self.mesh.generate is not None:
                if stim.region.tag not in tags:
                    have = ", ".join(t.name for t in self.mesh.cell_tags) or "none"
                    raise ValueError(f"{where}: no cell tag {stim.region.tag!r} (mesh.cell_tags has: {have})")
            bounds = stim.region.bounds()
            if bounds is not None and self.mesh.generate is not None:
                lo, hi = self.mesh.box_bounds()
                if any(b_hi < m_lo or b_lo > m_hi for b_lo, b_hi, m_lo, m_hi in zip(*bounds, lo, hi)):
                    raise ValueError(f"{where}: region lies outside the mesh (mesh spans {lo} to {hi} mm)")
        return self


def config_json_schema() -> dict[str, Any]:
    """JSON Schema of :class:`Config`."""
    schema = Config.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "heartsim config"
    return schema
