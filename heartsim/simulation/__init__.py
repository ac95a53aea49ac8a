"""Runners: build a run from a config and own its time loop."""
