"""Bad input, one parametrised test per class: each ends with exit status 2, one error line naming the
offending key or file, and nothing written to the output folder. In-process CLI calls, so it stays fast."""

from __future__ import annotations

import copy
import gzip
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from heartsim.cli.main import main

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "mesh"))
from meshes import block, write  # noqa: E402

MESH_FORMATS = {"vtu": "vtu", "vtk": "vtk", "msh": "gmsh22", "mesh": "medit", "xdmf": "xdmf", "inp": "abaqus"}


def _errors(capsys) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if "error" in line]


def _refused(args, expected, capsys, out: Path | None = None):
    """main(args) exits 2 with one error line containing ``expected``, and ``out`` stays empty/absent."""
    status = main(args)
    lines = _errors(capsys)
    assert status == 2, (status, lines)
    assert len(lines) == 1 and expected in lines[0], lines
    if out is not None:
        assert not out.exists() or not any(out.iterdir()), sorted(p.name for p in out.rglob("*"))


def _case(tmp_path, data, name="case.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _with(base, **sections):
    data = copy.deepcopy(base)
    data.update(sections)
    return data


def _run(tmp_path, data, expected, capsys):
    out = tmp_path / "out"
    _refused(["run", str(_case(tmp_path, data)), "--out", str(out)], expected, capsys, out)


def _dolfin_xml(path: Path) -> Path:
    points, tets, *_ = block()
    lines = ['<?xml version="1.0"?>', "<dolfin>", '<mesh celltype="tetrahedron" dim="3">',
             f'<vertices size="{len(points)}">']
    lines += [f'<vertex index="{i}" x="{x}" y="{y}" z="{z}"/>' for i, (x, y, z) in enumerate(points.tolist())]
    lines += ["</vertices>", f'<cells size="{len(tets)}">']
    lines += [f'<tetrahedron index="{i}" v0="{a}" v1="{b}" v2="{c}" v3="{d}"/>' for i, (a, b, c, d) in enumerate(tets)]
    lines += ["</cells>", "</mesh>", "</dolfin>"]
    path.write_text("\n".join(lines))
    return path


@pytest.mark.parametrize("suffix", [*MESH_FORMATS, "xml", "xml.gz"])
def test_truncated_mesh_file(suffix, small_config_dict, tmp_path, capsys):
    good = tmp_path / f"good.{suffix}"
    if suffix.startswith("xml"):
        _dolfin_xml(tmp_path / "good.xml")
        if suffix == "xml.gz":
            good.write_bytes(gzip.compress((tmp_path / "good.xml").read_bytes()))
    else:
        write(good, MESH_FORMATS[suffix])
    data = good.read_bytes()
    cut = tmp_path / f"cut.{suffix}"
    cut.write_bytes(data[: len(data) * 6 // 10])
    _run(tmp_path, _with(small_config_dict, mesh={"file": cut.name}), f"mesh.file: cut.{suffix}: ", capsys)


@pytest.mark.parametrize("what,expected", [
    ("nan", "mesh.file: m.vtu: 1 node(s) with NaN or infinite coordinates, first ids [3]"),
    ("inf", "mesh.file: m.vtu: 1 node(s) with NaN or infinite coordinates, first ids [3]"),
    ("zero volume", "mesh.file: m.vtu: 2 degenerate (zero-volume) cell(s)"),
    ("no volume cells", "mesh.file: m.vtu: no volume cells (found: triangle)"),
])
def test_bad_mesh_geometry(what, expected, small_config_dict, tmp_path, capsys):
    import meshio

    points, tets, *_ = block()
    points = points.copy()
    cells = [("tetra", tets)]
    if what in ("nan", "inf"):
        points[3] = [np.nan if what == "nan" else np.inf, 0.0, 0.0]
    elif what == "zero volume":
        points[tets[0, 3]] = points[tets[0, :3]].mean(axis=0)
    else:
        cells = [("triangle", tets[:, :3])]
    meshio.write(tmp_path / "m.vtu", meshio.Mesh(points, cells))
    _run(tmp_path, _with(small_config_dict, mesh={"file": "m.vtu"}), expected, capsys)


@pytest.mark.parametrize("mesh,stimulus,expected", [
    ({"file": "b.msh", "cell_tag_array": "regions"}, None,
     "mesh.cell_tag_array: b.msh: no cell-data array 'regions'"),
    ({"file": "b.msh", "facet_tag_array": "walls"}, None,
     "mesh.facet_tag_array: b.msh: no cell-data array 'walls'"),
    ({"file": "b.msh"}, {"tag": "apex"}, "physics.ep.stimuli[0].region.tag: no cell tag 'apex'"),
    ({"file": "b.msh"}, {"tag": 7}, "physics.ep.stimuli[0].region.tag: no cell tag 7 in the mesh (it has: 1, 2)"),
])
def test_missing_or_unknown_tags(mesh, stimulus, expected, small_config_dict, tmp_path, capsys):
    write(tmp_path / "b.msh", "gmsh22")
    data = _with(small_config_dict, mesh=mesh)
    if stimulus is not None:
        data["physics"]["ep"]["stimuli"][0]["region"] = stimulus
    _run(tmp_path, data, expected, capsys)


@pytest.mark.parametrize("path,value,expected", [
    (("time", "dt"), "0.1 mm", "time.dt: '0.1 mm' has the wrong unit dimension"),
    (("time", "end"), "5 parsecs", "time.end:"),
    (("physics", "ep", "conductivity"), {"longitudinal": "0.1 mS"}, "physics.ep.conductivity.longitudinal:"),
    (("mesh", "unit"), "inch", "mesh.unit:"),
    (("mesh", "size"), ["4 mm", "2 ms", "1 mm"], "mesh.size"),
])
def test_wrong_units(path, value, expected, small_config_dict, tmp_path, capsys):
    data = copy.deepcopy(small_config_dict)
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    if path == ("mesh", "unit"):
        data["mesh"] = {"file": "b.vtu", "unit": "inch"}
        write(tmp_path / "b.vtu", "vtu")
    _run(tmp_path, data, expected, capsys)


@pytest.mark.parametrize("path,value,expected", [
    (("time", "dt"), "0 ms", "time.dt:"),
    (("time", "dt"), "-0.1 ms", "time.dt:"),
    (("time", "end"), "0 ms", "time.end:"),
    (("physics", "ep", "conductivity"), {"longitudinal": "-0.1 mS/mm"}, "physics.ep.conductivity.longitudinal:"),
    (("physics", "ep", "conductivity"), {"longitudinal": 0}, "physics.ep.conductivity.longitudinal:"),
    (("physics", "ep", "capacitance"), 0, "physics.ep.capacitance: Input should be greater than 0"),
    (("physics", "ep", "surface_to_volume"), -140, "physics.ep.surface_to_volume: Input should be greater than 0"),
    (("mesh", "resolution"), "0 mm", "mesh.resolution:"),
    (("physics", "ep", "stimuli"), [{"region": {"box": {"min": [0, 0, 0], "max": [0.5, 2, 1]}},
                                     "amplitude": "50 uA/mm^3", "duration": "-2 ms"}],
     "physics.ep.stimuli[0].duration:"),
])
def test_negative_or_zero_physical_parameters(path, value, expected, small_config_dict, tmp_path, capsys):
    data = copy.deepcopy(small_config_dict)
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    _run(tmp_path, data, expected, capsys)


@pytest.mark.parametrize("time,expected", [
    ({"dt": "10 ms", "end": "5 ms"}, "time: dt must not exceed end"),
    ({"dt": "0.1 ms", "end": "5 ms", "start": "6 ms"}, "time."),
])
def test_time_step_against_end_time(time, expected, small_config_dict, tmp_path, capsys):
    _run(tmp_path, _with(small_config_dict, time=time), expected, capsys)


@pytest.mark.parametrize("where", ["under a file", "is a file"])
def test_output_folder_not_writable(where, small_config_dict, tmp_path, capsys):
    # tests run as root, for whom permission bits block nothing: a path under a regular file can
    # never be created
    blocker = tmp_path / "blocker"
    blocker.write_text("a regular file")
    out = blocker / "out" if where == "under a file" else blocker
    _refused(["run", str(_case(tmp_path, small_config_dict)), "--out", str(out)], f"--out {out}: ", capsys)
    assert blocker.read_text() == "a regular file"


@pytest.mark.parametrize("target", ["config.resolved.json", "summary.json"])
def test_disk_full_during_output(target, small_config_dict, tmp_path, capsys, monkeypatch):
    """ENOSPC while writing an output file (simulated at Path.write_text, where heartsim's own files
    are written): one line naming the file, exit 2, no half-written file or temporary left behind."""
    import errno

    real = Path.write_text

    def full(self, text, *a, **k):
        if self.name in (target, f".{target}.tmp"):
            real(self, text[: len(text) // 2], *a, **k)  # a part reached the disk, then it was full
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, text, *a, **k)

    monkeypatch.setattr(Path, "write_text", full)
    out = tmp_path / "out"
    status = main(["run", str(_case(tmp_path, small_config_dict)), "--out", str(out)])
    lines = _errors(capsys)
    assert status == 2, (status, lines)
    assert len(lines) == 1 and f".{target}.tmp: No space left on device" in lines[0], lines
    assert not (out / target).exists() and not (out / f".{target}.tmp").exists()
    assert not (out / "summary.json").exists()


@pytest.mark.parametrize("text,expected", [
    ("- a\n- b\n", "the config must be a mapping of sections, got list"),
    ("just a string\n", "the config must be a mapping of sections, got str"),
    ("42\n", "the config must be a mapping of sections, got int"),
    ("name: [unclosed\n", "invalid YAML"),
])
def test_config_not_a_mapping(text, expected, tmp_path, capsys):
    _run_text(tmp_path, text, f"case.yaml: {expected}", capsys)


def _run_text(tmp_path, text, expected, capsys):
    cfg = tmp_path / "case.yaml"
    cfg.write_text(text)
    out = tmp_path / "out"
    _refused(["run", str(cfg), "--out", str(out)], expected, capsys, out)


BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
    for p, c in zip("abcdefgh", "bcdefghi")) + "name: *i\n"


@pytest.mark.parametrize("text,expected", [
    (BOMB, "case.yaml: YAML aliases expand to more than"),
    ("name: !!python/object/apply:os.system ['touch pwned']\n", "case.yaml: invalid YAML"),
    ("name: !!python/name:os.system\n", "case.yaml: invalid YAML"),
])
def test_unsafe_yaml(text, expected, tmp_path, capsys):
    _run_text(tmp_path, text, expected, capsys)
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


@pytest.mark.parametrize("sweep,expected", [
    ({"grid": {"physics.ep.conductvity.longitudinal": [0.1, 0.2]}}, "physics.ep.conductvity"),
    ({"cases": [{"tim.end": "3 ms"}]}, "tim"),
    ({"grid": {"time.dt": [0.1, "1 mm"]}}, "time.dt"),
    ({"grdi": {"time.dt": [0.1]}}, "grdi"),
])
def test_sweep_with_unknown_key(sweep, expected, small_config_dict, tmp_path, capsys):
    _case(tmp_path, small_config_dict, "base.yaml")
    path = tmp_path / "sweep.yaml"
    path.write_text(yaml.safe_dump({"name": "s", "base": "base.yaml", **sweep}))
    out = tmp_path / "sw"
    _refused(["sweep", str(path), "--out", str(out)], expected, capsys, out)


@pytest.mark.parametrize("profile,expected", [
    ({"name": "x; rm -rf /"}, "name"),
    ({"environment": {"kind": "modules", "modules": ["dolfinx$(reboot)"]}}, "environment"),
    ({"environment": {"kind": "conda", "conda_env": "env`id`"}}, "environment"),
    ({"jit_cache": "/tmp/a\nb"}, "jit_cache"),
    ({"resources": {"partition": "gpu|cat"}}, "partition"),
    ({"environment": {"kind": "container", "image": "x.sif\nreboot"}}, "environment"),
])
def test_profile_with_shell_metacharacters(profile, expected, small_config_dict, tmp_path, capsys):
    site = tmp_path / "site.yaml"
    site.write_text(yaml.safe_dump({"name": "ok", "launcher": "mpirun", "environment": {"kind": "native"},
                                    **profile}))
    out = tmp_path / "run1"
    _refused(["slurm", str(_case(tmp_path, small_config_dict)), "--profile", str(site), "--out", str(out)],
             expected, capsys, out)
    assert not list(tmp_path.glob("*.sbatch"))


def test_profile_paths_with_metacharacters_are_quoted(small_config_dict, tmp_path, capsys):
    """Paths may hold any printable character: they reach the script single-quoted, never evaluated."""
    site = tmp_path / "site.yaml"
    image = tmp_path / "img $(touch pwned) && x.sif"
    site.write_text(yaml.safe_dump({"name": "ok", "launcher": "mpirun",
                                    "environment": {"kind": "container", "image": str(image)}}))
    assert main(["slurm", str(_case(tmp_path, small_config_dict)), "--profile", str(site),
                 "--out", str(tmp_path / "run1")]) == 0
    assert f"'{image}'" in (tmp_path / "run1.sbatch").read_text()
