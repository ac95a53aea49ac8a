"""Circulation config (units, errors naming the key) and ``heartsim circulation`` end to end."""

import json

import pytest

from heartsim.cli.main import main
from heartsim.config.circulation import CirculationConfig
from heartsim.config.errors import ConfigError
from heartsim.config.loader import validate_model
from heartsim.circulation.units import MMHG

RCR_SECTION = {
    "model": "windkessel",
    "windkessel": {"elements": 3, "R_p": "0.05 mmHg*s/mL", "C": "1.5 mL/mmHg", "R_d": "1 mmHg*s/mL"},
    "inflow": {"shape": "sine", "mean": "80 mL/s", "amplitude": "80 mL/s", "period": "0.5 s"},
    "periodic": {"tolerance": 1e-4},
}
RCR = {  # a run config with physics.circulation alone needs no mesh
    "name": "rcr",
    "physics": {"circulation": RCR_SECTION},
    "time": {"dt": "1 ms", "end": "10 s"},
    "output": {"interval": "5 ms"},
}


def test_clinical_units_are_converted():
    cfg = validate_model(CirculationConfig, {"closed_loop": {
        "period": "0.8 s",
        "chambers": {"LV": {"E_act": "2 mmHg/mL", "V0": "10 mL"}},
        "compartments": {"AR_SYS": {"R": "1 mmHg*s/mL", "C": "2 mL/mmHg", "L": "1e-3 mmHg*s^2/mL"}},
        "initial": {"p_AR_SYS": "90 mmHg", "V_LV": "0.1 L"}}}, None)
    cl = cfg.closed_loop
    assert cl.period == pytest.approx(800.0)
    assert cl.chambers.LV.E_act == pytest.approx(2 * MMHG / 1000)  # kPa/mm^3
    assert cl.chambers.LV.V0 == pytest.approx(10_000.0)  # mm^3
    assert cl.chambers.LV.E_pass == pytest.approx(0.08 * MMHG / 1000)  # default kept
    assert cl.compartments.AR_SYS.R == pytest.approx(MMHG)  # 1 mmHg s/mL = 0.1333 kPa ms/mm^3
    assert cl.compartments.AR_SYS.C == pytest.approx(2000 / MMHG)
    assert cl.compartments.AR_SYS.L == pytest.approx(1e-3 * MMHG * 1000)
    assert cl.compartments.VEN_SYS.C == pytest.approx(60_000 / MMHG)  # default kept
    assert cl.initial.p_AR_SYS == pytest.approx(90 * MMHG) and cl.initial.V_LV == pytest.approx(1e5)


@pytest.mark.parametrize("data,line", [
    ({"closed_loop": {"chambers": {"LV": {"Eact": 1}}}}, "closed_loop.chambers.LV.Eact: unknown key; did you mean E_act?"),
    ({"closed_loop": {"compartments": {"AR_SYS": {"R": "1 mL"}}}}, "closed_loop.compartments.AR_SYS.R:"),
    ({"windkessel": {"elements": 4}}, "windkessel.L: a 4-element Windkessel needs the inertance L"),
    ({"model": "windkessel", "windkessel": {"elements": 2, "R_p": 1}}, "windkessel.R_p:"),
    ({"model": "windkessel", "closed_loop": {}}, "closed_loop: does not apply to model windkessel"),
    ({"closed_loop": {"valves": {"AV": {"R_min": 2, "R_max": 1}}}}, "closed_loop.valves.AV.R_max: must exceed R_min"),
])
def test_bad_values_name_their_key(data, line):
    with pytest.raises(ConfigError) as err:
        validate_model(CirculationConfig, data, None, "circulation.")
    assert any(l.startswith("circulation." + line) for l in err.value.lines), err.value.lines


