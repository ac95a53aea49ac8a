"""The adaptive mechanics time step (``physics.electromechanics.adaptive``,
heartsim/electromechanics/stepping.py):

* the controller alone: on a quadratic x(t) the predictor-corrector difference is exactly
  (h (h + h_prev) / 2) x''; k grows at most 2x a step, shrinks with the error, goes back to 1 on a phase
  change, a slow Newton step, a fallback and inside the hold window after a beat start; a step never
  crosses an output time, a beat start or the end, and shrinks towards a valve opening predicted from the
  valve pressure margins; its state survives a JSON round trip;
* on the CI ellipsoid (passive filling: prescribed calcium at rest, the monolithic step): the adaptive run
  takes fewer steps than the fixed 2 ms one and its PV points agree within 0.1 mL / 0.1 mmHg (measured
  0.055 mL / 0.04 mmHg at 48 ms); convergence.csv reports dt per step;
* stopped after 7 steps (the step grown to 4 ms) and restarted: the same tables row for row (the controller state is in the
  checkpoint; pressure iteration, bit for bit as tests/electromechanics/test_em_restart.py);
* 1 vs 2 ranks (``-m mpi``): the same steps and PV loop to solver tolerance;
* bad keys: one line naming the key, exit 2, nothing written.
"""

import csv
import json
import logging
import math

import numpy as np
import pytest
from mpi4py import MPI

from heartsim.cli.main import main
from heartsim.config.loader import load_config
from heartsim.electromechanics.stepping import StepController
from heartsim.runtime.signals import StopAfter
from heartsim.simulation.electromechanics_run import run_electromechanics
from heartsim.simulation.run_folder import Checkpointed
from tests.electromechanics.tables import rows_without_wall_times
from tests.electromechanics.test_beat import beat_config

LOG = logging.getLogger("test")
EM = "physics.electromechanics"
#: passive filling of the CI ellipsoid (calcium at rest), 48 ms
FILLING = {f"{EM}.calcium.peak": "0.1 uM", "time.end": "48 ms", f"{EM}.output_interval": "24 ms"}
ADAPTIVE = {f"{EM}.adaptive": {"enabled": True, "dt_max": "8 ms", "hold": "0 ms", "volume_tolerance": "200 mm^3",
                               "pressure_tolerance": "0.05 kPa"}}
MONOLITHIC = {f"{EM}.coupling.method": "monolithic", "solver.mechanics.snes_rtol": 1e-6}


def _controller(**changes):
    args = dict(dt=1.0, k_max=8, period=800.0, every=10.0, volume_tolerance=1.0, pressure_tolerance=1.0,
                hold=0.0, newton_limit=20)
    args.update(changes)
    return StepController(**args)


def test_error_estimate_is_the_curvature_term_and_k_follows_it():
    c = _controller(k_max=64, every=1000.0)
    a = 0.01  # x = a t², x'' = 2a
    c.accept(0.0, [0.0], [0.0], "filling", 5, False)
    c.accept(1.0, [a], [0.0], "filling", 5, False)
    assert c.k == 1 and math.isnan(c.last_error)
    err = c.accept(3.0, [9 * a], [0.0], "filling", 5, False)  # h = 2, h_prev = 1
    assert err == pytest.approx(2 * (2 + 1) / 2 * 2 * a)
    assert c.k == 2  # growth capped at 2x (0.9 / sqrt(0.06) = 3.7)
    c.k = 8
    err = c.accept(4.0, [16 * a * 100], [0.0], "filling", 5, False)  # a jump: err >> 1
    assert err > 1 and c.k == max(1, math.floor(8 * 0.9 / math.sqrt(err)))
    c.k = 8
    c.accept(5.0, [1.0], [0.0], "ejection", 5, False)  # a valve opened
    assert c.k == 1
    c.k = 8
    c.accept(6.0, [1.0], [0.0], "ejection", 21, False)  # Newton struggled
    assert c.k == 1
    c.k = 8
    c.accept(7.0, [1.0], [0.0], "ejection", 5, True)  # the step fell back to the pressure iteration
    assert c.k == 1


def test_steps_land_on_outputs_beat_starts_and_the_end():
    c = _controller(k=8, every=10.0, period=25.0, hold=0.0)
    assert c.next_steps(0.0, 100.0) == 8
    assert c.next_steps(8.0, 100.0) == 2  # output at 10
    assert c.next_steps(20.0, 100.0) == 5  # beat start at 25
    assert c.next_steps(96.0, 99.0) == 3  # the end
    held = _controller(k=8, period=800.0, hold=100.0)
    assert held.next_steps(800.0, 2000.0) == 1 and held.k == 1  # inside the hold window: k starts again at 1
    held.k = 8
    assert held.next_steps(900.0, 2000.0) == 8


def test_steps_shrink_towards_a_predicted_valve_opening():
    c = _controller(k=8, every=1000.0)
    c.accept(0.0, [1.0], [2.0], "isovolumic_relaxation", 5, False, margins=[1.0, 5.0])
    c.accept(1.0, [1.0], [1.9], "isovolumic_relaxation", 5, False, margins=[0.9, 5.1])  # opens at t = 10
    c.k = 8
    assert c.next_steps(1.0, 100.0) == 8
    c.accept(2.0, [1.0], [1.8], "isovolumic_relaxation", 5, False, margins=[0.35, 5.2])  # now at t = 2.64
    c.k = 8
    assert c.next_steps(2.0, 100.0) == 1
    c.accept(3.0, [1.0], [1.7], "isovolumic_relaxation", 5, False, margins=[-0.1, 5.3])  # open: not watched
    c.k = 8
    assert c.next_steps(3.0, 100.0) == 8


