"""physics.mechanics config: units, defaults, and one-line errors naming the key."""

import pytest

from heartsim.config.errors import ConfigError
from heartsim.config.loader import validate_data

BASE = {"mesh": {"generate": "box", "size": [10, 1, 1], "resolution": 1.0}}


def _cfg(mech):
    return validate_data({**BASE, "physics": {"mechanics": mech}}, None)


def test_units_and_defaults():
    cfg = _cfg({"material": {"model": "holzapfel_ogden", "holzapfel_ogden": {"a": "59 Pa"}},
                "boundary": {"pressure": [{"tags": ["x0"], "value": "15 mmHg"}],
                             "cavity": {"tags": ["x0"], "volume": "120 mL"}}})
    mech = cfg.physics.mechanics
    assert mech.material.parameters().a == pytest.approx(0.059)
    assert mech.boundary.pressure[0].value == pytest.approx(1.99984, rel=1e-4)
    assert mech.boundary.cavity.volume == pytest.approx(120000.0)
    assert mech.formulation.kind == "incompressible" and mech.formulation.degree == 2


@pytest.mark.parametrize("mech,key", [
    ({"formulation": {"kind": "incompressible", "degree": 1}}, "physics.mechanics.formulation"),
    ({"boundary": {"pressure": [{"curve": [[0, 0], [0, 1]]}]}}, "physics.mechanics.boundary.pressure.0"),
    ({"active": {"source": "curve"}}, "physics.mechanics.active"),
    ({"boundary": {"cavity": {"tags": ["endo"]}}}, "physics.mechanics.boundary.cavity"),
    ({"material": {"guccione": {"C": "2 mm"}}}, "physics.mechanics.material.guccione.C"),
    ({"fiber": [0, 0, 0]}, "physics.mechanics"),
    ({"loading": {"initial_step": 1e-6}}, "physics.mechanics.loading"),
    ({"materail": {}}, "physics.mechanics.materail"),
])
def test_bad_values_name_the_key(mech, key):
    with pytest.raises(ConfigError) as info:
        _cfg(mech)
    assert any(line.startswith(key.replace(".0", "[0]")) for line in info.value.lines), info.value.lines