def test_rcr_run_writes_tables_plots_and_matches_analytic(write_config, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["circulation", str(write_config(RCR)), "--out", str(out)]) == 0
    for name in ("circulation.csv", "cycles.csv", "pressures.png", "summary.json", "config.resolved.json"):
        assert (out / name).is_file(), name
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "completed" and summary["periodic"] and summary["last_change"] < 1e-4
    a = summary["analytic"]
    assert a["amplitude_mmHg"] == pytest.approx(a["analytic_amplitude_mmHg"], rel=1e-3)
    assert a["phase_rad"] == pytest.approx(a["analytic_phase_rad"], abs=2e-3)
    assert a["max_error_mmHg"] < 0.05
    header = (out / "circulation.csv").read_text().splitlines()[0]
    assert header.startswith("t_ms,p_in_mmHg,Q_in_mL_per_s")


def test_closed_loop_config_in_repo_runs(tmp_path, capsys):
    from heartsim.cli.main import REPO_CONFIGS

    out = tmp_path / "cl"
    args = ["circulation", str(REPO_CONFIGS / "circulation-closed-loop.yaml"), "--out", str(out),
            "--set", "time.end=3s"]
    assert main(args) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["cycles"] == 3 and not summary["periodic"]
    assert (out / "pv_loops.png").stat().st_size > 10_000
    assert 55 < summary["last_cycle"]["LV_EF_percent"] < 75


def test_bad_input_is_one_line_and_exit_2(write_config, tmp_path, capsys):
    bad = {**RCR, "physics": {"circulation": {**RCR_SECTION, "windkessel": {"elements": 5}}}}
    out = tmp_path / "out"
    assert main(["circulation", str(write_config(bad)), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "physics.circulation.windkessel.elements" in err[0]
    assert not out.exists()
    # a dt that does not divide the period
    odd = {**RCR, "time": {"dt": "3 ms", "end": "1 s"}}
    assert main(["circulation", str(write_config(odd)), "--out", str(out)]) == 2
    assert "time.dt" in capsys.readouterr().err and not out.exists()
    # no time section: the general defaults (end 100 ms) are shorter than one 500 ms cycle
    short = {key: value for key, value in RCR.items() if key != "time"}
    assert main(["circulation", str(write_config(short)), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "time.end" in err[0] and not out.exists()


def test_refuses_non_empty_folder_without_force(write_config, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    assert main(["circulation", str(write_config(RCR)), "--out", str(out)]) == 2
    assert main(["circulation", str(write_config(RCR)), "--out", str(out), "--force"]) == 0


def test_full_config_with_physics_circulation_runs(write_config, tmp_path, capsys):
    """heartsim run runs it too, and a mesh given anyway is ignored."""
    full = {**RCR, "mesh": {"generate": "box", "size": [1, 1, 1], "resolution": 1}}
    out = tmp_path / "full"
    assert main(["run", str(write_config(full)), "--out", str(out)]) == 0
    assert json.loads((out / "summary.json").read_text())["periodic"]


def test_only_circulation_runs_without_a_mesh(small_config_dict, write_config, capsys):
    both = {k: v for k, v in small_config_dict.items() if k != "mesh"}
    both["physics"] = {**both["physics"], "circulation": RCR_SECTION}
    assert main(["validate", str(write_config(both))]) == 2
    err = [line for line in capsys.readouterr().err.strip().splitlines() if "error" in line]
    assert len(err) == 1 and "mesh: required key is missing (physics.ep needs a mesh" in err[0], err


def test_validate_accepts_the_circulation_configs(capsys):
    from heartsim.cli.main import REPO_CONFIGS

    for name in ("circulation-closed-loop.yaml", "circulation-rcr.yaml"):
        assert main(["validate", str(REPO_CONFIGS / name)]) == 0
    assert "circulation-rcr: circulation" in capsys.readouterr().out
    assert main(["validate", str(REPO_CONFIGS / "circulation-rcr.yaml"),
                 "--set", "physics.circulation.inflow.period=-1"]) == 2
