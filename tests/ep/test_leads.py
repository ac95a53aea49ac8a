"""Pacing leads: pulse timing (S1 trains, S1-S2, CRT delays), point leads and their errors."""

import numpy as np
import pytest
from mpi4py import MPI

from heartsim.cli.main import main
from heartsim.config.errors import ConfigError
from heartsim.config.loader import validate_data
from heartsim.ep.monodomain import Monodomain
from heartsim.kernels.backend import select_backend
from heartsim.kernels.pacing import PulseTrain, train_onsets
from heartsim.mesh import build_mesh


def _case(stimuli, end=30.0, **ep):
    return {"mesh": {"generate": "box", "size": [8, 2, 1], "resolution": 0.5},
            "physics": {"ep": {"ionic": {"model": "mitchell_schaeffer"}, "stimuli": stimuli, **ep}},
            "time": {"dt": 0.1, "end": end}}


def _problem(data, comm=MPI.COMM_SELF):
    cfg = validate_data(data, None)
    return cfg, Monodomain(build_mesh(cfg.mesh, comm), cfg.physics.ep, cfg.time.dt, cfg.solver.ep_options(),
                           select_backend("numpy"))


def test_s1_s2_onsets_and_pulse_windows():
    onsets = train_onsets(10.0, 300.0, 3, (250.0, 200.0))
    assert onsets.tolist() == [10.0, 310.0, 610.0, 860.0, 1060.0]
    train = PulseTrain(onsets, 2.0, 50.0)
    assert train.active(10.0) and train.active(11.9) and not train.active(12.0) and not train.active(9.99)
    assert train.active(860.5) and not train.active(700.0)
    # t = k dt computed with round-off still hits the pulse edges consistently
    assert train.active(0.1 * 100) and not train.active(0.1 * 120)


def test_crt_lv_lead_follows_rv_lead_by_vv_delay():
    stimuli = [{"name": "RV", "point": [0.5, 1, 0.5], "radius": 0.5, "start": 5, "period": 400, "count": 2},
               {"name": "LV", "point": [7.5, 1, 0.5], "radius": 0.5, "after": "RV", "delay": "12 ms"}]
    cfg, problem = _problem(_case(stimuli))
    rv, lv = problem.stimuli
    assert rv.pulses.onsets.tolist() == [5.0, 405.0] and lv.pulses.onsets.tolist() == [17.0, 417.0]
    for _ in range(cfg.time.steps()):
        problem.advance()
    x = problem.space.tabulate_dof_coordinates()[:, 0]
    times = problem.activation.times
    # each lead activates its own end first: the RV end near 5 ms, the LV end near 17 ms
    assert 5.0 < np.nanmin(times[x < 0.6]) < 7.0
    assert 17.0 < np.nanmin(times[x > 7.4]) < 19.0
    problem.destroy()


def test_point_lead_takes_the_cell_holding_it_when_radius_is_small():
    _, problem = _problem(_case([{"point": [3.31, 1.13, 0.37], "radius": 0.01}]))
    nodes = problem.stimuli[0].nodes
    assert len(nodes) == 4  # the vertices of the tetrahedron holding the point
    problem.destroy()


def test_lead_outside_tissue_is_a_one_line_error(write_config, tmp_path, capsys):
    data = _case([{"name": "LV lead", "point": [9.5, 1, 0.5]}])
    assert main(["run", str(write_config(data)), "--out", str(tmp_path / "o")]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if "error" in line]
    assert len(err) == 1 and "physics.ep.stimuli[0].point: lead 'LV lead'" in err[0] and "outside the tissue" in err[0]
    assert not (tmp_path / "o").exists()


def test_lead_outside_the_mesh_is_caught_at_set_up_too():
    """Generated boxes are checked on load; meshes from files at set-up, by locating the point in the cells."""
    from heartsim.ep.stimulus import point_nodes

    cfg, problem = _problem(_case([{"point": [1, 1, 0.5]}]))
    stim = cfg.physics.ep.stimuli[0].model_copy(update={"point": (1.0, 1.0, 5.0)})
    with pytest.raises(ConfigError, match=r"stimuli\[0\].point: lead 'RV' at \(1.0, 1.0, 5.0\) mm lies outside"):
        point_nodes(problem.space, stim, "physics.ep.stimuli[0]", "RV")
    problem.destroy()


@pytest.mark.parametrize("bad, message", [
    ({"point": [1, 1, 1], "region": {"tag": 1}}, "give exactly one of region, point"),
    ({"point": [1, 1, 1], "after": "nobody"}, "after: no lead named 'nobody'"),
    ({"name": "A", "point": [1, 1, 1], "after": "A"}, "cycle"),
    ({"point": [1, 1, 1], "delay": 5}, "delay needs after"),
    ({"point": [1, 1, 1], "period": 300, "count": 2, "couplings": [1]}, "couplings must be at least the pulse"),
])
def test_lead_config_errors(bad, message):
    with pytest.raises(Exception, match=message):
        validate_data(_case([bad]), None)


@pytest.mark.mpi
def test_crt_leads_same_activation_on_two_ranks():
    from heartsim.verification.activation_map import activation_map

    stimuli = [{"name": "RV", "point": [0.5, 1, 0.5], "radius": 0.6},
               {"name": "LV", "point": [7.31, 1.13, 0.37], "radius": 0.01, "after": "RV", "delay": 6}]
    case = _case(stimuli, end=20.0)
    x2, t2 = activation_map(case, MPI.COMM_WORLD)
    x1, t1 = activation_map(case, MPI.COMM_SELF)
    assert np.allclose(x1, x2) and np.array_equal(np.isnan(t1), np.isnan(t2))
    assert np.nanmax(np.abs(t1 - t2)) <= 0.1


def test_resolved_config_with_leads_validates_again():
    """config.resolved.json and sweep case files write every default out; they must load again."""
    stimuli = [{"name": "RV", "point": [0.5, 1, 0.5]}, {"name": "LV", "point": [7.5, 1, 0.5], "after": "RV",
                                                         "delay": 10}]
    cfg = validate_data(_case(stimuli), None)
    again = validate_data(cfg.model_dump(mode="json"), None)
    assert again == cfg
