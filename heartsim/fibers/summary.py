"""A short report of a fiber field: dofs, space, and the mean helix angle in the endo, mid and epi
layers of the wall, measured in the Laplace wall frame of :mod:`heartsim.fibers.wall` (computed
here when the field's method did not produce it; None when the mesh lacks the wall tags)."""

from __future__ import annotations

from mpi4py import MPI

from heartsim.config.errors import ConfigError
from heartsim.fibers.field import FiberField
from heartsim.fibers.report import helix_angles, layer_means
from heartsim.fibers.wall import laplace_coordinates, on_space, wall_tags


def helix_report(tagged, fib: FiberField, cfg, comm: MPI.Comm) -> dict:
    """{"method", "space", "dofs", "helix_deg": {layer: mean} or None, "note"} (collective)."""
    out = {"method": fib.method, "space": fib.space,
           "dofs": fib.fiber.function_space.dofmap.index_map.size_global, "helix_deg": None, "note": ""}
    try:
        tags = wall_tags(tagged, cfg, comm)
    except ConfigError as exc:
        out["note"] = f"no helix-angle report: {exc.lines[0]}"
        return out
    scalars = {k: v for k, v in fib.coordinates.items() if k in ("transmural", "apicobasal")} \
        if fib.method == "ldrb" else {}
    if len(scalars) < 2:
        full = laplace_coordinates(tagged, tags, comm)
        scalars = {k: full[k] for k in ("transmural", "apicobasal")}
    values, gradients = on_space(scalars, fib.fiber.function_space, fib.space)
    owned = fib.owned()
    f = fib.fiber.x.array.reshape(-1, 3)[:owned]
    angles = helix_angles(f, gradients["apicobasal"][:owned], gradients["transmural"][:owned])
    means = layer_means(angles, values["transmural"][:owned], comm)
    out["helix_deg"] = {k: (None if v[1] == 0 else round(v[0], 3)) for k, v in means.items()}
    out["layer_dofs"] = {k: v[1] for k, v in means.items()}
    return out
