"""Vessel label -> tetrahedral lumen mesh with flat, tagged inlet and outlet caps.

0. **Spurs.** Thin protrusions of the segmentation (``labels.remove_spurs``) are removed first.
1. **Ends** (``vessel_ends.find_ends``): the first end is the voxel farthest (geodesic distance inside
   the mask) from the deepest voxel; every other end is a *persistent* local maximum of the distance
   from it (the branch beyond the point where it leaves the rest of the vessel is at least 3 of
   its radii long, and at least 4 mm), or a place where the image's border cuts the vessel.
2. **Centreline and cut plane.** The branch near an end (followed at most 0.9 of its persistence, so
   within its own region, where it no longer touches its parent) is cut into slabs of equal geodesic
   distance; a line fitted to their centroids (excluding the last radius) is a first axis, refined
   three times by fitting a line to the centroids of sections perpendicular to the current axis (the
   centreline), which gives the axis n. At an end on the image's border (the field of view cut the
   vessel) the centroids of the branch in the image slices parallel to that border give n instead,
   the branch being the end's own vessel followed slice by slice from its border section down to the
   first junction (``track_from_border``: a sibling joining it below the border is left out). Along n, the branch's
   cross-sectional area A(s) is measured every 0.25 mm (voxels counted with a hat kernel one voxel
   wide); going towards the end, the last position
   where the section is still complete (A >= 0.8 of the median section) is found, and the cap plane
   is put ``cap_offset`` mm inside it, perpendicular to n. An end cut obliquely (by the image border,
   say) is thus cut back to where the vessel's full section begins. A field-of-view end that gets
   no such plane, or whose plane fails in meshing (step 4), is capped on the image border plane
   instead (``border_plane_caps``: with a warning naming the end and why; ends whose sections join
   there share one cap, ``outlet_3+4``); only when that fails too is the end an error.
3. **Cut and cap.** The closed smoothed surface (``labels.mask_surface``) is clipped exactly by each
   plane, but only the part beyond the plane that is connected to that end (other parts of the vessel
   crossing the same plane are untouched); each hole is also triangulated in its plane (used by the
   fallback of step 4).
4. **Volume mesh and tags.** Gmsh remeshes the open wall surface (one smooth patch, split only for
   its parametrisation; rims kept as boundary curves), closes each rim by a plane surface of its own (the cap, meshed by
   Gmsh in its plane) and fills the volume; cap facets are tagged from those surfaces, the rest ``wall``.
   Where Gmsh rejects that boundary (intersecting facets near a rim), the caps triangulated in step 3
   are meshed with the wall instead, and a facet is a cap's when its nodes lie on the cap's plane
   inside its rim (Gmsh may then join a cap's outermost ring of facets to the wall). The inlet is the cap
   nearest to ``inlet_hint`` (for an aorta: the centroid of the left-ventricle label when given), else
   the largest; the others are ``outlet_1..k`` by decreasing area.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from heartsim.config.errors import ConfigError
from heartsim.mesh.labels import LabelMap, largest_component, mask_surface, remove_spurs, undo_smoothing_shrink
from heartsim.mesh.meshdata import MeshData
from heartsim.mesh.vessel_ends import _component_of, find_ends
from heartsim.mesh.volume import facet_geometry, tetrahedralise

#: tags of the vessel mesh
WALL, INLET = 1, 2


@dataclass
class Cap:
    """A cut plane: ``centre`` on the plane, ``normal`` pointing out of the vessel (mm)."""

    centre: np.ndarray
    normal: np.ndarray
    radius: float  # radius of the vessel's full section there (mm)
    tip: np.ndarray  # the end point of the vessel beyond the plane (mm)
    area: float = 0.0  # area of the cap after meshing (mm^2)
    tag: int = 0  # facet tag value given to the cap
    unmoved: "Cap | None" = None  # the plane before it was moved inside the image (``end_cap``)
    section: float = 0.0  # the vessel's full cross-section behind the cap, from the voxels (mm^2)
    ends: tuple[int, ...] = ()  # the ends (indices) the cap closes: one, or several on a border plane
    border: str = ""  # a cap on the image border plane (``border_plane_caps``): why, for the warning


def track_from_border(branch: np.ndarray, vox: np.ndarray, axis: int, spacing_along: float, min_depth: float,
                      grow: float = 1.6) -> np.ndarray:
    """The part of ``branch`` that continues an end's own section on the image border (a field-of-view
    cut through ``vox``), followed slice by slice inwards along ``axis``: in each image slice, the
    connected patches of the branch that overlap the previous slice's. Following stops where the
    section grows past ``grow`` times the largest section so far (the vessel joins a sibling or its
    parent: a junction) or vanishes; a sibling leaving through the same border, reached only through
    that junction, is left out. The slices of a vessel cut obliquely by the border are oblique
    sections of about the same area; near a corner of the image they grow, so the growth test starts
    ``min_depth`` mm (``spacing_along``: the voxel size along ``axis``) from the border."""
    from scipy import ndimage

    out = np.zeros_like(branch)
    k = int(vox[axis])
    inward = 1 if k == 0 or not np.take(branch, k - 1, axis=axis).any() else -1
    prev, largest = None, 0
    while 0 <= k < branch.shape[axis]:
        plane = np.take(branch, k, axis=axis)
        labelled, _ = ndimage.label(plane, structure=np.ones((3, 3)))
        if prev is None:
            at = labelled[tuple(np.delete(vox, axis))]
            keep = labelled == at if at else np.zeros_like(plane)
        else:
            ids = np.unique(labelled[prev])
            keep = np.isin(labelled, ids[ids > 0])
        area = int(keep.sum())
        deep = abs(k - int(vox[axis])) * spacing_along >= min_depth
        if area == 0 or (deep and area > grow * largest):
            break
        largest = max(largest, area)
        index = [slice(None)] * 3
        index[axis] = k
        out[tuple(index)] = keep
        prev = keep
        k += inward
    return out


def cap_plane(mask: np.ndarray, affine: np.ndarray, end: tuple[np.ndarray, np.ndarray], radius: float,
              others: list[np.ndarray], cap_offset: float = 2.0, border_axis: int | None = None,
              length: float | None = None, faces=()) -> Cap | None:
    """The cut plane of one end (module docstring, step 2); None when no clean section is found.

    ``end``: the end voxel and the distance from it over the mask (mm, -1 outside). ``border_axis``:
    the image axis whose border the end touches (a field-of-view cut), if any: the first axis estimate
    then comes from the centroids of the branch in the image slices along that axis. ``length``: how
    far from the end (mm, geodesic) the branch is followed (default max(20, 5 r)). ``faces``: the
    image's border faces, (axis, index) on the grid of ``mask``."""
    vox, from_end = end
    spacing = np.linalg.norm(affine[:3, :3], axis=0)
    length = max(20.0, 5.0 * radius) if length is None else length
    reach_mm = length
    # the branch: voxels within ``length`` of the end, connected to it, not reaching another end
    while True:
        branch = _component_of((from_end >= 0) & (from_end <= length), vox)
        if not any(branch[tuple(o)] for o in others) or length <= 2.0 * radius:
            break
        length *= 0.75
    if border_axis is not None:  # the end's own vessel, without a sibling joining it below the border
        region = branch
        if length < reach_mm:  # the branch was cut short to keep another end out: a geodesic ball around
            # the end voxel, a corner of the oblique cut, whose fronts are no sections; the image slices
            # within the full length of the border instead
            k_all = np.arange(mask.shape[border_axis])
            shape = [1, 1, 1]
            shape[border_axis] = -1
            region = mask & (np.abs(k_all - vox[border_axis]) * spacing[border_axis] <= reach_mm).reshape(shape)
        tube = track_from_border(region, vox, border_axis, float(spacing[border_axis]), radius)
        slices = np.argwhere(tube)[:, border_axis]
        reach = np.abs(slices - vox[border_axis]).max() * spacing[border_axis]
        within = np.take(branch, np.arange(slices.min(), slices.max() + 1), axis=border_axis).sum()
        # the tube, when it is long enough for an axis or when the branch holds another vessel beside it
        branch = tube if reach >= 2.0 * radius or within > 1.5 * tube.sum() else branch
    ijk = np.argwhere(branch)
    xyz = ijk @ affine[:3, :3].T + affine[:3, 3]
    s_geo = from_end[tuple(ijk.T)]
    width = max(1.0, radius / 3.0)
    edges = np.arange(radius, length + width, width)
    centroids = [xyz[(s_geo >= a) & (s_geo < a + width)].mean(axis=0)
                 for a in edges[:-1] if np.count_nonzero((s_geo >= a) & (s_geo < a + width)) >= 3]
    tip = vox @ affine[:3, :3].T + affine[:3, 3]
    if border_axis is not None:  # image slices are sections of a vessel leaving the image
        k = ijk[:, border_axis]
        inward = 1 if vox[border_axis] == k.min() else -1
        depth_k = (k - vox[border_axis]) * inward  # voxels from the border
        step = max(1, int(round(width / spacing[border_axis])))
        starts = range(0, int(depth_k.max()) + 1, step)
        counts = np.array([np.count_nonzero((depth_k >= a) & (depth_k < a + step)) for a in starts])
        typical = np.median(counts) if len(counts) else 0
        # whole sections only: not truncated by another face of the image (a vessel leaving through
        # an edge of the image), of about the typical size
        cut_off = np.zeros(len(ijk), bool)
        for axis, index in faces:
            if axis != border_axis:
                cut_off |= ijk[:, axis] == index
        truncated = {a for a in starts if cut_off[(depth_k >= a) & (depth_k < a + step)].any()}
        slices = [xyz[(depth_k >= a) & (depth_k < a + step)].mean(axis=0) for a, n in zip(starts, counts)
                  if n >= 3 and 0.8 * typical <= n <= 1.25 * typical and a not in truncated]
        if len(slices) >= 3:
            centroids = slices  # from the border inwards, like the geodesic bins from the end
    if len(centroids) >= 3:
        c = np.asarray(centroids)
        _, _, vt = np.linalg.svd(c - c.mean(axis=0), full_matrices=False)
        normal = vt[0] * np.sign(vt[0] @ (c[0] - c[-1]) or 1.0)
    else:
        tail = xyz[s_geo >= length / 2].mean(axis=0)
        normal = tip - tail
        normal /= np.linalg.norm(normal)
    origin = centroids[0] if centroids else xyz.mean(axis=0)
    # refine: centroids of sections perpendicular to the current axis (geodesic fronts from an end's
    # corner are spheres, not sections, and bias the first estimate at wide, obliquely cut ends)
    for _ in range(0 if border_axis is not None else 3):
        s = (xyz - origin) @ normal
        stations = np.arange(s.max() - 0.6 * length, s.max() - radius, width)
        counts = np.array([np.count_nonzero(np.abs(s - t) < width / 2) for t in stations])
        typical = np.median(counts) if len(counts) else 0
        sections = [xyz[np.abs(s - t) < width / 2].mean(axis=0) for t, n in zip(stations, counts)
                    if n >= 3 and 0.6 * typical <= n <= 1.6 * typical]  # whole sections only
        if len(sections) < 3:
            break
        c = np.asarray(sections)
        _, _, vt = np.linalg.svd(c - c.mean(axis=0), full_matrices=False)
        normal = vt[0] * np.sign(vt[0] @ normal or 1.0)
        origin = c[-1]
    s = (xyz - origin) @ normal
    voxel_volume = float(abs(np.linalg.det(affine[:3, :3])))
    # cross-sectional area A(s): voxel volume counted with a hat kernel of half-width one voxel
    # (free of the aliasing that fixed slabs show when voxel planes and slabs do not align)
    half = float(spacing.max())
    stations = np.arange(np.floor(s.min()), np.ceil(s.max()) + 0.25, 0.25)
    order = np.sort(s)
    area = np.empty(len(stations))
    for k, x in enumerate(stations):
        a, b = np.searchsorted(order, [x - half, x + half])
        area[k] = np.clip(1.0 - np.abs(order[a:b] - x) / half, 0.0, None).sum() * voxel_volume / half
    behind = (stations <= 0) & (stations >= -length / 4)
    if not behind.any():
        return None
    reference = float(np.median(area[behind]))
    deficient = np.flatnonzero((stations >= 0) & (area < 0.8 * reference))
    s_full = stations[deficient[0]] if len(deficient) else stations[-1]
    s_cut = max(s_full - cap_offset, -length / 2)
    section = xyz[np.abs(s - s_cut) <= 0.5 * spacing.min()]
    # within 1.5 mm behind it, the station whose section is nearest the median: one station of a
    # vessel two to four voxels wide varies by about 10 % along it
    window = np.flatnonzero((stations <= s_cut) & (stations >= max(s_cut - 1.5, -length / 2)))
    if len(window):
        best = float(stations[window[np.argmin(np.abs(area[window] - reference))]])
        if np.count_nonzero(np.abs(s - best) <= 0.5 * spacing.min()) >= 3:
            s_cut = best
            section = xyz[np.abs(s - s_cut) <= 0.5 * spacing.min()]
    centre = origin + s_cut * normal
    if len(section) < 3:
        return None
    centre = section.mean(axis=0) - ((section.mean(axis=0) - centre) @ normal) * normal
    return Cap(centre, normal, float(np.sqrt(reference / np.pi)), tip, section=reference)


