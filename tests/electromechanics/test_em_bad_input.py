"""Bad input of the coupled beat (issue #12, "Bad input"), the cases no other test file covers, through the
CLI on the CI-sized ellipsoid window of test_beat.py:

* a mechanics step that is not a multiple of the EP step: one line naming physics.electromechanics.dt,
  exit 2 (at config load: ``validate`` and ``run``, nothing written);
* a circulation without the 3D chamber (none, or a Windkessel) and a mechanics step below the EP step,
  through ``run``: one line naming the key, exit 2, no output folder;
* a coupled step that does not converge: exit 1, one line on stderr (with -q) naming the failing time, ``summary.json``
  ``failed_at_time_ms`` / ``last_converged_time_ms`` and the last converged state (pv.csv up to it, the
  displacement) written; with ``coupling.method: monolithic`` too (the bordered Newton held to one iteration,
  so that both it and the pressure iteration it falls back to fail).

The table of all bad-input cases and the tests that prove them is in docs/electromechanics.md ("Bad input").
"""

import csv
import json

import pytest

from heartsim.cli.main import main
from heartsim.electromechanics.bordered import BorderedNewton
from tests.electromechanics.test_beat import beat_config

EM = "physics.electromechanics"


def _one_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


@pytest.mark.parametrize("command", ["validate", "run"])
def test_mechanics_step_not_a_multiple_of_the_ep_step(tmp_path, capsys, command):
    cfg = beat_config(tmp_path, **{"time.dt": "0.03 ms", f"{EM}.dt": "1 ms"})
    args = [command, str(cfg)] + (["--out", str(tmp_path / "out")] if command == "run" else [])
    assert main(args) == 2
    line = _one_line(capsys)
    assert f"{EM}.dt" in line and "not a multiple" in line and "0.03" in line, line
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("changes, words", [
    ({"time.dt": "2 ms", f"{EM}.dt": "1 ms"}, [f"{EM}.dt", "smaller than the EP step"]),
    ({"physics.circulation": {"model": "windkessel"}}, ["physics.circulation", "closed_loop", "LV is the 3D cavity"]),
    ({"physics.circulation": None}, ["physics.circulation", "closed_loop", "none given"]),
])
def test_bad_config_stops_the_run_before_anything_is_written(tmp_path, capsys, changes, words):
    assert main(["run", str(beat_config(tmp_path, **changes)), "--out", str(tmp_path / "out")]) == 2
    line = _one_line(capsys)
    assert all(w in line for w in words), line
    assert not (tmp_path / "out").exists()


def _check_failed_run(out, line):
    assert "t = 2 ms" in line and "did not converge" in line and "last converged state (t = 0 ms)" in line, line
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "failed"
    assert summary["failed_at_time_ms"] == 2.0 and summary["last_converged_time_ms"] == 0.0
    assert "t = 2 ms" in summary["error"]
    rows = list(csv.DictReader(open(out / "pv.csv")))
    assert [float(r["t_ms"]) for r in rows] == [0.0]  # the preloaded state, nothing of the failed step
    assert abs(float(rows[0]["V_LV_mL"]) - summary["preload_volume_mL"]) < 1e-3
    assert (out / "displacement.xdmf").is_file() and (out / "displacement.h5").is_file()


FAILING = {f"{EM}.coupling.max_iterations": 1, f"{EM}.coupling.volume_tolerance": "1e-9 mm^3", "time.end": "4 ms"}


def test_non_converging_pressure_iteration_writes_the_last_state(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["-q", "run", str(beat_config(tmp_path, **FAILING)), "--out", str(out)]) == 1
    _check_failed_run(out, _one_line(capsys))


def test_non_converging_monolithic_step_writes_the_last_state(tmp_path, capsys, monkeypatch):
    init = BorderedNewton.__init__

    def one_iteration(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.max_iterations = 1

    monkeypatch.setattr(BorderedNewton, "__init__", one_iteration)
    out = tmp_path / "out"
    cfg = beat_config(tmp_path, **{**FAILING, f"{EM}.coupling.method": "monolithic"})
    assert main(["-q", "run", str(cfg), "--out", str(out)]) == 1
    _check_failed_run(out, _one_line(capsys))
