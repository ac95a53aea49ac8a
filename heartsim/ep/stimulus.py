"""Pacing leads at the nodes of a region (box, sphere or cell tag) or around a point.

A point lead drives the nodes within its radius of the point or, when that ball holds no node, the
vertices of a cell holding the point; a point in no cell of the mesh is a ConfigError naming the lead. Each lead
gets its pulse train (:class:`heartsim.kernels.pacing.PulseTrain`) with ``after``/``delay`` chains
resolved.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from mpi4py import MPI

from heartsim import fem
from heartsim.config.errors import ConfigError, InputError
from heartsim.config.model import Stimulus, resolve_timing
from heartsim.kernels.pacing import PulseTrain, train_onsets
from heartsim.mesh import TaggedMesh
from heartsim.mesh.regions import points_in_region


@dataclass
class NodalStimulus:
    """A configured lead, its pulse train and the local node indices (owned and ghost) it acts on."""

    config: Stimulus
    nodes: np.ndarray
    global_count: int
    pulses: PulseTrain


def region_nodes(space, tagged: TaggedMesh, stim: Stimulus, key: str) -> np.ndarray:
    """Local dofs of ``space`` in the stimulus region; ConfigError (naming ``key``) when unknown."""
    region = stim.region
    if region.tag is not None:
        value = tagged.tag_value(region.tag)
        if tagged.cell_tags is None or value is None:
            have = ", ".join(f"{n} ({v})" for n, v in tagged.tag_names.items()) or "none"
            raise InputError(f"{key}.tag", f"no cell tag {region.tag!r} in the mesh (it has: {have})")
        cells = tagged.cell_tags.find(value)
        comm = space.mesh.comm
        if not comm.allreduce(bool(len(cells)), op=MPI.LOR):  # a number no cell carries
            values = sorted(set().union(*comm.allgather(set(np.unique(tagged.cell_tags.values).tolist()))))
            raise ConfigError([f"{key}.tag: no cell tag {region.tag!r} in the mesh (it has: "
                               f"{', '.join(str(v) for v in values) or 'none'})"])
        return np.asarray(fem.dofs_of_cells(space, cells), dtype=np.int32)
    coords = space.tabulate_dof_coordinates()
    return np.flatnonzero(points_in_region(coords, region)).astype(np.int32)


def point_nodes(space, stim: Stimulus, key: str, label: str) -> np.ndarray:
    """Local dofs within ``stim.radius`` of ``stim.point`` plus those of the cell holding it."""
    comm = space.mesh.comm
    point = np.asarray(stim.point, dtype=float)
    cell = fem.cells_containing(space.mesh, point[None, :])[0]
    if not comm.allreduce(bool(cell >= 0), op=MPI.LOR):
        raise InputError(f"{key}.point", f"lead {label!r} at {tuple(stim.point)} mm lies outside the tissue")
    coords = space.tabulate_dof_coordinates()
    near = np.flatnonzero(np.sum((coords - point) ** 2, axis=1) <= stim.radius ** 2 + 1e-12)
    if comm.allreduce(int(near.size), op=MPI.SUM) == 0:
        # the ball holds no node: take the vertices of one cell holding the point (the lowest-rank one)
        owner = comm.allreduce(comm.rank if cell >= 0 else comm.size, op=MPI.MIN)
        vertices = coords[fem.dofs_of_cells(space, np.array([cell]))] if comm.rank == owner else None
        vertices = comm.bcast(vertices, root=owner)
        near = np.flatnonzero(np.any(np.all(np.isclose(coords[:, None, :], vertices[None]), axis=2), axis=1))
    return near.astype(np.int32)


def build_stimuli(space, tagged: TaggedMesh, stimuli: tuple[Stimulus, ...], prefix: str) -> list[NodalStimulus]:
    """Node sets and pulse trains of every lead; a lead holding no node is a ConfigError naming it."""
    comm = space.mesh.comm
    owned = space.dofmap.index_map.size_local
    timing = resolve_timing(stimuli)
    out = []
    for i, stim in enumerate(stimuli):
        if stim.point is not None:
            nodes = point_nodes(space, stim, f"{prefix}[{i}]", stim.label(i))
            key = f"{prefix}[{i}].point"
        else:
            key = f"{prefix}[{i}].region"
            nodes = region_nodes(space, tagged, stim, key)
        count = comm.allreduce(int(np.count_nonzero(nodes < owned)), op=MPI.SUM)
        if count == 0:
            raise InputError(key, f"contains no mesh node (lead {stim.label(i)!r} lies outside the tissue "
                                  "or is smaller than its cells)")
        start, period, n, couplings = timing[i]
        pulses = PulseTrain(train_onsets(start, period, n, couplings), stim.duration, stim.amplitude)
        out.append(NodalStimulus(stim, nodes, count, pulses))
    return out
