"""Clinical units of 0D circulation models (the constants live in :mod:`heartsim.units`)."""

from heartsim.units import COMPLIANCE, ELASTANCE, INERTANCE, ML, ML_PER_S, MMHG, RESISTANCE, SECOND  # noqa: F401
