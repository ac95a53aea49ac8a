"""Cavity volume and the volume constraint on a coarse Land ellipsoid (P2-P1, Guccione, base fixed).

* the reference cavity volume of the linear mesh equals the volume of its polyhedral cavity
  (the divergence theorem is exact on flat facets), below the exact ellipsoid cap volume 2492.13 mm³;
* inflating with p = 2 kPa gives a volume V; prescribing V with the volume constraint returns p = 2 kPa
  (the Lagrange multiplier) and the same displacement.
"""

import numpy as np
import pytest
from mpi4py import MPI

from ellipsoid_mesh import land_ellipsoid
from heartsim.config.mechanics import DEFAULT_MECHANICS_PETSC, MechanicsConfig
from heartsim.mechanics.problem import Loads, MechanicsProblem
from mech_helpers import AXES

MATERIAL = {"model": "guccione", "guccione": {"C": 10.0, "b_f": 1.0, "b_t": 1.0, "b_fs": 1.0}}


@pytest.fixture(scope="module")
def tagged():
    return land_ellipsoid(MPI.COMM_SELF, size=5.0)


def test_pressure_recovered_from_prescribed_volume(tagged):
    by_pressure = MechanicsProblem(tagged, MechanicsConfig.model_validate(
        {"material": MATERIAL, "boundary": {"pressure": [{"tags": ["endo"], "value": 2.0}]}}), AXES, DEFAULT_MECHANICS_PETSC)
    v0 = by_pressure.volume()
    assert 2000 < v0 < 2492.13
    by_pressure.set_loads(Loads([2.0]))
    assert by_pressure.solve().converged
    volume = by_pressure.volume()
    assert volume > 1.3 * v0

    by_volume = MechanicsProblem(tagged, MechanicsConfig.model_validate(
        {"material": MATERIAL, "boundary": {"cavity": {"tags": ["endo"], "volume": volume, "tolerance": 1e-4}}}),
        AXES, DEFAULT_MECHANICS_PETSC)
    by_volume.set_loads(Loads(volume=volume))
    result = by_volume.solve()
    assert result.converged, result.detail
    assert abs(by_volume.volume() - volume) <= 1e-4
    assert abs(float(by_volume.cavity_pressure.value) - 2.0) < 1e-4
    u1, u2 = by_pressure.displacement().x.array, by_volume.displacement().x.array
    assert np.max(np.abs(u1 - u2)) < 1e-4 * np.max(np.abs(u1))
    by_pressure.destroy()
    by_volume.destroy()
