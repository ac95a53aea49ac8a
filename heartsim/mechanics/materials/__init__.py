"""Passive strain energies W(F; f0, s0, n0) in kPa. Each law is a frozen dataclass with
``energy(F, fibers)`` returning UFL; ``material_from_config`` builds the configured one."""

from __future__ import annotations

from heartsim.mechanics.materials.guccione import GuccioneLaw
from heartsim.mechanics.materials.holzapfel_ogden import HolzapfelOgdenLaw
from heartsim.mechanics.materials.neo_hookean import NeoHookeanLaw

LAWS = {"guccione": GuccioneLaw, "holzapfel_ogden": HolzapfelOgdenLaw, "neo_hookean": NeoHookeanLaw}


def material_from_config(cfg):
    """The law of a ``MaterialConfig`` with its parameters."""
    return LAWS[cfg.model](**cfg.parameters().model_dump())
