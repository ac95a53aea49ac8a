"""The catalogue of the ionic models as data: name, parameters (default, unit, meaning), scalable
conductances and cell-type variants of every model in :data:`heartsim.kernels.ionic.MODELS`.

The config layer validates ``physics.ep.ionic`` against this data (``heartsim/config/ionic_models.json``)
without importing the kernels. After adding or changing a model, regenerate it:
``scripts/in-env python3 -m heartsim.kernels.ionic.catalog > heartsim/config/ionic_models.json``
(``tests/config/test_layers.py`` fails while it is out of date).
"""

from __future__ import annotations

import json


def catalog() -> dict:
    from heartsim.kernels.ionic import MODELS

    return {name: {"parameters": {p: list(spec) for p, spec in model.parameters.items()},
                   "scalable": list(getattr(model, "scalable", ())),
                   "variants": list(getattr(model, "variants", {}))}
            for name, model in MODELS.items()}


if __name__ == "__main__":
    print(json.dumps(catalog(), indent=1))
