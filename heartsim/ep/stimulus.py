"""Stimulus currents at the nodes of a region (box, sphere or cell tag)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from mpi4py import MPI

from heartsim import dolfinx_api as dx
from heartsim.config.errors import ConfigError
from heartsim.config.model import Stimulus
from heartsim.mesh import TaggedMesh
from heartsim.mesh.regions import points_in_region


@dataclass
class NodalStimulus:
    """A configured stimulus and the local node indices (owned and ghost) it acts on."""

    config: Stimulus
    nodes: np.ndarray
    global_count: int


def region_nodes(space, tagged: TaggedMesh, stim: Stimulus, key: str) -> np.ndarray:
    """Local dofs of ``space`` in the stimulus region; ConfigError (naming ``key``) when unknown."""
    region = stim.region
    if region.tag is not None:
        value = tagged.tag_value(region.tag)
        if tagged.cell_tags is None or value is None:
            have = ", ".join(f"{n} ({v})" for n, v in tagged.tag_names.items()) or "none"
            raise ConfigError([f"{key}.tag: no cell tag {region.tag!r} in the mesh (it has: {have})"])
        cells = tagged.cell_tags.find(value)
        return np.asarray(dx.dofs_of_cells(space, cells), dtype=np.int32)
    coords = space.tabulate_dof_coordinates()
    return np.flatnonzero(points_in_region(coords, region)).astype(np.int32)


def build_stimuli(space, tagged: TaggedMesh, stimuli: tuple[Stimulus, ...], prefix: str) -> list[NodalStimulus]:
    """Node sets of every stimulus; a region holding no node is a ConfigError naming it."""
    comm = space.mesh.comm
    owned = space.dofmap.index_map.size_local
    out = []
    for i, stim in enumerate(stimuli):
        key = f"{prefix}[{i}].region"
        nodes = region_nodes(space, tagged, stim, key)
        count = comm.allreduce(int(np.count_nonzero(nodes < owned)), op=MPI.SUM)
        if count == 0:
            raise ConfigError([f"{key}: contains no mesh node (region outside the mesh or smaller than its cells)"])
        out.append(NodalStimulus(stim, nodes, count))
    return out
