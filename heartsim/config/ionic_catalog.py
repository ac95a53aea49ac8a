"""The ionic models the config accepts, with their parameters, scalable conductances and variants,
read from ``ionic_models.json`` (data written by :mod:`heartsim.kernels.ionic.catalog`), so that the
config layer never imports the kernels."""

from __future__ import annotations

import json
from pathlib import Path

#: model name -> {"parameters": {name: [default, unit, meaning]}, "scalable": [...], "variants": [...]}
IONIC_MODELS: dict[str, dict] = json.loads((Path(__file__).with_name("ionic_models.json")).read_text())
