"""Hemodynamic metrics against analytic fields: Poiseuille WSS and flow, a linear pressure field,
the momentum balance of a tube section, the pressure force on half a tube, OSI of reversing shear;
the same numbers on 1 and 2 ranks."""

import math

import numpy as np
import pytest
from mpi4py import MPI

from heartsim import fem
from heartsim.config.base import Region
from heartsim.config.errors import ConfigError
from heartsim.flow import metrics
from heartsim.geometry.vessels import generate

R, L, U, MU, P0 = 1.0, 3.0, 0.5, 0.0035, 2.0   # mm, mm, mm/ms (centreline), kPa ms, kPa
Q = math.pi * R ** 2 * U / 2                   # mm^3/ms
G = 4 * MU * U / R ** 2                         # Poiseuille pressure gradient (kPa/mm)


def _fields(comm):
    tagged = generate("tube", comm, radius=R, length=L, size=0.25)
    mesh = tagged.mesh
    u = fem.function(fem.vector_lagrange_space(mesh, 2), "u")
    u.interpolate(lambda x: np.stack([U * (1 - (x[1] ** 2 + x[2] ** 2) / R ** 2), 0 * x[0], 0 * x[0]]))
    p = fem.function(fem.lagrange_space(mesh, 1), "p")
    p.interpolate(lambda x: G * (L - x[0]))
    return tagged, u, p


def _region(data):
    return Region.model_validate(data)


def _numbers(comm):
    tagged, u, p = _fields(comm)
    ft, wall = tagged.facet_tags, tagged.facet_value("wall")
    wss = metrics.WallShearStress(u, MU, ft, [wall])
    wss.update()
    out = {"q_in": metrics.flow_rate(u, ft, 1)(), "q_out": metrics.flow_rate(u, ft, 2)(),
           "wss_max": wss.max(), "wss_mean": wss.mean()}
    drops = metrics.pressure_drops(metrics.mean_pressure(p, ft, 1), {"outlet": metrics.mean_pressure(p, ft, 2)})
    out["drop"] = drops["outlet"]
    everything = metrics.region_facets(tagged, _region({"box": {"min": [-1, -2, -2], "max": [L + 1, 2, 2]}}),
                                       [wall], "force")
    force = metrics.DisplacementForce(u, p, MU, everything)
    out["force"], out["shear_force"], out["area"] = force(), force.shear_part(), force.area
    wss.destroy()
    return out, tagged, u, p, wss


def test_poiseuille_wss_flow_pressure_drop_and_force():
    out, tagged, u, p, wss = _numbers(MPI.COMM_SELF)
    assert out["q_in"] == pytest.approx(-Q, rel=0.02)
    assert out["q_out"] == pytest.approx(Q, rel=0.02)
    tau_exact = 4 * MU * Q / (math.pi * R ** 3)
    assert out["wss_mean"] == pytest.approx(tau_exact, rel=0.03)
    # every wall node: WSS along +x (the flow direction), magnitude within a few per cent
    tau = wss.values()[wss.on_wall]
    assert np.all(tau[:, 0] > 0)
    assert np.allclose(tau[:, 0], tau_exact, rtol=0.06)
    assert np.max(np.abs(tau[:, 1:])) < 0.1 * tau_exact
    assert np.all(wss.values()[~wss.on_wall] == 0)
    assert out["drop"] == pytest.approx(G * L, rel=1e-10)  # linear p: exact
    # momentum balance of the whole tube: the wall force equals the pressure drop times the cross-section
    assert out["area"] == pytest.approx(2 * math.pi * R * L, rel=0.02)
    assert out["force"][0] == pytest.approx(G * math.pi * R ** 2 * L, rel=0.03)
    assert out["shear_force"][0] == pytest.approx(out["force"][0], rel=0.02)  # pressure acts radially
    assert np.max(np.abs(out["force"][1:])) < 0.02 * out["force"][0]


def test_pressure_force_on_half_a_tube_and_region_kinds():
    tagged, u, p = _fields(MPI.COMM_SELF)
    u.x.array[:] = 0.0
    p.x.array[:] = P0
    wall = tagged.facet_value("wall")
    upper = metrics.region_facets(tagged, _region({"box": {"min": [-1, 0, -2], "max": [L + 1, 2, 2]}}), [wall], "r")
    force = metrics.DisplacementForce(u, p, MU, upper)()
    # the projected area of the upper half-wall is 2 R L: F = P0 2 R L along +y (outward)
    assert force[1] == pytest.approx(P0 * 2 * R * L, rel=0.02)
    assert abs(force[0]) < 0.01 * force[1] and abs(force[2]) < 0.02 * force[1]
    # a tag and a sphere holding the whole wall select the same facets as a box around it
    by_tag = metrics.region_facets(tagged, _region({"tag": "wall"}), [wall], "r")
    by_sphere = metrics.region_facets(tagged, _region({"sphere": {"center": [L / 2, 0, 0], "radius": 10}}), [wall], "r")
    assert np.array_equal(np.sort(by_tag), np.sort(by_sphere))
    with pytest.raises(ConfigError, match=r"^r.tag: no facet tag 'stent' in the mesh"):
        metrics.region_facets(tagged, _region({"tag": "stent"}), [wall], "r")
    with pytest.raises(ConfigError, match=r"^r: contains no wall facet"):
        metrics.region_facets(tagged, _region({"sphere": {"center": [50, 0, 0], "radius": 1}}), [wall], "r")


def test_osi_and_tawss_of_synthetic_shear():
    steps, period = 400, 800.0
    dt = period / steps
    t = dt * np.arange(1, steps + 1)
    acc = metrics.ShearAccumulator(4)
    for tk in t:
        s = math.sin(2 * math.pi * tk / period)
        c = math.cos(2 * math.pi * tk / period)
        acc.add([[2.0 * s, 0, 0],              # reversing: OSI 1/2, TAWSS 2 * 2 / pi
                 [2.0 + s, 0, 0],              # one-directional: OSI 0, TAWSS 2
                 [c, s, 0],                    # rotating, constant magnitude: OSI 1/2, TAWSS 1
                 [0, 0, 0]], dt)               # no shear: OSI 0 by convention
    assert acc.window == pytest.approx(period)
    assert np.allclose(acc.osi, [0.5, 0.0, 0.5, 0.0], atol=1e-9)
    assert np.allclose(acc.tawss, [4 / math.pi, 2.0, 1.0, 0.0], rtol=1e-4)
    acc.reset()
    acc.add([[3.0, 0, 0]] * 4, 1.0)            # forward 3 for 1 ms, then backward 1 for 1 ms:
    acc.add([[-1.0, 0, 0]] * 4, 1.0)           # OSI = 1/2 (1 - 2/4) = 1/4
    assert np.allclose(acc.osi, 0.25) and np.allclose(acc.tawss, 2.0)


@pytest.mark.mpi
def test_metrics_same_on_two_ranks():
    one = _numbers(MPI.COMM_SELF)[0]
    two = _numbers(MPI.COMM_WORLD)[0]
    for key in one:
        assert np.allclose(one[key], two[key], rtol=1e-10, atol=1e-14), (key, one[key], two[key])
