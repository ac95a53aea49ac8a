"""Bad input: each gives exit status 2 and one line naming the offending key or file."""

from __future__ import annotations

import copy

import pytest

from heartsim.cli.main import main


def _errors(capsys) -> list[str]:
    """Error lines on stderr (info lines of the run's log are not errors)."""
    return [line for line in capsys.readouterr().err.splitlines() if "error" in line]


def _mutated(base, path, value):
    data = copy.deepcopy(base)
    node = data
    for key in path[:-1]:
        node = node[key]
    if value is _DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return data


_DELETE = object()

CASES = [
    # (what, path in the mapping, new value, text the single error line must contain)
    ("unknown key", ("physics", "ep", "conductvity"), {"longitudinal": 0.1},
     "physics.ep.conductvity: unknown key; did you mean conductivity?"),
    ("unknown section", ("outptu",), {}, "outptu: unknown key; did you mean output?"),
    ("wrong type", ("time", "end"), [1, 2], "time.end:"),
    ("wrong type bool", ("physics", "ep", "numerics"), {"lumped_mass": "often"}, "physics.ep.numerics.lumped_mass:"),
    ("wrong unit dimension", ("time", "dt"), "0.1 mm", "time.dt: '0.1 mm' has the wrong unit dimension: expected ms"),
    ("negative time step", ("time", "dt"), -0.1, "time.dt: Input should be greater than 0"),
    ("missing file", ("mesh",), {"file": "no-such-mesh.xdmf"}, "mesh.file: no such file:"),
    ("stimulus outside the mesh", ("physics", "ep", "stimuli"),
     [{"region": {"sphere": {"center": [50, 50, 50], "radius": 1}}}],
     "physics.ep.stimuli[0].region: region lies outside the mesh"),
    ("unknown ionic parameter", ("physics", "ep", "ionic", "parameters"), {"tau_inn": 1.0},
     "physics.ep.ionic.parameters"),
    ("unknown ionic model", ("physics", "ep", "ionic", "model"), "tenTusscher",
     "physics.ep.ionic.model: Input should be"),
    ("missing required section", ("mesh",), _DELETE, "mesh: required key is missing"),
    ("unknown stimulus tag", ("physics", "ep", "stimuli"), [{"region": {"tag": "apex"}}],
     "physics.ep.stimuli[0].region: no cell tag 'apex'"),
    ("checkpoint interval below dt", ("checkpoint",), {"interval": "0.01 ms"},
     "checkpoint.interval: 0.01 ms is shorter than time.dt"),
    ("theta out of range", ("physics", "ep", "numerics"), {"theta": 0.2},
     "physics.ep.numerics.theta: Input should be greater than or equal to 0.5"),
]


@pytest.mark.parametrize("what,path,value,expected", CASES, ids=[c[0] for c in CASES])
def test_validate_rejects_with_one_line(what, path, value, expected, small_config_dict, write_config, capsys):
    cfg = write_config(_mutated(small_config_dict, path, value))
    assert main(["validate", str(cfg)]) == 2
    lines = _errors(capsys)
    assert len(lines) == 1, lines
    assert expected in lines[0], lines[0]


def test_run_rejects_bad_config_before_writing(small_config_dict, write_config, tmp_path, capsys):
    cfg = write_config(_mutated(small_config_dict, ("time", "dt"), "-1 ms"))
    out = tmp_path / "out"
    assert main(["run", str(cfg), "--out", str(out)]) == 2
    assert not out.exists()
    assert "time.dt" in _errors(capsys)[0]


def test_missing_config_file(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope.yaml")]) == 2
    (line,) = _errors(capsys)
    assert "nope.yaml: no such config file" in line


def test_invalid_yaml_names_line(tmp_path, capsys):
    path = tmp_path / "broken.yaml"
    path.write_text("mesh:\n  generate: box\n   size: [1, 2\n")
    assert main(["validate", str(path)]) == 2
    (line,) = _errors(capsys)
    assert "broken.yaml: invalid YAML (line" in line


def test_bad_set_override(small_config_dict, write_config, capsys):
    cfg = write_config(small_config_dict)
    assert main(["validate", str(cfg), "--set", "time.dt"]) == 2
    assert "--set time.dt: expected section.key=value" in _errors(capsys)[0]
    assert main(["validate", str(cfg), "--set", "time.dt=2 s"]) == 2
    assert "time: dt must not exceed end" in _errors(capsys)[0]


def test_stimulus_between_nodes_is_rejected_at_run(small_config_dict, write_config, tmp_path, capsys):
    """A region inside the mesh box but holding no node is caught once the mesh exists."""
    tiny = {"box": {"min": [1.1, 1.1, 0.1], "max": [1.2, 1.2, 0.2]}}
    data = _mutated(small_config_dict, ("physics", "ep", "stimuli"), [{"region": tiny}])
    out = tmp_path / "out"
    assert main(["run", str(write_config(data)), "--out", str(out)]) == 2
    (line,) = _errors(capsys)
    assert "physics.ep.stimuli[0].region: contains no mesh node" in line
    assert not out.exists()
