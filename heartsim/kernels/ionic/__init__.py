"""Ionic models by name. Each is pure-array code (NumPy or CuPy); none imports DOLFINx.

Phenomenological models (Aliev-Panfilov, Mitchell-Schaeffer) are written by hand; physiological
models (ten Tusscher-Panfilov 2006, O'Hara-Rudy 2011) are generated from ``models/*.model`` into
``generated/`` (NumPy step and CUDA source from one expression list; see ``codegen``).
"""

from heartsim.kernels.ionic.aliev_panfilov import AlievPanfilov
from heartsim.kernels.ionic.base import IonicModel, resolve_parameters
from heartsim.kernels.ionic.generated_model import METHODS, GeneratedModel
from heartsim.kernels.ionic.mitchell_schaeffer import MitchellSchaeffer

#: generated physiological models (module names under ``generated/``)
PHYSIOLOGICAL = ("tentusscher_panfilov_2006",)

MODELS: dict[str, IonicModel] = {m.name: m for m in (
    AlievPanfilov(), MitchellSchaeffer(), *(GeneratedModel(name) for name in PHYSIOLOGICAL))}

#: short names accepted by the command line (``heartsim cell tt06``)
ALIASES = {"tt06": "tentusscher_panfilov_2006", "ap": "aliev_panfilov", "ms": "mitchell_schaeffer"}

__all__ = ["ALIASES", "METHODS", "MODELS", "PHYSIOLOGICAL", "GeneratedModel", "IonicModel", "resolve_parameters"]
