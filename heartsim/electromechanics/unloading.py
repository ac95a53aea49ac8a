"""Unloaded (stress-free) reference of a ventricle imaged at a known cavity pressure.

The imaged (CT) geometry x_CT is loaded: the blood in the cavity pushed it out. The mechanics needs
the reference X that, inflated to the end-diastolic pressure p_ED, lands on x_CT:
x_CT = X + u(X; p_ED). The backward-displacement fixed point (Bols, Degroote, Trachet, Verhegghe,
Segers & Vierendeels 2013, "A computational method to assess the in vivo stresses and unloaded
configuration of patient-specific blood vessels", J Comput Appl Math 255:13-23; the same update as
Sellier 2011's fixed point) iterates

    X_0 = x_CT,   u_k = u(X_k; p_ED),   X_{k+1} = x_CT - u_k      (nodal values, mm)

until the mismatch e_k = max_nodes |X_k + u_k - x_CT| is below the tolerance. Each u_k is a passive
inflation of the mesh moved to X_k, warm-started from u_{k-1} (whose deformed nodes lie exactly on
x_CT); a warm start that fails is replaced by an inflation in load steps from u = 0. The update is
relaxed by Aitken's factor, X_{k+1} = X_k + omega_k r_k with r_k = x_CT - X_k - u_k and
omega_k = -omega_{k-1} (r_{k-1}, r_k - r_{k-1}) / |r_k - r_{k-1}|^2 (omega_0 = 1, the plain update),
bounded to [``OMEGA_MIN``, ``OMEGA_MAX``]: a residual that grows or turns back makes the raw factor
negative or huge, which would move the reference away from x_CT instead of towards it.

What follows the move: every form (the mechanics residual, the cavity volume, the springs) reads
the node positions at assembly, so it lives on X; fields stored per dof or quadrature point (fibres,
tension states) stay with their material points (the fibre directions are those of the CT rule at
the same material point, not pulled back through the inflation's F). The base point closing the
cavity is unchanged for a fixed or sliding base (u = 0, or in-plane, there). EP, set up before the
move, keeps the operators it assembled on the CT geometry.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from mpi4py import MPI

from heartsim import fem
from heartsim.config.errors import ConfigError
from heartsim.electromechanics.cavity0d import CoupledStepFailure

#: bounds of Aitken's relaxation factor of the fixed-point update
OMEGA_MIN, OMEGA_MAX = 0.1, 2.0


def aitken_factor(omega: float, r_old: np.ndarray, r: np.ndarray, dot=lambda a, b: float(np.sum(a * b))) -> float:
    """Aitken's factor after ``omega`` for the residuals r_{k-1} = ``r_old``, r_k = ``r``, bounded to
    [OMEGA_MIN, OMEGA_MAX] (``dot``: the inner product, global under MPI)."""
    dr = r - r_old
    raw = -omega * dot(r_old, dr) / max(dot(dr, dr), 1e-300)
    return min(max(raw, OMEGA_MIN), OMEGA_MAX)


class UnloadingFailure(RuntimeError):
    """The fixed point did not reach the tolerance, or an inflation failed."""


@dataclass
class UnloadResult:
    """What the unloading did: iterations, the mismatch after each (mm), volumes (mm³)."""

    iterations: int
    mismatch_mm: list[float] = field(default_factory=list)
    imaged_volume: float = 0.0
    unloaded_volume: float = 0.0
    loaded_volume: float = 0.0
    max_shift_mm: float = 0.0

    def as_dict(self) -> dict:
        return {"iterations": self.iterations, "mismatch_mm": [round(m, 6) for m in self.mismatch_mm],
                "imaged_volume_mL": round(self.imaged_volume / 1e3, 4),
                "unloaded_volume_mL": round(self.unloaded_volume / 1e3, 4),
                "loaded_volume_mL": round(self.loaded_volume / 1e3, 4),
                "max_shift_mm": round(self.max_shift_mm, 4)}


def unload(beat, pressures: dict[str, float], steps: int, tolerance: float, max_iterations: int,
           log=None) -> UnloadResult:
    """Move ``beat.problem``'s mesh to the unloaded reference of its present geometry at the cavity
    ``pressures`` (chamber -> kPa, every chamber of ``beat.chambers``) by the backward-displacement fixed
    point to ``tolerance`` (mm, max nodal mismatch); leaves the mechanics state at u = 0 and zero cavity
    pressures on the moved mesh. Volumes reported are the first chamber's. Raises UnloadingFailure."""
    problem, chambers = beat.problem, tuple(beat.chambers)
    chamber = chambers[0]
    pressure = (pressures[chamber] if len(chambers) == 1 else np.array([pressures[c] for c in chambers]))
    zero = {c: 0.0 for c in chambers}

    def first(volume) -> float:
        return float(np.atleast_1d(volume)[0])
    mesh, comm = problem.mesh, problem.comm
    x_ct = fem.node_positions(mesh)
    nodal_u = fem.function(fem.lagrange_space(mesh, 1, (3,)))

    def displacement_at_nodes() -> np.ndarray:
        fem.interpolate_into(nodal_u, problem.displacement())
        return fem.node_values(nodal_u)

    def inflate(warm: bool) -> float:
        if warm:
            ok, volume, _, _ = beat._solve3d(pressure)
            if ok:
                problem.save()
                return first(volume)
        problem.w.x.array[:] = 0.0
        problem.set_cavity_pressures(zero)
        problem.save()
        try:
            return first(beat.inflate(pressure, steps))
        except CoupledStepFailure as exc:
            raise UnloadingFailure(str(exc)) from None

    result = UnloadResult(0, imaged_volume=problem.cavity_volumes()[chamber])
    owned = mesh.geometry.index_map().size_local

    def dot(a: np.ndarray, b: np.ndarray) -> float:
        return comm.allreduce(float(np.sum(a[:owned] * b[:owned])), op=MPI.SUM)

    X = x_ct.copy()
    r_old, omega = None, 1.0
    for k in range(max_iterations + 1):
        try:
            result.loaded_volume = inflate(warm=k > 0)
        except UnloadingFailure as exc:
            fem.set_node_positions(mesh, x_ct)
            raise UnloadingFailure(f"inflation of iterate {k}: {exc}") from None
        u = displacement_at_nodes()
        r = x_ct - X - u  # residual: where the inflated reference misses the imaged nodes
        local = float(np.max(np.linalg.norm(r, axis=1), initial=0.0))
        mismatch = comm.allreduce(local, op=MPI.MAX)
        result.mismatch_mm.append(mismatch)
        result.iterations = k
        if log is not None:
            log.info("unloading iterate %d: loaded cavity %.2f mL (imaged %.2f mL), max nodal mismatch %.4f mm",
                     k, result.loaded_volume / 1e3, result.imaged_volume / 1e3, mismatch)
        if mismatch <= tolerance:
            break
        if k == max_iterations:
            fem.set_node_positions(mesh, x_ct)
            raise UnloadingFailure(f"max nodal mismatch {mismatch:.3g} mm after {k} iterations "
                                   f"(tolerance {tolerance:g} mm)")
        if r_old is not None:  # Aitken's dynamic relaxation of the fixed-point update
            omega = aitken_factor(omega, r_old, r, dot)
        r_old = r
        X = X + omega * r  # omega = 1: X = x_CT - u_k (Bols et al.)
        fem.set_node_positions(mesh, X)  # w keeps u_k: with omega = 1 the deformed nodes start on x_CT
        beat._refresh()  # a kept Jacobian / LU factors belong to the previous geometry
    result.max_shift_mm = comm.allreduce(float(np.max(np.linalg.norm(X - x_ct, axis=1), initial=0.0)), op=MPI.MAX)
    problem.w.x.array[:] = 0.0
    problem.set_cavity_pressures(zero)
    problem.save()
    beat._refresh()  # the preload starts from u = 0: no Jacobian / factors of the last loaded state
    result.unloaded_volume = problem.cavity_volumes()[chamber]
    return result


