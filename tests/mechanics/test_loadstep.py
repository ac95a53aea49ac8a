"""Adaptive load stepping: shrink on failure, grow after easy steps, hit every target, name the failed level."""

import pytest

from heartsim.mechanics.loads import History
from heartsim.mechanics.loadstep import AdaptiveStepper, LoadStepFailure, StepResult


def _run(converges, targets=(0.5, 1.0), **kw):
    stepper = AdaptiveStepper(**{"initial": 0.5, "minimum": 0.01, "maximum": 1.0, **kw})
    tried, accepted, hit = [], [], []
    stepper.run(0.0, list(targets), lambda t: tried.append(t) or StepResult(converges(t), 3, 0.0),
                accepted.append, lambda: None, on_target=hit.append)
    return tried, accepted, hit


def test_shrinks_after_failure_and_hits_targets():
    failures = {0.5}
    tried, accepted, hit = _run(lambda t: not (t in failures and not failures.discard(t)), targets=(1.0,))
    assert tried[:2] == [0.5, 0.25]
    assert accepted[-1] == 1.0 and hit == [1.0]


def test_grows_after_easy_steps():
    _, accepted, hit = _run(lambda t: True, targets=(1.0,), initial=0.1, growth=2.0)
    assert accepted == pytest.approx([0.1, 0.3, 0.7, 1.0])
    assert hit == [1.0]


def test_failure_names_the_level():
    with pytest.raises(LoadStepFailure) as info:
        _run(lambda t: t < 0.6)
    assert info.value.t_last < 0.6 <= info.value.t_failed < info.value.t_last + 0.02
    assert "did not converge" in str(info.value)


def test_history_ramp_and_curve():
    assert History(10.0, 2.0)(1.0) == 5.0
    assert History(curve=((0, 0), (1, 4), (2, 0)))(1.5) == 2.0
