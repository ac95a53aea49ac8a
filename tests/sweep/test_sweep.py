"""Sweeps: case expansion (grid, list, Latin hypercube, cohort), local runs, reruns, collect."""

import json

import numpy as np
import pytest
import yaml

from heartsim.cli.main import main
from heartsim.config.sweep import LatinHypercube
from heartsim.sweep.cases import load_sweep


def _write(path, data):
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.fixture
def base(small_config_dict, tmp_path):
    data = dict(small_config_dict, time={"dt": "0.1 ms", "end": "4 ms"}, output={"formats": ["xdmf"]})
    return _write(tmp_path / "base.yaml", data)


def test_generators_combine_as_product(base, tmp_path):
    (tmp_path / "a.xdmf").write_text("x")
    (tmp_path / "b.xdmf").write_text("x")
    sweep = load_sweep(_write(tmp_path / "s.yaml", {
        "base": "base.yaml",
        "grid": {"physics.ep.conductivity.longitudinal": [0.1, 0.2], "time.dt": ["0.1 ms", "0.05 ms"]},
        "cases": [{"physics.ep.stimuli[0].start": 0}, {"physics.ep.stimuli[0].start": 1}],
        "lhs": {"samples": 3, "seed": 7, "ranges": {"physics.ep.capacitance": [0.008, 0.012]}},
        "meshes": ["a.xdmf", "b.xdmf"],
    }))
    cases = sweep.overrides()
    assert len(cases) == 4 * 2 * 3 * 2
    assert len({json.dumps(c, sort_keys=True) for c in cases}) == len(cases)
    assert cases[0]["mesh.file"].endswith("a.xdmf")


def test_latin_hypercube_one_point_per_stratum_and_seeded():
    lhs = LatinHypercube(samples=10, seed=3, ranges={"a": (0.0, 1.0), "b": (10.0, 20.0)})
    points = lhs.points()
    for key, (lo, hi) in lhs.ranges.items():
        strata = np.floor((np.array([p[key] for p in points]) - lo) / (hi - lo) * 10).astype(int)
        assert sorted(strata) == list(range(10))
    assert points == LatinHypercube(samples=10, seed=3, ranges=lhs.ranges).points()
    assert points != LatinHypercube(samples=10, seed=4, ranges=lhs.ranges).points()


def test_bad_case_is_named_before_anything_runs(base, tmp_path, capsys):
    sweep = _write(tmp_path / "s.yaml", {"base": "base.yaml", "grid": {"time.dt": ["0.1 ms", "1 mm"]}})
    assert main(["sweep", str(sweep), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "sweep case 1 (time.dt=1 mm): time.dt: '1 mm' has the wrong unit dimension" in err
    assert not (tmp_path / "out").exists()


def test_unknown_sweep_key(base, tmp_path, capsys):
    sweep = _write(tmp_path / "s.yaml", {"base": "base.yaml", "gird": {}})
    assert main(["sweep", str(sweep)]) == 2
    assert "s.yaml: gird: unknown key; did you mean grid?" in capsys.readouterr().err


def test_run_rerun_and_collect_with_a_failure(base, tmp_path, capsys):
    import pandas as pd

    sweep = _write(tmp_path / "s.yaml", {"name": "demo", "base": "base.yaml", "cases": [
        {"physics.ep.conductivity.longitudinal": 0.1},
        {"physics.ep.conductivity.longitudinal": 0.2},
        {"physics.ep.conductivity.longitudinal": 0.3, "solver.ep.ksp_max_it": 1, "solver.ep.ksp_rtol": 1e-14},
    ]})
    out = tmp_path / "out"
    assert main(["sweep", str(sweep), "--out", str(out), "--jobs", "2"]) == 1
    assert main(["collect", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "3 case(s): 2 completed, 1 not" in printed and "case-0002: failed" in printed
    table = pd.read_parquet(out / "collected.parquet")
    assert list(table["state"]) == ["completed", "completed", "failed"]
    assert "diffusion solve diverged" in table.loc[2, "reason"]
    assert table.loc[0, "param.physics.ep.conductivity.longitudinal"] == 0.1
    assert table.loc[1, "activation_time_ms.max"] < table.loc[0, "activation_time_ms.max"]
    assert (out / "collected.csv").exists() and list((out / "plots").glob("*.png"))
    # a rerun runs only the case not completed
    stamp = (out / "cases/case-0000/out/summary.json").stat().st_mtime_ns
    main(["sweep", str(sweep), "--out", str(out)])
    assert (out / "cases/case-0000/out/summary.json").stat().st_mtime_ns == stamp
    assert json.loads((out / "cases/case-0002/result.json").read_text())["exit_code"] == 1


def test_changed_sweep_is_refused(base, tmp_path, capsys):
    out = tmp_path / "out"
    s1 = _write(tmp_path / "s.yaml", {"base": "base.yaml", "grid": {"time.end": ["1 ms"]}})
    assert main(["sweep", str(s1), "--out", str(out), "--slurm"]) == 0
    s2 = _write(tmp_path / "s.yaml", {"base": "base.yaml", "grid": {"time.end": ["2 ms"]}})
    assert main(["sweep", str(s2), "--out", str(out)]) == 2
    assert "the sweep changed since this folder was prepared" in capsys.readouterr().err


def test_shipped_sweeps_and_profiles_load():
    from pathlib import Path

    from heartsim.cli.batch import _profile

    repo = Path(__file__).resolve().parents[2]
    for path in sorted((repo / "configs/sweeps").glob("*.yaml")):
        assert load_sweep(path).overrides()
    for path in sorted((repo / "configs/profiles").glob("*.yaml")):
        assert _profile(path).name
