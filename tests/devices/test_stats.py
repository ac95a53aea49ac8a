"""Cohort statistics: Wilson interval and ECDF area metric against hand-computed values."""

import numpy as np
import pytest

from heartsim.sweep import stats


def test_wilson_interval():
    lo, hi = stats.wilson(8, 10)  # Wilson 1927; e.g. Newcombe 1998 Table I method 3 style numbers
    assert (lo, hi) == pytest.approx((0.4902, 0.9433), abs=1e-4)
    assert stats.wilson(0, 10)[0] == 0.0 and stats.wilson(10, 10)[1] == 1.0
    assert stats.wilson(0, 0) == (0.0, 1.0)


def test_ecdf_area_is_the_shift_and_zero_for_equal_samples():
    a = np.array([1.0, 2.0, 4.0, 7.0])
    assert stats.ecdf_area(a, a) == 0.0
    assert stats.ecdf_area(a, a + 0.5) == pytest.approx(0.5)
    assert stats.ecdf_area([0.0], [1.0, 3.0]) == pytest.approx(1.0 * 1 + 0.5 * 2)  # |1-0| on [0,1), |1-.5| on [1,3)


def test_gci_recovers_order_and_limit_of_an_exact_power_law():
    from heartsim.devices.gci import gci

    for h in [(1.0, 2.0, 4.0), (1.0, 1.3, 2.0)]:  # constant and varying refinement ratio
        f = tuple(3.0 + 0.4 * x**2 for x in h)
        g = gci(h, f)
        assert g["observed_order"] == pytest.approx(2.0, rel=1e-9)
        assert g["extrapolated"] == pytest.approx(3.0, rel=1e-9)
        # GCI_fine = 1.25 |f1 - f2| / |f1| / (r^p - 1) = 1.25 |f1 - f_exact| / |f1| for an exact power law
        assert g["gci_fine"] == pytest.approx(1.25 * abs(f[0] - 3.0) / f[0], rel=1e-9)
    assert gci((1, 2, 4), (1.0, 1.1, 1.0))["oscillatory"]


def test_credibility_evidence_points_at_existing_documents_and_tests():
    from pathlib import Path

    from heartsim.devices.credibility import EVIDENCE

    repo = Path(__file__).resolve().parents[2]
    for entries in EVIDENCE.values():
        for _, doc, tests, _ in entries:
            assert (repo / doc).is_file(), doc
            assert all((repo / t).is_file() for t in tests), tests


@pytest.mark.parametrize("extra, message", [
    ({}, "verification.refine: give three mesh sizes for a refinement series"),
    ({"verification": {"refine": [0.5, 0.25, 1.0]}}, "verification.refine: give three mesh sizes, finest first"),
    ({"verification": {"refine": [0.25, 0.5, 1.0]}}, "credibility.quantities_of_interest: name the quantities"),
])
def test_refinement_series_bad_input_is_one_line(tmp_path, capsys, small_config_dict, write_config, extra, message):
    from heartsim.cli.main import main

    code = main(["credibility", str(write_config({**small_config_dict, **extra})), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and message in err[0], err
    assert not (tmp_path / "o").exists()
