"""Caps on the image border plane: the fallback for field-of-view ends that get no perpendicular cap.

A field-of-view end (the image border cuts the vessel) whose perpendicular sections clear of a
neighbouring vessel span only a few mm inside the image (a branch touching its parent up to a few mm
below the border both leave through) gets no cut plane (``vessel.end_cap`` raises), or one that
fails in meshing (its stub joins another on the smoothed surface). The mask is cut by the image's
bounding box there, so a flat section always exists: the border face itself. The fallback cap lies in
the plane ``BORDER_CAP_DEPTH`` mm inside the voxels' outer face on that border (with its outward
normal), where the smoothed surface has about its full section (the Gaussian of sigma 0.5 mm and the
windowed-sinc smoothing round the rim over about 2 mm). Its section is oblique to the vessel
(pi r^2 / cos(t) for a tube tilted by t from the face normal): what the flow crosses there.

Where the part of the surface beyond that plane (the connected part that the cut takes) also holds
another end's border section (two vessels whose sections touch on the border), the ends get that one
cap, tagged for all of them (``outlet_3+4``). Where a perpendicular cap of another field-of-view end
then still joins the border cap's part on the surface (``vessel.cut_and_cap`` says which), or whose
section the image border still cuts (``vessel.vessel_mesh``), is capped on its border plane too. A
shared cap can be several loops in the plane (vessels that join only beyond it): each loop is its own
Gmsh plane surface, all with the cap's tag. Only label maps with an end that failed take this path,
so no cap of a label map that meshed before changes; every such cap is reported by a warning naming
its ends and why.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from heartsim.config.errors import ConfigError

#: depth (mm) of a border-plane cap inside the voxels' outer face on the image border: the smoothed
#: surface rounds the rim there over about 2 mm (the Gaussian, sigma 0.5 mm, and the windowed-sinc
#: smoothing); on the family's six such members a cap 1 mm deep was 2-16 % short of the tree's exact
#: section, 1.5 mm deep -7..+3 % (2 mm: closer still, but more neighbours join there beyond the plane)
BORDER_CAP_DEPTH = 1.5


class NoBorderCap(Exception):
    """No border-plane cap for these ends; the message says why."""


def border_plane(affine: np.ndarray, vox: np.ndarray, axis: int, depth: float = BORDER_CAP_DEPTH):
    """The plane ``depth`` mm inside the outer face of the border voxel layer that ``vox`` lies in
    (index 0, or the last, along ``axis``): a point on it (mm) and its unit normal pointing out of the
    image. The face is where the voxel index along ``axis`` is vox -+ 1/2; its physical normal is
    row ``axis`` of the inverse affine (the gradient of that index)."""
    out = -1.0 if vox[axis] == 0 else 1.0  # outward, in index space
    gradient = np.linalg.inv(affine[:3, :3])[axis]
    normal = out * gradient / np.linalg.norm(gradient)
    face = np.asarray(vox, float).copy()
    face[axis] += 0.5 * out
    return affine[:3, :3] @ face + affine[:3, 3] - depth * normal, normal


def border_section(mask: np.ndarray, affine: np.ndarray, axis: int, layer: int, voxels) -> float:
    """The voxel section (mm^2) on the border layer ``layer`` along ``axis``: the 8-connected patches
    of ``mask`` there that hold one of ``voxels``."""
    from scipy import ndimage

    plane = np.take(mask, layer, axis=axis)
    labelled, _ = ndimage.label(plane, structure=np.ones((3, 3)))
    ids = {int(labelled[tuple(np.delete(v, axis))]) for v in voxels if v[axis] == layer}
    ids.discard(0)
    pixel = float(abs(np.linalg.det(affine[:3, :3]))) / float(np.linalg.norm(affine[:3, axis]))
    return float(np.isin(labelled, list(ids)).sum()) * pixel if ids else 0.0


def _border_cap(mask, affine, points, edges, delta, i: int, ends, borders, tips, why: dict):
    """The border-plane cap of end ``i`` and the ends whose border part joins its own beyond the plane."""
    from heartsim.mesh.vessel import Cap, surface_beyond

    vox = ends[i][0]
    axis = borders[i]
    centre, normal = border_plane(affine, vox, axis)
    f, near, comp = surface_beyond(points, edges, delta, centre, normal)
    above = np.flatnonzero(f > 0)
    if not len(above):
        raise NoBorderCap("the smoothed surface does not reach the border plane")
    spacing = np.linalg.norm(affine[:3, :3], axis=0)

    def part_of(tip):
        k = above[np.argmin(np.linalg.norm(points[above] - tip, axis=1))]
        return comp[k] if np.linalg.norm(points[k] - tip) <= 1.5 * spacing.max() else -1

    own = part_of(tips[i])
    if own < 0:
        raise NoBorderCap("the smoothed surface does not reach the border plane")
    group = tuple(j for j in range(len(ends)) if j == i or (borders[j] is not None and part_of(tips[j]) == own))
    region = near & (comp == own) & (f > 0)
    middle = points[region].mean(axis=0)
    centre = middle - ((middle - centre) @ normal) * normal
    section = border_section(mask, affine, axis, int(vox[axis]), [ends[j][0] for j in group])
    names = ", ".join(str(j + 1) for j in group)
    reasons = "; ".join(f"end {j + 1}: {why[j]}" for j in group if j in why)
    note = (f"vessel end{'s' if len(group) > 1 else ''} {names} of {len(ends)} capped on the image border plane "
            f"through {np.round(centre, 1).tolist()} mm (normal {np.round(normal, 3).tolist()}, "
            f"{BORDER_CAP_DEPTH:g} mm inside the border"
            + (", one cap for all: their vessels join at or beyond the plane" if len(group) > 1 else "") + f"): {reasons}")
    return Cap(centre, normal, float(np.sqrt(max(section, 1e-9) / np.pi)), tips[i], section=section, ends=group,
               border=note)


def with_border_caps(mask: np.ndarray, affine: np.ndarray, points: np.ndarray, triangles: np.ndarray,
                     regular: dict, why: dict, ends, borders, tips) -> list:
    """The caps with the ends of ``why`` (end index -> why its perpendicular cap failed) on their border
    planes (module docstring), the other ends keeping ``regular`` (end index -> Cap). Border caps
    first. Raises :class:`NoBorderCap` (saying why) when the cut by these planes is not clean."""
    from heartsim.mesh.vessel import _cap_of, cut_and_cap, surface_edges

    edges, delta = surface_edges(np.asarray(points, float), triangles)
    on_border = set(why)
    for _ in range(len(ends)):
        caps, done = [], set()
        for i in sorted(on_border):
            if i not in done:
                cap = _border_cap(mask, affine, points, edges, delta, i, ends, borders, tips, why)
                caps.append(cap)
                done |= set(cap.ends)
        caps += [replace(regular[j], ends=(j,)) for j in sorted(regular) if j not in done]
        try:  # the cut itself says whether a perpendicular cap's part joins a border cap's
            cut_and_cap(points, triangles, [replace(c) for c in caps])
            return caps
        except ConfigError as exc:
            reason = "; ".join(exc.lines)
            k = _cap_of(reason, caps)
            if k is None or caps[k].border or borders[caps[k].ends[0]] is None:
                raise NoBorderCap(reason) from None
            j = caps[k].ends[0]
            on_border.add(j)
            why[j] = "its perpendicular cap's part joins a border cap's on the surface"
    raise NoBorderCap("no clean cut")
