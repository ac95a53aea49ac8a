"""The meshes of a coupled electromechanics run.

EP runs on ``mesh:``; the mechanics and the tension model run on the same mesh, or on
``physics.electromechanics.mechanics_mesh`` when it is given (the same anatomy, usually coarser: e.g. two
meshes of one label map from ``heartsim mesh from-labels`` at two sizes). With two meshes:

- the mechanics mesh must carry the facet tags the mechanics names (``physics.mechanics.boundary.base``,
  its Robin springs, the cavity tags of every coupled chamber);
- the two must cover the same region: every mechanics quadrature point within ``tolerance`` (mm) of an EP
  cell, every EP node within ``tolerance`` of a mechanics cell (a unit mismatch or another anatomy fails
  here, before anything is solved);
- calcium goes from the EP P1 nodes to the mechanics quadrature points by non-matching interpolation
  (:class:`heartsim.fem.NonmatchingInterpolation`, the point search done once): interpolated, not
  conservative.

Each check raises a one-line ConfigError naming ``physics.electromechanics.mechanics_mesh``.
"""

from __future__ import annotations

from typing import NamedTuple


from heartsim import fem
from heartsim.config.errors import ConfigError
from heartsim.mechanics.boundary import present_tags, tag_box_faces, tag_listing
from heartsim.mesh import build_mesh

KEY = "physics.electromechanics.mechanics_mesh"


class CoupledMeshes(NamedTuple):
    mechanics: object
    """TaggedMesh of the mechanics and the tension model."""
    ep: object
    """TaggedMesh of EP (the same object when the meshes are shared)."""
    separate: bool


def _load(mesh_cfg, comm):
    tagged = build_mesh(mesh_cfg, comm)
    if tagged.facet_tags is None and mesh_cfg.generate == "box":
        tag_box_faces(tagged)
    return tagged


def _name(mesh_cfg) -> str:
    return mesh_cfg.file.name if mesh_cfg.file is not None else f"generated {mesh_cfg.generate}"


def load_meshes(cfg, comm) -> CoupledMeshes:
    """The run's meshes, checked (module docstring)."""
    ep_mesh = _load(cfg.mesh, comm)
    em = cfg.physics.electromechanics
    mm = em.mechanics_mesh
    if mm is None:
        if em.preload.unload and em.calcium.source == "ep":
            # the unloading moves the mechanics mesh's nodes to the stress-free reference; EP (its operators,
            # its v/activation output, its stimulus regions) stays on the imaged geometry, so it gets its own
            # copy of the mesh (the calcium transfer between the two copies is then exact: same nodes)
            return CoupledMeshes(_load(cfg.mesh, comm), ep_mesh, True)
        return CoupledMeshes(ep_mesh, ep_mesh, False)
    mech_mesh = _load(mm, comm)
    check_tags(mech_mesh, cfg)
    check_coverage(mech_mesh, ep_mesh, cfg)
    return CoupledMeshes(mech_mesh, ep_mesh, True)


def check_tags(tagged, cfg) -> None:
    """ConfigError unless the mechanics mesh has every facet tag the mechanics and the cavities name."""
    mech, em = cfg.physics.mechanics, cfg.physics.electromechanics
    needed = [(ref, "physics.mechanics.boundary.base") for ref in mech.boundary.base]
    needed += [(ref, f"physics.mechanics.boundary.robin[{i}].tags")
               for i, spring in enumerate(mech.boundary.robin) for ref in spring.tags]
    needed += [(ref, f"{KEY.rsplit('.', 1)[0]}.coupling.{em.coupling.tags_key(chamber)}")
               for chamber, refs in em.coupling.cavities().items() for ref in refs]
    present = present_tags(tagged)
    for ref, key in needed:
        value = tagged.facet_value(ref)
        if value is None or value not in present:
            raise ConfigError([f"{KEY}: {_name(em.mechanics_mesh)} has no facet tag {ref!r} (needed by {key}; "
                               f"its facet tags: {tag_listing(tagged, present)})"])


def check_coverage(mech_tagged, ep_tagged, cfg) -> None:
    """ConfigError unless each mesh lies within ``mechanics_mesh.tolerance`` of the other: the mechanics
    quadrature points (where calcium is needed) outside the EP mesh, the EP nodes outside the mechanics mesh."""
    mm = cfg.physics.electromechanics.mechanics_mesh
    tol = float(mm.tolerance)
    degree = cfg.physics.mechanics.formulation.quadrature_degree
    space = fem.quadrature_space(mech_tagged.mesh, degree)
    points = fem.quadrature_point_coordinates(mech_tagged.mesh, degree)[: space.dofmap.index_map.size_local]
    units = f"mesh.unit {cfg.mesh.unit}, {KEY}.unit {mm.unit}"
    for what, where, mesh, pts in (
            ("mechanics quadrature points", f"the EP mesh ({_name(cfg.mesh)})", ep_tagged.mesh, points),
            ("EP nodes", "the mechanics mesh", mech_tagged.mesh, fem.owned_node_coordinates(ep_tagged.mesh))):
        worst, missing, at = fem.distance_outside(mesh, pts, tol)
        if missing or worst > tol:
            far = (f"{missing} {what} lie more than {tol:g} mm (the tolerance) outside {where}" if missing else
                   f"{what} lie up to {worst:.3g} mm outside {where}, more than the tolerance {tol:g} mm")
            raise ConfigError([f"{KEY}: {_name(mm)}: {far} (e.g. at ({at[0]:.4g}, {at[1]:.4g}, {at[2]:.4g}) mm): not the same anatomy, or "
                               f"the length units differ ({units}); raise {KEY}.tolerance if the surfaces "
                               "differ by more"])


def calcium_transfer(meshes: CoupledMeshes, cfg, target_space, ep_space):
    """``transfer(target, p1)`` for :class:`~heartsim.electromechanics.calcium.EPCalcium`: None (same mesh)
    or the non-matching interpolation from the EP P1 space to the mechanics quadrature space."""
    if not meshes.separate:
        return None
    mm = cfg.physics.electromechanics.mechanics_mesh
    return fem.NonmatchingInterpolation(target_space, ep_space, mm.tolerance if mm is not None else 1e-6)