def plane_section(mask: np.ndarray, affine: np.ndarray, point: np.ndarray, normal: np.ndarray, reach: float,
                  step: float = 0.1) -> tuple[float, bool, float]:
    """The mask's section by the plane through ``point`` (mm) normal to ``normal``: the part connected
    to ``point`` within ``reach`` mm of it, sampled every ``step`` mm (nearest voxel). Returns its
    area (mm^2), whether it touches the edge of ``mask``'s grid (a field-of-view border, for the
    cropped mask of ``vessel_mesh``, whose other sides have a margin) and its aspect ratio
    sqrt(l1 / l2), l1 >= l2 the eigenvalues of its second moments (1 for a circle, 1 / cos(t) for a
    cylinder cut at t from its normal section)."""
    from scipy import ndimage

    e1 = np.cross(normal, [1.0, 0.0, 0.0] if abs(normal[0]) < 0.8 else [0.0, 1.0, 0.0])
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(normal, e1)
    u = np.arange(-reach, reach + step / 2, step)
    a, b = np.meshgrid(u, u, indexing="ij")
    p = point + a.reshape(-1, 1) * e1 + b.reshape(-1, 1) * e2
    ijk = np.rint((p - affine[:3, 3]) @ np.linalg.inv(affine[:3, :3]).T).astype(np.int64)
    ok = np.all((ijk >= 0) & (ijk < mask.shape), axis=1)
    inside = np.zeros(len(p), bool)
    inside[ok] = mask[tuple(ijk[ok].T)]
    labelled, _ = ndimage.label(inside.reshape(a.shape))
    centre = labelled[len(u) // 2, len(u) // 2]
    if not centre:
        return 0.0, False, 1.0
    part = labelled == centre
    cut = bool((ndimage.binary_dilation(part, np.ones((3, 3))) & ~ok.reshape(a.shape)).any())
    uv = np.column_stack([a[part], b[part]])
    moments = np.linalg.eigvalsh(np.cov(uv.T)) if len(uv) > 2 else np.ones(2)
    return float(np.count_nonzero(part)) * step * step, cut, float(np.sqrt(moments[1] / max(moments[0], 1e-12)))


def _inside_image(mask, affine, centre, normal, radius: float, room: float, step: float = 0.5) -> float:
    """How far (mm, a multiple of ``step``) to move a cap plane through ``centre`` inward (against
    ``normal``) so that its section (``plane_section``) lies wholly inside the image, at most ``room``;
    0 when it does already or when no plane within ``room`` does. A plane that the field of view cuts
    (an end cut obliquely by the border, the cap put within a radius of it) has a short section, and
    the cap mesh follows it."""
    for d in np.arange(0.0, room + step / 2, step):
        if not plane_section(mask, affine, centre - d * normal, normal, 2.0 * radius)[1]:
            return float(d)
    return 0.0


class NoCapPlane(Exception):
    """No cut plane for an end; the message says why."""


def end_cap(mask: np.ndarray, affine: np.ndarray, end, radius: float, others, cap_offset: float = 2.0,
            border_axis: int | None = None, own: float = np.inf, faces=(), inside_image: bool = True) -> Cap:
    """``cap_plane``, checked: a plane that would cut away another end (its stub, the part beyond the
    plane connected to this end, holds another end's voxel: a thin branch leaving its parent at a
    sharp angle, followed into the parent) is found again following the branch over half, then a
    quarter, of the length. The branch is followed at most 0.9 ``own`` mm, the length of the end's own
    branch (``find_ends``: beyond it the branch touches its parent, whose sections would mix with its
    own). A field-of-view end that gets no plane so (its own vessel is a short stub between the
    border and a junction) gets one from its wall (``border_caps``, ``_short_border_cap``). Raises
    :class:`NoCapPlane` (saying why) when no plane is found."""
    try:
        return _end_cap_along_branch(mask, affine, end, radius, others, cap_offset, border_axis, own, faces,
                                     inside_image)
    except NoCapPlane:
        if border_axis is None:
            raise
        short = _short_border_cap(mask, affine, end, radius, border_axis, others, cap_offset, faces)
        if short is None:
            raise
        return short


def _end_cap_along_branch(mask, affine, end, radius, others, cap_offset, border_axis, own, faces,
                          inside_image: bool = True) -> Cap:
    default = min(max(20.0, 5.0 * radius), 0.9 * own)
    for length in (default, default / 2, default / 4):
        cap = cap_plane(mask, affine, end, radius, others, cap_offset, border_axis, length, faces)
        if cap is None:
            raise NoCapPlane(f"no complete cross-section of the vessel within {length:.0f} mm of the end")
        if border_axis is not None and cap.section < 0.6 * np.pi * radius ** 2:
            # ``radius``: the cut's inscribed radius on the border, the vessel's own
            raise NoCapPlane(f"no complete cross-section of the vessel before it joins another "
                             f"({cap.section:.0f} mm^2 for a vessel of radius {radius:.1f} mm)")
        stub = stub_voxels(mask, affine, [cap])
        if not any(stub[tuple(o)] for o in others):
            return _moved_to_clean_section(mask, affine, cap, radius, others, length) if inside_image else cap
    hit = next(o for o in others if stub[tuple(o)])
    raise NoCapPlane(f"every cut plane within {default:.0f} mm of the end would cut away another end "
                     f"(at {np.round(hit @ affine[:3, :3].T + affine[:3, 3], 1).tolist()} mm)")


#: the largest aspect ratio of a moved cap plane's section (a cylinder cut 20 deg off its axis: 1.064)
ROUND_SECTION = 1.07


def _moved_to_clean_section(mask, affine, cap: Cap, radius: float, others, length: float) -> Cap:
    """``cap``, moved inward along its normal (at most min(``length`` / 4, 6 mm)) until its section
    lies inside the image (``_inside_image``); unmoved when it does already, when no such plane is
    found, when the moved plane's section is not round (aspect ratio above ``ROUND_SECTION``: the
    plane is oblique to the vessel, and the section cut by the border made up for it in part) or when
    the stub beyond it would hold another end."""
    inward = _inside_image(mask, affine, cap.centre, cap.normal, radius, min(length / 4, 6.0))
    if not inward:
        return cap
    moved = Cap(cap.centre - inward * cap.normal, cap.normal, cap.radius, cap.tip, section=cap.section, unmoved=cap)
    if plane_section(mask, affine, moved.centre, cap.normal, 2.0 * radius)[2] > ROUND_SECTION:
        return cap  # a plane oblique to the vessel (its area there would be 1 / cos(tilt) too large)
    stub = stub_voxels(mask, affine, [moved])
    return cap if any(stub[tuple(o)] for o in others) else moved


#: clearance (mm) between a short field-of-view stub and any other vessel beyond its cap plane (the
#: smoothed surface, sigma 0.5 mm on the voxel grid, joins vessels about one voxel apart)
SHORT_CAP_GAP = 1.5


def _short_border_cap(mask: np.ndarray, affine: np.ndarray, end, radius: float, border_axis: int, others,
                      cap_offset: float, faces) -> Cap | None:
    """The cap of a field-of-view end whose own vessel is a short stub between the border and the
    junction with another (``border_caps.border_stations``): the first candidate plane whose stub (the
    part beyond it connected to the end) holds no other end and meets the plane only in the end's
    own section (every voxel of the stub next to the plane within 1.25 r + one voxel of the axis);
    None when there is none. The vessel is followed from its border section down to the first
    junction (``track_from_border``), at most max(20 mm, 5 r) from the border."""
    from scipy import ndimage

    from heartsim.mesh.border_caps import border_stations

    vox = end[0]
    spacing = np.linalg.norm(affine[:3, :3], axis=0)
    length = max(20.0, 5.0 * radius)
    k_all = np.abs(np.arange(mask.shape[border_axis]) - vox[border_axis]) * spacing[border_axis]
    shape = [1, 1, 1]
    shape[border_axis] = -1
    tube = track_from_border(mask & (k_all <= length).reshape(shape), vox, border_axis,
                             float(spacing[border_axis]), float(spacing[border_axis]))  # to the first junction
    tip = vox @ affine[:3, :3].T + affine[:3, 3]
    ijk = np.argwhere(mask)
    xyz = ijk @ affine[:3, :3].T + affine[:3, 3]
    for centre, normal, area in border_stations(mask, affine, tube, radius, tip, faces, cap_offset):
        cap = Cap(centre, normal, float(np.sqrt(area / np.pi)), tip, section=area)
        height = (xyz - centre) @ normal
        beyond = np.zeros(mask.shape, bool)  # the surface clip takes vertices a little behind the plane too
        beyond[tuple(ijk[height > -SHORT_CAP_GAP / 3].T)] = True
        inside = np.argwhere(beyond)
        stub = _component_of(beyond, inside[np.argmin(np.linalg.norm(inside - vox, axis=1))])
        if any(stub[tuple(o)] for o in others):
            continue
        layer = stub[tuple(ijk.T)] & (height <= spacing.max())
        radial = np.linalg.norm(xyz[layer] - centre - np.outer(height[layer], normal), axis=1)
        if not layer.any() or radial.max() > 1.25 * radius + spacing.max():
            continue  # the plane meets another vessel connected to the stub
        rest = beyond & ~stub
        if rest.any() and ndimage.distance_transform_edt(~stub, sampling=spacing)[rest].min() < SHORT_CAP_GAP:
            continue  # another vessel so near the stub that the smoothed surface joins them
        return cap
    return None


def surface_edges(points: np.ndarray, triangles: np.ndarray) -> tuple[np.ndarray, float]:
    """The surface's (directed) edges and the push distance of ``cut_and_cap``: vertices within delta =
    0.3 median edge lengths of a plane are pushed delta inside it (along the normal: nearly tangential
    to the vessel wall there, so the shape hardly changes); the cut then never passes close to a kept
    vertex, and the wall meets the flat cap at a clean, steep rim."""
    edges = np.concatenate([triangles[:, [0, 1]], triangles[:, [1, 2]], triangles[:, [2, 0]]])
    return edges, 0.3 * float(np.median(np.linalg.norm(points[edges[:, 0]] - points[edges[:, 1]], axis=1)))


def surface_beyond(points: np.ndarray, edges: np.ndarray, delta: float, centre: np.ndarray,
                   normal: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The height f of every surface vertex above the plane (centre, normal), the vertices with f >
    -``delta`` and the connected components (over ``edges``) of those: the part that a cut by the plane
    takes is the component holding the end."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    f = (points - centre) @ normal
    near = f > -delta
    keep = near[edges[:, 0]] & near[edges[:, 1]]
    graph = coo_matrix((np.ones(keep.sum()), (edges[keep, 0], edges[keep, 1])), shape=(len(points),) * 2)
    return f, near, connected_components(graph, directed=False)[1]


def cut_and_cap(points: np.ndarray, triangles: np.ndarray, caps: list[Cap]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Clip the closed surface by each cap plane (only the part beyond it connected to that end) and
    close the holes flat. Returns points, triangles and each triangle's patch (0 wall, k + 1 cap k)."""
    import vtk
    from vtk.util.numpy_support import numpy_to_vtk, numpy_to_vtkIdTypeArray, vtk_to_numpy

    points = np.array(points, float)
    n = len(points)
    edges, delta = surface_edges(points, triangles)
    g = np.full(n, -1.0)
    claimed = np.zeros(n, bool)  # vertices cut away by an earlier cap
    for cap in caps:
        f, near, comp = surface_beyond(points, edges, delta, cap.centre, cap.normal)
        candidates = np.flatnonzero(f > 0)
        if len(candidates) == 0:
            raise ConfigError([f"the cap plane through {np.round(cap.centre, 2).tolist()} does not cut the surface"])
        seed = candidates[np.argmin(np.linalg.norm(points[candidates] - cap.tip, axis=1))]
        region = near & (comp == comp[seed])
        push = region & (f < delta)
        points[push] += np.outer(-delta - f[push], cap.normal)
        f[push] = -delta
        stub = region & ~push
        rim = np.zeros(n, bool)  # kept vertices next to the stub
        cross = stub[edges[:, 0]] != stub[edges[:, 1]]
        rim[edges[cross].ravel()] = True
        sel = region | rim
        if (stub & claimed).any():  # the vessels beyond two planes join on the surface: no clean cut
            raise ConfigError([f"vessel capping: the part beyond the cap plane through "
                               f"{np.round(cap.centre, 2).tolist()} joins another cap's on the surface"])
        claimed |= stub
        g[sel] = f[sel]
    poly = vtk.vtkPolyData()
    pts = vtk.vtkPoints()
    pts.SetData(numpy_to_vtk(points, deep=True))
    poly.SetPoints(pts)
    cells = vtk.vtkCellArray()
    offsets = numpy_to_vtkIdTypeArray(np.arange(0, 3 * len(triangles) + 1, 3, dtype=np.int64), deep=True)
    conn = numpy_to_vtkIdTypeArray(triangles.astype(np.int64).ravel(), deep=True)
    cells.SetData(offsets, conn)
    poly.SetPolys(cells)
    scalars = numpy_to_vtk(g, deep=True)
    scalars.SetName("g")
    poly.GetPointData().SetScalars(scalars)
    clip = vtk.vtkClipPolyData()
    clip.SetInputData(poly)
    clip.SetValue(0.0)
    clip.InsideOutOn()  # keep g < 0
    tri = vtk.vtkTriangleFilter()
    tri.SetInputConnection(clip.GetOutputPort())
    clean = vtk.vtkCleanPolyData()
    clean.SetInputConnection(tri.GetOutputPort())
    clean.SetTolerance(1e-9)
    largest = vtk.vtkPolyDataConnectivityFilter()
    largest.SetInputConnection(clean.GetOutputPort())
    largest.SetExtractionModeToLargestRegion()
    clean2 = vtk.vtkCleanPolyData()
    clean2.SetInputConnection(largest.GetOutputPort())
    clean2.Update()
    out = clean2.GetOutput()
    p = vtk_to_numpy(out.GetPoints().GetData()).astype(float)
    t = vtk_to_numpy(out.GetPolys().GetConnectivityArray()).reshape(-1, 3).astype(np.int64)
    patch = [np.zeros(len(t), np.int32)]
    new_tris = [t]
    rimmed = set()  # caps whose radius is set from a rim already
    for k, loop in enumerate(_boundary_loops(t)):
        ring = p[loop]
        dist = np.array([np.abs((ring - c.centre) @ c.normal).max() for c in caps])
        on = np.flatnonzero(dist <= 1e-6 * max(1.0, float(np.abs(p).max())))
        if not len(on):
            raise ConfigError(["vessel capping: an open rim of the cut surface lies on no cap plane"])
        # of caps in one plane (border-plane caps on one face), the one nearest the rim
        which = int(on[np.argmin([np.linalg.norm(ring.mean(axis=0) - caps[k].centre) for k in on])])
        reach = float(np.linalg.norm(ring - caps[which].centre, axis=1).max())
        caps[which].radius = max(caps[which].radius, reach) if which in rimmed else reach  # a cap of several loops
        rimmed.add(which)
        extra, fill = _fill_planar_loop(ring, caps[which].normal, len(p))
        if len(extra):
            p = np.vstack([p, extra])
        ids = np.concatenate([np.asarray(loop), len(p) - len(extra) + np.arange(len(extra))])
        fill = ids[fill]
        # orient like the surface: the rim's directed edges run the other way in the cap
        a, b = loop[0], loop[1]
        has_ab = np.any((fill == a) & (np.roll(fill, -1, axis=1) == b))
        if has_ab:
            fill = fill[:, ::-1]
        new_tris.append(fill)
        patch.append(np.full(len(fill), which + 1, np.int32))
    return p, np.concatenate(new_tris), np.concatenate(patch)


def _fill_planar_loop(ring: np.ndarray, normal: np.ndarray, _n: int) -> tuple[np.ndarray, np.ndarray]:
    """Well-shaped triangles filling a planar loop: Delaunay triangulation of the rim and of interior
    points on a triangular lattice at the rim's mean edge length (kept 0.6 edge lengths from the rim);
    ear clipping when the Delaunay triangulation misses a rim edge. Returns the new interior points and
    triangles indexing [ring points, new points]."""
    from matplotlib.path import Path as Polygon
    from scipy.spatial import Delaunay, cKDTree

    m = len(ring)
    centre = ring.mean(axis=0)
    u = np.cross(normal, [1.0, 0.0, 0.0] if abs(normal[0]) < 0.9 else [0.0, 1.0, 0.0])
    u /= np.linalg.norm(u)
    v = np.cross(normal, u)
    xy = np.column_stack([(ring - centre) @ u, (ring - centre) @ v])
    edge = float(np.mean(np.linalg.norm(np.roll(xy, -1, axis=0) - xy, axis=1)))
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    gx, gy = np.meshgrid(np.arange(lo[0], hi[0] + edge, edge), np.arange(lo[1], hi[1] + edge, edge * np.sqrt(3) / 2))
    gx = gx + (np.arange(gx.shape[0])[:, None] % 2) * edge / 2
    lattice = np.column_stack([gx.ravel(), gy.ravel()])
    polygon = Polygon(xy)
    inner = lattice[polygon.contains_points(lattice)]
    if len(inner):
        inner = inner[cKDTree(xy).query(inner)[0] > 0.6 * edge]
    pts2 = np.vstack([xy, inner])
    tris = Delaunay(pts2).simplices
    keep = polygon.contains_points(pts2[tris].mean(axis=1))
    tris = tris[keep]
    have = {tuple(sorted(e)) for t in tris for e in ((t[0], t[1]), (t[1], t[2]), (t[2], t[0]))}
    if any(tuple(sorted((i, (i + 1) % m))) not in have for i in range(m)):
        return np.zeros((0, 3)), _triangulate_planar_loop(ring, normal)
    return centre + inner[:, :1] * u + inner[:, 1:] * v, tris.astype(np.int64)


def _boundary_loops(triangles: np.ndarray) -> list[list[int]]:
    """Closed loops of boundary edges (edges of one triangle), each in order."""
    edges = np.concatenate([triangles[:, [0, 1]], triangles[:, [1, 2]], triangles[:, [2, 0]]])
    key = np.sort(edges, axis=1)
    _, inverse, counts = np.unique(key, axis=0, return_inverse=True, return_counts=True)
    boundary = edges[counts[inverse.ravel()] == 1]
    nxt = {int(a): int(b) for a, b in boundary}
    loops, seen = [], set()
    for start in nxt:
        if start in seen:
            continue
        loop, v = [], start
        while v not in seen:
            seen.add(v)
            loop.append(v)
            v = nxt.get(v)
            if v is None:
                raise ConfigError(["vessel capping: the cut surface has an open rim that is not a loop"])
        loops.append(loop)
    return loops


def _triangulate_planar_loop(ring: np.ndarray, normal: np.ndarray) -> np.ndarray:
    """Triangles (indices into ``ring``) filling a simple planar polygon (ear clipping), oriented so
    that their normal is ``normal`` (outward)."""
    u = np.cross(normal, [1.0, 0.0, 0.0] if abs(normal[0]) < 0.9 else [0.0, 1.0, 0.0])
    u /= np.linalg.norm(u)
    v = np.cross(normal, u)
    xy = np.column_stack([(ring - ring.mean(axis=0)) @ u, (ring - ring.mean(axis=0)) @ v])
    order = list(range(len(ring)))
    area = 0.5 * np.sum(xy[:, 0] * np.roll(xy[:, 1], -1) - np.roll(xy[:, 0], -1) * xy[:, 1])
    if area < 0:
        order.reverse()
    out = []
    guard = 0
    while len(order) > 3 and guard < 10 * len(ring) ** 2:
        guard += 1
        m = len(order)
        for i in range(m):
            a, b, c = order[i - 1], order[i], order[(i + 1) % m]
            ab, ac = xy[b] - xy[a], xy[c] - xy[a]
            if ab[0] * ac[1] - ab[1] * ac[0] <= 1e-14:
                continue  # reflex or degenerate corner
            others = [j for j in order if j not in (a, b, c)]
            if others and _any_inside(xy[others], xy[a], xy[b], xy[c]):
                continue
            out.append((a, b, c))
            order.pop(i)
            break
        else:  # numerically stuck: fan the rest
            out.extend((order[0], order[j], order[j + 1]) for j in range(1, len(order) - 1))
            order = order[:3]
            break
    if len(order) == 3:
        out.append(tuple(order))
    return np.asarray(out, dtype=np.int64)  # counter-clockwise around +normal


def _any_inside(q: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> bool:
    def cross(p, r, s):
        return (r[0] - p[0]) * (s[:, 1] - p[1]) - (r[1] - p[1]) * (s[:, 0] - p[0])

    return bool(np.any((cross(a, b, q) > 0) & (cross(b, c, q) > 0) & (cross(c, a, q) > 0)))


class CapsLost(Exception):
    """Caps (indices) that have no facet after meshing."""

    def __init__(self, caps: list[int]):
        super().__init__(f"{len(caps)} flat cap(s) lost in meshing")
        self.caps = caps


def tag_caps(data: MeshData, caps: list[Cap], inlet_hint: np.ndarray | None, size: float) -> MeshData:
    """Facet tags: 1 = wall, 2 = inlet, 3.. = outlet_1.. (by decreasing voxel cross-section), from the
    mesh's ``cap_k`` tags (Gmsh plane surfaces closing the rims, see ``tetrahedralise``), else from the
    cap planes. Raises :class:`CapsLost` when a cap has no facet."""
    from heartsim.mesh.quality import facet_areas

    areas = facet_areas(data.points, data.facets)
    on_cap = np.full(len(data.facets), -1)
    if "cap_0" in data.facet_names:
        for k in range(len(caps)):
            value = data.facet_names.get(f"cap_{k}")
            if value is not None:
                on_cap[data.facet_values == value] = k
    else:  # caps filled before remeshing: a facet is on cap k when its nodes lie on the plane, inside the rim
        _, normal = facet_geometry(data)
        corners = data.points[data.facets]
        for k, cap in enumerate(caps):
            height = np.abs((corners - cap.centre) @ cap.normal).max(axis=1)
            reach = np.linalg.norm(corners.mean(axis=1) - cap.centre, axis=1)
            sel = (height < 1e-2 * size) & (reach < cap.radius + 0.5 * size) & (normal @ cap.normal > 0.99)
            on_cap[sel & (on_cap < 0)] = k
    for k, cap in enumerate(caps):
        cap.area = float(areas[on_cap == k].sum())
    lost = [k for k, cap in enumerate(caps) if cap.area <= 0]
    if lost:
        raise CapsLost(lost)
    found = list(range(len(caps)))
    # inlet and outlet order from the voxels' cross-sections (not from the mesh: independent of --size)
    if inlet_hint is not None:
        inlet = found[int(np.argmin([np.linalg.norm(caps[k].centre - inlet_hint) for k in found]))]
    else:  # a cap of one end, where there is one (a border-plane cap may close several)
        inlet = max(found, key=lambda k: (len(caps[k].ends) <= 1, caps[k].section, -k))
    outlets = sorted((k for k in found if k != inlet), key=lambda k: (-caps[k].section, k))
    values = np.full(len(data.facets), WALL, np.int32)
    values[on_cap == inlet] = INLET
    caps[inlet].tag = INLET
    extra = max(1, len(caps[inlet].ends)) - 1  # outlets closed by the inlet's cap too
    names = {"inlet" + "".join(f"+outlet_{j}" for j in range(1, extra + 1)): INLET}
    j = extra + 1
    for k in outlets:  # a cap closing m ends takes m outlet numbers: outlet_3+4
        values[on_cap == k] = INLET + j
        caps[k].tag = INLET + j
        m = max(1, len(caps[k].ends))
        names[f"outlet_{j}" + "".join(f"+{j + d}" for d in range(1, m))] = INLET + j
        j += m
    names = {"wall": WALL, **names}
    data.facet_values = values
    data.facet_names = names
    return data


def stub_voxels(mask: np.ndarray, affine: np.ndarray, caps: list[Cap]) -> np.ndarray:
    """Voxels of ``mask`` beyond each cap plane and connected to that end: what the caps cut away."""
    ijk = np.argwhere(mask)
    xyz = ijk @ affine[:3, :3].T + affine[:3, 3]
    cut = np.zeros(mask.shape, bool)
    for cap in caps:
        beyond = np.zeros(mask.shape, bool)
        sel = (xyz - cap.centre) @ cap.normal > 0
        beyond[tuple(ijk[sel].T)] = True
        if not beyond.any():
            continue
        tip = np.linalg.solve(affine[:3, :3], cap.tip - affine[:3, 3])
        inside = np.argwhere(beyond)
        start = inside[np.argmin(np.linalg.norm(inside - tip, axis=1))]
        cut |= _component_of(beyond, start)
    return cut


def _attempt(points, triangles, caps: list[Cap], size: float, grid, feature_angle: float, name: str,
             inlet_hint) -> tuple[MeshData, str]:
    """Cut, cap and mesh once: caps as Gmsh plane surfaces on the remeshed wall's rims, else as their
    own discrete surfaces (the rims then are fixed discrete curves). Raises ConfigError (both ways'
    reasons) or :class:`CapsLost`."""
    points, triangles, patch = cut_and_cap(points, triangles, caps)
    # with border-plane caps: coplanar caps (two on one face) told apart by their reach from the centre,
    # and a border cap may be several loops (vessels that join only beyond the plane), one surface each
    planes = np.array([np.concatenate([c.centre, c.normal] + ([[c.radius + size, bool(c.border)]]
                                                             if any(d.border for d in caps) else [])) for c in caps])
    try:
        data = tetrahedralise(points, triangles[patch == 0], size, feature_angle=180.0, name=name, caps=planes,
                              size_grid=grid)
        return _final_on_tags(tag_caps(data, caps, inlet_hint, size)), "plane surfaces"
    except CapsLost as exc:
        first = str(exc)
    except ConfigError as exc:
        first = "; ".join(exc.lines)
    try:
        data = tetrahedralise(points, triangles, size, feature_angle=feature_angle, name=name, patches=patch,
                              size_grid=grid)
    except ConfigError as exc:
        raise ConfigError([f"plane caps: {first}; discrete caps: {'; '.join(exc.lines)}"]) from None
    return _final_on_tags(tag_caps(data, caps, inlet_hint, size)), "discrete cap surfaces"


def _final_on_tags(data: MeshData) -> MeshData:
    """The lift's final stage (heartsim.mesh.volume.final_stage) once more on the tagged mesh, where
    it is still below the floor: with discrete caps Gmsh's wall comes in many patches, whose borders
    the stage must keep; tagged, the wall is one surface (``wall``) and only the cap rims stay."""
    from heartsim.mesh.quality import scaled_jacobian
    from heartsim.mesh.volume import QUALITY_FLOOR, final_stage

    if float(scaled_jacobian(data.points, data.cells, "tetra").min(initial=1.0)) < QUALITY_FLOOR:
        final_stage(data, QUALITY_FLOOR)
    return data


#: element size near a cap's rim, as a fraction of the cap's radius (h <= max(f r, f size)): a rim of
#: about 2 pi / f = 25 edges, whose inscribed polygon has 1 % less area than the circle (12 edges, at
#: the size field's 0.5 r: 4.5 % less)
RIM_FRACTION = 0.25


def _refined_near_rims(grid, caps: list[Cap], size: float, fraction: float = RIM_FRACTION):
    """The size grid with h <= max(fraction r, fraction size) within 1.5 r + size of each cap centre
    (r: its radius)."""
    from heartsim.mesh.sizefield import SizeGrid

    values = grid.values.copy()
    xyz = np.indices(values.shape).reshape(3, -1).T @ grid.affine[:3, :3].T + grid.affine[:3, 3]
    flat = values.reshape(-1)
    for cap in caps:
        near = np.linalg.norm(xyz - cap.centre, axis=1) <= 1.5 * cap.radius + size
        flat[near] = np.minimum(flat[near], fraction * max(cap.radius, size))
    return SizeGrid(flat.reshape(values.shape), grid.affine)


def _cap_of(message: str, caps: list[Cap]) -> int | None:
    """The cap whose centre a worker message names ("... plane through [x, y, z]"), if any."""
    import re

    found = re.search(r"through \[([-0-9.e, ]+)\]", message)
    if not found:
        return None
    centre = np.array([float(v) for v in found.group(1).split(",")])
    return int(np.argmin([np.linalg.norm(c.centre - centre) for c in caps]))


def mesh_with_recovery(points, triangles, caps: list[Cap], size: float, grid, feature_angle: float, name: str,
                       inlet_hint, recut) -> tuple[MeshData, str, list[str]]:
    """Mesh with flat caps, recovering lost or failing caps before giving up (module docstring, step 4):
    1. as found; 2. the size grid refined near every rim; 3-4. the caps that failed (were lost, or that
    an error names) moved inward by max(r, size) each time (``recut(k, extra)``: cap k's plane ``extra``
    mm farther inside). Returns the mesh, the cap method and what was tried; the final error names the
    end(s) that failed and every attempt's reason."""
    tried: list[str] = []
    extra = np.zeros(len(caps))
    culprits: list[int] = []
    for step in range(4):
        fraction = RIM_FRACTION if step == 0 else RIM_FRACTION * 2.0 / 3.0
        label = "as found" if step == 0 else "refined further near the rims"
        if step >= 2:
            if not culprits:
                break
            failed = None
            for k in culprits:
                extra[k] += max(caps[k].radius, size)
                moved = recut(k, float(extra[k]))
                if moved is None:
                    failed = k
                    break
                caps[k] = moved
            if failed is not None:
                tried.append(f"end {failed + 1}: no complete section {extra[failed]:.1f} mm farther inside")
                culprits = [failed]
                break
            label += ", cap(s) " + ", ".join(str(k + 1) for k in culprits) + " moved inward"
        try:
            data, method = _attempt(points, triangles, caps, size,
                                    _refined_near_rims(grid, caps, size, fraction), feature_angle, name,
                                    inlet_hint)
            tried.append(f"{label}: meshed ({method})")
            return data, method, tried
        except CapsLost as exc:
            culprits = exc.caps
            tried.append(f"{label}: cap(s) {', '.join(str(k + 1) for k in exc.caps)} lost in meshing")
        except ConfigError as exc:
            reason = "; ".join(exc.lines)
            k = _cap_of(reason, caps)
            culprits = [k] if k is not None else culprits
            tried.append(f"{label}: {reason}")
    ends = ", ".join(f"end {'+'.join(str(j + 1) for j in (caps[k].ends or (k,)))} at "
                     f"{np.round(caps[k].centre, 1).tolist()} mm (radius {caps[k].radius:.1f} mm)"
                     for k in culprits) or "no single end identified"
    error = ConfigError([f"{name}: vessel meshing failed ({ends}) after {len(tried)} attempts: " + " | ".join(tried)])
    error.culprits = culprits  # the caps (indices) that failed
    raise error


def vessel_mesh(labels: LabelMap, label: int, size: float, cap_offset: float = 2.0,
                inlet_hint: np.ndarray | None = None, feature_angle: float = 40.0) -> tuple[MeshData, dict]:
    """Lumen mesh of ``label`` with inlet/outlet_k/wall facet tags, and a report of what was done."""
    full = largest_component(labels.mask(label))
    index = np.argwhere(full)  # work on the bounding box (with a margin): the same physical points
    lo = np.maximum(index.min(axis=0) - 3, 0)
    hi = np.minimum(index.max(axis=0) + 4, full.shape)
    mask = full[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]]
    affine = labels.affine.copy()
    affine[:3, 3] = labels.affine[:3, :3] @ lo + labels.affine[:3, 3]
    spacing = labels.spacing
    mask, spurs = remove_spurs(mask, spacing)
    faces = [(axis, at - lo[axis]) for axis in range(3) for at in (0, full.shape[axis] - 1)
             if lo[axis] <= at < hi[axis]]  # the image's border faces inside the crop
    ends, radii, own = find_ends(mask, spacing, faces=faces)
    borders = []  # the image border an end touches
    for end in ends:
        at = end[0] + lo  # the end voxel in the full image: on its border, the field of view cut the vessel
        border = [a for a in range(3) if at[a] == 0 or at[a] == full.shape[a] - 1]
        borders.append(border[0] if border else None)
    if len(ends) < 2:
        raise ConfigError([f"{labels.path.name}: found {len(ends)} vessel end(s) of label {label}; "
                           "a vessel needs an inlet and at least one outlet"])
    tips = [end[0] @ affine[:3, :3].T + affine[:3, 3] for end in ends]
    regular: dict[int, Cap] = {}
    why: dict[int, str] = {}  # field-of-view ends without a perpendicular cap: why (for the fallback)
    first_error = None
    for i, end in enumerate(ends):
        try:
            regular[i] = end_cap(mask, affine, end, radii[i], [e[0] for j, e in enumerate(ends) if j != i],
                                 cap_offset, borders[i], own[i], faces)
        except NoCapPlane as exc:
            line = (f"{labels.path.name}: cannot cap vessel end {i + 1} of {len(ends)} at "
                    f"{np.round(tips[i], 1).tolist()} mm (radius {radii[i]:.1f} mm): {exc}")
            if borders[i] is None:
                raise ConfigError([first_error or line]) from None
            first_error = first_error or line
            why[i] = str(exc)
            continue
        for cap in (regular[i], regular[i].unmoved):
            if cap is not None:
                cap.ends = (i,)
    from heartsim.mesh.sizefield import SizeGrid, local_radius, radius_size_grid

    radius = local_radius(mask, spacing)
    points, triangles = mask_surface(mask, affine, size)
    points = undo_smoothing_shrink(points, triangles, SizeGrid(radius, affine).at(points))
    grid = radius_size_grid(mask, affine, size, radius=radius)

    def on_border_planes(regular: dict, why: dict, error: str) -> list[Cap]:
        """The caps with the ends of ``why`` on their image border planes (``border_plane_caps``);
        ``error`` (naming the first such end and why), with the fallback's reason, when that fails."""
        from heartsim.mesh.border_plane_caps import NoBorderCap, with_border_caps

        try:
            return with_border_caps(mask, affine, points, triangles, regular, dict(why), ends, borders, tips)
        except NoBorderCap as exc:
            raise ConfigError([f"{error}; capping on the image border plane failed too: {exc}"]) from None

    for j, cap in regular.items() if why else ():  # with the fallback: a field-of-view end's perpendicular
        # cap whose section the border still cuts (short, the fifth pass) goes to the border plane too
        if borders[j] is not None and plane_section(mask, affine, cap.centre, cap.normal, 2.0 * radii[j])[1]:
            why[j] = "its perpendicular cap's section is cut by the image border"
    caps = on_border_planes(regular, why, first_error) if why else [regular[i] for i in range(len(ends))]
    inside_image = [True]

    def recut(k: int, extra: float) -> Cap | None:
        if active[0][k].border:
            return None  # a border-plane cap stays on the border
        i = active[0][k].ends[0]
        try:
            moved = end_cap(mask, affine, ends[i], radii[i], [e[0] for j, e in enumerate(ends) if j != i],
                            cap_offset + extra, borders[i], own[i], faces, inside_image[0])
        except NoCapPlane:
            return None
        moved.ends = (i,)
        return moved

    def mesh(caps: list[Cap]):
        active[0] = caps
        return mesh_with_recovery(points, triangles, caps, size, grid, feature_angle, labels.path.name,
                                  inlet_hint, recut)

    active = [caps]
    found = list(caps)
    try:
        try:
            data, method, tried = mesh(caps)
        except ConfigError as exc:
            if all(c.unmoved is None for c in found):
                raise
            # the planes moved inside the image failed (a moved stub can come near another vessel's, and
            # the smoothed surface join them): once more with the planes where they were found
            inside_image[0] = False
            caps = [c.unmoved or c for c in found]
            data, method, tried = mesh(caps)
            tried = [f"caps moved inside the image: {exc.lines[0]}"] + tried
    except ConfigError as exc:
        if why:  # the border-plane caps did not mesh either
            raise ConfigError([f"{first_error}; with its cap on the image border plane, {exc.lines[0]}"]) from None
        failed = [found[k] for k in getattr(exc, "culprits", [])]
        if not failed or any(c.border or borders[c.ends[0]] is None for c in failed):
            raise
        # the perpendicular caps of these field-of-view ends failed in meshing: on their border planes
        inside_image[0] = True
        last = exc.lines[0].split(" | ")[-1].split("vessel capping: ")[-1]
        why = {c.ends[0]: f"its perpendicular cap failed in meshing ({last})" for c in failed}
        regular = {c.ends[0]: c for c in found if c.ends[0] not in why}
        caps = on_border_planes(regular, why, exc.lines[0])
        active[0] = caps
        found = list(caps)
        try:
            data, method, tried = mesh(caps)
        except ConfigError:
            raise exc from None
    data.cell_values[:] = label
    data.cell_names = {"lumen": label}
    voxel_volume = float(abs(np.linalg.det(labels.affine[:3, :3])))
    kept = mask & ~stub_voxels(mask, affine, caps)
    names = {v: k for k, v in data.facet_names.items()}
    warnings = [f"{labels.path.name}: cap {names[c.tag]}: {c.border}" for c in caps if c.border]
    return data, {"ends": len(ends), "spur_voxels_removed": spurs,
                  "label_volume_mm3": float(kept.sum()) * voxel_volume, "cap_method": method, "attempts": tried,
                  "kept_mask": kept, "kept_affine": affine, "warnings": warnings,
                  "caps": [{"tag": c.tag, "centre": c.centre.round(2).tolist(), "normal": c.normal.round(4).tolist(),
                            "area_mm2": round(c.area, 2), "ends": [j + 1 for j in c.ends],
                            "border_plane": bool(c.border)} for c in caps]}
