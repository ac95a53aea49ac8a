"""Cohort files (``heartsim cohort COHORT.yaml``): anatomies, a case template, optional parameter samples,
device thresholds and reference data.

    name: aortas
    template: case.yaml            # a run config; "{mesh}" and "{anatomy}" in any string are replaced
    anatomies:
      - {name: p1, labels: ct/aorta_0001.nii.gz}        # meshed with `meshing:` (cached by input hash)
      - {name: p2, mesh: meshes/p2.xdmf, set: {devices.sites[0].region.sphere.center: [1, 2, 3]}}
    meshing: {size: 4 mm, vessel: true}
    samples: {lhs: {samples: 4, ranges: {physics.flow.inlet.waveform.aortic.stroke_volume: [60, 80]}}}
    thresholds: ["landing.fixation_margin >= 1.5"]
    reference: [{file: measured.csv, column: peak_force_mN, metric: landing.peak_force_mN}]
"""

from __future__ import annotations

import re
from typing import Any, Optional

from pydantic import Field, model_validator

from heartsim.config.base import SUBKEY, ConfigPath, ExistingFile, Section, _exactly_one
from heartsim.config.devices import DevicesConfig
from heartsim.config.quantities import Quantity
from heartsim.config.sweep import LatinHypercube

THRESHOLD = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(>=|<=|>|<)\s*([-+0-9.eE]+)\s*$")


class Anatomy(Section):
    """One patient or synthetic anatomy: a label map (meshed here) or a mesh."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    """Name of the anatomy (rows of the collected table; "{anatomy}" in the template)."""
    labels: Optional[ExistingFile] = None
    """Label map (NIfTI, NRRD), meshed with the cohort's ``meshing`` options."""
    mesh: Optional[ExistingFile] = None
    """Volume mesh file, used as is."""
    inlet_near: Optional[ExistingFile] = None
    """With ``meshing.vessel``: label map (same grid; e.g. the left ventricle) whose nearest vessel end is the inlet."""
    set: dict[str, Any] = {}
    """Overrides of this anatomy's cases (dot paths -> values), e.g. its device-site coordinates."""

    @model_validator(mode="after")
    def _source(self) -> "Anatomy":
        _exactly_one(self, ("labels", "mesh"))
        return self


class Meshing(Section):
    """How label maps become meshes (the options of ``heartsim mesh from-labels``)."""

    size: Quantity("mm", gt=0) = 2.0
    """Target edge length (mm)."""
    label: Optional[int] = None
    """Label to mesh (default: every label)."""
    vessel: bool = False
    """Mesh a vessel lumen with flat caps tagged inlet/outlet_k and the wall tagged wall."""
    lv_wall: Optional[Quantity("mm", gt=0)] = None
    """Mesh a left-ventricular wall of this thickness (tags endo/epi/base)."""


class Samples(Section):
    """Parameter samples per anatomy (the sweep generators: Cartesian product of those given)."""

    grid: dict[str, list[Any]] = {}
    """Key (dot path) -> values; every combination."""
    cases: list[dict[str, Any]] = []
    """Explicit override mappings."""
    lhs: Optional[LatinHypercube] = None
    """Latin-hypercube sample over numeric ranges."""


class Reference(Section):
    """Measured values of a metric in a population (for the ECDF area validation metric)."""

    file: ExistingFile
    """CSV file with a header row."""
    column: str
    """Column of the measured values, in the metric's unit."""
    metric: str
    """Collected metric it is compared with (``site.metric`` or ``site.metric.stat``, e.g. landing.peak_force_mN)."""


class CohortConfig(Section):
    """A cohort: anatomies x samples, each case a run of the template, analysed at its device sites."""

    name: str = "cohort"
    """Name of the cohort (job names, tables)."""
    template: ExistingFile
    """Case template: a run config whose strings may hold "{mesh}" and "{anatomy}"."""
    anatomies: list[Anatomy] = Field(min_length=1)
    """The anatomies."""
    meshing: Meshing = Meshing()
    """Meshing of label-map anatomies."""
    samples: Samples = Samples()
    """Parameter samples run on every anatomy (none: one case per anatomy)."""
    devices: Optional[DevicesConfig] = None
    """Device sites of every case (replacing the template's devices section)."""
    thresholds: list[str] = []
    """Pass criteria ``metric OP value`` (OP one of >=, <=, >, <) on collected metrics, e.g. ``landing.fixation_margin >= 1.5``."""
    reference: list[Reference] = []
    """Measured population data to compare collected metrics with (ECDF area metric)."""
    out: Optional[ConfigPath] = None
    """Folder of the cohort (relative to the cohort file); ``--out`` overrides it."""

    @model_validator(mode="after")
    def _check(self) -> "CohortConfig":
        names = [a.name for a in self.anatomies]
        if len(set(names)) != len(names):
            raise ValueError("anatomies: names must be unique")
        for i, text in enumerate(self.thresholds):
            if not THRESHOLD.match(text):
                raise ValueError(f"{SUBKEY}thresholds[{i}]: {text!r} is not 'metric >= value' (ops >=, <=, >, <)")
        return self

    def parsed_thresholds(self) -> list[tuple[str, str, float]]:
        return [(m.group(1), m.group(2), float(m.group(3))) for m in map(THRESHOLD.match, self.thresholds)]

