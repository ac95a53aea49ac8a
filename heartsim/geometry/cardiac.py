"""Cardiac benchmark geometries made with Gmsh (OpenCASCADE kernel), as tagged mesh arrays.

Each generator returns a :class:`heartsim.mesh.meshdata.MeshData` (rank 0, mm, VTK node order) whose
facet tags carry names; ``heartsim.mesh.build.distribute`` turns it into a distributed DOLFINx mesh
(:func:`tagged_mesh` does both) and ``heartsim.mesh.generate_from.write_mesh`` writes it as DOLFINx
XDMF + ``.tags.json``.

Shapes (Land et al. 2015, Proc R Soc A 471:20150641, problems 1-3):

* **beam** ``[0, 10] x [0, 1] x [0, 1]`` mm; facet tags ``fixed`` (x = 0) and ``bottom`` (z = 0, where
  the pressure acts); hexahedra or tetrahedra.
* **truncated ellipsoid**: the wall between the surfaces
  ``x = (r_s sin u cos v, r_s sin u sin v, r_l cos u)`` with endo r_s = 7, r_l = 17 and epi r_s = 10,
  r_l = 20 mm, cut by the base plane z = 5 mm (endo: u in [-pi, -arccos(5/17)], epi: u in
  [-pi, -arccos(5/20)]); apex on the negative z axis. Tags ``endo``, ``epi``, ``base``.
  The exact cavity volume closed at the base is ``pi r_s^2 (z_b + r_l - (z_b^3 + r_l^3) / (3 r_l^2))``
  (2492.13 mm^3 for the Land endocardium, see :func:`ellipsoid_cavity_volume`).
* **biventricular ellipsoid**: the LV ellipsoid above joined with an RV ellipsoid shell on the +x side;
  the RV cavity is the RV endo ellipsoid minus the LV epi ellipsoid (so the septum is the LV wall).
  Tags ``lv_endo``, ``rv_endo``, ``epi``, ``base``.

``order=2`` gives curved quadratic (10-node) tetrahedra whose edge midpoints lie on the surfaces.
"""

from __future__ import annotations

import math
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from heartsim.config.errors import ConfigError
from heartsim.mesh.meshdata import MeshData

#: facet tag numbers of the generated shapes
BEAM_TAGS = {"fixed": 1, "bottom": 2}
LV_TAGS = {"endo": 1, "epi": 2, "base": 3}
BIV_TAGS = {"lv_endo": 1, "rv_endo": 2, "epi": 3, "base": 4}


@dataclass(frozen=True)
class Ellipsoid:
    """Axis-aligned ellipsoid ((x-cx)/a)^2 + ((y-cy)/b)^2 + ((z-cz)/c)^2 = 1 (mm)."""

    a: float
    b: float
    c: float
    center: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def level(self, points: np.ndarray) -> np.ndarray:
        """The left-hand side of the equation at points (n, 3): 1 on the surface, < 1 inside."""
        q = (np.asarray(points, float) - np.asarray(self.center)) / np.array([self.a, self.b, self.c])
        return np.sum(q * q, axis=-1)


#: Land 2015 problem 2/3 ellipsoid
LAND_ENDO = Ellipsoid(7.0, 7.0, 17.0)
LAND_EPI = Ellipsoid(10.0, 10.0, 20.0)
LAND_BASE_Z = 5.0
#: biventricular shape: RV ellipsoids on the +x side of the Land LV
BIV_RV_ENDO = Ellipsoid(12.0, 9.0, 16.0, (6.0, 0.0, 0.0))
BIV_RV_EPI = Ellipsoid(15.0, 12.0, 19.0, (6.0, 0.0, 0.0))


def ellipsoid_cavity_volume(r_short: float, r_long: float, z_base: float) -> float:
    """Exact volume (mm^3) of the ellipsoid x^2/r_s^2 + y^2/r_s^2 + z^2/r_l^2 <= 1 below z = z_base:

    V = pi r_s^2 int_{-r_l}^{z_b} (1 - z^2 / r_l^2) dz = pi r_s^2 (z_b + r_l - (z_b^3 + r_l^3) / (3 r_l^2)).
    Land 2015 endo (7, 17, 5): 2492.13 mm^3 (unloaded cavity of problems 2 and 3).
    """
    return math.pi * r_short ** 2 * (z_base + r_long - (z_base ** 3 + r_long ** 3) / (3 * r_long ** 2))


# --------------------------------------------------------------------------------------------
# Gmsh session helpers


