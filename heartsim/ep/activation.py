"""Activation and repolarisation times (pure-array trackers in :mod:`heartsim.kernels.activation`)."""

from heartsim.kernels.activation import ActivationTimes, Repolarisation  # noqa: F401
