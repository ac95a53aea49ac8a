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