def test_controller_state_round_trips_through_json():
    c = _controller()
    for t in (0.0, 1.0, 2.0):
        c.accept(t, [t * t, 2.0], [0.5 * t, 1.0], ("filling", "filling"), 5, False)
    copy = _controller()
    copy.set_state(json.loads(json.dumps(c.state())))
    assert copy.state() == c.state()
    assert copy.accept(4.0, [9.0, 2.0], [1.0, 1.0], ("filling", "filling"), 5, False) == \
        c.accept(4.0, [9.0, 2.0], [1.0, 1.0], ("filling", "filling"), 5, False)


def _run(folder, changes):
    folder.mkdir()
    cfg = load_config(beat_config(folder, **changes))
    summary = run_electromechanics(cfg, folder / "out", MPI.COMM_SELF, LOG)
    return (summary, list(csv.DictReader(open(folder / "out" / "pv.csv"))),
            list(csv.DictReader(open(folder / "out" / "convergence.csv"))))


def test_adaptive_filling_agrees_with_the_fixed_step_in_fewer_steps(tmp_path):
    fixed, ref, ref_conv = _run(tmp_path / "fixed", {**FILLING, **MONOLITHIC})
    got, pv, conv = _run(tmp_path / "adaptive", {**FILLING, **MONOLITHIC, **ADAPTIVE})
    assert {float(r["dt_ms"]) for r in ref_conv} == {2.0} and "adaptive" not in fixed
    dts = [float(r["dt_ms"]) for r in conv]
    assert max(dts) == 8.0 and sum(dts) == pytest.approx(48.0) and len(conv) <= 0.6 * len(ref_conv)
    assert got["adaptive"]["steps"] == len(conv) and got["adaptive"]["fixed_steps"] == 24
    times = {float(r["t_ms"]) for r in pv}
    assert {0.0, 24.0, 48.0} <= times  # the output times and the end are steps
    by_t = {float(r["t_ms"]): r for r in ref}
    dv = max(abs(float(r["V_LV_mL"]) - float(by_t[float(r["t_ms"])]["V_LV_mL"])) for r in pv)
    dp = max(abs(float(r["p_LV_mmHg"]) - float(by_t[float(r["t_ms"])]["p_LV_mmHg"])) for r in pv)
    assert 1e-4 < dv < 0.1 and dp < 0.1, (dv, dp)  # different (bigger steps), within the tolerance


def test_adaptive_restart_equals_uninterrupted(tmp_path):
    changes = {**FILLING, **ADAPTIVE, "time.end": "24 ms"}
    cfg = load_config(beat_config(tmp_path, **changes))
    whole = run_electromechanics(cfg, tmp_path / "whole", MPI.COMM_SELF, LOG)
    out = tmp_path / "split"
    with pytest.raises(Checkpointed):
        run_electromechanics(cfg, out, MPI.COMM_SELF, LOG, stop=StopAfter(7))  # after the first 4 ms step
    again = run_electromechanics(cfg, out, MPI.COMM_SELF, LOG, restart=True)
    assert again["restarts"] == 1 and again["steps"] == whole["steps"] < 12
    for name in ("pv.csv", "convergence.csv"):
        assert rows_without_wall_times(out / name) == rows_without_wall_times(tmp_path / "whole" / name)


@pytest.mark.mpi
def test_adaptive_two_ranks_equal_one(tmp_path_factory):
    from tests.electromechanics.test_beat_mpi import pv_rows_on_one_and_two_ranks

    one, two = pv_rows_on_one_and_two_ranks(beat_config, tmp_path_factory, **{**FILLING, **ADAPTIVE,
                                                                              "time.end": "24 ms"})
    assert [r["t_ms"] for r in one] == [r["t_ms"] for r in two] and len(one) < 13
    for a, b in zip(one, two):
        assert abs(float(a["p_LV_mmHg"]) - float(b["p_LV_mmHg"])) < 1e-3
        assert abs(float(a["V_LV_mL"]) - float(b["V_LV_mL"])) < 1e-4


@pytest.mark.parametrize("changes, words", [
    ({f"{EM}.adaptive": {"enabled": True, "dt_max": "5 ms"}}, [f"{EM}.adaptive.dt_max", "not a multiple", f"{EM}.dt"]),
    ({f"{EM}.adaptive": {"enabled": True, "dt_max": "1 ms"}}, [f"{EM}.adaptive.dt_max", "not a multiple"]),
    ({f"{EM}.adaptive": {"enabled": True, "tolerance": 1}}, [f"{EM}.adaptive.tolerance"]),
    ({f"{EM}.adaptive": {"enabled": True, "volume_tolerance": "-1 mm^3"}}, [f"{EM}.adaptive.volume_tolerance"]),
    ({f"{EM}.adaptive": {"enabled": True, "newton_limit": 0}}, [f"{EM}.adaptive.newton_limit"]),
])
def test_bad_adaptive_keys_are_one_line_errors(tmp_path, capsys, changes, words):
    assert main(["run", str(beat_config(tmp_path, **changes)), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and all(w in err[0] for w in words), err
    assert not (tmp_path / "out").exists()
