"""physics.electromechanics.tension: an unknown preset or parameter name is a config-load error (one line,
exit 2, naming the key and listing what is known), and the config's lists are the tension model's."""

import dataclasses
import typing

import pytest

from heartsim.cli.main import main
from heartsim.config.electromechanics import LAND_PARAMETERS, TensionConfig
from heartsim.kernels.tension import land2017

from tests.electromechanics.test_beat import REPO


def test_config_lists_are_the_models():
    presets = typing.get_args(TensionConfig.model_fields["preset"].annotation)
    assert set(presets) == set(land2017.PRESETS)
    assert LAND_PARAMETERS == tuple(f.name for f in dataclasses.fields(land2017.LandParameters))


@pytest.mark.parametrize("setting, words", [
    ("physics.electromechanics.tension.preset=land2017",
     ["physics.electromechanics.tension.preset", "land_2017", "tor_ord_land", "land2017"]),
    ("physics.electromechanics.tension.parameters.Tre=90",
     ["physics.electromechanics.tension.parameters.Tre", "Tref"]),
    ("physics.electromechanics.coupling.method=mono",
     ["physics.electromechanics.coupling.method", "pressure_iteration", "monolithic", "mono"]),
])
def test_unknown_preset_or_parameter_is_a_load_error(capsys, setting, words):
    assert main(["validate", str(REPO / "configs" / "lv-ellipsoid-beat.yaml"), "--set", setting]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and all(w in err[0] for w in words), err
