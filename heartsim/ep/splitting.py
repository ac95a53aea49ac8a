"""Operator splitting (the pure-array implementation lives in :mod:`heartsim.kernels.splitting`)."""

from heartsim.kernels.splitting import Diffusion, Reaction, split_step  # noqa: F401