class _Gmsh:
    """A Gmsh session with quiet, single-threaded, reproducible settings."""

    def __enter__(self):
        import gmsh

        gmsh.initialize(["-noenv"], readConfigFiles=False)
        gmsh.option.setNumber("General.Terminal", 0)
        gmsh.option.setNumber("General.NumThreads", 1)
        gmsh.option.setNumber("Mesh.RandomSeed", 1)
        gmsh.model.add("heartsim")
        self.gmsh = gmsh
        return gmsh

    def __exit__(self, *exc):
        self.gmsh.finalize()
        return False


def _read_back(gmsh, name: str) -> MeshData:
    """Write the current model as MSH 4.1 and read it through heartsim's mesh reader (tags by name)."""
    from heartsim.mesh.meshdata import read_mesh_data

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}.msh"
        gmsh.option.setNumber("Mesh.MshFileVersion", 4.1)
        gmsh.option.setNumber("Mesh.SaveAll", 0)
        gmsh.write(str(path))
        return read_mesh_data(path, "mm")


def _surface_point(gmsh, tag: int) -> np.ndarray:
    """A point on surface ``tag`` (its parametric centre)."""
    lo, hi = gmsh.model.getParametrizationBounds(2, tag)
    uv = [(a + b) / 2 for a, b in zip(lo, hi)]
    return np.asarray(gmsh.model.getValue(2, tag, uv), float)


def _check_size(size: float, key: str = "size") -> None:
    if not (size > 0 and math.isfinite(size)):
        raise ConfigError([f"{key}: {size}: must be a positive length (mm)"])


def _check_order(order: int) -> None:
    if order not in (1, 2):
        raise ConfigError([f"order: {order}: must be 1 (straight) or 2 (curved quadratic)"])


def _mesh_volume(gmsh, size: float, order: int, volume_tags: list[int], facet_groups: dict[str, list[int]],
                 tags: dict[str, int]) -> None:
    """Physical groups, size and 3D mesh of the current OCC model."""
    gmsh.model.addPhysicalGroup(3, volume_tags, 1, name="myocardium")
    for name, surfaces in facet_groups.items():
        if not surfaces:
            raise RuntimeError(f"no surface classified as {name}")
        gmsh.model.addPhysicalGroup(2, surfaces, tags[name], name=name)
    gmsh.option.setNumber("Mesh.MeshSizeMin", 0.5 * size)
    gmsh.option.setNumber("Mesh.MeshSizeMax", size)
    gmsh.option.setNumber("Mesh.MeshSizeFromCurvature", 0)
    gmsh.option.setNumber("Mesh.Algorithm3D", 1)
    gmsh.option.setNumber("Mesh.Optimize", 1)
    gmsh.model.mesh.generate(3)
    if order == 2:
        gmsh.model.mesh.setOrder(2)
        # curving the boundary can invert thin elements next to it: untangle them
        gmsh.model.mesh.optimize("HighOrder")


# --------------------------------------------------------------------------------------------
# generators


def land_beam(size: float = 0.5, cell: str = "hexahedron", order: int = 1) -> MeshData:
    """Land 2015 problem 1 beam [0,10]x[0,1]x[0,1] mm, cells of edge ``size`` mm (structured).

    ``cell``: ``hexahedron`` or ``tetrahedron`` (each hexahedron split into 6); facet tags ``fixed``
    (x = 0) and ``bottom`` (z = 0).
    """
    _check_size(size)
    _check_order(order)
    if cell not in ("hexahedron", "tetrahedron"):
        raise ConfigError([f"cell: {cell!r}: must be hexahedron or tetrahedron"])
    nx = max(1, math.ceil(10.0 / size - 1e-9))
    ny = max(1, math.ceil(1.0 / size - 1e-9))
    with _Gmsh() as gmsh:
        box = gmsh.model.occ.addBox(0, 0, 0, 10, 1, 1)
        gmsh.model.occ.synchronize()
        for _, curve in gmsh.model.getEntities(1):
            lo = np.array(gmsh.model.getBoundingBox(1, curve))
            length = np.abs(lo[3:] - lo[:3]).max()
            gmsh.model.mesh.setTransfiniteCurve(curve, (nx if length > 5 else ny) + 1)
        for _, surface in gmsh.model.getEntities(2):
            gmsh.model.mesh.setTransfiniteSurface(surface)
            if cell == "hexahedron":
                gmsh.model.mesh.setRecombine(2, surface)
        gmsh.model.mesh.setTransfiniteVolume(box)
        groups: dict[str, list[int]] = {"fixed": [], "bottom": []}
        for _, surface in gmsh.model.getEntities(2):
            b = np.array(gmsh.model.getBoundingBox(2, surface))
            if abs(b[0]) < 1e-3 and abs(b[3]) < 1e-3:
                groups["fixed"].append(surface)
            elif abs(b[2]) < 1e-3 and abs(b[5]) < 1e-3:
                groups["bottom"].append(surface)
        gmsh.model.addPhysicalGroup(3, [box], 1, name="myocardium")
        for name, surfaces in groups.items():
            gmsh.model.addPhysicalGroup(2, surfaces, BEAM_TAGS[name], name=name)
        if cell == "tetrahedron":
            gmsh.option.setNumber("Mesh.Recombine3DAll", 0)
        gmsh.model.mesh.generate(3)
        if order == 2:
            gmsh.option.setNumber("Mesh.SecondOrderIncomplete", 0)
            gmsh.model.mesh.setOrder(2)
        return _read_back(gmsh, "land-beam")


