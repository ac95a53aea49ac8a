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
PHYSIOLOGICAL = ("tentusscher_panfilov_2006", "ohara_rudy_2011")


def _generated(names):
    """Models whose generated module exists (a missing one is reported by the codegen check)."""
    from importlib.util import find_spec

    return [GeneratedModel(n) for n in names if find_spec(f"heartsim.kernels.ionic.generated.{n}")]


MODELS: dict[str, IonicModel] = {m.name: m for m in (
    AlievPanfilov(), MitchellSchaeffer(), *_generated(PHYSIOLOGICAL))}

#: short names accepted by the command line (``heartsim cell tt06``)
ALIASES = {"tt06": "tentusscher_panfilov_2006", "ord": "ohara_rudy_2011", "ap": "aliev_panfilov", "ms": "mitchell_schaeffer"}

__all__ = ["ALIASES", "METHODS", "MODELS", "PHYSIOLOGICAL", "GeneratedModel", "IonicModel", "resolve_parameters"]
