"""Active tension models (pure arrays, NumPy or CuPy; never imports DOLFINx).

- :mod:`land2017`: Land et al. 2017 (J Mol Cell Cardiol 104:83), generated from
  ``heartsim/kernels/ionic/models/land_2017.model`` through the ionic code generator.
- :mod:`calcium`: the calcium state of a cell model and its conversion to uM.
"""

from heartsim.kernels.tension.calcium import CalciumState, NoCalciumError, calcium_state, calcium_uM
from heartsim.kernels.tension.land2017 import PRESETS, STATE_NAMES, LandParameterError, LandParameters

#: tension model names (``--tension``, config) -> presets of Land 2017
MODELS = tuple(PRESETS)

__all__ = ["MODELS", "PRESETS", "STATE_NAMES", "CalciumState", "LandParameterError", "LandParameters",
           "NoCalciumError", "calcium_state", "calcium_uM"]