def _truncated(gmsh, ellipsoid: Ellipsoid, z_base: float) -> int:
    """OCC volume of the ellipsoid below z = z_base."""
    occ = gmsh.model.occ
    ball = occ.addSphere(*ellipsoid.center, 1.0)
    occ.dilate([(3, ball)], *ellipsoid.center, ellipsoid.a, ellipsoid.b, ellipsoid.c)
    big = 4 * max(ellipsoid.a, ellipsoid.b, ellipsoid.c) + 100
    cut = occ.addBox(-big, -big, z_base, 2 * big, 2 * big, big)
    out, _ = occ.cut([(3, ball)], [(3, cut)])
    return out[0][1]


def _on(ellipsoid: Ellipsoid, point: np.ndarray, tol: float = 1e-4) -> bool:
    return abs(float(ellipsoid.level(point[None])[0]) - 1.0) < tol


def _classify(gmsh, z_base: float, rules: list[tuple[str, object]]) -> dict[str, list[int]]:
    """Surfaces by name: planes at z_base are ``base``; others go to the first rule whose predicate
    holds at a point of the surface (the last rule's name takes the rest)."""
    groups: dict[str, list[int]] = {"base": []}
    groups.update({name: [] for name, _ in rules})
    for _, surface in gmsh.model.getEntities(2):
        p = _surface_point(gmsh, surface)
        if _plane(gmsh, surface, z_base):
            groups["base"].append(surface)
            continue
        name = next((name for name, holds in rules[:-1] if holds(p)), rules[-1][0])
        groups[name].append(surface)
    return groups


def _generate(kind: str, size: float, order: int, tags: dict[str, int], build) -> MeshData:
    """Run ``build(gmsh) -> (volume tags, facet groups)`` in a Gmsh session, mesh and read back."""
    _check_size(size)
    _check_order(order)
    with _Gmsh() as gmsh:
        try:
            volumes, groups = build(gmsh)
            _mesh_volume(gmsh, size, order, volumes, groups, tags)
        except Exception as exc:
            raise ConfigError([f"{kind}: Gmsh failed: {str(exc).splitlines()[0]}"]) from None
        return _read_back(gmsh, kind)


def land_ellipsoid(size: float = 2.0, order: int = 1, endo: Ellipsoid = LAND_ENDO, epi: Ellipsoid = LAND_EPI,
                   z_base: float = LAND_BASE_Z) -> MeshData:
    """Land 2015 truncated ellipsoid (problems 2, 3): tetrahedra of edge about ``size`` mm.

    Facet tags ``endo`` (1), ``epi`` (2), ``base`` (3); ``order`` 2: curved 10-node tetrahedra.
    """
    def build(gmsh):
        wall, _ = gmsh.model.occ.cut([(3, _truncated(gmsh, epi, z_base))], [(3, _truncated(gmsh, endo, z_base))])
        gmsh.model.occ.synchronize()
        return [t for _, t in wall], _classify(gmsh, z_base, [("endo", lambda p: _on(endo, p)), ("epi", None)])

    return _generate("land-ellipsoid", size, order, LV_TAGS, build)


def _plane(gmsh, surface: int, z: float) -> bool:
    """Whether surface ``tag`` is a plane at height z (OCC bounding boxes carry a small tolerance)."""
    b = gmsh.model.getBoundingBox(2, surface)
    return gmsh.model.getType(2, surface) == "Plane" and abs(b[2] - z) < 1e-3 and abs(b[5] - z) < 1e-3


