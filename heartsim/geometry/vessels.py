"""Idealised vessels and flow benchmarks meshed with Gmsh (OpenCASCADE), in mm, axis along x.

Every generator returns :class:`~heartsim.mesh.meshdata.MeshData`: tetrahedra (4-node, or 10-node
with ``order=2``; cell tag ``fluid`` = 1) and tagged boundary triangles

    inlet = 1 (planar cap, smallest x),  outlet = 2 (planar cap, largest x),  wall = 3,
    cylinder = 4 (Schafer-Turek only),

which :func:`generate` distributes as a DOLFINx mesh (:class:`~heartsim.mesh.build.TaggedMesh`)
and ``heartsim mesh generate KIND OUT.xdmf`` writes as DOLFINx XDMF + ``.tags.json``.

Shapes (all lengths in mm):

``tube``
    straight circular tube of ``radius`` R from x = 0 to x = ``length``.
``stenosis``
    the tube with an axisymmetric cosine stenosis centred at x_c = ``center`` (default length/2):
    r(x) = R - (R - r_0)/2 [1 + cos(2 pi (x - x_c) / L_s)] for |x - x_c| <= L_s / 2, R elsewhere,
    L_s = ``stenosis_length``; throat radius r_0 = R sqrt(1 - s) for an area reduction
    s = ``severity`` (``reduction`` = "area") or r_0 = R (1 - s) for a diameter reduction.
``fda-nozzle``
    FDA benchmark nozzle in the sudden-expansion orientation (Hariharan et al., J. Biomech. Eng.
    133 (2011) 041002; Stewart et al., Cardiovasc. Eng. Technol. 3 (2012) 139-160): inlet diameter
    12 mm, a conical contraction of 20 deg included angle (length 4 / tan(10 deg) = 22.685 mm) to a
    4 mm throat 40 mm long, then a sudden expansion back to 12 mm. x is the benchmark's axial
    coordinate z: the sudden expansion is at x = 0, the throat spans [-40, 0] mm, the cone
    [-62.685, -40] mm; ``inlet_length`` of straight pipe precedes the cone and ``outlet_length``
    follows the expansion.
``schafer-turek``
    the 3D channel of Schafer & Turek (1996), case 3D-1Z/2Z: a 2500 x 410 x 410 mm box
    (x: flow, y, z: cross-section; benchmark values in m times 1000) around a circular cylinder
    of diameter 100 mm whose axis is parallel to z through (x, y) = (500, 200). Reference: M.
    Schafer, S. Turek, "Benchmark computations of laminar flow around a cylinder", Notes Numer.
    Fluid Mech. 52 (1996) 547-566.
"""

from __future__ import annotations

import math

import numpy as np

from heartsim.config.errors import ConfigError
from heartsim.mesh.meshdata import MeshData

INLET, OUTLET, WALL, CYLINDER = 1, 2, 3, 4
FACET_NAMES = {"inlet": INLET, "outlet": OUTLET, "wall": WALL}

#: FDA nozzle dimensions (mm): inlet/outlet diameter, throat diameter and length, cone included angle (deg)
FDA = {"diameter": 12.0, "throat_diameter": 4.0, "throat_length": 40.0, "cone_angle": 20.0}
#: Schafer-Turek 3D channel (mm): length, height = width, cylinder diameter and axis position
SCHAFER_TUREK = {"length": 2500.0, "height": 410.0, "diameter": 100.0, "center": (500.0, 200.0)}

#: help text of every generator parameter (the CLI shows these); lengths in mm
PARAMETERS = {
    "radius": "tube radius (mm)",
    "length": "tube length (mm)",
    "size": "target edge length away from refined regions (mm)",
    "fine_size": "edge length in the refined region (mm): stenosis (default size / 2), nozzle cone, throat "
                 "and jet (size / 3), around the cylinder (size / 4)",
    "severity": "stenosis severity: fraction of area or diameter removed at the throat, in (0, 1)",
    "reduction": "what severity reduces: area or diameter",
    "stenosis_length": "axial length of the cosine stenosis (mm; default 4 radius)",
    "center": "axial position of the stenosis throat (mm; default length / 2)",
    "inlet_length": "straight pipe upstream of the nozzle cone (mm)",
    "outlet_length": "straight pipe downstream of the sudden expansion (mm)",
    "order": "geometry order: 1 (straight-sided tetrahedra) or 2 (10-node tetrahedra, edge nodes on the curved walls)",
    "jet_length": "length of the refined jet core (1.5 throat radii around the axis) downstream of the "
                  "expansion (mm)",
}


