"""The coupled beat through the CLI on the coarse human-sized ellipsoid (configs/lv-ellipsoid-beat.yaml,
a CI-sized window: prescribed calcium, 2 ms steps, 24 ms), and its bad input.

* every coupled step converges with |V_3D - V_0D| <= the tolerance, the iterations are reported, the
  0D blood volume is conserved, the isovolumic contraction raises the pressure at constant volume;
* missing calcium, mechanics dt < EP dt, an open cavity surface, a circulation without the 3D chamber,
  a non-converging step: one-line errors (status 2), or status 1 naming the failing time.
"""

import csv
import json
from pathlib import Path

import pytest
import yaml

from heartsim.cli.main import main

REPO = Path(__file__).resolve().parents[2]


def apply_changes(data: dict, changes: dict) -> None:
    """Set (or, with None, delete) each dotted key of ``changes`` in the config dict ``data``."""
    for dotted, value in changes.items():
        node = data
        *parents, last = dotted.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        if value is None:
            del node[last]
        else:
            node[last] = value


def beat_config(tmp_path, transient: bool = True, **changes):
    data = yaml.safe_load((REPO / "configs" / "lv-ellipsoid-beat.yaml").read_text())
    data["mesh"]["file"] = str(REPO / "meshes" / "lv_ellipsoid_human.xdmf")
    if transient:
        del data["physics"]["ep"]
        data["physics"]["electromechanics"]["calcium"] = {"source": "transient", "time_to_peak": "20 ms"}
    data["physics"]["electromechanics"]["dt"] = "2 ms"
    data["physics"]["electromechanics"]["output_interval"] = "12 ms"
    data["time"] = {"dt": "0.05 ms", "end": "24 ms"}
    apply_changes(data, changes)
    path = tmp_path / "beat.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_coupled_window_converges_and_writes_outputs(tmp_path):
    out = tmp_path / "out"
    assert main(["-q", "run", str(beat_config(tmp_path)), "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "completed" and summary["steps"] == 12
    assert {"pv.csv", "convergence.csv", "pv_loop.png", "traces.png", "displacement.xdmf", "fields.xdmf"} <= set(summary["outputs"])
    conv = list(csv.DictReader(open(out / "convergence.csv")))
    assert all(float(r["volume_residual_mm3"]) <= 1.0 for r in conv)
    assert all(1 <= int(r["pressure_iterations"]) <= 20 for r in conv)
    rows = list(csv.DictReader(open(out / "pv.csv")))
    total = [float(r["V_total_mL"]) for r in rows[1:]]
    assert max(total) - min(total) < 1e-2  # mL: 0D blood volume conserved (to the coupling tolerance)
    assert abs(float(rows[0]["V_LV_mL"]) - summary["preload_volume_mL"]) < 1e-3
    # contraction has started and pressure rises
    assert float(rows[-1]["Ta_max_kPa"]) > 10
    assert float(rows[-1]["p_LV_mmHg"]) > float(rows[1]["p_LV_mmHg"]) + 5


@pytest.mark.parametrize("changes, words", [
    ({"time.dt": "2 ms", "physics.electromechanics.dt": "1 ms"}, "physics.electromechanics.dt"),
    ({"physics.circulation": {"model": "windkessel"}}, "physics.circulation"),
    ({"physics.circulation": None}, "physics.circulation"),
])
def test_bad_config_is_one_line(tmp_path, capsys, changes, words):
    assert main(["validate", str(beat_config(tmp_path, **changes))]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words in err[0], err


def test_missing_calcium_and_open_cavity(tmp_path, capsys):
    cfg = beat_config(tmp_path, transient=False, **{"physics.ep.ionic": {"model": "aliev_panfilov"}})
    assert main(["-q", "run", str(cfg), "--out", str(tmp_path / "a")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "physics.ep.ionic.model" in err[0] and "calcium" in err[0], err
    cfg = beat_config(tmp_path, **{"mesh": {"generate": "box", "size": [10, 10, 10], "resolution": 5}, "fibers": None,
                                   "physics.mechanics.boundary": {"base": ["z0"]},
                                   "physics.electromechanics.coupling.cavity_tags": ["x0"]})
    assert main(["-q", "run", str(cfg), "--out", str(tmp_path / "b")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cavity_tags" in err[0] and "does not close" in err[0], err
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_non_converging_step_names_the_time(tmp_path, capsys):
    cfg = beat_config(tmp_path, **{"physics.electromechanics.coupling.max_iterations": 1,
                                   "physics.electromechanics.coupling.volume_tolerance": "1e-9 mm^3",
                                   "time.end": "4 ms"})
    out = tmp_path / "fail"
    assert main(["run", str(cfg), "--out", str(out)]) == 1
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "failed" and summary["failed_at_time_ms"] == 2.0
    assert "t = 2 ms" in summary["error"]
    assert (out / "pv.csv").is_file()


def test_single_chamber_preload_pressure_is_used(tmp_path):
    """coupling.chambers with one entry and its own preload_pressure: the preload inflates to that pressure,
    not to preload.pressure (the first pv.csv row is the preloaded state)."""
    out = tmp_path / "out"
    cfg = beat_config(tmp_path, **{"time.end": "2 ms", "physics.electromechanics.coupling": {
        "chambers": [{"chamber": "LV", "cavity_tags": ["endo"], "preload_pressure": "4 mmHg"}]}})
    assert main(["-q", "run", str(cfg), "--out", str(out)]) == 0
    with open(out / "pv.csv") as f:
        first = next(csv.DictReader(f))
    assert abs(float(first["p_LV_mmHg"]) - 4.0) < 1e-3, first["p_LV_mmHg"]  # (8 mmHg before the fix)
