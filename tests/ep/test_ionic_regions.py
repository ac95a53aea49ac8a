"""Cell-type regions, drug block and integrator options of ``physics.ep.ionic`` in a tissue run."""

import numpy as np
import pytest
from mpi4py import MPI

from heartsim.config.errors import ConfigError
from heartsim.config.loader import validate_data
from heartsim.ep.monodomain import Monodomain
from heartsim.kernels.backend import select_backend
from heartsim.mesh import build_mesh


def _case(ionic):
    return {"mesh": {"generate": "box", "size": [4, 1, 1], "resolution": 0.5,
                     "cell_tags": [{"name": "endo_layer", "id": 1, "region": {"box": {"min": [0, 0, 0], "max": [1, 1, 1]}}},
                                   {"name": "mid", "id": 2, "region": {"box": {"min": [1, 0, 0], "max": [2, 1, 1]}}}]},
            "physics": {"ep": {"ionic": ionic, "stimuli": [{"region": {"box": {"min": [0, 0, 0], "max": [0.5, 1, 1]}}}]}},
            "time": {"dt": 0.05, "end": 1.0}}


def _problem(data, comm=MPI.COMM_SELF):
    cfg = validate_data(data, None)
    return Monodomain(build_mesh(cfg.mesh, comm), cfg.physics.ep, cfg.time.dt, cfg.solver.ep_options(),
                      select_backend("numpy"))


def _x(problem):
    return problem.space.tabulate_dof_coordinates()[:, 0]


def test_regions_give_nodes_their_cell_type_and_scale_applies_everywhere():
    problem = _problem(_case({"model": "tentusscher_panfilov_2006", "regions": {"endo_layer": "endo", "mid": "M"},
                              "scale": {"g_Kr": 0.5}, "method": "generalised_rush_larsen", "substeps": 2}))
    x = _x(problem)
    g_to, g_ks, g_kr = (np.broadcast_to(problem.params[k], x.shape) for k in ("g_to", "g_Ks", "g_Kr"))
    assert np.all(g_to[x < 0.99] == 0.073)  # endo
    assert np.all(g_ks[(x > 1.01) & (x < 1.99)] == 0.098)  # M
    assert np.all((g_to[x > 2.01] == 0.294) & (g_ks[x > 2.01] == 0.392))  # epi (the model's default)
    assert np.all(g_kr == 0.0765)
    assert (problem.model.method, problem.model.substeps) == ("generalised_rush_larsen", 2)
    for _ in range(4):
        problem.advance()
    assert np.isfinite(problem.loop.states).all()
    problem.destroy()


def test_unknown_region_tag_is_an_error_naming_the_key():
    with pytest.raises(ConfigError, match=r"physics\.ep\.ionic\.regions\.apex: no cell tag 'apex'"):
        _problem(_case({"model": "ohara_rudy_2011", "regions": {"apex": "epi"}}))


@pytest.mark.mpi
def test_regions_are_the_same_on_two_ranks():
    """Nodes on a rank boundary get the same cell type on every rank."""
    data = _case({"model": "ohara_rudy_2011", "regions": {"endo_layer": "endo", "mid": "M"}})
    comm = MPI.COMM_WORLD
    problem = _problem(data, comm)
    x = problem.space.tabulate_dof_coordinates()
    celltype = np.broadcast_to(problem.params["celltype"], x[:, 0].shape)
    rows = comm.gather(np.column_stack([np.round(x, 6), celltype]), root=0)
    problem.destroy()
    serial = _problem(data, MPI.COMM_SELF)
    serial.destroy()
    if comm.rank == 0:
        xs = serial.space.tabulate_dof_coordinates()
        ref = {tuple(p): c for p, c in zip(np.round(xs, 6), np.broadcast_to(serial.params["celltype"], xs[:, 0].shape))}
        for row in np.vstack(rows):
            assert ref[tuple(row[:3])] == row[3]