def biv_ellipsoid(size: float = 2.0, order: int = 1, z_base: float = LAND_BASE_Z) -> MeshData:
    """Biventricular ellipsoid: the Land LV wall joined with an RV shell on the +x side.

    Wall = (LV epi u RV epi) - LV endo - (RV endo - LV epi), all cut at z = ``z_base``; LV ellipsoids
    (7, 7, 17) / (10, 10, 20) at the origin, RV ellipsoids (12, 9, 16) / (15, 12, 19) centred at
    (6, 0, 0) mm. Facet tags ``lv_endo`` (1), ``rv_endo`` (2), ``epi`` (3), ``base`` (4).
    """
    def build(gmsh):
        occ = gmsh.model.occ
        lv_epi = _truncated(gmsh, LAND_EPI, z_base)
        rv_epi = _truncated(gmsh, BIV_RV_EPI, z_base)
        lv_endo = _truncated(gmsh, LAND_ENDO, z_base)
        rv_endo = _truncated(gmsh, BIV_RV_ENDO, z_base)
        rv_cavity, _ = occ.cut([(3, rv_endo)], occ.copy([(3, lv_epi)]))
        body, _ = occ.fuse([(3, lv_epi)], [(3, rv_epi)])
        wall, _ = occ.cut(body, [(3, lv_endo)] + rv_cavity)
        occ.synchronize()
        septum_rv_side = lambda p: _on(LAND_EPI, p) and BIV_RV_ENDO.level(p[None])[0] < 1.0  # noqa: E731
        rules = [("lv_endo", lambda p: _on(LAND_ENDO, p)),
                 ("rv_endo", lambda p: _on(BIV_RV_ENDO, p) or septum_rv_side(p)), ("epi", None)]
        return [t for _, t in wall], _classify(gmsh, z_base, rules)

    return _generate("biv-ellipsoid", size, order, BIV_TAGS, build)


#: generator by CLI kind
GENERATORS = {"land-beam": land_beam, "land-ellipsoid": land_ellipsoid, "biv-ellipsoid": biv_ellipsoid}


def generate(kind: str, **options) -> MeshData:
    """Run generator ``kind`` in a separate Python process and return its MeshData (call on one rank).

    The Gmsh wheel carries its own MPI and PETSc libraries (MPICH-based); loaded into a process that
    already uses DOLFINx's PETSc under Open MPI they can crash it (seen as segmentation faults and
    hangs in later collective calls under ``mpirun``). A child process keeps them apart.
    ``options``: ``size``, ``order`` (and ``cell`` for the beam). ConfigError on bad options.
    """
    import json
    import pickle
    import subprocess
    import sys

    if kind not in GENERATORS:
        raise ConfigError([f"geometry: unknown kind {kind!r} (kinds: {', '.join(GENERATORS)})"])
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "mesh.pickle"
        env = {k: v for k, v in __import__("os").environ.items()
               if not k.startswith(("OMPI_", "PMIX_", "PMI_", "PRTE_"))}  # not an MPI rank of the parent's job
        result = subprocess.run([sys.executable, "-m", "heartsim.geometry.cardiac", kind, json.dumps(options), str(out)],
                                capture_output=True, text=True, env=env)
        if result.returncode == 2:
            raise ConfigError([line for line in result.stderr.splitlines() if line.strip()][-1:])
        if result.returncode != 0 or not out.is_file():
            tail = (result.stderr.strip().splitlines() or ["no output"])[-1]
            raise RuntimeError(f"{kind}: the Gmsh process failed (status {result.returncode}): {tail}")
        with open(out, "rb") as fh:
            return pickle.load(fh)


def tagged_mesh(kind: str, comm, **options):
    """Generate ``kind`` (rank 0, in a child process) and distribute it over ``comm``: a TaggedMesh
    with named facet tags. ``options`` go to the generator (``size``, ``order``, ``cell`` for the beam).
    """
    from heartsim.mesh.build import distribute
    from heartsim.runtime.collective import on_root

    data = on_root(comm, lambda: generate(kind, **options))
    return distribute(data if comm.rank == 0 else None, comm)


def _child(argv: list[str]) -> int:
    """Entry of the generator process: KIND OPTIONS_JSON OUT.pickle."""
    import json
    import pickle
    import sys

    kind, options, out = argv
    try:
        data = GENERATORS[kind](**json.loads(options))
    except ConfigError as exc:
        print(exc.lines[0], file=sys.stderr)
        return 2
    with open(out, "wb") as fh:
        pickle.dump(data, fh)
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(_child(sys.argv[1:]))
