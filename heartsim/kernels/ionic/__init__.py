"""Ionic models by name. Each is pure-array code (NumPy or CuPy); none imports DOLFINx."""

from heartsim.kernels.ionic.aliev_panfilov import AlievPanfilov
from heartsim.kernels.ionic.base import IonicModel, resolve_parameters
from heartsim.kernels.ionic.mitchell_schaeffer import MitchellSchaeffer

MODELS: dict[str, IonicModel] = {m.name: m for m in (AlievPanfilov(), MitchellSchaeffer())}

__all__ = ["MODELS", "IonicModel", "resolve_parameters"]
