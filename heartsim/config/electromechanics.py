"""Config section ``physics.electromechanics``: EP -> calcium -> Land 2017 tension -> mechanics <-> closed loop.

Needs ``physics.mechanics`` (the passive material, formulation and boundary conditions; its
``active`` section with ``source: field``) and ``physics.circulation`` (``model: closed_loop``, whose
``chamber`` is replaced by the 3D cavity), and ``physics.ep`` when ``calcium.source`` is ``ep``.
EP runs on ``time.dt`` (0.01-0.05 ms), the mechanics, tension and circulation on ``dt`` (~1 ms).
"""

from __future__ import annotations

from typing import Literal, Optional, Union

from pydantic import Field

from heartsim.config.base import Section
from heartsim.config.mesh import MeshConfig
from heartsim.config.quantities import Quantity

TagRef = Union[int, str]


class TensionConfig(Section):
    """Active tension model at the mechanics quadrature points (Land et al. 2017, J Mol Cell Cardiol
    104:83); the zeta (velocity) states and h(lambda) are solved inside the mechanics Newton iteration."""

    model: Literal["land_2017"] = "land_2017"
    """Tension model."""
    preset: str = "land_2017"
    """Named parameter set of the tension model: land_2017 (human whole-organ values) or tor_ord_land (ku 0.04, nTm 2.4)."""
    parameters: dict[str, float] = {}
    """Overrides of the tension model's parameters by name, in its units (e.g. ``{Tref: 100}``, kPa: contractility)."""
    substep: Quantity("ms", gt=0) = 0.1
    """Largest sub-step of the pointwise update of CaTRPN, B, S, W within a mechanics step (ms)."""


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


class CouplingConfig(Section):
    """The 3D cavity in the closed loop."""

    chamber: Literal["LV", "RV"] = "LV"
    """Chamber of the closed loop replaced by the 3D cavity."""
    cavity_tags: tuple[TagRef, ...] = Field(("endo",), min_length=1)
    """Endocardial facet tags of the cavity (closed at the base plane)."""
    volume_tolerance: Quantity("mm^3", gt=0) = 1.0
    """Convergence of the coupled step: |V_3D - V_0D| (mm³)."""
    max_iterations: int = Field(20, ge=1)
    """Pressure iterations (3D solves) allowed per coupled step."""


class PreloadConfig(Section):
    """Passive inflation of the cavity before the first beat."""

    pressure: Quantity("kPa", ge=0) = 1.0
    """End-diastolic cavity pressure reached before the first beat (kPa; 1 kPa = 7.5 mmHg)."""
    steps: int = Field(4, ge=1)
    """Equal load steps of the preload."""


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