def _order(order) -> None:
    if order not in (1, 2):
        raise ConfigError([f"order: must be 1 or 2, got {order}"])


def _positive(**values: float) -> None:
    for name, value in values.items():
        if value is None or not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
            raise ConfigError([f"{name}: must be a positive number (mm), got {value}"])


def _classify_caps(gmsh, x_min: float, x_max: float, tol: float):
    """Facet value of a surface: a planar cap at x_min (inlet) or x_max (outlet), else wall. Caps are
    recognised by their bounding box: flat in x and at the end of the domain."""
    from heartsim.geometry.gmsh_mesh import surface_box

    def classify(tag: int) -> int:
        box = surface_box(gmsh, tag)
        if box[3] - box[0] < tol:
            if abs(box[0] - x_min) < tol:
                return INLET
            if abs(box[0] - x_max) < tol:
                return OUTLET
        return WALL
    return classify


def _refine(gmsh, zones: list[tuple[float, float, float, float]], coarse: float) -> None:
    """Mesh size ``fine`` inside each zone (x0, x1, half_width, fine): x in [x0, x1], |y|, |z| <= half_width,
    growing to ``coarse`` over 2 coarse sizes around it."""
    field = gmsh.model.mesh.field
    boxes = []
    for x0, x1, half, fine in zones:
        box = field.add("Box")
        for key, value in (("VIn", fine), ("VOut", coarse), ("XMin", x0), ("XMax", x1), ("YMin", -half),
                           ("YMax", half), ("ZMin", -half), ("ZMax", half), ("Thickness", 2 * coarse)):
            field.setNumber(box, key, value)
        boxes.append(box)
    smallest = field.add("Min")
    field.setNumbers(smallest, "FieldsList", boxes)
    field.setAsBackgroundMesh(smallest)


def _revolved(name: str, profile: list[tuple[float, float]], size: float,
              zones: list[tuple[float, float, float, float]], smooth: slice | None = None, order: int = 1) -> MeshData:
    """Solid of revolution about the x axis of the region under ``profile`` [(x, r), ...] (x increasing,
    r > 0), meshed; points in ``smooth`` are joined by a spline, the others by straight lines.
    ``zones`` refine (see :func:`_refine`)."""
    from heartsim.geometry.gmsh_mesh import session, tetrahedra

    with session(name) as gmsh:
        occ = gmsh.model.occ
        x_first, x_last = profile[0][0], profile[-1][0]
        pts = [occ.addPoint(x, r, 0.0) for x, r in profile]
        axis_end, axis_start = occ.addPoint(x_last, 0, 0), occ.addPoint(x_first, 0, 0)
        curves = []
        i = 0
        while i < len(pts) - 1:
            if smooth is not None and i == smooth.start:
                curves.append(occ.addSpline(pts[smooth.start:smooth.stop]))
                i = smooth.stop - 1
            else:
                curves.append(occ.addLine(pts[i], pts[i + 1]))
                i += 1
        curves += [occ.addLine(pts[-1], axis_end), occ.addLine(axis_end, axis_start), occ.addLine(axis_start, pts[0])]
        face = occ.addPlaneSurface([occ.addCurveLoop(curves)])
        occ.revolve([(2, face)], 0, 0, 0, 1, 0, 0, 2 * math.pi)
        occ.removeAllDuplicates()
        occ.synchronize()
        if zones:
            _refine(gmsh, zones, size)
        r_max = max(r for _, r in profile)
        return tetrahedra(gmsh, _classify_caps(gmsh, x_first, x_last, 1e-6 * r_max), FACET_NAMES, size,
                          min([size] + [z[3] for z in zones]) / 2, order)


