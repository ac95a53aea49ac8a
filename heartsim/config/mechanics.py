"""Config section: Quasi-static finite-strain cardiac mechanics, issue 5."""

from __future__ import annotations

from heartsim.config.base import Section


class MechanicsConfig(Section):
    """Quasi-static finite-strain cardiac mechanics, issue 5 (placeholder: its options are being written)."""