def unload_reference(beat, preload, pressures: dict[str, float], log, key: str = "physics.electromechanics"):
    """With ``preload.unload``: move the mechanics mesh to the unloaded reference of its geometry at the preload
    ``pressures`` (chamber -> kPa) (:mod:`heartsim.electromechanics.unloading`; recomputed, deterministically, on a restart);
    returns the UnloadResult or None. A failure is a one-line ConfigError naming ``key``.preload.unload."""
    if not preload.unload:
        return None
    degree = fem.geometry_degree(beat.problem.mesh)
    if degree != 1:
        raise ConfigError([f"{key}.preload.unload: the unloading moves the mesh nodes, which needs a straight-sided "
                           f"(degree-1) mechanics mesh; this one has geometry degree {degree} (use a linear mesh, "
                           f"or {key}.mechanics_mesh with one)"])
    start, mechanics = time.perf_counter(), beat.timings.mechanics
    try:
        result = unload(beat, pressures, preload.steps, preload.unload_tolerance, preload.unload_iterations, log)
    except UnloadingFailure as exc:
        raise ConfigError([f"{key}.preload.unload: the unloaded reference was not found: {exc}; raise "
                           f"{key}.preload.unload_iterations or unload_tolerance, or lower preload.pressure"]) from None
    finally:  # its inflations are counted apart from the coupled steps' mechanics
        beat.timings.mechanics = mechanics
        beat.timings.unloading += time.perf_counter() - start
    log.info("unloaded reference in %d iterations: cavity %.2f mL (imaged %.2f mL), nodes moved up to %.2f mm, "
             "max mismatch %.4f mm", result.iterations, result.unloaded_volume / 1e3, result.imaged_volume / 1e3,
             result.max_shift_mm, result.mismatch_mm[-1])
    return result