def tube(*, radius: float = 2.0, length: float = 20.0, size: float = 0.5, order: int = 1) -> MeshData:
    """Straight tube of ``radius`` from x = 0 to x = ``length`` (mm), edge length ``size``."""
    _positive(radius=radius, length=length, size=size)
    _order(order)
    return _revolved("tube", [(0.0, radius), (length, radius)], size, [], order=order)


def stenosis(*, radius: float = 2.0, length: float = 40.0, severity: float = 0.75, reduction: str = "area",
             stenosis_length: float | None = None, center: float | None = None, size: float = 0.5,
             fine_size: float | None = None, order: int = 1) -> MeshData:
    """Tube with an axisymmetric cosine stenosis (see the module docstring for r(x))."""
    stenosis_length = 4 * radius if stenosis_length is None else stenosis_length
    center = length / 2 if center is None else center
    fine_size = size / 2 if fine_size is None else fine_size
    _positive(radius=radius, length=length, size=size, stenosis_length=stenosis_length, fine_size=fine_size)
    if not (isinstance(severity, (int, float)) and 0 < severity < 1):
        raise ConfigError([f"severity: must lie strictly between 0 and 1, got {severity}"])
    _order(order)
    if reduction not in ("area", "diameter"):
        raise ConfigError([f"reduction: must be area or diameter, got {reduction!r}"])
    half = stenosis_length / 2
    if not (half < center < length - half):
        raise ConfigError([f"center: the stenosis [{center - half:g}, {center + half:g}] mm must lie inside "
                           f"the tube (0, {length:g}) mm"])
    r0 = radius * (math.sqrt(1 - severity) if reduction == "area" else 1 - severity)
    xs = np.linspace(center - half, center + half, 41)
    rs = throat_profile(xs, radius, r0, center, stenosis_length)
    profile = [(0.0, radius)] + list(zip(xs.tolist(), rs.tolist())) + [(length, radius)]
    return _revolved("stenosis", profile, size, [(center - half, center + half, radius, fine_size)], slice(1, 42),
                     order)


def throat_profile(x, radius: float, throat_radius: float, center: float, stenosis_length: float) -> np.ndarray:
    """Radius r(x) (mm) of the cosine stenosis: R - (R - r_0)/2 [1 + cos(2 pi (x - x_c)/L_s)] inside
    |x - x_c| <= L_s/2, R outside."""
    x = np.asarray(x, float)
    inside = np.abs(x - center) <= stenosis_length / 2
    dip = (radius - throat_radius) / 2 * (1 + np.cos(2 * np.pi * (x - center) / stenosis_length))
    return np.where(inside, radius - dip, radius)


def fda_nozzle(*, inlet_length: float = 30.0, outlet_length: float = 150.0, size: float = 1.5,
               fine_size: float | None = None, jet_length: float = 40.0, order: int = 1) -> MeshData:
    """FDA benchmark nozzle, sudden-expansion orientation (see the module docstring); x = benchmark z (mm)."""
    fine_size = size / 3 if fine_size is None else fine_size
    _positive(inlet_length=inlet_length, outlet_length=outlet_length, size=size, fine_size=fine_size,
              jet_length=jet_length)
    _order(order)
    R, r = FDA["diameter"] / 2, FDA["throat_diameter"] / 2
    cone = (R - r) / math.tan(math.radians(FDA["cone_angle"] / 2))
    x_throat = -FDA["throat_length"]
    x_cone = x_throat - cone
    profile = [(x_cone - inlet_length, R), (x_cone, R), (x_throat, r), (0.0, r), (0.0, R), (outlet_length, R)]
    # the cone and throat, and the jet (1.5 throat radii around the axis) downstream of the expansion
    zones = [(x_cone, 0.0, R, fine_size), (0.0, min(jet_length, outlet_length), 1.5 * r, fine_size)]
    return _revolved("fda-nozzle", profile, size, zones, order=order)


