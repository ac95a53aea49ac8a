"""Meshes whose cells are negatively oriented by vertex order (legacy DOLFIN stores each cell's vertices
sorted): every reader reorients them by permuting nodes and keeps cell and facet tags; a legacy DOLFIN
XML file with mesh_value_collection / mesh_function markers; only degenerate or self-overlapping cells
are errors."""

import numpy as np
import pytest
from mpi4py import MPI

from heartsim import fem
from heartsim.cli.main import main
from heartsim.config.model import MeshConfig
from heartsim.mesh import build_mesh
from heartsim.mesh.meshdata import corner_jacobians, mirror_permutation
from meshes import CELL_VOLUMES, FACET_AREAS, block, sorted_vertex_order, write


def _cfg(path, **kw):
    return MeshConfig.model_validate({"file": str(path), **kw}, context={"base_dir": path.parent})


def _negative(quadratic=False) -> int:
    points, tets, *_ = block(quadratic=quadratic)
    tets = sorted_vertex_order(tets)
    return int((corner_jacobians(points, tets[:, :4], "tetra")[0] < 0).sum())


def _check(tagged, reoriented):
    cells = fem.measure_of_tags(tagged.mesh, tagged.cell_tags, 3, MPI.COMM_SELF)
    facets = fem.measure_of_tags(tagged.mesh, tagged.facet_tags, 2, MPI.COMM_SELF)
    assert cells == pytest.approx(CELL_VOLUMES, rel=1e-12)
    assert facets == pytest.approx(FACET_AREAS, rel=1e-12)
    assert f"reoriented {reoriented} of 96 cells (negative vertex order)" in tagged.notes


@pytest.mark.parametrize("name,fmt", [("s.vtu", "vtu"), ("s.vtk", "vtk"), ("s.msh", "gmsh22"),
                                      ("s.mesh", "medit"), ("s.xdmf", "xdmf")])
@pytest.mark.parametrize("quadratic", [False, True], ids=["P1", "P2"])
def test_sorted_vertex_order_is_reoriented_in_every_format(name, fmt, quadratic, tmp_path):
    if quadratic and fmt in ("medit", "xdmf"):
        pytest.skip("meshio writes/reads no quadratic cells in this format")
    n = _negative(quadratic)
    assert 20 < n < 76  # the sorted order really mixes orientations
    tagged = build_mesh(_cfg(write(tmp_path / name, fmt, quadratic, sort_vertices=True)), MPI.COMM_SELF)
    _check(tagged, n)
    assert tagged.mesh.geometry.cmap.degree == (2 if quadratic else 1)


def _dolfin_xml(path, points, tets, cell_tags, tris, facet_tags, cell_markers="collection"):
    """A legacy DOLFIN XML mesh: cells with sorted vertices; facet markers as (cell, local facet) in
    <domains>; cell markers as a mesh_value_collection there or a mesh_function side file."""
    tets = sorted_vertex_order(tets)
    owner = {}
    for c, tet in enumerate(tets):
        for local in range(4):
            owner.setdefault(frozenset(np.delete(tet, local)), (c, local))
    lines = ['<?xml version="1.0"?>', '<dolfin xmlns:dolfin="http://fenicsproject.org">',
             '  <mesh celltype="tetrahedron" dim="3">', f'    <vertices size="{len(points)}">']
    lines += [f'      <vertex index="{i}" x="{float(x)!r}" y="{float(y)!r}" z="{float(z)!r}" />' for i, (x, y, z) in enumerate(points)]
    lines += ["    </vertices>", f'    <cells size="{len(tets)}">']
    lines += [f'      <tetrahedron index="{i}" v0="{a}" v1="{b}" v2="{c}" v3="{d}" />' for i, (a, b, c, d) in enumerate(tets)]
    lines += ["    </cells>", "    <domains>",
              f'      <mesh_value_collection name="boundaries" type="uint" dim="2" size="{len(tris)}">']
    for tri, value in zip(tris, facet_tags):
        c, local = owner[frozenset(tri)]
        lines.append(f'        <value cell_index="{c}" local_entity="{local}" value="{value}" />')
    lines.append("      </mesh_value_collection>")
    if cell_markers == "collection":
        lines.append(f'      <mesh_value_collection name="regions" type="uint" dim="3" size="{len(tets)}">')
        lines += [f'        <value cell_index="{c}" local_entity="0" value="{v}" />' for c, v in enumerate(cell_tags)]
        lines.append("      </mesh_value_collection>")
    lines += ["    </domains>", "  </mesh>", "</dolfin>"]
    path.write_text("\n".join(lines) + "\n")
    if cell_markers == "function":
        side = path.with_name(path.name[: -len(".xml")] + "_physical_region.xml")
        body = [f'    <entity index="{c}" value="{v}" />' for c, v in enumerate(cell_tags)]
        side.write_text('<?xml version="1.0"?>\n<dolfin>\n'
                        f'  <mesh_function type="size_t" dim="3" size="{len(tets)}">\n' + "\n".join(body)
                        + "\n  </mesh_function>\n</dolfin>\n")
    return path


