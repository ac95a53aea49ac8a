"""Physics raise InputError with keys relative to their config section; runners name the full key path."""

import pytest

from heartsim.config.errors import ConfigError, InputError, qualify
from heartsim.simulation.lifecycle import config_keys


def test_keys_are_qualified_by_the_section_unless_already_full():
    assert qualify("physics.flow", "inlet.tag") == "physics.flow.inlet.tag"
    assert qualify("physics.ep", "stimuli[0].point") == "physics.ep.stimuli[0].point"
    assert qualify("physics.flow", "mesh") == "mesh" and qualify("physics.flow", "solver.flow.x") == "solver.flow.x"
    assert qualify("physics.mechanics", "physics.mechanics.boundary.base") == "physics.mechanics.boundary.base"
    assert qualify("physics.ep", "") == "physics.ep" and qualify("", "walls[1]") == "walls[1]"


def test_runner_maps_an_input_error_to_one_config_line():
    with pytest.raises(ConfigError) as info:
        with config_keys("physics.flow"):
            raise InputError("outlets.o1", "no facet tag 'o1' in the mesh")
    assert info.value.lines == ["physics.flow.outlets.o1: no facet tag 'o1' in the mesh"]
    assert not isinstance(info.value, InputError)
