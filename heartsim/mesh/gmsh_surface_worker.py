"""Run as a separate process by ``heartsim.mesh.volume.tetrahedralise``: closed surface -> tetrahedra.

Gmsh's surface classification partitions patches with its bundled METIS; in a process that has
loaded PETSc (and so the system METIS/ParMETIS), the symbols clash and Gmsh aborts. This script
therefore imports nothing but NumPy and Gmsh, and talks through .npz files:

    python3 gmsh_surface_worker.py IN.npz OUT.npz

IN holds ``points`` (n x 3, mm), ``triangles`` (m x 3), ``size`` (target edge, mm) and
``feature_angle`` (degrees); OUT holds ``nodes`` (gmsh node tags), ``coords``, ``tets`` (node tags,
k x 4) and, per surface patch j, ``patch_j`` (node tags, x 3). Errors: one line on stderr, exit 3.
"""

import math
import sys
import numpy as np


def _size_callback(grid: np.ndarray, affine: np.ndarray):
    """Gmsh mesh-size callback: the size grid's nearest sample (clamped), capped by Gmsh's own size."""
    inv = np.linalg.inv(affine)
    top = np.array(grid.shape) - 1

    def size_at(dim, tag, x, y, z, lc):
        ijk = np.rint(inv[:3, :3] @ (x, y, z) + inv[:3, 3]).astype(int)
        ijk = np.minimum(np.maximum(ijk, 0), top)
        return min(lc, float(grid[ijk[0], ijk[1], ijk[2]]))

    return size_at


def mesh(points, triangles, size: float, feature_angle: float, patches=None, caps=None,
         size_grid=None, size_affine=None) -> dict:
    import gmsh

    gmsh.initialize(["-noenv"], readConfigFiles=False)
    try:
        gmsh.option.setNumber("General.Terminal", 0)
        gmsh.option.setNumber("General.NumThreads", 1)
        # the triangulation as one discrete surface, in double precision (STL would round to float32)
        # the triangulation in double precision (STL would round to float32); one discrete surface
        # per given patch (caps kept apart from the wall whatever the angle at their rim)
        patch = np.zeros(len(triangles), int) if patches is None else np.asarray(patches)
        holder = gmsh.model.addDiscreteEntity(0)
        gmsh.model.mesh.addNodes(0, holder, np.arange(1, len(points) + 1), np.asarray(points, float).ravel())
        for value in np.unique(patch):
            surface = gmsh.model.addDiscreteEntity(2)
            gmsh.model.mesh.addElementsByType(surface, 2, [], (np.asarray(triangles)[patch == value] + 1).ravel())
        gmsh.model.mesh.classifySurfaces(math.radians(feature_angle), True, True, math.radians(180))
        gmsh.model.mesh.createGeometry()
        surfaces = [tag for _, tag in gmsh.model.getEntities(2)]
        cap_surfaces = [_plane_cap(gmsh, np.asarray(c[:3]), np.asarray(c[3:6]), size, c[6] if len(c) > 6 else np.inf,
                                   len(c) > 7 and bool(c[7])) for c in (caps if caps is not None else [])]
        owner = {t: k for k, group in enumerate(cap_surfaces) for t in group}  # plane surface -> cap
        loop = gmsh.model.geo.addSurfaceLoop(surfaces + list(owner))
        gmsh.model.geo.addVolume([loop])
        gmsh.model.geo.synchronize()
        gmsh.option.setNumber("Mesh.MeshSizeMin", 0.5 * size if size_grid is None else float(np.min(size_grid)))
        gmsh.option.setNumber("Mesh.MeshSizeMax", size)
        if size_grid is not None:
            gmsh.model.mesh.setSizeCallback(_size_callback(np.asarray(size_grid, float), np.asarray(size_affine)))
        gmsh.option.setNumber("Mesh.MeshSizeFromCurvature", 0)
        gmsh.option.setNumber("Mesh.Algorithm", 6)
        gmsh.option.setNumber("Mesh.Algorithm3D", 1)
        gmsh.option.setNumber("Mesh.Optimize", 1)
        gmsh.option.setNumber("Mesh.OptimizeNetgen", 1)
        gmsh.model.mesh.generate(3)
        node_tags, coords, _ = gmsh.model.mesh.getNodes()
        types, _, elem_nodes = gmsh.model.mesh.getElements(3)
        out = {"nodes": np.asarray(node_tags), "coords": np.asarray(coords, float).reshape(-1, 3)}
        if 4 in list(types):
            out["tets"] = np.asarray(elem_nodes[list(types).index(4)]).reshape(-1, 4)
        for j, (_, tag) in enumerate(gmsh.model.getEntities(2)):
            t2, _, n2 = gmsh.model.mesh.getElements(2, tag)
            if 2 in list(t2):
                tris = np.asarray(n2[list(t2).index(2)]).reshape(-1, 3)
                key = f"cap_{owner[tag]}" if tag in owner else f"patch_{j}"
                out[key] = np.vstack([out[key], tris]) if key in out else tris
        return out
    finally:
        gmsh.finalize()


def _plane_cap(gmsh, centre: np.ndarray, normal: np.ndarray, size: float, reach: float = np.inf,
               pieces: bool = False) -> list[int]:
    """Plane surfaces closing the open rim that lies on the plane (centre, normal) within ``reach`` mm
    of ``centre`` (two caps in one plane): the boundary curves the classification made along it,
    chained into a loop; with ``pieces`` (a border-plane cap of several vessels that join only beyond
    the plane), one plane surface per loop."""
    on_plane = []
    for _, tag in gmsh.model.getEntities(1):
        _, coords, _ = gmsh.model.mesh.getNodes(1, tag, includeBoundary=True)
        xyz = np.asarray(coords).reshape(-1, 3)
        if len(xyz) and np.abs((xyz - centre) @ normal).max() < 1e-6 * max(1.0, float(np.abs(xyz).max())) + 1e-3 * size \
                and np.linalg.norm(xyz - centre, axis=1).max() <= reach:
            on_plane.append(tag)
    if not on_plane:
        raise RuntimeError(f"no open rim on the cap plane through {np.round(centre, 2).tolist()}")
    ends = {t: [p for _, p in gmsh.model.getBoundary([(1, t)], combined=False, oriented=False)] for t in on_plane}
    todo, out = list(on_plane), []
    while todo:
        chain = [todo.pop(0)]
        tail = ends[chain[0]][-1] if ends[chain[0]] else None
        while todo and tail is not None:
            nxt = next((t for t in todo if tail in ends[t]), None)
            if nxt is None:
                break
            chain.append(nxt)
            todo.remove(nxt)
            tail = [p for p in ends[nxt] if p != tail][0] if len(ends[nxt]) == 2 else tail
        if todo and not pieces:
            raise RuntimeError(f"the rim on the cap plane through {np.round(centre, 2).tolist()} is not one loop")
        loop = gmsh.model.geo.addCurveLoop(chain, reorient=True)
        out.append(gmsh.model.geo.addPlaneSurface([loop]))
    return out


def main(argv: list[str]) -> int:
    src, dst = argv
    data = np.load(src)
    try:
        out = mesh(data["points"], data["triangles"], float(data["size"]), float(data["feature_angle"]),
                   data["patches"] if "patches" in data else None, data["caps"] if "caps" in data else None,
                   data["size_grid"] if "size_grid" in data else None,
                   data["size_affine"] if "size_affine" in data else None)
    except Exception as exc:  # noqa: BLE001  (one line for the caller's error message)
        print(str(exc).splitlines()[0] if str(exc) else repr(exc), file=sys.stderr)
        return 3
    np.savez(dst, **out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