@pytest.mark.parametrize("cell_markers", ["collection", "function"])
def test_legacy_dolfin_xml_with_markers(cell_markers, tmp_path, capsys):
    path = _dolfin_xml(tmp_path / "biv.xml", *block(), cell_markers=cell_markers)
    _check(build_mesh(_cfg(path), MPI.COMM_SELF), _negative())
    assert main(["mesh", "inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert "cells: 96 tetra" in out and f"reoriented: {_negative()}" in out
    assert "facet tag 10: 1 mm^2" in out and "cell tag 2: 1 mm^3, 48 cells" in out


def test_dolfin_xml_gz_named_collections_and_bad_names(tmp_path, capsys):
    import gzip

    plain = _dolfin_xml(tmp_path / "m.xml", *block())
    gz = tmp_path / "g.xml.gz"
    gz.write_bytes(gzip.compress(plain.read_bytes()))
    _check(build_mesh(_cfg(gz, cell_tag_array="regions", facet_tag_array="boundaries"), MPI.COMM_SELF), _negative())
    with pytest.raises(Exception, match=r"mesh.facet_tag_array: g.xml.gz: no marker collection 'walls' of "
                                        r"dimension 2 \(the file has: boundaries \(dim 2\), regions \(dim 3\)\)"):
        build_mesh(_cfg(gz, facet_tag_array="walls"), MPI.COMM_SELF)


def test_mirror_permutations_flip_the_sign():
    points, tets, *_ = block(quadratic=True)
    flipped = tets[:, mirror_permutation("tetra10")]
    assert (corner_jacobians(points, flipped[:, :4], "tetra") < 0).all()
    # each edge node stays the midpoint of its (permuted) corners
    for k, (a, b) in enumerate(((0, 1), (1, 2), (0, 2), (0, 3), (1, 3), (2, 3))):
        assert np.allclose(points[flipped[:, 4 + k]], 0.5 * (points[flipped[:, a]] + points[flipped[:, b]]))
    cube = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]], float)
    hexa = np.arange(8)[None, :]
    assert (corner_jacobians(cube, hexa[:, mirror_permutation("hexahedron")], "hexahedron") < 0).all()
    perm = mirror_permutation("hexahedron27")
    assert sorted(perm) == list(range(27)) and perm[20:26] == [22, 23, 20, 21, 24, 25] and perm[26] == 26


def test_degenerate_and_self_overlapping_cells_are_errors(tmp_path, capsys, small_config_dict):
    import meshio
    import yaml

    def bad(name, mesh, expected):
        meshio.write(tmp_path / name, mesh)
        case = tmp_path / f"{name}.yaml"
        case.write_text(yaml.safe_dump(dict(small_config_dict, mesh={"file": name})))
        assert main(["run", str(case), "--out", str(tmp_path / "out")]) == 2
        err = [line for line in capsys.readouterr().err.splitlines() if "error" in line]
        assert len(err) == 1 and expected in err[0], err
        assert not (tmp_path / "out").exists()

    points, tets, *_ = block()
    flat = points.copy()
    flat[tets[0, 3]] = points[tets[0, :3]].mean(axis=0)  # node moved into the plane of the others
    bad("flat.vtu", meshio.Mesh(flat, [("tetra", tets)]), "mesh.file: flat.vtu: 2 degenerate (zero-volume) cell(s), first ids [0, 1]")
    # a bow-tie hexahedron: two top corners swapped (corner Jacobians of both signs)
    cube = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [1, 0, 1], [0, 0, 1], [1, 1, 1], [0, 1, 1]], float)
    bad("twist.vtu", meshio.Mesh(cube, [("hexahedron", np.arange(8)[None, :])]),
        "mesh.file: twist.vtu: 1 of 1 cells are self-overlapping")
    # a tetra10 whose edge node lies beyond the opposite corner: the curved cell folds over itself
    p10, t10, *_ = block(quadratic=True)
    folded = p10.copy()
    c = t10[0]
    folded[c[4]] = p10[c[0]] + 1.6 * (p10[c[1]] - p10[c[0]])
    bad("fold.vtu", meshio.Mesh(folded, [("tetra10", t10)]), "mesh.file: fold.vtu: 2 of 96 cells are self-overlapping (Jacobian of both signs), first ids [0, 5]")
