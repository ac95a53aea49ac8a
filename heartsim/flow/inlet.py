"""The inlet: cap geometry, flow-rate waveform and the velocity profile imposed on the cap.

A flow inlet imposes the Dirichlet velocity

    u(x, t) = -n Q(t) s(t) w(x) / int_cap w ds

on the cap (n its outward unit normal, Q the waveform in mm^3/ms, s the start-up ramp), so that
the flux of the imposed (interpolated) field into the domain is exactly Q(t) s(t). ``w`` is the
rim-distance profile of :mod:`heartsim.flow.caps` (``parabolic``), 1 (``plug``), or, for
``womersley``, the analytic Womersley velocity of :mod:`heartsim.flow.womersley` for a circle of
the cap's area centred at its centroid (used unscaled). A pressure inlet instead gives the pressure
(Dirichlet in the pressure step, traction in the momentum step).
"""

from __future__ import annotations

import math

import numpy as np
import ufl
from mpi4py import MPI

from heartsim import fem
from heartsim.config.flow import InletConfig, WaveformConfig
from heartsim.flow import caps
from heartsim.flow import waveforms as wf
from heartsim.flow.womersley import womersley_velocity


def build_waveform(cfg: WaveformConfig) -> wf.Waveform:
    """The waveform described by the config (heartsim.flow.waveforms), scaled by ``cfg.scale``."""
    if cfg.constant is not None:
        wave = wf.FourierWaveform(cfg.period or 1.0, cfg.constant)
    elif cfg.fourier is not None:
        wave = wf.FourierWaveform(cfg.period, cfg.fourier.mean, cfg.fourier.cos, cfg.fourier.sin)
    elif cfg.aortic is not None:
        a = cfg.aortic
        wave = wf.physiological_aortic(cfg.period, a.stroke_volume, a.ejection, a.backflow_volume, a.backflow_time)
    else:
        times, flows = zip(*cfg.table)
        wave = wf.TableWaveform(times, flows, cfg.period, cfg.interpolation)
    if cfg.scale != 1.0:
        wave = wave.fourier(200) if not isinstance(wave, wf.FourierWaveform) else wave
        wave = wf.FourierWaveform(wave.period, cfg.scale * wave.a0, cfg.scale * wave.a, cfg.scale * wave.b)
    return wave


def ramp(t: float, duration: float) -> float:
    """(1 - cos(pi t / duration)) / 2 for t < duration, else 1."""
    if duration <= 0 or t >= duration:
        return 1.0
    return 0.5 * (1.0 - math.cos(math.pi * max(t, 0.0) / duration))


class Cap:
    """Area (mm^2), centroid (mm), outward unit normal and rim of a tagged planar boundary cap."""

    def __init__(self, mesh, facet_tags, value: int, comm: MPI.Comm):
        ds = fem.facet_measure(mesh, facet_tags)(value)
        n, x = ufl.FacetNormal(mesh), ufl.SpatialCoordinate(mesh)
        one = fem.constant(mesh, 1.0)
        self.area = fem.assemble_scalar(one * ds, comm)
        if not self.area > 0:
            raise ValueError(f"facet tag {value} has no area")
        self.centroid = np.array([fem.assemble_scalar(x[i] * ds, comm) for i in range(3)]) / self.area
        normal = np.array([fem.assemble_scalar(n[i] * ds, comm) for i in range(3)])
        self.planarity = float(np.linalg.norm(normal) / self.area)  # 1 for a plane
        self.normal = normal / np.linalg.norm(normal)
        local = fem.facet_triangles(mesh, fem.facets_of_tag(facet_tags, value))
        self.segments = caps.rim_segments(np.concatenate(comm.allgather(local)))
        self.equivalent_radius = math.sqrt(self.area / math.pi)


class Inlet:
    """Dirichlet velocity on a flow inlet (``bc``), updated by ``update(t)``; or the pressure of a pressure inlet."""

    def __init__(self, cfg: InletConfig, V, mesh, facet_tags, value: int, comm: MPI.Comm, nu: float):
        self.cfg, self.value, self._tags = cfg, value, facet_tags
        self.cap = Cap(mesh, facet_tags, value, comm)
        self.is_pressure = cfg.pressure is not None
        self.waveform = build_waveform(cfg.waveform) if cfg.waveform is not None else None
        self.bc = None
        if self.is_pressure:
            return
        self.g = fem.function(V, "inlet_velocity")
        self.dofs = fem.dofs_on_facets(V, fem.facets_of_tag(facet_tags, value))
        coords = V.tabulate_dof_coordinates()[self.dofs]
        self.coords, self.nu = coords, nu
        if cfg.profile == "womersley":
            self.coefficients = self.waveform.fourier(cfg.harmonics).complex_coefficients()
            self.radius = np.linalg.norm(coords - self.cap.centroid, axis=1)
            self.weights = None
        else:
            if cfg.profile == "plug":
                w = np.ones(len(coords))
            else:
                d_max = comm.allreduce(caps.inradius(self.cap.segments, self.cap.centroid, coords), op=MPI.MAX)
                w = caps.rim_profile(coords, self.cap.segments, d_max)
            self.set_shape(w)
        self.bc = fem.dirichlet(self.g, self.dofs)

    def set_shape(self, w: np.ndarray) -> None:
        """Use the profile shape ``w`` (values at ``coords``, the cap's velocity dofs) instead of the
        configured one, scaled to unit inflow (e.g. a benchmark's prescribed inlet profile)."""
        self._set(np.asarray(w, float))
        mesh, value = self.g.function_space.mesh, self.value
        flux = -fem.assemble_scalar(ufl.dot(self.g, ufl.FacetNormal(mesh)) * fem.facet_measure(mesh, self._tags)(value),
                                   mesh.comm)
        self.weights = np.asarray(w, float) / flux

    def _set(self, w: np.ndarray) -> None:
        values = self.g.x.array.reshape(-1, 3)
        values[self.dofs] = -np.outer(w, self.cap.normal)
        self.g.x.scatter_forward()

    def flow_rate(self, t: float) -> float:
        """Prescribed inflow (mm^3/ms) at time t, ramp included (0 for a pressure inlet)."""
        return 0.0 if self.waveform is None else self.waveform(t) * ramp(t, self.cfg.ramp)

    def pressure(self, t: float) -> float:
        """Prescribed pressure (kPa) of a pressure inlet at time t, ramp included."""
        return (self.cfg.pressure or 0.0) * ramp(t, self.cfg.ramp)

    def update(self, t: float) -> None:
        """Set the imposed velocity to its value at time t."""
        if self.is_pressure:
            return
        if self.weights is not None:
            self._set(self.weights * self.flow_rate(t))
        else:
            u = womersley_velocity(self.radius, t, self.coefficients, self.waveform.period,
                                   self.cap.equivalent_radius, self.nu)
            self._set(u * ramp(t, self.cfg.ramp))