def schafer_turek(*, size: float = 41.0, fine_size: float | None = None, order: int = 1) -> MeshData:
    """Schafer-Turek 3D channel with a circular cylinder (mm; see the module docstring). Facet tags
    inlet (x = 0), outlet (x = 2500), wall (the four channel sides) and cylinder."""
    from heartsim.geometry.gmsh_mesh import session, surface_box, tetrahedra

    fine_size = size / 4 if fine_size is None else fine_size
    _positive(size=size, fine_size=fine_size)
    _order(order)
    L, H, D = SCHAFER_TUREK["length"], SCHAFER_TUREK["height"], SCHAFER_TUREK["diameter"]
    cx, cy = SCHAFER_TUREK["center"]
    with session("schafer-turek") as gmsh:
        occ = gmsh.model.occ
        box = occ.addBox(0, 0, 0, L, H, H)
        cylinder = occ.addCylinder(cx, cy, 0, 0, 0, H, D / 2)
        occ.cut([(3, box)], [(3, cylinder)])
        occ.synchronize()
        tol = 1e-6 * L

        def classify(tag: int) -> int:
            b = surface_box(gmsh, tag)
            if b[3] - b[0] < tol and abs(b[0]) < tol:
                return INLET
            if b[3] - b[0] < tol and abs(b[0] - L) < tol:
                return OUTLET
            if b[0] > cx - D / 2 - tol and b[3] < cx + D / 2 + tol and b[1] > cy - D / 2 - tol \
                    and b[4] < cy + D / 2 + tol:
                return CYLINDER
            return WALL

        cylinder_surfaces = [t for _, t in gmsh.model.getEntities(2) if classify(t) == CYLINDER]
        field = gmsh.model.mesh.field
        distance = field.add("Distance")
        field.setNumbers(distance, "SurfacesList", cylinder_surfaces)
        threshold = field.add("Threshold")
        field.setNumber(threshold, "InField", distance)
        for key, value in (("SizeMin", fine_size), ("SizeMax", size), ("DistMin", 0.0), ("DistMax", 2 * D)):
            field.setNumber(threshold, key, value)
        field.setAsBackgroundMesh(threshold)
        return tetrahedra(gmsh, classify, {**FACET_NAMES, "cylinder": CYLINDER}, size, fine_size / 2, order)


#: kind -> generator (keyword arguments: PARAMETERS)
GENERATORS = {"tube": tube, "stenosis": stenosis, "fda-nozzle": fda_nozzle, "schafer-turek": schafer_turek}
#: kind -> one line for the CLI (shapes in full: the module docstring and docs/flow.md, Geometries)
SUMMARIES = {
    "tube": "straight circular tube along x, from x = 0 to x = length",
    "stenosis": "tube with an axisymmetric cosine stenosis of a given area or diameter reduction",
    "fda-nozzle": "FDA benchmark nozzle, sudden-expansion orientation (12 mm pipe, 20 deg cone, 4 mm x 40 mm "
                  "throat); x = the benchmark's z, expansion at 0",
    "schafer-turek": "Schafer-Turek 3D channel (2500 x 410 x 410 mm) around a D = 100 mm cylinder (facet tag "
                     "cylinder)",
}


def build(kind: str, **params) -> MeshData:
    """Arrays of the ``kind`` generator with ``params`` (ConfigError on an unknown kind or parameter)."""
    import inspect

    from heartsim.config.errors import suggest

    if kind not in GENERATORS:
        raise ConfigError([f"kind: unknown geometry {kind!r}{suggest(kind, GENERATORS)} "
                           f"(one of {', '.join(GENERATORS)})"])
    accepted = inspect.signature(GENERATORS[kind]).parameters
    unknown = [k for k in params if k not in accepted]
    if unknown:
        raise ConfigError([f"{k}: not a parameter of {kind}{suggest(k, accepted)} (has {', '.join(accepted)})"
                           for k in unknown])
    return GENERATORS[kind](**params)


def generate(kind: str, comm, **params):
    """The ``kind`` geometry meshed on rank 0 and distributed over ``comm`` as a
    :class:`~heartsim.mesh.build.TaggedMesh` with facet names inlet/outlet/wall(/cylinder) and cell
    name fluid. Errors are raised on every rank."""
    from heartsim.mesh.build import distribute
    from heartsim.runtime.collective import on_root

    return distribute(on_root(comm, lambda: build(kind, **params)), comm)
