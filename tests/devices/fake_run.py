"""A run folder as a mechanics run writes it (displacement.xdmf + .h5, config.resolved.json), made with
h5py from a prescribed motion u(X, t), so that site tracking can be checked against exact answers."""

import json
from pathlib import Path

import numpy as np


def box_mesh(size=(10.0, 10.0, 20.0), n=(4, 4, 8)):
    """Points and tetrahedra (6 per hexahedron, Kuhn split) of a box [0, size]."""
    axes = [np.linspace(0, s, k + 1) for s, k in zip(size, n)]
    X = np.stack(np.meshgrid(*axes, indexing="ij"), -1).reshape(-1, 3)
    idx = np.arange(len(X)).reshape(n[0] + 1, n[1] + 1, n[2] + 1)
    corners = [idx[i:i + n[0], j:j + n[1], k:k + n[2]].ravel() for i in (0, 1) for j in (0, 1) for k in (0, 1)]
    c = np.stack(corners, 1)  # (hex, 8), corner (i, j, k) at position 4 i + 2 j + k
    paths = [(0, 4, 6, 7), (0, 4, 5, 7), (0, 2, 6, 7), (0, 2, 3, 7), (0, 1, 5, 7), (0, 1, 3, 7)]
    tets = np.concatenate([c[:, list(p)] for p in paths])
    v = X[tets]
    flip = np.einsum("ij,ij->i", np.cross(v[:, 1] - v[:, 0], v[:, 2] - v[:, 0]), v[:, 3] - v[:, 0]) < 0
    tets[flip] = tets[flip][:, [0, 2, 1, 3]]  # positively oriented
    return X, tets


def write_run(folder: Path, points, cells, times, motion, resolved=None, stem="displacement", name="u") -> Path:
    import h5py

    folder.mkdir(parents=True, exist_ok=True)
    with h5py.File(folder / f"{stem}.h5", "w") as f:
        f["/Mesh/mesh/geometry"] = points
        f["/Mesh/mesh/topology"] = cells
        for t in times:
            f[f"/Function/{name}/{t:g}".replace(".", "_")] = motion(points, t)
    grids = "".join(
        f'<Grid Name="{name}" GridType="Uniform"><Time Value="{t:g}" /><Attribute Name="{name}" AttributeType="V" '
        f'Center="Node"><DataItem Dimensions="{len(points)} 3" Format="HDF">{stem}.h5:/Function/{name}/'
        f'{f"{t:g}".replace(".", "_")}</DataItem></Attribute></Grid>' for t in times)
    (folder / f"{stem}.xdmf").write_text(
        '<?xml version="1.0"?><Xdmf Version="3.0"><Domain><Grid Name="mesh" GridType="Uniform">'
        f'<Topology TopologyType="Tetrahedron" NumberOfElements="{len(cells)}" NodesPerElement="4">'
        f'<DataItem Dimensions="{len(cells)} 4" NumberType="Int" Format="HDF">{stem}.h5:/Mesh/mesh/topology'
        f'</DataItem></Topology><Geometry GeometryType="XYZ"><DataItem Dimensions="{len(points)} 3" Format="HDF">'
        f'{stem}.h5:/Mesh/mesh/geometry</DataItem></Geometry></Grid>'
        f'<Grid Name="{name}" GridType="Collection" CollectionType="Temporal">{grids}</Grid></Domain></Xdmf>')
    (folder / "config.resolved.json").write_text(json.dumps(resolved or {"name": "prescribed"}))
    return folder


def write_tagged_mesh(folder: Path, points, triangles, values, names) -> Path:
    """A mesh file with facet tags as DOLFINx writes it (mesh.xdmf + .h5 + .tags.json); returns its path."""
    import h5py

    with h5py.File(folder / "mesh.h5", "w") as f:
        f["/Mesh/mesh/geometry"] = points
        f["/MeshTags/facet_tags/topology"] = triangles
        f["/MeshTags/facet_tags/Values"] = np.asarray(values)[:, None]
    (folder / "mesh.xdmf").write_text(
        '<?xml version="1.0"?><Xdmf Version="3.0"><Domain><Grid Name="mesh" GridType="Uniform">'
        f'<Geometry GeometryType="XYZ"><DataItem Dimensions="{len(points)} 3" Format="HDF">mesh.h5:/Mesh/mesh/geometry'
        '</DataItem></Geometry></Grid><Grid Name="facet_tags" GridType="Uniform">'
        f'<Topology TopologyType="Triangle" NumberOfElements="{len(triangles)}" NodesPerElement="3">'
        f'<DataItem Dimensions="{len(triangles)} 3" NumberType="Int" Format="HDF">mesh.h5:/MeshTags/facet_tags/topology'
        '</DataItem></Topology><Attribute Name="facet_tags" AttributeType="Scalar" Center="Cell">'
        f'<DataItem Dimensions="{len(triangles)} 1" Format="HDF">mesh.h5:/MeshTags/facet_tags/Values</DataItem>'
        '</Attribute></Grid></Domain></Xdmf>')
    (folder / "mesh.tags.json").write_text(json.dumps({"facet_tag_names": names}))
    return folder / "mesh.xdmf"
