"""1 rank vs 2 ranks on the biventricular case: the CI-sized BiV window (prescribed calcium, 2 steps of
2 ms, LV and RV both 3D cavities of the closed loop) gives the same pressures and volumes of both chambers
to solver tolerance."""

import pytest

from test_beat_mpi import pv_rows_on_one_and_two_ranks
from test_biv import biv_config


@pytest.mark.mpi
def test_biv_two_ranks_equal_one(tmp_path_factory):
    one, two = pv_rows_on_one_and_two_ranks(biv_config, tmp_path_factory, **{"time.end": "4 ms"})
    assert len(one) == len(two) == 3
    for a, b in zip(one, two):
        for c in ("LV", "RV"):
            assert abs(float(a[f"p_{c}_mmHg"]) - float(b[f"p_{c}_mmHg"])) < 1e-3
            assert abs(float(a[f"V_{c}_mL"]) - float(b[f"V_{c}_mL"])) < 1e-4
            assert abs(float(a[f"V_3D_{c}_mL"]) - float(b[f"V_3D_{c}_mL"])) < 1e-4
    assert float(one[-1]["p_LV_mmHg"]) > float(one[0]["p_LV_mmHg"]) + 0.1  # the window moves (contraction starts; 0.18 mmHg with the RV free wall at Tref 50)
