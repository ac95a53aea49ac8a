"""The config model (typed, validated, units resolved) and its loader."""

from heartsim.config.errors import ConfigError
from heartsim.config.loader import load_config
from heartsim.config.model import Config

__all__ = ["Config", "ConfigError", "load_config"]
